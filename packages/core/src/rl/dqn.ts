/**
 * DQN (Mnih et al. 2015) with double-DQN targets (van Hasselt et al. 2016) — one file, top to
 * bottom: config → setup → act (ε-greedy) → store → learn (TD target, Huber loss) → target sync → log.
 * Defaults follow CleanRL's dqn.py for CartPole (120-84 ReLU Q-network, Adam 2.5e-4, buffer 10k,
 * hard target copy every 500 steps, ε 1 → 0.05 over half the run, learning from step 10k, every
 * 10 steps). The learning test uses a faster-learning setting, given in the test.
 *
 * Speed: acting (batch 1) runs in plain JS over a weight snapshot of the online network, refreshed
 * after each training round; TD targets and the gradient step (batch ≥ 32) run on the process's
 * trainer (core/src/trainer.ts): one compiled onnxruntime step by default, or tfjs — the same
 * target and loss written in both APIs in `DqnLearner`, from the same initial weights.
 */
import { z } from 'zod';
import * as tf from '@tensorflow/tfjs';
import type { Env } from '@rlllm/env';
import { Rng } from '../rng.ts';
import { MLP, forward, clipByGlobalNorm, type MLPSnapshot, type PolicyNetwork } from '../nn/mlp.ts';
import { ReplayBuffer, argmaxRow } from './buffers.ts';
import { nullLog } from '../events.ts';
import { recentMeanReturn, type EpisodeRecord, type TrainOptions } from './common.ts';
import { trainerOf, type TrainerName } from '../trainer.ts';
import {
  CompiledStep, abs, add, argMax, gatherElements, initMlpWeights, mean, minimum, mlpForward, mlpParams, mlpSnapshot, mul, reshape, sub, unsqueeze,
  type Batch, type Params, type Tensor, type Weights,
} from '../compile/index.ts';

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
  q: PolicyNetwork;
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
  const learner = new DqnLearner(obsDim, nActions, cfg, rng, 'q', opts.trainer);
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
        lastLoss = await learner.learn(b, g === cfg.gradientSteps - 1 && step % (cfg.trainFrequency * 100) === 0);
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
  await learner.disposeTraining();
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
 *
 * On the onnxruntime trainer the target network is plain weights fed to the compiled step with each
 * batch, so the TD target, Q(s, a) and the update are one run; on the tfjs trainer both networks are
 * tfjs MLPs. Both draw the two networks' initial weights from `rng` in the same order (the target's
 * draw is then overwritten by the copy) and use Adam with tfjs's default ε 1e-7.
 */
export class DqnLearner {
  /** The online network: `q.snapshot()` for acting. */
  readonly q: PolicyNetwork;
  private readonly sizes: number[];
  private readonly tfjs: { q: MLP; target: MLP; optimizer: tf.Optimizer } | null = null;
  private readonly ort: { step: CompiledStep; target: Weights } | null = null;

  constructor(
    obsDim: number,
    readonly nActions: number,
    private readonly cfg: Pick<DqnConfig, 'hidden' | 'learningRate' | 'gamma' | 'doubleDqn' | 'huber' | 'maxGradNorm'>,
    rng: Rng,
    name = 'q',
    trainer?: TrainerName,
  ) {
    this.sizes = [obsDim, ...cfg.hidden, nActions];
    if (trainerOf(trainer) === 'ort') {
      const init = initMlpWeights('q.', this.sizes, rng, { init: 'glorot' });
      initMlpWeights('q.', this.sizes, rng, { init: 'glorot' }); // the target's own draw, replaced by the copy (as on tfjs)
      // One thread: small networks (trainer.ts).
      const step = new CompiledStep({ params: mlpParams('q.', this.sizes), loss: (p, b) => this.ortLoss(p, b), optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-7 }, maxGradNorm: cfg.maxGradNorm }, init, { intraOpNumThreads: 1 });
      this.ort = { step, target: step.getWeights() };
      this.q = { sizes: this.sizes, snapshot: () => mlpSnapshot(step.getWeights(), 'q.', this.sizes, 'relu'), dispose: () => {} };
    } else {
      const q = new MLP(this.sizes, rng, { activation: 'relu', init: 'glorot', name });
      const target = new MLP(this.sizes, rng, { activation: 'relu', init: 'glorot', name: `${name}_target` });
      target.copyFrom(q);
      this.tfjs = { q, target, optimizer: tf.train.adam(cfg.learningRate, 0.9, 0.999, 1e-7) };
      this.q = q;
    }
  }

  /** One gradient step on the TD error of a sampled batch; returns the loss if asked (on tfjs reading it syncs), else NaN. */
  async learn(b: ReturnType<ReplayBuffer['sample']>, wantLoss = false): Promise<number> {
    const n = b.actions.length;
    const obsDim = this.sizes[0]!;
    if (this.ort) {
      const feeds: Record<string, { data: Float32Array | Int32Array; shape: number[] }> = {
        obs: { data: b.obs, shape: [n, obsDim] },
        nextObs: { data: b.nextObs, shape: [n, obsDim] },
        actions: { data: b.actions, shape: [n] },
        rewards: { data: b.rewards, shape: [n] },
        terminals: { data: b.terminals, shape: [n] },
      };
      for (const [k, w] of this.ort.target) feeds[`target:${k}`] = { data: w.data, shape: w.shape };
      const r = await this.ort.step.step(feeds, this.cfg.learningRate);
      return wantLoss ? r.loss : NaN;
    }
    const { q, target, optimizer } = this.tfjs!;
    const { nActions, cfg } = this;
    return tf.tidy(() => {
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
      optimizer.applyGradients(clipByGlobalNorm(grads, cfg.maxGradNorm).grads);
      return wantLoss ? value.dataSync()[0]! : NaN;
    });
  }

  /** The same target and loss in the compile API; the target network's weights come with the batch (`target:q.w0`, …). */
  private ortLoss(p: Params, b: Batch): { loss: Tensor } {
    const { cfg, sizes } = this;
    const nLayers = sizes.length - 1;
    const n = b.actions!.shape[0]!;
    const targetParams: Params = Object.fromEntries(mlpParams('q.', sizes).map((s) => [s.name, b[`target:${s.name}`]!]));
    const qNextTarget = mlpForward(targetParams, 'q.', nLayers, b.nextObs!, 'relu');
    // a*: the online net selects (double DQN) — an index, so no gradient flows through it.
    const aStar = argMax(cfg.doubleDqn ? mlpForward(p, 'q.', nLayers, b.nextObs!, 'relu') : qNextTarget, 1);
    const qNext = reshape(gatherElements(qNextTarget, unsqueeze(aStar, 1), 1), [n]);
    const y = add(b.rewards!, mul(mul(sub(1, b.terminals!), cfg.gamma), qNext));
    const qSa = reshape(gatherElements(mlpForward(p, 'q.', nLayers, b.obs!, 'relu'), unsqueeze(b.actions!, 1), 1), [n]);
    const err = sub(qSa, y);
    if (!cfg.huber) return { loss: mean(mul(err, err)) };
    // Huber with δ = 1 as tf.losses.huberLoss forms it: q = min(|e|, 1); 0.5 q² + (|e| − q).
    const a = abs(err);
    const quad = minimum(a, 1);
    return { loss: mean(add(mul(mul(quad, quad), 0.5), sub(a, quad))) };
  }

  /** Target update: hard copy (tau ≥ 1) or Polyak averaging θ' ← τθ + (1 − τ)θ'. */
  syncTarget(tau = 1): void {
    if (this.ort) {
      const online = this.ort.step.getWeights();
      if (tau >= 1) this.ort.target = online;
      else for (const [k, w] of this.ort.target) w.data.forEach((v, i) => (w.data[i] = (1 - tau) * v + tau * online.get(k)!.data[i]!));
      return;
    }
    const { q, target } = this.tfjs!;
    if (tau >= 1) target.copyFrom(q);
    else tf.tidy(() => target.variables.forEach((v, k) => v.assign(tf.add(tf.mul(1 - tau, v), tf.mul(tau, q.variables[k]!)))));
  }

  /** Free the target network and optimizer state, keeping the trained Q-network. */
  async disposeTraining(): Promise<void> {
    if (this.ort) {
      // The sessions go; the parameter tensors `q.snapshot()` reads stay.
      await this.ort.step.dispose();
      this.ort.target.clear();
      return;
    }
    this.tfjs!.optimizer.dispose();
    this.tfjs!.target.dispose();
  }
}
