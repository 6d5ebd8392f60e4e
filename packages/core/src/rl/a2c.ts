/**
 * A2C (Mnih et al. 2016, synchronous) — one file: config → setup → rollout of n steps → advantage
 * → one actor-critic gradient step → log. Defaults follow SB3's A2C (5 steps, RMSprop 7e-4,
 * α 0.99, eps 1e-5, value coef 0.5, grad clip 0.5, GAE λ = 1 i.e. plain n-step returns).
 * With λ = 1 the advantage is the n-step return minus V(s); when a rollout covers whole episodes
 * (nSteps ≥ the episode length) it is the Monte-Carlo return — REINFORCE with a learned baseline
 * (Williams 1992).
 *
 * The update runs on the process's trainer (core/src/trainer.ts): one compiled onnxruntime step
 * (`ortLearner`) by default, or tfjs autodiff (`tfjsLearner`) — the same loss and optimizer
 * written in the two APIs at the end of this file, from the same initial weights.
 */
import { z } from 'zod';
import * as tf from '@tensorflow/tfjs';
import { SyncVectorEnv, type Env } from '@rlllm/env';
import { Rng } from '../rng.ts';
import { MLP, forward, clipByGlobalNorm, frozenNetwork, type MLPSnapshot, type PolicyNetwork } from '../nn/mlp.ts';
import { RolloutBuffer, argmaxRow } from './buffers.ts';
import { collectRollout, type RolloutState } from './rollout.ts';
import { computeGae, normalizeAdvantages } from './gae.ts';
import { nullLog } from '../events.ts';
import { recentMeanReturn, type EpisodeRecord, type TrainOptions } from './common.ts';
import { trainerOf } from '../trainer.ts';
import { CompiledStep, add, exp, gatherElements, initMlpWeights, logSoftmax, mean, mlpForward, mlpParams, mlpSnapshot, mul, neg, reshape, sub, sum, unsqueeze, type OptimizerConfig } from '../compile/index.ts';

// ── 1. Config ──────────────────────────────────────────────────────────────────────────────────
export const A2cConfig = z.object({
  totalSteps: z.number().int().positive().default(100_000),
  nEnvs: z.number().int().positive().default(8),
  nSteps: z.number().int().positive().default(5),
  learningRate: z.number().positive().default(7e-4),
  optimizer: z.enum(['rmsprop', 'adam']).default('rmsprop'),
  gamma: z.number().min(0).max(1).default(0.99),
  gaeLambda: z.number().min(0).max(1).default(1.0),
  entCoef: z.number().min(0).default(0.0),
  vfCoef: z.number().min(0).default(0.5),
  maxGradNorm: z.number().positive().default(0.5),
  normAdv: z.boolean().default(false),
  hidden: z.array(z.number().int().positive()).default([64, 64]),
});
export type A2cConfig = z.infer<typeof A2cConfig>;

export interface A2cResult {
  actor: PolicyNetwork;
  critic: PolicyNetwork;
  greedy(): (obs: Float32Array) => number;
  episodes: EpisodeRecord[];
  envSteps: number;
  seconds: number;
}

export async function trainA2c(makeEnv: (index: number) => Env<Float32Array, number>, configIn: Partial<A2cConfig>, opts: TrainOptions): Promise<A2cResult> {
  const cfg = A2cConfig.parse(configIn);
  const log = opts.log ?? nullLog;

  // ── 2. Setup ─────────────────────────────────────────────────────────────────────────────────
  const rng = new Rng(opts.seed);
  const envs = new SyncVectorEnv(Array.from({ length: cfg.nEnvs }, (_, i) => makeEnv(i)));
  const obsDim = envs.obsDim;
  const nActions = (envs.envs[0]!.actionSpace as unknown as { n: number }).n;
  // Actor obsDim → hidden → nActions (output gain 0.01) and critic → 1, drawn from rng in that order.
  const learner = trainerOf(opts.trainer) === 'ort' ? ortLearner(obsDim, nActions, cfg, rng) : tfjsLearner(obsDim, nActions, cfg, rng);
  const buf = new RolloutBuffer(cfg.nSteps, cfg.nEnvs, obsDim);
  const episodes: EpisodeRecord[] = [];
  const batch = cfg.nSteps * cfg.nEnvs;
  const nUpdates = Math.max(1, Math.floor(cfg.totalSteps / batch));
  const roll: RolloutState = { obs: envs.reset(rng.seed()), globalStep: 0 };
  const t0 = performance.now();

  for (let update = 1; update <= nUpdates; update++) {
    // ── 3. Rollout ────────────────────────────────────────────────────────────────────────────
    const { actor, critic } = learner.snapshots();
    const lastValues = collectRollout(envs, actor, critic, buf, roll, rng, cfg.gamma, episodes, log);

    // ── 4. Advantage: n-step returns (GAE with λ = 1 by default) ───────────────────────────────
    const { advantages, returns } = computeGae(buf.rewards, buf.values, buf.dones, lastValues, cfg.nEnvs, cfg.gamma, cfg.gaeLambda);
    if (cfg.normAdv) normalizeAdvantages(advantages);

    // ── 5. Update: one step on  −log π(a|s)·A + c_v (R − V)² − c_e H ──────────────────────────
    await learner.update({ n: batch, obs: buf.obs, actions: buf.actions, adv: advantages, ret: returns });

    // ── 6. Log ─────────────────────────────────────────────────────────────────────────────────
    if (update % 20 === 0 || update === nUpdates) {
      const recentReturn = recentMeanReturn(episodes);
      log.log('update', { update, step: roll.globalStep, recentReturn });
      opts.progress?.update(roll.globalStep, `return ${Number.isNaN(recentReturn) ? '-' : recentReturn.toFixed(1)}`);
      if (opts.onUpdate?.({ step: roll.globalStep, recentReturn })) break;
    }
  }
  const { actor, critic } = await learner.finish();
  return {
    actor,
    critic,
    greedy() {
      const w = actor.snapshot();
      return (o: Float32Array) => argmaxRow(forward(w, o, 1), 0, nActions);
    },
    episodes,
    envSteps: roll.globalStep,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** One rollout as a batch: observations [n, obsDim], actions, advantages, returns. */
interface A2cBatch {
  n: number;
  obs: Float32Array;
  actions: Int32Array;
  adv: Float32Array;
  ret: Float32Array;
}

/** The two networks and their update, on one of the trainers. */
interface A2cLearner {
  snapshots(): { actor: MLPSnapshot; critic: MLPSnapshot };
  update(b: A2cBatch): Promise<void>;
  /** The trained networks; frees what only training needed. */
  finish(): Promise<{ actor: PolicyNetwork; critic: PolicyNetwork }>;
}

/**
 * RMSprop as SB3 configures it (α 0.99, ε 1e-5; tfjs's form, ε inside the root), or Adam with tfjs's
 * default ε 1e-7 — given explicitly, so both trainers use the same.
 */
function optimizerOf(cfg: A2cConfig): OptimizerConfig {
  return cfg.optimizer === 'rmsprop' ? { kind: 'rmsprop', decay: 0.99, eps: 1e-5 } : { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-7 };
}

/** The onnxruntime trainer: loss, backward, clip and optimizer as one compiled step (one thread: small networks). */
function ortLearner(obsDim: number, nActions: number, cfg: A2cConfig, rng: Rng): A2cLearner {
  const actorSizes = [obsDim, ...cfg.hidden, nActions];
  const criticSizes = [obsDim, ...cfg.hidden, 1];
  const init = new Map([...initMlpWeights('actor.', actorSizes, rng, { outputGain: 0.01 }), ...initMlpWeights('critic.', criticSizes, rng, { outputGain: 1 })]);
  const step = new CompiledStep(
    {
      params: [...mlpParams('actor.', actorSizes), ...mlpParams('critic.', criticSizes)],
      loss: (p, b) => {
        const n = b.obs!.shape[0]!;
        const logpAll = logSoftmax(mlpForward(p, 'actor.', actorSizes.length - 1, b.obs!));
        const logp = reshape(gatherElements(logpAll, unsqueeze(b.actions!, 1), 1), [n]);
        const entropy = mean(neg(sum(mul(exp(logpAll), logpAll), [1])));
        const v = reshape(mlpForward(p, 'critic.', criticSizes.length - 1, b.obs!), [n]);
        const pgLoss = neg(mean(mul(logp, b.adv!)));
        const err = sub(b.ret!, v);
        const vLoss = mean(mul(err, err));
        return { loss: add(sub(pgLoss, mul(entropy, cfg.entCoef)), mul(vLoss, cfg.vfCoef)) };
      },
      optimizer: optimizerOf(cfg),
      maxGradNorm: cfg.maxGradNorm,
    },
    init,
    { intraOpNumThreads: 1 },
  );
  const snapshots = () => {
    const w = step.getWeights();
    return { actor: mlpSnapshot(w, 'actor.', actorSizes), critic: mlpSnapshot(w, 'critic.', criticSizes) };
  };
  return {
    snapshots,
    async update(b) {
      const feed = { obs: { data: b.obs, shape: [b.n, obsDim] }, actions: { data: b.actions, shape: [b.n] }, adv: { data: b.adv, shape: [b.n] }, ret: { data: b.ret, shape: [b.n] } };
      await step.step(feed, cfg.learningRate);
    },
    async finish() {
      const { actor, critic } = snapshots();
      await step.dispose();
      return { actor: frozenNetwork(actor), critic: frozenNetwork(critic) };
    },
  };
}

/** The tfjs trainer: tfjs variables, autodiff and optimizer. */
function tfjsLearner(obsDim: number, nActions: number, cfg: A2cConfig, rng: Rng): A2cLearner {
  const actor = new MLP([obsDim, ...cfg.hidden, nActions], rng, { outputGain: 0.01, name: 'a2c_actor' });
  const critic = new MLP([obsDim, ...cfg.hidden, 1], rng, { outputGain: 1.0, name: 'a2c_critic' });
  const params = [...actor.variables, ...critic.variables];
  const o = optimizerOf(cfg);
  const optimizer = o.kind === 'rmsprop' ? tf.train.rmsprop(cfg.learningRate, o.decay, 0, o.eps) : tf.train.adam(cfg.learningRate, 0.9, 0.999, 1e-7);
  return {
    snapshots: () => ({ actor: actor.snapshot(), critic: critic.snapshot() }),
    async update(b) {
      tf.tidy(() => {
        const x = tf.tensor2d(b.obs, [b.n, obsDim]);
        const act = tf.oneHot(tf.tensor1d(b.actions, 'int32'), nActions);
        const adv = tf.tensor1d(b.adv);
        const ret = tf.tensor1d(b.ret);
        const { grads } = tf.variableGrads(() => {
          const logpAll = tf.logSoftmax(actor.apply(x));
          const logp = tf.sum(tf.mul(logpAll, act), 1);
          const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logpAll), logpAll), 1)));
          const v = tf.reshape(critic.apply(x), [b.n]);
          const pgLoss = tf.neg(tf.mean(tf.mul(logp, adv)));
          const vLoss = tf.mean(tf.square(tf.sub(ret, v)));
          return tf.add(tf.sub(pgLoss, tf.mul(cfg.entCoef, entropy)), tf.mul(cfg.vfCoef, vLoss)) as tf.Scalar;
        }, params);
        optimizer.applyGradients(clipByGlobalNorm(grads, cfg.maxGradNorm).grads);
      });
    },
    async finish() {
      optimizer.dispose();
      return { actor, critic };
    },
  };
}
