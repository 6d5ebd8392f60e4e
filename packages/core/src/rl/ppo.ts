/**
 * PPO (Schulman et al. 2017), clipped objective, discrete actions — one file, read top to bottom:
 * config → setup → rollout → advantage (GAE) → update → log. Structure and defaults follow
 * CleanRL's ppo.py ("The 37 implementation details of PPO", Huang et al. 2022): separate 64-64 tanh
 * actor and critic with orthogonal init, Adam (eps 1e-5) with a linearly annealed learning rate,
 * advantage normalization per minibatch, clipped value loss, entropy bonus, global grad-norm clip.
 *
 * One deliberate difference from CleanRL: a time-limit truncation is bootstrapped (r += γ V(s_final)),
 * as in SB3, instead of being treated as a terminal state (see rollout.ts, shared with A2C).
 *
 * Speed: acting uses a plain-JS forward over a weight snapshot taken once per rollout (see
 * nn/mlp.ts); only the update runs in a training backend (core/src/trainer.ts): by default each
 * minibatch step is one onnxruntime run of a compiled graph (compile/ppo.ts `PpoUpdate`: both
 * networks, the loss below, backward, clip and Adam), or, with the tfjs trainer, the tfjs update at
 * the end of this file. Both draw the same initial weights from the same Rng and compute the same
 * loss; they differ only in float rounding (test/compile.test.ts compares one update to 1e-5).
 */
import { z } from 'zod';
import * as tf from '@tensorflow/tfjs';
import { SyncVectorEnv, type Env } from '@rlllm/env';
import { Rng } from '../rng.ts';
import { MLP, forward, clipByGlobalNorm, frozenNetwork, type MLPSnapshot, type PolicyNetwork } from '../nn/mlp.ts';
import { RolloutBuffer, gatherRows, argmaxRow } from './buffers.ts';
import { collectRollout, type RolloutState } from './rollout.ts';
import { computeGae, normalizeAdvantages } from './gae.ts';
import { nullLog } from '../events.ts';
import { recentMeanReturn, type EpisodeRecord, type TrainOptions } from './common.ts';
import { trainerOf } from '../trainer.ts';
import { PpoUpdate, type PpoMinibatch } from '../compile/ppo.ts';

// ── 1. Config ──────────────────────────────────────────────────────────────────────────────────
export const PpoConfig = z.object({
  totalSteps: z.number().int().positive().default(500_000).describe('env steps to train for'),
  nEnvs: z.number().int().positive().default(4).describe('parallel envs'),
  nSteps: z.number().int().positive().default(128).describe('steps per env per rollout'),
  learningRate: z.number().positive().default(2.5e-4),
  annealLr: z.boolean().default(true).describe('linearly anneal the learning rate to 0'),
  gamma: z.number().min(0).max(1).default(0.99),
  gaeLambda: z.number().min(0).max(1).default(0.95),
  nMinibatches: z.number().int().positive().default(4),
  updateEpochs: z.number().int().positive().default(4),
  normAdv: z.boolean().default(true),
  clipCoef: z.number().positive().default(0.2),
  clipVloss: z.boolean().default(true),
  entCoef: z.number().min(0).default(0.01),
  vfCoef: z.number().min(0).default(0.5),
  maxGradNorm: z.number().positive().default(0.5),
  targetKl: z.number().min(0).default(0).describe('stop the epochs early above this approx KL (0 = off)'),
  hidden: z.array(z.number().int().positive()).default([64, 64]),
});
export type PpoConfig = z.infer<typeof PpoConfig>;

export interface PpoAgent {
  actor: PolicyNetwork;
  critic: PolicyNetwork;
  /** Greedy action (argmax of the policy logits) from a fresh snapshot. */
  greedy(): (obs: Float32Array) => number;
  dispose(): void;
}

export interface PpoResult {
  agent: PpoAgent;
  episodes: EpisodeRecord[];
  envSteps: number;
  seconds: number;
  /** Wall time split: acting+env vs the update. */
  timing: { rolloutSeconds: number; updateSeconds: number };
}

/** The two networks and their minibatch update, on one of the trainers. */
interface PpoLearner {
  /** Weight snapshots to act with. */
  snapshots(): { actor: MLPSnapshot; critic: MLPSnapshot };
  /** One gradient step; [pgLoss, vLoss, entropy, approxKl, clipFrac] (the tfjs trainer computes them only when asked). */
  update(mb: PpoMinibatch, learningRate: number, wantStats: boolean): Promise<number[] | null>;
  /** The trained networks; frees what only training needed. */
  finish(): Promise<{ actor: PolicyNetwork; critic: PolicyNetwork }>;
}

export async function trainPpo(
  makeEnv: (index: number) => Env<Float32Array, number>,
  configIn: Partial<PpoConfig>,
  opts: TrainOptions,
): Promise<PpoResult> {
  const cfg = PpoConfig.parse(configIn);
  const log = opts.log ?? nullLog;

  // ── 2. Setup ─────────────────────────────────────────────────────────────────────────────────
  const rng = new Rng(opts.seed);
  const envs = new SyncVectorEnv(Array.from({ length: cfg.nEnvs }, (_, i) => makeEnv(i)));
  const obsDim = envs.obsDim;
  const nActions = (envs.envs[0]!.actionSpace as unknown as { n: number }).n;
  // Actor obsDim → hidden → nActions (output gain 0.01), critic → 1 (gain 1), orthogonal init,
  // drawn from rng in that order; Adam with ε 1e-5. One onnxruntime thread: two were not faster
  // at 128-row minibatches (core README).
  const learner: PpoLearner =
    trainerOf(opts.trainer) === 'ort' ? ortLearner(new PpoUpdate(obsDim, nActions, cfg.hidden, cfg, rng, { intraOpNumThreads: 1 })) : tfjsLearner(obsDim, nActions, cfg, rng);
  const batchSize = cfg.nEnvs * cfg.nSteps;
  const minibatchSize = Math.floor(batchSize / cfg.nMinibatches);
  const nUpdates = Math.max(1, Math.floor(cfg.totalSteps / batchSize));
  const buf = new RolloutBuffer(cfg.nSteps, cfg.nEnvs, obsDim);
  const episodes: EpisodeRecord[] = [];

  const roll: RolloutState = { obs: envs.reset(rng.seed()), globalStep: 0 };
  const t0 = performance.now();
  let rolloutMs = 0;
  let updateMs = 0;

  for (let update = 1; update <= nUpdates; update++) {
    const learningRate = cfg.annealLr ? (1 - (update - 1) / nUpdates) * cfg.learningRate : cfg.learningRate;

    // ── 3. Rollout: act with the current policy for nSteps in every env ────────────────────────
    const tr = performance.now();
    // (rollout.ts: acting from a weight snapshot; time-limit truncations bootstrapped with γ V(s_final))
    const { actor, critic } = learner.snapshots();
    const lastValues = collectRollout(envs, actor, critic, buf, roll, rng, cfg.gamma, episodes, log);

    // ── 4. Advantage: GAE(γ, λ) bootstrapped from V(s_T) ────────────────────────────────────────
    const { advantages, returns } = computeGae(buf.rewards, buf.values, buf.dones, lastValues, cfg.nEnvs, cfg.gamma, cfg.gaeLambda);
    rolloutMs += performance.now() - tr;

    // ── 5. Update: K epochs of minibatch SGD on the clipped surrogate ───────────────────────────
    // (the loss: clipped surrogate + c_v · clipped value loss − c_e · entropy, global-norm clip, Adam;
    // written for tfjs in `tfjsLearner` below and for onnxruntime in compile/ppo.ts `ppoLoss`)
    const tu = performance.now();
    let stats: number[] = [];
    epochs: for (let epoch = 0; epoch < cfg.updateEpochs; epoch++) {
      const perm = rng.permutation(batchSize);
      for (let start = 0; start + minibatchSize <= batchSize; start += minibatchSize) {
        const idx = perm.subarray(start, start + minibatchSize);
        const mb = minibatch(idx, advantages, returns);
        const keepStats = start + 2 * minibatchSize > batchSize; // last minibatch of the epoch
        const out = await learner.update(mb, learningRate, keepStats);
        if (out && keepStats) {
          stats = out;
          if (cfg.targetKl > 0 && stats[3]! > cfg.targetKl) break epochs;
        }
      }
    }
    updateMs += performance.now() - tu;

    // ── 6. Log ─────────────────────────────────────────────────────────────────────────────────
    const recentReturn = recentMeanReturn(episodes);
    const [pgLoss, vLoss, entropy, approxKl, clipFrac] = stats;
    const sps = roll.globalStep / ((performance.now() - t0) / 1000);
    log.log('update', { update, step: roll.globalStep, recentReturn, pgLoss, vLoss, entropy, approxKl, clipFrac, sps: Math.round(sps), lr: learningRate });
    opts.progress?.update(roll.globalStep, `return ${Number.isNaN(recentReturn) ? '-' : recentReturn.toFixed(1)}`);
    if (opts.onUpdate?.({ step: roll.globalStep, recentReturn })) break;
  }

  const { actor, critic } = await learner.finish();
  const agent: PpoAgent = {
    actor,
    critic,
    greedy() {
      const w = actor.snapshot();
      return (o: Float32Array) => argmaxRow(forward(w, o, 1), 0, nActions);
    },
    dispose() {
      actor.dispose();
      critic.dispose();
    },
  };
  return { agent, episodes, envSteps: roll.globalStep, seconds: (performance.now() - t0) / 1000, timing: { rolloutSeconds: rolloutMs / 1000, updateSeconds: updateMs / 1000 } };

  // Minibatch arrays; advantages normalized per minibatch (CleanRL's norm_adv).
  function minibatch(idx: Int32Array, advantages: Float32Array, returns: Float32Array): PpoMinibatch {
    const n = idx.length;
    const adv = new Float32Array(n);
    const mbActions = new Int32Array(n);
    const oldLogp = new Float32Array(n);
    const oldV = new Float32Array(n);
    const ret = new Float32Array(n);
    for (let b = 0; b < n; b++) {
      const k = idx[b]!;
      adv[b] = advantages[k]!;
      mbActions[b] = buf.actions[k]!;
      oldLogp[b] = buf.logProbs[k]!;
      oldV[b] = buf.values[k]!;
      ret[b] = returns[k]!;
    }
    if (cfg.normAdv) normalizeAdvantages(adv);
    return { obs: gatherRows(buf.obs, obsDim, idx), actions: mbActions, adv, oldLogp, oldV, ret, n };
  }
}

/** The onnxruntime trainer: compile/ppo.ts computes this file's loss in one compiled step per minibatch. */
function ortLearner(ppo: PpoUpdate): PpoLearner {
  return {
    snapshots: () => ppo.snapshots(),
    update: (mb, learningRate) => ppo.update(mb, learningRate),
    async finish() {
      const { actor, critic } = ppo.snapshots();
      await ppo.dispose();
      return { actor: frozenNetwork(actor), critic: frozenNetwork(critic) };
    },
  };
}

/** The tfjs trainer: tfjs variables, tfjs autodiff and Adam. */
function tfjsLearner(obsDim: number, nActions: number, cfg: PpoConfig, rng: Rng): PpoLearner {
  const actor = new MLP([obsDim, ...cfg.hidden, nActions], rng, { outputGain: 0.01, name: 'actor' });
  const critic = new MLP([obsDim, ...cfg.hidden, 1], rng, { outputGain: 1.0, name: 'critic' });
  const params = [...actor.variables, ...critic.variables];
  const optimizer = tf.train.adam(cfg.learningRate, 0.9, 0.999, 1e-5);
  return {
    snapshots: () => ({ actor: actor.snapshot(), critic: critic.snapshot() }),
    async update(mb, learningRate, wantStats) {
      (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
      let statsT: tf.Tensor | null = null;
      tf.tidy(() => {
        const x = tf.tensor2d(mb.obs, [mb.n, obsDim]);
        const act = tf.oneHot(tf.tensor1d(mb.actions, 'int32'), nActions);
        const adv = tf.tensor1d(mb.adv);
        const oldLogp = tf.tensor1d(mb.oldLogp);
        const oldV = tf.tensor1d(mb.oldV);
        const ret = tf.tensor1d(mb.ret);
        const { grads } = tf.variableGrads(() => {
          const logpAll = tf.logSoftmax(actor.apply(x));
          const newLogp = tf.sum(tf.mul(logpAll, act), 1);
          const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logpAll), logpAll), 1)));
          const newV = tf.reshape(critic.apply(x), [mb.n]);
          const logRatio = tf.sub(newLogp, oldLogp);
          const ratio = tf.exp(logRatio);
          // Clipped surrogate objective (PPO paper eq. 7), as a loss to minimize.
          const pgLoss = tf.mean(tf.maximum(tf.mul(tf.neg(adv), ratio), tf.mul(tf.neg(adv), tf.clipByValue(ratio, 1 - cfg.clipCoef, 1 + cfg.clipCoef))));
          // Value loss, clipped around the rollout's value estimate (CleanRL's clip_vloss).
          const vUnclipped = tf.square(tf.sub(newV, ret));
          const vLoss = cfg.clipVloss
            ? tf.mul(0.5, tf.mean(tf.maximum(vUnclipped, tf.square(tf.sub(tf.add(oldV, tf.clipByValue(tf.sub(newV, oldV), -cfg.clipCoef, cfg.clipCoef)), ret)))))
            : tf.mul(0.5, tf.mean(vUnclipped));
          if (wantStats) {
            // approx KL, the (r − 1) − log r estimator (Schulman's "Approximating KL divergence").
            const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
            const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), cfg.clipCoef), 'float32'));
            statsT = tf.keep(tf.stack([pgLoss, vLoss, entropy, approxKl, clipFrac]));
          }
          return tf.add(tf.sub(pgLoss, tf.mul(cfg.entCoef, entropy)), tf.mul(cfg.vfCoef, vLoss)) as tf.Scalar;
        }, params);
        optimizer.applyGradients(clipByGlobalNorm(grads, cfg.maxGradNorm).grads);
      });
      if (!statsT) return null;
      const s = Array.from((statsT as tf.Tensor).dataSync());
      (statsT as tf.Tensor).dispose();
      return s;
    },
    async finish() {
      optimizer.dispose();
      return { actor, critic };
    },
  };
}
