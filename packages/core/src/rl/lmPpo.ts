/**
 * PPO on token sequences: RL fine-tuning of a language model against a scalar score with a
 * per-token KL penalty to a frozen reference model — InstructGPT §3.5 "RL" (Ouyang et al. 2022),
 * following Ziegler et al. 2019 / Stiennon et al. 2020, as TRL and CleanRL's RLHF code do it.
 * One file, top to bottom: config → setup → rollout → rewards (score + KL penalty) → advantage
 * (GAE over tokens) → update (clipped surrogate + value loss) → log.
 *
 *   episode   = one prompt x → response y = (y_1 … y_n) sampled from π;  action = one token
 *   reward_t  = −β · (log π_old(y_t | x, y_<t) − log π_ref(y_t | x, y_<t))      ← klPenalty
 *             + [t = n] · score(x, y)                                            ← the reward model
 *   value     = a linear head on the policy's hidden state (shares the trunk, as TRL's value head),
 *               or a separate value model (trunk + head; InstructGPT §3.5 initializes it from the RM)
 *   γ = 1, GAE λ over the tokens of each response.
 *
 * With β = 0 nothing ties π to the reference, which is how reward over-optimization shows.
 *
 * Sampling runs on the policy's tfjs model (with its key/value cache); the log-probs, values and the
 * update run on the process's trainer (core/src/trainer.ts; see `LmPpoTrainer`).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Rng } from '../rng.ts';
import { computeGae, normalizeAdvantages } from './gae.ts';
import { optimizerStep } from '../nn/optim.ts';
import { trainerOf, type TrainerName } from '../trainer.ts';
import { gptParams } from '../compile/gpt2.ts';
import { headParams, lmPpoObjective, policyAndValues } from '../compile/lm.ts';
import type { Batch, Params } from '../compile/step.ts';
import { fromPositions, gptConfigOf, headVars, lmStep, padToBucket, positionFeed, readWeights, sequenceFeeds, writeWeights } from '../lm/compiledLm.ts';
import {
  LinearHead,
  packSequences,
  responseHidden,
  responseLogProbs,
  sampleResponses,
  sliceBatch,
  type SequenceBatch,
  type ClonableLm,
  type TrainableLm,
} from '../lm/trainable.ts';

// ── 1. Config ──────────────────────────────────────────────────────────────────────────────────
export const LmPpoConfig = z.object({
  maxNewTokens: z.number().int().positive().default(32).describe('response length cap (tokens)'),
  temperature: z.number().positive().default(1).describe('sampling temperature of rollouts'),
  klCoef: z.number().min(0).default(0.05).describe('β of the per-token KL penalty to the reference policy'),
  gamma: z.number().min(0).max(1).default(1),
  gaeLambda: z.number().min(0).max(1).default(0.95),
  clipCoef: z.number().positive().default(0.2),
  vfCoef: z.number().min(0).default(0.1),
  updateEpochs: z.number().int().positive().default(4),
  nMinibatches: z.number().int().positive().default(2),
  learningRate: z.number().positive().default(5e-5),
  maxGradNorm: z.number().positive().default(1),
});
export type LmPpoConfig = z.infer<typeof LmPpoConfig>;

/** Scores a batch of (prompt, response) token sequences: the reward model, a judge, an env. */
export type SequenceScorer = (prompts: number[][], responses: number[][]) => Promise<number[]>;

export interface LmPpoStats {
  /** Mean score(x, y) of this iteration's rollouts (before the update). */
  score: number;
  /** Mean per-sequence KL estimate Σ_t (log π − log π_ref) of the rollouts. */
  kl: number;
  /** Mean total reward: score − β·KL. */
  reward: number;
  responseTokens: number;
  policyLoss: number;
  valueLoss: number;
  clipFrac: number;
  /** Approximate KL between the policy before and after the update (Schulman's k3 estimator). */
  approxKl: number;
  seconds: number;
  /** Of which: sampling and scoring the rollouts; log-probs, values and the update (the trainer's part). */
  sampleSeconds: number;
  trainSeconds: number;
}

/**
 * The per-token KL penalty of InstructGPT eq. (2): −β (log π(y_t) − log π_ref(y_t)) on every real
 * response token. Exactly 0 when the policy equals the reference.
 */
export function klPenalty(logpPolicy: Float32Array, logpRef: Float32Array, mask: Float32Array, beta: number): Float32Array {
  const out = new Float32Array(logpPolicy.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i]! ? -beta * (logpPolicy[i]! - logpRef[i]!) : 0;
  return out;
}

/** Per-token log-probs and values of a batch, without gradient (rollout bookkeeping). */
async function logProbsAndValues(lm: TrainableLm, values: ((batch: SequenceBatch, hidden: tf.Tensor3D) => tf.Tensor2D) | null, batch: SequenceBatch): Promise<{ logp: Float32Array; values: Float32Array }> {
  const [lp, v] = tf.tidy(() => {
    const { logp, hidden } = responseLogProbs(lm, batch);
    return [logp, values ? values(batch, hidden) : tf.zeros([batch.B, batch.L])];
  });
  const out = { logp: (await lp!.data()) as Float32Array, values: (await v!.data()) as Float32Array };
  tf.dispose([lp!, v!]);
  return out;
}

/** [B, L] row-major → [L, B] time-major (computeGae's layout), and back. */
function toTimeMajor(x: Float32Array, B: number, L: number): Float32Array {
  const out = new Float32Array(B * L);
  for (let b = 0; b < B; b++) for (let t = 0; t < L; t++) out[t * B + b] = x[b * L + t]!;
  return out;
}
function toRowMajor(x: Float32Array, B: number, L: number): Float32Array {
  const out = new Float32Array(B * L);
  for (let b = 0; b < B; b++) for (let t = 0; t < L; t++) out[b * L + t] = x[t * B + b]!;
  return out;
}

/** Rows `rows` of a [B, L] row-major array. */
function rowsOf(x: Float32Array, rows: ArrayLike<number>, L: number): Float32Array {
  const out = new Float32Array(rows.length * L);
  for (let k = 0; k < rows.length; k++) out.set(x.subarray(rows[k]! * L, (rows[k]! + 1) * L), k * L);
  return out;
}

/** A value network of its own: an LM trunk and a scalar head on its hidden states (trained with π). */
export interface ValueModel {
  trunk: TrainableLm;
  head: LinearHead;
}

export class LmPpoTrainer {
  readonly valueHead: LinearHead;
  private readonly learner: LmPpoLearner;

  // ── 2. Setup: the policy (trained), the frozen reference (the SFT model), the value function ───
  /**
   * Without `valueModel` the value is a new zero-initialized head on the policy's own trunk. With
   * it, values come from that separate model (the caller owns and disposes it), trained alongside π.
   * The update runs on `opts.trainer` (default: the process's, core/src/trainer.ts): compiled
   * onnxruntime steps over the GPT-2 parameters, whose weights are written back into the tfjs
   * models after every iteration (sampling runs on them), or tfjs autodiff.
   */
  constructor(
    readonly policy: TrainableLm,
    readonly reference: TrainableLm,
    readonly cfg: LmPpoConfig,
    private readonly rng: Rng,
    readonly eosId: number,
    readonly valueModel: ValueModel | null = null,
    opts: { trainer?: TrainerName } = {},
  ) {
    this.valueHead = valueModel?.head ?? new LinearHead(policy.config.nEmbd);
    this.learner = trainerOf(opts.trainer) === 'ort' ? compiledLearner(policy, reference, valueModel, this.valueHead, cfg) : tfjsLearner(policy, reference, valueModel, this.valueHead, cfg);
  }

  /** One PPO iteration on a batch of prompts. Returns its statistics and the rollouts. */
  async iteration(prompts: number[][], score: SequenceScorer): Promise<{ stats: LmPpoStats; responses: number[][]; scores: number[] }> {
    const t0 = performance.now();
    const c = this.cfg;
    // ── 3. Rollout: sample y ~ π(· | x) from the current policy, score it ─────────────────────
    const responses = await sampleResponses(this.policy, prompts, { maxNewTokens: c.maxNewTokens, temperature: c.temperature, eosId: this.eosId, rng: this.rng });
    const scores = await score(prompts, responses);
    const sampled = performance.now();
    const batch = packSequences(prompts, responses, this.policy.config.nPositions, this.eosId);
    const { B, L, responseMask: mask } = batch;
    const { old, ref } = await this.learner.rolloutStats(batch);

    // ── 4. Rewards: KL penalty on every token, the score on the last one ──────────────────────
    const rewards = klPenalty(old.logp, ref.logp, mask, c.klCoef);
    const dones = new Uint8Array(B * L);
    let klSum = 0;
    let tokens = 0;
    for (let b = 0; b < B; b++) {
      let n = 0;
      for (let t = 0; t < L; t++) {
        if (!mask[b * L + t]) continue;
        n = t + 1;
        klSum += old.logp[b * L + t]! - ref.logp[b * L + t]!;
      }
      tokens += n;
      if (n > 0) rewards[b * L + n - 1]! += scores[b]!;
      for (let t = Math.max(0, n - 1); t < L; t++) dones[t * B + b] = 1; // episode ends at the last token
    }

    // ── 5. Advantage: GAE over the tokens of each response (γ = 1: no discount inside a response) ─
    const gae = computeGae(toTimeMajor(rewards, B, L), toTimeMajor(old.values, B, L), dones, new Float32Array(B), B, c.gamma, c.gaeLambda);
    const advantages = toRowMajor(gae.advantages, B, L);
    const returns = toRowMajor(gae.returns, B, L);
    // Whiten advantages over the real tokens of the batch.
    normalizeAdvantages(advantages, mask);

    // ── 6. Update: clipped surrogate on token ratios + value loss, a few epochs of minibatches ──
    // (the loss: `tfjsLearner` below, or compile/lm.ts `lmPpoObjective` on onnxruntime — the same terms)
    let policyLoss = 0;
    let valueLoss = 0;
    let clipFrac = 0;
    let approxKl = 0;
    let nUpdates = 0;
    const mbSize = Math.max(1, Math.ceil(B / c.nMinibatches));
    for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
      const order = this.rng.permutation(B);
      for (let s = 0; s < B; s += mbSize) {
        const rows = order.subarray(s, Math.min(B, s + mbSize));
        const pick = (x: Float32Array) => rowsOf(x, rows, L);
        const [a, b2, cf, ak] = await this.learner.update({ batch: sliceBatch(batch, rows), adv: pick(advantages), ret: pick(returns), oldLogp: pick(old.logp) });
        policyLoss += a!;
        valueLoss += b2!;
        clipFrac += cf!;
        approxKl += ak!;
        nUpdates++;
      }
    }
    await this.learner.sync();

    // ── 7. Log ──────────────────────────────────────────────────────────────────────────────
    const meanScore = scores.reduce((a, b) => a + b, 0) / B;
    const kl = klSum / B;
    return {
      stats: {
        score: meanScore,
        kl,
        reward: meanScore - c.klCoef * kl,
        responseTokens: tokens / B,
        policyLoss: policyLoss / nUpdates,
        valueLoss: valueLoss / nUpdates,
        clipFrac: clipFrac / nUpdates,
        approxKl: approxKl / nUpdates,
        seconds: (performance.now() - t0) / 1000,
        sampleSeconds: (sampled - t0) / 1000,
        trainSeconds: (performance.now() - sampled) / 1000,
      },
      responses,
      scores,
    };
  }

  async dispose(): Promise<void> {
    await this.learner.dispose();
    if (!this.valueModel) this.valueHead.dispose();
  }
}

/** One minibatch of the rollout: its rows, and per response token the advantage, return and old log-prob [n, L]. */
interface LmPpoMinibatch {
  batch: SequenceBatch;
  adv: Float32Array;
  ret: Float32Array;
  oldLogp: Float32Array;
}

/** The rollout bookkeeping and the update, on one of the trainers. */
interface LmPpoLearner {
  /** Per response token [B, L], no gradient: π_old's log-probs (0 on padding) and values, π_ref's log-probs. */
  rolloutStats(batch: SequenceBatch): Promise<{ old: { logp: Float32Array; values: Float32Array }; ref: { logp: Float32Array } }>;
  /** One gradient step → [policy loss, value loss, clip fraction, approx KL]. */
  update(mb: LmPpoMinibatch): Promise<number[]>;
  /** Leave the current weights in the tfjs models (the next rollout samples from them). */
  sync(): Promise<void>;
  dispose(): Promise<void>;
}

/** Adam as tfjs's `tf.train.adam(lr)` makes it (β 0.9, 0.999, ε 1e-7), on both trainers. */
const ADAM = { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-7 } as const;

/** The tfjs trainer: the models' own forwards, tfjs autodiff, one Adam over every trained variable. */
function tfjsLearner(policy: TrainableLm, reference: TrainableLm, valueModel: ValueModel | null, valueHead: LinearHead, c: LmPpoConfig): LmPpoLearner {
  const opt = tf.train.adam(c.learningRate, ADAM.beta1, ADAM.beta2, ADAM.eps);
  const vars = [...policy.params.values(), ...(valueModel ? valueModel.trunk.params.values() : []), ...valueHead.variables];
  // V(x, y_<t) for the columns that predict each response token, [B, L]. Call inside tidy.
  const values = (batch: SequenceBatch, policyHidden: tf.Tensor3D) => valueHead.apply(valueModel ? responseHidden(valueModel.trunk, batch) : policyHidden) as tf.Tensor2D;
  return {
    async rolloutStats(batch) {
      return { old: await logProbsAndValues(policy, values, batch), ref: await logProbsAndValues(reference, null, batch) };
    },
    async update({ batch: mb, adv, ret, oldLogp }) {
      const L = mb.L;
      const n = Math.max(1, mb.responseMask.reduce((a, b) => a + b, 0));
      const t = (x: Float32Array) => tf.tensor2d(x, [mb.B, L]);
      const [mAdv, mRet, mOld, mMask] = [t(adv), t(ret), t(oldLogp), t(mb.responseMask)];
      const diag: tf.Scalar[] = [];
      optimizerStep(opt, vars, () => {
        const { logp, hidden } = responseLogProbs(policy, mb);
        const logRatio = logp.sub(mOld).mul(mMask);
        const ratio = tf.exp(logRatio);
        const pg1 = mAdv.mul(ratio).neg();
        const pg2 = mAdv.mul(tf.clipByValue(ratio, 1 - c.clipCoef, 1 + c.clipCoef)).neg();
        const pg = tf.maximum(pg1, pg2).mul(mMask).sum().div(n);
        const v = values(mb, hidden);
        const vl = v.sub(mRet).square().mul(mMask).sum().div(n).mul(0.5);
        diag.push(
          tf.keep(pg.clone() as tf.Scalar),
          tf.keep(vl.clone() as tf.Scalar),
          tf.keep(tf.abs(ratio.sub(1)).greater(c.clipCoef).cast('float32').mul(mMask).sum().div(n) as tf.Scalar),
          tf.keep(ratio.sub(1).sub(logRatio).mul(mMask).sum().div(n) as tf.Scalar),
        );
        return pg.add(vl.mul(c.vfCoef)) as tf.Scalar;
      }, c.maxGradNorm);
      const out = diag.map((d) => d.dataSync()[0]!);
      tf.dispose([...diag, mAdv, mRet, mOld, mMask]);
      return out;
    },
    sync: async () => {},
    dispose: async () => opt.dispose(),
  };
}

/**
 * The onnxruntime trainer: one compiled step over the policy's GPT-2 parameters, the value model's
 * (named `value.<name>`, when there is one) and the value head (`valueHead.`); π_old's log-probs and
 * values come from a forward-only graph over the same parameters, π_ref's from the same graph over a
 * frozen copy whose GPT-2 weights are the reference's — the same graph, so a policy equal to its
 * reference gets a KL of exactly 0, as on tfjs. Batches are padded on the left to a multiple of 32
 * tokens (exact).
 */
function compiledLearner(policy: TrainableLm, reference: TrainableLm, valueModel: ValueModel | null, valueHead: LinearHead, c: LmPpoConfig): LmPpoLearner {
  const g = gptConfigOf(policy);
  if (valueModel) gptConfigOf(valueModel.trunk);
  const hasValueModel = valueModel !== null;
  const weights = new Map([...readWeights(policy.params), ...(valueModel ? readWeights(valueModel.trunk.params, 'value.') : []), ...readWeights(headVars(valueHead), 'valueHead.')]);
  const params = [...gptParams(g), ...(valueModel ? gptParams(g).map((s) => ({ ...s, name: `value.${s.name}` })) : []), ...headParams('valueHead.', g.nEmbd)];
  const step = lmStep({ params, loss: (p, b) => lmPpoObjective(p, g, b, c, hasValueModel), optimizer: ADAM, maxGradNorm: c.maxGradNorm }, weights);
  const frozen = lmStep({ params, loss: () => { throw new Error('the reference policy is not trained'); }, optimizer: { kind: 'sgd' } }, new Map([...weights, ...readWeights(reference.params)]));
  const rollout = (p: Params, b: Batch) => policyAndValues(p, g, b, hasValueModel);
  return {
    async rolloutStats(batch) {
      const padded = padToBucket(batch, g.nPositions);
      const feeds = sequenceFeeds(padded);
      const mine = await step.evaluate('rollout', rollout, feeds);
      const theirs = await frozen.evaluate('rollout', rollout, feeds);
      const masked = (x: Float32Array) => fromPositions(x, padded).map((v, i) => (batch.responseMask[i] ? v : 0));
      return { old: { logp: masked(mine.logp!), values: fromPositions(mine.values!, padded) }, ref: { logp: masked(theirs.logp!) } };
    },
    async update({ batch, adv, ret, oldLogp }) {
      const padded = padToBucket(batch, g.nPositions);
      const feeds = { ...sequenceFeeds(padded), adv: positionFeed(adv, padded), ret: positionFeed(ret, padded), oldLogp: positionFeed(oldLogp, padded) };
      const r = await step.step(feeds, c.learningRate);
      return [r.stats.policyLoss!, r.stats.valueLoss!, r.stats.clipFrac!, r.stats.approxKl!];
    },
    async sync() {
      const w = step.getWeights();
      writeWeights(policy.params, w);
      if (valueModel) writeWeights(valueModel.trunk.params, w, 'value.');
      writeWeights(headVars(valueHead), w, 'valueHead.');
    },
    async dispose() {
      await step.dispose();
      await frozen.dispose();
    },
  };
}

/**
 * RLHF's step 3 (InstructGPT §3.5 "Reinforcement learning"; Constitutional AI §4.3): PPO from `init`
 * against `score`, with the per-token KL penalty to `init` (kept frozen as the reference), for
 * `iterations` batches of `batchSize` prompts drawn uniformly from `prompts`. With `valueFrom` the
 * value function starts as a copy of that reward model (InstructGPT), else it is a zero head on the
 * policy's trunk. `onIteration` sees each batch's prompts, responses and statistics (for the leaf's
 * own measurements, e.g. a gold judge). Returns the trained policy (a copy of `init`).
 */
export async function rlhfPpo<P>(
  init: ClonableLm,
  score: SequenceScorer,
  prompts: P[],
  encode: (p: P) => number[],
  cfg: LmPpoConfig & { iterations: number; batchSize: number },
  rng: Rng,
  eosId: number,
  opts: { valueFrom?: { backbone: ClonableLm; head: LinearHead }; onIteration?: (it: number, stats: LmPpoStats, batch: P[], responses: number[][]) => void; trainer?: TrainerName } = {},
): Promise<ClonableLm> {
  const policy = init.clone();
  const valueModel = opts.valueFrom ? { trunk: opts.valueFrom.backbone.clone() as ClonableLm, head: opts.valueFrom.head.clone() } : null;
  const ppo = new LmPpoTrainer(policy, init, cfg, rng, eosId, valueModel, { trainer: opts.trainer });
  for (let it = 1; it <= cfg.iterations; it++) {
    const batch = Array.from({ length: cfg.batchSize }, () => prompts[rng.int(prompts.length)]!);
    const { stats, responses } = await ppo.iteration(batch.map(encode), score);
    opts.onIteration?.(it, stats, batch, responses);
  }
  await ppo.dispose();
  if (valueModel) {
    valueModel.trunk.dispose();
    valueModel.head.dispose();
  }
  return policy;
}
