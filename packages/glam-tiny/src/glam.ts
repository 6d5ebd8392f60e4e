/**
 * GLAM (Carta et al. 2023), in the order of its method: the LM is the policy — π(a | s) is the softmax
 * over the six action names of their log-probabilities after the text prompt (policy.ts) — and it is
 * grounded by online RL: PPO fine-tunes all of its weights on the environment's reward (§3, this
 * file); the grounded policy is then measured on fresh episodes with training and held-out targets
 * (§4, evaluate.ts).
 *
 * The training loop: the LM policy acts in N parallel BabyAI-Text envs, and PPO (Schulman et al.
 * 2017) fine-tunes *all* of the LM's weights plus the value head on the environment's reward. One
 * file, top to bottom: config → setup → rollout → advantage → update → log, following CleanRL's
 * ppo.py and GLAM's `LLMPPOAgent` (rollouts of nEnvs × nSteps, GAE, a few epochs of minibatch
 * updates on the clipped surrogate, value loss, entropy bonus).
 *
 *   state s_t   = the prompt built from the mission and the current observation (policy.ts glamPrompt)
 *   action a_t  ~ π(· | s_t) = softmax over the 6 action names of log p_LM(name | prompt)
 *   reward      = BabyAI's 1 − 0.9·t/T on success, else 0
 *
 * As in GLAM's BabyAI code, an episode cut by the time limit ends like a terminal one (mask 0, no
 * bootstrap): the reward 1 − 0.9·t/T already depends on time, so the step count is part of the state
 * the return is about.
 *
 * The rollout's log π and V and the update run on the process's trainer (core/src/trainer.ts): by
 * default a compiled onnxruntime step over the LM and its heads (compiledPolicy.ts, `ppoStep`'s loss
 * in the compile API; the trained weights go back into the tfjs model at the end), or, with the tfjs
 * trainer, the policy's tfjs forward and `ppoStep` below.
 */
import { z } from 'zod';
import { computeGae, normalizeAdvantages, optimizerStep, PpoConfig, prefixed, Rng, tf, trainerOf, withDefaults, type EventLog, type Progress, type TrainerName } from '@rlllm/core';
import type { BabyAIText } from '@rlllm/env';
import { CompiledGlamPolicy } from './compiledPolicy.ts';
import { glamPrompt, lengthOrder, type LmPolicy } from './policy.ts';

// ── 1. Config ──────────────────────────────────────────────────────────────────────────────────
export const GlamPpoConfig = z.object({
  totalSteps: z.number().int().positive().default(1024).describe('env steps of PPO (all envs together)'),
  nEnvs: z.number().int().positive().default(16).describe('parallel envs'),
  nSteps: z.number().int().positive().default(8).describe('steps per env per rollout'),
  updateEpochs: z.number().int().positive().default(2),
  minibatchSize: z.number().int().positive().default(32).describe('transitions per gradient step'),
  learningRate: z.number().positive().default(1e-5).describe('Adam learning rate on the LM weights and the value head (chosen on dev seeds 101–104, never reported; README)'),
  adamEps: z.number().positive().default(1e-5),
  gamma: z.number().min(0).max(1).default(0.99),
  gaeLambda: z.number().min(0).max(1).default(0.95),
  clipCoef: z.number().positive().default(0.2),
  vfCoef: z.number().min(0).default(0.5),
  entCoef: z.number().min(0).default(0.01),
  maxGradNorm: z.number().positive().default(0.5),
  warmupIterations: z.number().int().min(0).default(0).describe('ramp the learning rate linearly from learningRate/W to learningRate over the first W iterations (0 = off)'),
  targetKl: z.number().min(0).default(0).describe("stop an iteration's remaining minibatch steps once the approx KL to the rollout policy exceeds this (CleanRL's target_kl, checked per minibatch; 0 = off)"),
});
export type GlamPpoConfig = z.infer<typeof GlamPpoConfig>;

/** The leaf's config: GLAM's PPO (above) with this task's budget, symbolic PPO's learning rate (core's PpoConfig), the env and the evaluation. */
export const GlamConfig = z.object({
  ...withDefaults(GlamPpoConfig.pick({ totalSteps: true, nEnvs: true, nSteps: true, updateEpochs: true, minibatchSize: true, learningRate: true, entCoef: true, warmupIterations: true, targetKl: true }).shape, { totalSteps: 1536, updateEpochs: 1 }),
  ...prefixed('symbolic', PpoConfig.pick({ learningRate: true })),
  evalEpisodes: z.number().int().positive().default(48).describe('fresh episodes per split for the final success rates'),
  roomSize: z.number().int().min(3).max(10).default(4).describe('interior side of the BabyAI-Text room'),
  maxObjects: z.number().int().min(1).default(2).describe('objects per room (1..maxObjects)'),
  maxSteps: z.number().int().min(4).default(16).describe('episode time limit'),
  symbolicLongSteps: z.number().int().min(0).default(0).describe('also train symbolic PPO this long (a reference for its sample efficiency); 0 = off'),
  curvePoints: z.number().int().min(1).default(8).describe('bins of the success-vs-steps curves (at most totalSteps / (nEnvs · maxSteps), see curveBins)'),
});
export type GlamConfig = z.infer<typeof GlamConfig>;

export interface GlamEpisode {
  /** Env steps (all envs) at the end of the episode. */
  step: number;
  success: boolean;
  length: number;
  return: number;
}

export interface GlamIterationStats {
  iteration: number;
  step: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFrac: number;
  lr: number;
  earlyStop: boolean;
  rolloutSeconds: number;
  updateSeconds: number;
}

export interface GlamTrainResult {
  episodes: GlamEpisode[];
  iterations: GlamIterationStats[];
  envSteps: number;
  seconds: number;
}

export interface GlamTrainOptions {
  seed: number;
  log?: EventLog;
  progress?: Progress;
  /** The training backend (default: the process's). */
  trainer?: TrainerName;
}

export async function trainGlam(policy: LmPolicy, makeEnv: (index: number) => BabyAIText, cfgIn: Partial<GlamPpoConfig>, opts: GlamTrainOptions): Promise<GlamTrainResult> {
  const cfg = GlamPpoConfig.parse(cfgIn);

  // ── 2. Setup ─────────────────────────────────────────────────────────────────────────────────
  const rng = new Rng(opts.seed);
  const N = cfg.nEnvs;
  const T = cfg.nSteps;
  const nA = policy.nActions;
  const envs = Array.from({ length: N }, (_, i) => makeEnv(i));
  envs.forEach((env) => env.reset({ seed: rng.seed() }));
  let prompts = policy.encode(envs.map(glamPrompt));
  // The onnxruntime twin of the policy (its own Adam state), or tfjs's Adam on the policy's variables.
  const compiled = trainerOf(opts.trainer) === 'ort' ? new CompiledGlamPolicy(policy, cfg) : null;
  const optimizer = compiled ? null : tf.train.adam(cfg.learningRate, 0.9, 0.999, cfg.adamEps);
  const evaluate = (ps: number[][]) => (compiled ? compiled.evaluate(ps) : policy.evaluate(ps));
  const nIterations = Math.max(1, Math.floor(cfg.totalSteps / (N * T)));
  const episodes: GlamEpisode[] = [];
  const iterations: GlamIterationStats[] = [];
  const epReturn = new Float64Array(N);
  const epLength = new Int32Array(N);
  let globalStep = 0;
  const t0 = performance.now();

  // Rollout storage, time-major (index t·N + i), as computeGae wants it.
  const bufPrompts: number[][] = new Array(T * N);
  const bufActions = new Int32Array(T * N);
  const bufLogp = new Float32Array(T * N);
  const bufValues = new Float32Array(T * N);
  const bufRewards = new Float32Array(T * N);
  const bufDones = new Uint8Array(T * N);

  for (let iteration = 1; iteration <= nIterations; iteration++) {
    // Adam's first steps move every weight by ≈ lr (its bias-corrected m/√v ≈ ±1), which for a whole
    // LM is a large change of π; a short warm-up keeps those first updates small.
    const lr = iteration <= cfg.warmupIterations ? (cfg.learningRate * iteration) / cfg.warmupIterations : cfg.learningRate;
    if (optimizer) (optimizer as unknown as { learningRate: number }).learningRate = lr;

    // ── 3. Rollout: the LM scores the six actions for every env's prompt; sample; step ────────────
    const tr = performance.now();
    for (let t = 0; t < T; t++) {
      const { logPi, values } = await evaluate(prompts);
      for (let i = 0; i < N; i++) {
        const k = t * N + i;
        const row = logPi.subarray(i * nA, (i + 1) * nA);
        const a = rng.categorical(Array.from(row, Math.exp));
        bufPrompts[k] = prompts[i]!;
        bufActions[k] = a;
        bufLogp[k] = row[a]!;
        bufValues[k] = values[i]!;
        const r = envs[i]!.step(a);
        globalStep++;
        epReturn[i]! += r.reward;
        epLength[i]!++;
        bufRewards[k] = r.reward;
        bufDones[k] = r.terminated || r.truncated ? 1 : 0;
        if (r.terminated || r.truncated) {
          episodes.push({ step: globalStep, success: r.terminated, length: epLength[i]!, return: epReturn[i]! });
          epReturn[i] = 0;
          epLength[i] = 0;
          envs[i]!.reset(); // the env's own seeded generator draws the next room
        }
      }
      prompts = policy.encode(envs.map(glamPrompt));
    }
    // V(s_T) of the state each env is in now, under the policy that collected the rollout.
    const lastValues = (await evaluate(prompts)).values;

    // ── 4. Advantage: GAE(γ, λ) ───────────────────────────────────────────────────────────────────
    const { advantages, returns } = computeGae(bufRewards, bufValues, bufDones, lastValues, N, cfg.gamma, cfg.gaeLambda);
    const rolloutSeconds = (performance.now() - tr) / 1000;

    // ── 5. Update: epochs of minibatch Adam steps on the clipped surrogate + value loss − entropy ──
    const tu = performance.now();
    const sums = { policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFrac: 0, n: 0 };
    let earlyStop = false;
    epochs: for (let epoch = 0; epoch < cfg.updateEpochs; epoch++) {
      const order = rng.permutation(T * N);
      for (let s = 0; s < T * N; s += cfg.minibatchSize) {
        const idx = Array.from(order.subarray(s, Math.min(T * N, s + cfg.minibatchSize)));
        const mb: PpoMinibatch = {
          prompts: idx.map((k) => bufPrompts[k]!),
          actions: idx.map((k) => bufActions[k]!),
          oldLogp: idx.map((k) => bufLogp[k]!),
          advantages: idx.map((k) => advantages[k]!),
          returns: idx.map((k) => returns[k]!),
        };
        const st = compiled ? await compiled.update(mb, lr) : ppoStep(policy, optimizer!, mb, cfg);
        for (const key of ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFrac'] as const) sums[key] += st[key] * idx.length;
        sums.n += idx.length;
        // st.approxKl is measured before this step, i.e. the drift the earlier steps caused.
        if (cfg.targetKl > 0 && st.approxKl > cfg.targetKl) {
          earlyStop = true;
          break epochs;
        }
      }
    }
    const updateSeconds = (performance.now() - tu) / 1000;

    // ── 6. Log ─────────────────────────────────────────────────────────────────────────────────
    const stats: GlamIterationStats = {
      iteration,
      step: globalStep,
      policyLoss: sums.policyLoss / sums.n,
      valueLoss: sums.valueLoss / sums.n,
      entropy: sums.entropy / sums.n,
      approxKl: sums.approxKl / sums.n,
      clipFrac: sums.clipFrac / sums.n,
      lr,
      earlyStop,
      rolloutSeconds,
      updateSeconds,
    };
    iterations.push(stats);
    const recent = episodes.slice(-32);
    const success = recent.length ? recent.filter((e) => e.success).length / recent.length : NaN;
    opts.log?.log('glam-iteration', { ...stats, recentSuccess: success, episodes: episodes.length });
    opts.progress?.update(globalStep, `success ${Number.isNaN(success) ? '-' : success.toFixed(2)} (last ${recent.length} episodes)`);
  }
  if (compiled) {
    compiled.sync();
    await compiled.dispose();
  } else optimizer!.dispose();
  return { episodes, iterations, envSteps: globalStep, seconds: (performance.now() - t0) / 1000 };
}

/** A minibatch of stored transitions (prompts as token ids). */
export interface PpoMinibatch {
  prompts: number[][];
  actions: number[];
  /** log π_old(a | s) at collection time. */
  oldLogp: number[];
  advantages: number[];
  returns: number[];
}

export interface PpoStepStats {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFrac: number;
}

/**
 * One gradient step of PPO on a minibatch: clipped surrogate (PPO eq. 7) on log π(a | s) from the
 * LM's action scores, ½(V − R)² on the value head, minus an entropy bonus over the six actions;
 * gradients through every LM weight (GLAM fine-tunes the whole LM), clipped to a global norm.
 */
export function ppoStep(policy: LmPolicy, optimizer: tf.Optimizer, mb: PpoMinibatch, cfg: Pick<GlamPpoConfig, 'clipCoef' | 'vfCoef' | 'entCoef' | 'maxGradNorm'>): PpoStepStats {
  const nA = policy.nActions;
  // Advantages normalized per minibatch (CleanRL's norm_adv).
  const advAll = normalizeAdvantages([...mb.advantages]);
  // The loss is a mean over the minibatch, so its order is free: sort by prompt length, and
  // policy.forward pads each chunk only to its own longest prompt.
  const order = lengthOrder(mb.prompts);
  const prompts = order.map((i) => mb.prompts[i]!);
  const adv = order.map((i) => advAll[i]!);
  const diag: tf.Scalar[] = [];
  const [actionMask, oldLogp, advT, retT] = [
    tf.oneHot(tf.tensor1d(order.map((i) => mb.actions[i]!), 'int32'), nA).cast('float32'),
    tf.tensor1d(order.map((i) => mb.oldLogp[i]!)),
    tf.tensor1d(adv),
    tf.tensor1d(order.map((i) => mb.returns[i]!)),
  ];
  optimizerStep(optimizer, policy.variables, () => {
    const { logPi, values } = policy.forward(prompts);
    const newLogp = logPi.mul(actionMask).sum(1);
    const logRatio = newLogp.sub(oldLogp);
    const ratio = tf.exp(logRatio);
    const pgLoss = tf.maximum(advT.neg().mul(ratio), advT.neg().mul(tf.clipByValue(ratio, 1 - cfg.clipCoef, 1 + cfg.clipCoef))).mean();
    const vLoss = values.sub(retT).square().mean().mul(0.5);
    // Entropy of π over the six actions (not over the LM's vocabulary).
    const entropy = tf.exp(logPi).mul(logPi).sum(1).neg().mean();
    diag.push(
      tf.keep(pgLoss.clone() as tf.Scalar),
      tf.keep(vLoss.clone() as tf.Scalar),
      tf.keep(entropy.clone() as tf.Scalar),
      tf.keep(ratio.sub(1).sub(logRatio).mean() as tf.Scalar), // approx KL, (r − 1) − log r
      tf.keep(tf.abs(ratio.sub(1)).greater(cfg.clipCoef).cast('float32').mean() as tf.Scalar),
    );
    return pgLoss.add(vLoss.mul(cfg.vfCoef)).sub(entropy.mul(cfg.entCoef)) as tf.Scalar;
  }, cfg.maxGradNorm);
  const [policyLoss, valueLoss, entropy, approxKl, clipFrac] = diag.map((d) => d.dataSync()[0]!);
  tf.dispose([...diag, actionMask, oldLogp, advT, retT]);
  return { policyLoss: policyLoss!, valueLoss: valueLoss!, entropy: entropy!, approxKl: approxKl!, clipFrac: clipFrac! };
}
