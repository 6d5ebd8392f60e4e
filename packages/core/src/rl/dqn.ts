/**
 * DQN (Mnih et al. 2015) with double-DQN targets (van Hasselt et al. 2016) — one file, top to
 * bottom: config → setup → act (ε-greedy) → store → learn (TD target, Huber loss) → target sync → log.
 * Defaults follow CleanRL's dqn.py for CartPole (120-84 ReLU Q-network, Adam 2.5e-4, buffer 10k,
 * hard target copy every 500 steps, ε 1 → 0.05 over half the run, learning from step 10k, every
 * 10 steps). The learning test uses a faster-learning setting, given in the test.
 *
 * Speed: acting (batch 1) runs in plain JS over a weight snapshot of the online network, refreshed
 * after each training round; TD targets and the gradient step (batch ≥ 32) run in tfjs.
 */
import { z } from 'zod';
import * as tf from '@tensorflow/tfjs';
import type { Env } from '@rlllm/env';
import { Rng } from '../rng.ts';
import { MLP, forward, clipByGlobalNorm, type MLPSnapshot } from '../nn/mlp.ts';
import { ReplayBuffer, argmaxRow } from './buffers.ts';
import { nullLog } from '../events.ts';
import { recentMeanReturn, type EpisodeRecord, type TrainOptions } from './common.ts';

// ── 1. Config ──────────────────────────────────────────────────────────────────────────────────
export const DqnConfig = z.object({
  totalSteps: z.number().int().positive().default(500_000).describe('env steps to train for'),
  learningRate: z.number().positive().default(2.5e-4),
  bufferSize: z.number().int().positive().default(10_000),
  gamma: z.number().min(0).max(1).default(0.99),
  /** Target update: 1 = hard copy every `targetNetworkFrequency` steps; < 1 = Polyak averaging. */
  tau: z.number().min(0).max(1).default(1.0),
  targetNetworkFrequency: z.number().int().positive().default(500),
  batchSize: z.number().int().positive().default(128),
  startEpsilon: z.number().min(0).max(1).default(1.0),
  endEpsilon: z.number().min(0).max(1).default(0.05),
  explorationFraction: z.number().min(0).max(1).default(0.5),
  learningStarts: z.number().int().nonnegative().default(10_000),
  trainFrequency: z.number().int().positive().default(10),
  gradientSteps: z.number().int().positive().default(1).describe('gradient steps per training round'),
  doubleDqn: z.boolean().default(true),
  huber: z.boolean().default(true).describe('Huber (smooth L1) TD loss as SB3; false = MSE as CleanRL'),
  maxGradNorm: z.number().positive().default(10),
  hidden: z.array(z.number().int().positive()).default([120, 84]),
});
export type DqnConfig = z.infer<typeof DqnConfig>;

export interface DqnResult {
  q: MLP;
  greedy(): (obs: Float32Array) => number;
  episodes: EpisodeRecord[];
  envSteps: number;
  seconds: number;
}

/** Linear schedule from `start` to `end` over `duration` steps, then flat (CleanRL's linear_schedule). */
export function linearSchedule(start: number, end: number, duration: number, t: number): number {
  const slope = (end - start) / Math.max(1, duration);
  return t >= duration ? end : start + slope * t;
}

export async function trainDqn(makeEnv: () => Env<Float32Array, number>, configIn: Partial<DqnConfig>, opts: TrainOptions): Promise<DqnResult> {
  const cfg = DqnConfig.parse(configIn);
  const log = opts.log ?? nullLog;

  // ── 2. Setup ─────────────────────────────────────────────────────────────────────────────────
  const rng = new Rng(opts.seed);
  const env = makeEnv();
  const obsDim = (env.observationSpace as unknown as { size: number }).size;
  const nActions = (env.actionSpace as unknown as { n: number }).n;
  const learner = new DqnLearner(obsDim, nActions, cfg, rng);
  const q = learner.q;
  let online: MLPSnapshot = q.snapshot();
  const buffer = new ReplayBuffer(cfg.bufferSize, obsDim);
  const episodes: EpisodeRecord[] = [];
  const t0 = performance.now();
  let { obs } = env.reset({ seed: rng.seed() });
  let epReturn = 0;
  let epLength = 0;
  let lastLoss = NaN;
  let envSteps = 0;

  for (let step = 1; step <= cfg.totalSteps; step++) {
    // ── 3. Act: ε-greedy on the online network ────────────────────────────────────────────────
    const epsilon = linearSchedule(cfg.startEpsilon, cfg.endEpsilon, cfg.explorationFraction * cfg.totalSteps, step);
    const action = rng.random() < epsilon ? rng.int(nActions) : argmaxRow(forward(online, obs, 1), 0, nActions);
    const r = env.step(action);
    envSteps = step;
    epReturn += r.reward;
    epLength++;

    // ── 4. Store: a truncated step is not terminal (we bootstrap through a time limit) ─────────
    buffer.add(obs, action, r.reward, r.obs, r.terminated);
    obs = r.obs;
    if (r.terminated || r.truncated) {
      episodes.push({ step, return: epReturn, length: epLength });
      log.log('episode', { step, return: epReturn, length: epLength, epsilon });
      epReturn = 0;
      epLength = 0;
      obs = env.reset().obs;
    }

    // ── 5. Learn: regress Q(s, a) on the (double) DQN target ──────────────────────────────────
    if (step > cfg.learningStarts && step % cfg.trainFrequency === 0) {
      for (let g = 0; g < cfg.gradientSteps; g++) {
        const b = buffer.sample(cfg.batchSize, rng);
        lastLoss = learner.learn(b, g === cfg.gradientSteps - 1 && step % (cfg.trainFrequency * 100) === 0);
      }
      online = q.snapshot();
    }

    // ── 6. Target network: hard copy or Polyak average ────────────────────────────────────────
    if (step % cfg.targetNetworkFrequency === 0) learner.syncTarget(cfg.tau);

    // ── 7. Log ────────────────────────────────────────────────────────────────────────────────
    if (step % 1000 === 0) {
      const recentReturn = recentMeanReturn(episodes);
      log.log('train', { step, recentReturn, epsilon, loss: lastLoss, sps: Math.round(step / ((performance.now() - t0) / 1000)) });
      opts.progress?.update(step, `return ${Number.isNaN(recentReturn) ? '-' : recentReturn.toFixed(1)}`);
      if (opts.onUpdate?.({ step, recentReturn })) break;
    }
  }
  learner.disposeTraining();
  return {
    q,
    greedy() {
      const w = q.snapshot();
      return (o: Float32Array) => argmaxRow(forward(w, o, 1), 0, nActions);
    },
    episodes,
    envSteps,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * DQN's Q-network, target network and gradient step — the part of the algorithm that does not care
 * how experience is collected. `trainDqn` drives it from a sync env loop; ELLM's goal-conditioned
 * agent drives it from an async loop (its rewards come from LLM calls).
 */
export class DqnLearner {
  readonly q: MLP;
  readonly target: MLP;
  private readonly optimizer: tf.Optimizer;

  constructor(
    obsDim: number,
    readonly nActions: number,
    private readonly cfg: Pick<DqnConfig, 'hidden' | 'learningRate' | 'gamma' | 'doubleDqn' | 'huber' | 'maxGradNorm'>,
    rng: Rng,
    name = 'q',
  ) {
    this.q = new MLP([obsDim, ...cfg.hidden, nActions], rng, { activation: 'relu', init: 'glorot', name });
    this.target = new MLP([obsDim, ...cfg.hidden, nActions], rng, { activation: 'relu', init: 'glorot', name: `${name}_target` });
    this.target.copyFrom(this.q);
    this.optimizer = tf.train.adam(cfg.learningRate);
  }

  /** One gradient step on the TD error of a sampled batch; returns the loss if asked (reading it syncs), else NaN. */
  learn(b: ReturnType<ReplayBuffer['sample']>, wantLoss = false): number {
    const { q, target, nActions, cfg } = this;
    return tf.tidy(() => {
      const n = b.actions.length;
      const obsDim = b.obs.length / n;
      const x = tf.tensor2d(b.obs, [n, obsDim]);
      const xNext = tf.tensor2d(b.nextObs, [n, obsDim]);
      // y = r + γ (1 − terminal) Q_target(s', a*),  a* = argmax_a Q_online(s', a) for double DQN
      // (van Hasselt et al. 2016: the online net selects, the target net evaluates), else Q_target's own argmax.
      const qNextTarget = target.apply(xNext);
      const aStar = tf.argMax(cfg.doubleDqn ? q.apply(xNext) : qNextTarget, 1) as tf.Tensor1D;
      const qNext = tf.sum(tf.mul(qNextTarget, tf.oneHot(aStar, nActions)), 1);
      const y = tf.add(tf.tensor1d(b.rewards), tf.mul(tf.mul(cfg.gamma, tf.sub(1, tf.tensor1d(b.terminals))), qNext));
      const mask = tf.oneHot(tf.tensor1d(b.actions, 'int32'), nActions);
      const { value, grads } = tf.variableGrads(() => {
        const qSa = tf.sum(tf.mul(q.apply(x), mask), 1);
        return (cfg.huber ? tf.losses.huberLoss(y, qSa) : tf.losses.meanSquaredError(y, qSa)) as tf.Scalar;
      }, q.variables);
      this.optimizer.applyGradients(clipByGlobalNorm(grads, cfg.maxGradNorm).grads);
      return wantLoss ? value.dataSync()[0]! : NaN;
    });
  }

  /** Target update: hard copy (tau ≥ 1) or Polyak averaging θ' ← τθ + (1 − τ)θ'. */
  syncTarget(tau = 1): void {
    if (tau >= 1) this.target.copyFrom(this.q);
    else tf.tidy(() => this.target.variables.forEach((v, k) => v.assign(tf.add(tf.mul(1 - tau, v), tf.mul(tau, this.q.variables[k]!)))));
  }

  /** Free the target network and optimizer state, keeping the trained Q-network. */
  disposeTraining(): void {
    this.optimizer.dispose();
    this.target.dispose();
  }
}
