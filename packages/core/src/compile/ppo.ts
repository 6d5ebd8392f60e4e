/**
 * PPO's minibatch update (Schulman et al. 2017, CleanRL's ppo.py) as one onnxruntime run: both
 * networks' forward, the loss, backward, global-norm clipping and Adam (ε 1e-5) in one graph.
 *
 * The loss is rl/ppo.ts's, term for term: clipped surrogate on the probability ratio, value loss
 * clipped around the rollout's value estimate (or plain), entropy bonus, plus the statistics ppo.ts
 * logs — policy loss, value loss, entropy, approx KL ((r − 1) − log r), clip fraction. Advantage
 * normalization stays in JS (rl/ppo.ts), as it is a per-minibatch statistic of the data.
 *
 * `PpoUpdate` owns the actor and critic weights (as ORT tensors) and hands out the plain-JS
 * snapshots the rollout acts with: rl/ppo.ts's update on the onnxruntime trainer.
 */
import type { Rng } from '../rng.ts';
import type { MLPSnapshot } from '../nn/mlp.ts';
import type { Tensor } from './graph.ts';
import { abs, cast, clip, exp, gatherElements, greater, logSoftmax, maximum, mean, mul, neg, reshape, sub, sum, add, unsqueeze } from './ops.ts';
import { initMlpWeights, mlpForward, mlpParams, mlpSnapshot } from './mlp.ts';
import { CompiledStep, type Weights } from './step.ts';
import type { SessionOptions } from './session.ts';

export interface PpoLossConfig {
  clipCoef: number;
  clipVloss: boolean;
  entCoef: number;
  vfCoef: number;
  maxGradNorm: number;
}

/** One minibatch, rows of the rollout (advantages already normalized if asked). */
export interface PpoMinibatch {
  n: number;
  obs: Float32Array;
  actions: Int32Array;
  adv: Float32Array;
  oldLogp: Float32Array;
  oldV: Float32Array;
  ret: Float32Array;
}

/** The statistics ppo.ts logs, in its order. */
export const PPO_STATS = ['pgLoss', 'vLoss', 'entropy', 'approxKl', 'clipFrac'] as const;

/** The PPO loss and statistics of a minibatch, from the two networks' outputs. */
export function ppoLoss(logits: Tensor, values: Tensor, b: Record<string, Tensor>, c: PpoLossConfig): { loss: Tensor; stats: Record<string, Tensor> } {
  const n = logits.shape[0]!;
  const logpAll = logSoftmax(logits);
  const newLogp = reshape(gatherElements(logpAll, unsqueeze(b.actions!, 1), 1), [n]);
  const entropy = mean(neg(sum(mul(exp(logpAll), logpAll), [1])));
  const newV = reshape(values, [n]);
  const logRatio = sub(newLogp, b.oldLogp!);
  const ratio = exp(logRatio);
  // Clipped surrogate objective (PPO paper eq. 7), as a loss to minimize.
  const negAdv = neg(b.adv!);
  const pgLoss = mean(maximum(mul(negAdv, ratio), mul(negAdv, clip(ratio, 1 - c.clipCoef, 1 + c.clipCoef))));
  // Value loss, clipped around the rollout's value estimate (CleanRL's clip_vloss).
  const vErr = sub(newV, b.ret!);
  const vUnclipped = mul(vErr, vErr);
  let vLoss: Tensor;
  if (c.clipVloss) {
    const vClippedErr = sub(add(b.oldV!, clip(sub(newV, b.oldV!), -c.clipCoef, c.clipCoef)), b.ret!);
    vLoss = mul(mean(maximum(vUnclipped, mul(vClippedErr, vClippedErr))), 0.5);
  } else vLoss = mul(mean(vUnclipped), 0.5);
  const approxKl = mean(sub(sub(ratio, 1), logRatio));
  const clipFrac = mean(cast(greater(abs(sub(ratio, 1)), c.clipCoef), 'float32'));
  const loss = add(sub(pgLoss, mul(entropy, c.entCoef)), mul(vLoss, c.vfCoef));
  return { loss, stats: { pgLoss, vLoss, entropy, approxKl, clipFrac } };
}

export class PpoUpdate {
  readonly step: CompiledStep;
  readonly actorSizes: number[];
  readonly criticSizes: number[];

  /**
   * Actor obsDim → hidden → nActions (output gain 0.01) and critic obsDim → hidden → 1 (gain 1),
   * initialized from `rng` exactly as rl/ppo.ts's two `MLP`s (actor first), or from given weights.
   */
  constructor(obsDim: number, nActions: number, hidden: number[], c: PpoLossConfig, init: Rng | Weights, opts: SessionOptions = {}) {
    this.actorSizes = [obsDim, ...hidden, nActions];
    this.criticSizes = [obsDim, ...hidden, 1];
    const weights =
      init instanceof Map
        ? init
        : new Map([...initMlpWeights('actor.', this.actorSizes, init, { outputGain: 0.01 }), ...initMlpWeights('critic.', this.criticSizes, init, { outputGain: 1 })]);
    const nA = this.actorSizes.length - 1;
    const nC = this.criticSizes.length - 1;
    this.step = new CompiledStep(
      {
        params: [...mlpParams('actor.', this.actorSizes), ...mlpParams('critic.', this.criticSizes)],
        loss: (p, b) => ppoLoss(mlpForward(p, 'actor.', nA, b.obs!), mlpForward(p, 'critic.', nC, b.obs!), b, c),
        optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-5 },
        maxGradNorm: c.maxGradNorm,
      },
      weights,
      opts,
    );
  }

  /** One gradient step on a minibatch; returns [pgLoss, vLoss, entropy, approxKl, clipFrac]. */
  async update(mb: PpoMinibatch, learningRate: number): Promise<number[]> {
    const obsDim = this.actorSizes[0]!;
    const r = await this.step.step(
      {
        obs: { data: mb.obs, shape: [mb.n, obsDim] },
        actions: { data: mb.actions, shape: [mb.n] },
        adv: { data: mb.adv, shape: [mb.n] },
        oldLogp: { data: mb.oldLogp, shape: [mb.n] },
        oldV: { data: mb.oldV, shape: [mb.n] },
        ret: { data: mb.ret, shape: [mb.n] },
      },
      learningRate,
    );
    return PPO_STATS.map((k) => r.stats[k]!);
  }

  /** Plain-JS snapshots of the current networks, for acting (nn/mlp.ts `forward`). */
  snapshots(): { actor: MLPSnapshot; critic: MLPSnapshot } {
    const w = this.step.getWeights();
    return { actor: mlpSnapshot(w, 'actor.', this.actorSizes), critic: mlpSnapshot(w, 'critic.', this.criticSizes) };
  }

  async dispose(): Promise<void> {
    await this.step.dispose();
  }
}
