/**
 * A2C (Mnih et al. 2016, synchronous) — one file: config → setup → rollout of n steps → advantage
 * → one actor-critic gradient step → log. Defaults follow SB3's A2C (5 steps, RMSprop 7e-4,
 * α 0.99, eps 1e-5, value coef 0.5, grad clip 0.5, GAE λ = 1 i.e. plain n-step returns).
 * With λ = 1 the advantage is the n-step return minus V(s); when a rollout covers whole episodes
 * (nSteps ≥ the episode length) it is the Monte-Carlo return — REINFORCE with a learned baseline
 * (Williams 1992).
 */
import { z } from 'zod';
import * as tf from '@tensorflow/tfjs';
import { SyncVectorEnv, type Env } from '@rlllm/env';
import { Rng } from '../rng.ts';
import { MLP, forward, clipByGlobalNorm } from '../nn/mlp.ts';
import { RolloutBuffer, argmaxRow } from './buffers.ts';
import { collectRollout, type RolloutState } from './rollout.ts';
import { computeGae, normalizeAdvantages } from './gae.ts';
import { nullLog } from '../events.ts';
import { recentMeanReturn, type EpisodeRecord, type TrainOptions } from './common.ts';

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
  actor: MLP;
  critic: MLP;
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
  const actor = new MLP([obsDim, ...cfg.hidden, nActions], rng, { outputGain: 0.01, name: 'a2c_actor' });
  const critic = new MLP([obsDim, ...cfg.hidden, 1], rng, { outputGain: 1.0, name: 'a2c_critic' });
  const params = [...actor.variables, ...critic.variables];
  const optimizer = cfg.optimizer === 'rmsprop' ? tf.train.rmsprop(cfg.learningRate, 0.99, 0, 1e-5) : tf.train.adam(cfg.learningRate);
  const buf = new RolloutBuffer(cfg.nSteps, cfg.nEnvs, obsDim);
  const episodes: EpisodeRecord[] = [];
  const batch = cfg.nSteps * cfg.nEnvs;
  const nUpdates = Math.max(1, Math.floor(cfg.totalSteps / batch));
  const roll: RolloutState = { obs: envs.reset(rng.seed()), globalStep: 0 };
  const t0 = performance.now();

  for (let update = 1; update <= nUpdates; update++) {
    // ── 3. Rollout ────────────────────────────────────────────────────────────────────────────
    const lastValues = collectRollout(envs, actor.snapshot(), critic.snapshot(), buf, roll, rng, cfg.gamma, episodes, log);

    // ── 4. Advantage: n-step returns (GAE with λ = 1 by default) ───────────────────────────────
    const { advantages, returns } = computeGae(buf.rewards, buf.values, buf.dones, lastValues, cfg.nEnvs, cfg.gamma, cfg.gaeLambda);
    if (cfg.normAdv) normalizeAdvantages(advantages);

    // ── 5. Update: one step on  −log π(a|s)·A + c_v (R − V)² − c_e H ──────────────────────────
    tf.tidy(() => {
      const x = tf.tensor2d(buf.obs, [batch, obsDim]);
      const act = tf.oneHot(tf.tensor1d(buf.actions, 'int32'), nActions);
      const adv = tf.tensor1d(advantages);
      const ret = tf.tensor1d(returns);
      const { grads } = tf.variableGrads(() => {
        const logpAll = tf.logSoftmax(actor.apply(x));
        const logp = tf.sum(tf.mul(logpAll, act), 1);
        const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logpAll), logpAll), 1)));
        const v = tf.reshape(critic.apply(x), [batch]);
        const pgLoss = tf.neg(tf.mean(tf.mul(logp, adv)));
        const vLoss = tf.mean(tf.square(tf.sub(ret, v)));
        return tf.add(tf.sub(pgLoss, tf.mul(cfg.entCoef, entropy)), tf.mul(cfg.vfCoef, vLoss)) as tf.Scalar;
      }, params);
      optimizer.applyGradients(clipByGlobalNorm(grads, cfg.maxGradNorm).grads);
    });

    // ── 6. Log ─────────────────────────────────────────────────────────────────────────────────
    if (update % 20 === 0 || update === nUpdates) {
      const recentReturn = recentMeanReturn(episodes);
      log.log('update', { update, step: roll.globalStep, recentReturn });
      opts.progress?.update(roll.globalStep, `return ${Number.isNaN(recentReturn) ? '-' : recentReturn.toFixed(1)}`);
      if (opts.onUpdate?.({ step: roll.globalStep, recentReturn })) break;
    }
  }
  optimizer.dispose();
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
