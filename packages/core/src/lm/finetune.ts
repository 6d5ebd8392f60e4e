/**
 * Supervised steps of LM fine-tuning, shared by the RL4LLM leaves:
 *
 *   supervisedFineTune   step 1 of InstructGPT (Ouyang et al. 2022 §3.5 "SFT"), and SL-CAI
 *                        (Bai et al. 2022b §3): maximize log p(response | prompt) on demonstrations.
 *   RewardModel +        step 2 (InstructGPT §3.5 "RM"; Bai et al. 2022 preference model): the LM
 *   trainRewardModel     backbone with a scalar head on the last token, trained on comparisons with
 *                        the pairwise Bradley–Terry loss  −log σ(r(x, y_chosen) − r(x, y_rejected)).
 *
 * Step 3 (PPO against the RM) is rl/lmPpo.ts.
 *
 * Both train on the process's trainer (core/src/trainer.ts): by default one compiled onnxruntime
 * step per batch over the GPT-2 parameters (and the reward head) — compile/lm.ts's objectives, the
 * same loss, clipping and Adam — with the weights read from the model's tfjs variables when training
 * starts and written back when it ends (lm/compiledLm.ts); or, with the tfjs trainer, tfjs autodiff
 * on the model's own forward (what any `TrainableLm` supports; ORT needs a GPT-2).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { optimizerStep } from '../nn/optim.ts';
import type { Rng } from '../rng.ts';
import { trainerOf, type TrainerName } from '../trainer.ts';
import { gptParams } from '../compile/gpt2.ts';
import { headParams, rewardModelObjective, sftObjective } from '../compile/lm.ts';
import { gptConfigOf, headVars, lmStep, padToBucket, readWeights, sequenceFeeds, writeWeights } from './compiledLm.ts';
import { LinearHead, packSequences, responseLogProbs, type ClonableLm, type SequenceBatch, type TrainableLm } from './trainable.ts';

/** Which backend trains (default: the process's, core/src/trainer.ts). */
export interface FineTuneOptions {
  trainer?: TrainerName;
}

/** Adam as tfjs's `tf.train.adam(lr)` makes it (β 0.9, 0.999, ε 1e-7), on both trainers. */
const ADAM = { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-7 } as const;

/** A prompt and a desired response (token ids; the response ends with EOS). */
export interface Demonstration {
  prompt: number[];
  response: number[];
}

/** A prompt and two responses, `chosen` preferred by the labeler. */
export interface Comparison {
  prompt: number[];
  chosen: number[];
  rejected: number[];
  /**
   * Soft label: the labeler's probability that `chosen` is better (default 1). Constitutional AI
   * trains its preference model on the AI feedback model's normalized probabilities (Bai et al.
   * 2022b §4.1) rather than on hard labels.
   */
  pChosen?: number;
}

export const SftConfig = z.object({
  steps: z.number().int().positive().default(60).describe('gradient steps'),
  batchSize: z.number().int().positive().default(16),
  learningRate: z.number().positive().default(3e-4),
  maxGradNorm: z.number().positive().default(1),
});
export type SftConfig = z.infer<typeof SftConfig>;

/** Mean −log p(response token) over real response tokens: the SFT loss. */
export function sftLoss(lm: TrainableLm, batch: SequenceBatch): tf.Scalar {
  return tf.tidy(() => {
    const { logp } = responseLogProbs(lm, batch);
    const n = batch.responseMask.reduce((a, b) => a + b, 0);
    return logp.sum().div(Math.max(1, n)).neg() as tf.Scalar;
  });
}

/** Fine-tune `lm` on demonstrations: `steps` Adam steps on random minibatches. Returns the loss per step. */
export async function supervisedFineTune(lm: TrainableLm, demos: Demonstration[], cfg: SftConfig, rng: Rng, opts: FineTuneOptions = {}): Promise<number[]> {
  if (demos.length === 0) throw new Error('supervisedFineTune: no demonstrations');
  const step = trainerOf(opts.trainer) === 'ort' ? compiledSft(lm, cfg) : tfjsSft(lm, cfg);
  const losses: number[] = [];
  for (let s = 0; s < cfg.steps; s++) {
    const pick = Array.from({ length: Math.min(cfg.batchSize, demos.length) }, () => demos[rng.int(demos.length)]!);
    const batch = packSequences(pick.map((d) => d.prompt), pick.map((d) => d.response), lm.config.nPositions);
    losses.push(await step.run(batch));
  }
  await step.finish();
  return losses;
}

/** One training step on a packed batch → the loss; `finish` leaves the trained weights in the tfjs model. */
interface FineTuneStep {
  run(batch: SequenceBatch): Promise<number>;
  finish(): Promise<void>;
}

function tfjsSft(lm: TrainableLm, cfg: SftConfig): FineTuneStep {
  const opt = tf.train.adam(cfg.learningRate, ADAM.beta1, ADAM.beta2, ADAM.eps);
  const vars = [...lm.params.values()];
  return {
    run: async (batch) => optimizerStep(opt, vars, () => sftLoss(lm, batch), cfg.maxGradNorm),
    finish: async () => opt.dispose(),
  };
}

function compiledSft(lm: TrainableLm, cfg: SftConfig): FineTuneStep {
  const c = gptConfigOf(lm);
  const step = lmStep({ params: gptParams(c), loss: (p, b) => ({ loss: sftObjective(p, c, b) }), optimizer: ADAM, maxGradNorm: cfg.maxGradNorm }, readWeights(lm.params));
  return {
    run: async (batch) => (await step.step(sequenceFeeds(padToBucket(batch, c.nPositions)), cfg.learningRate)).loss,
    async finish() {
      writeWeights(lm.params, step.getWeights());
      await step.dispose();
    },
  };
}

/** r(x, y): the LM backbone's final hidden state at the response's last token, through a scalar head. */
export class RewardModel<B extends TrainableLm = TrainableLm> {
  readonly head: LinearHead;
  constructor(readonly backbone: B) {
    this.head = new LinearHead(backbone.config.nEmbd);
  }

  get variables(): tf.Variable[] {
    return [...this.backbone.params.values(), ...this.head.variables];
  }

  /** Differentiable rewards [B] for a packed batch. */
  rewards(batch: SequenceBatch): tf.Tensor1D {
    return tf.tidy(() => {
      const { B, P, L } = batch;
      const T = P + L;
      const ids = tf.tensor2d(batch.ids, [B, T], 'int32');
      const { hidden } = this.backbone.forward(ids, { attentionMask: tf.tensor2d(batch.attention, [B, T]) });
      // One-hot over columns picks each row's last real token (an empty response: the prompt's last).
      const lastCol = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        let len = 0;
        for (let j = 0; j < L; j++) len += batch.responseMask[b * L + j]!;
        lastCol[b] = P + len - 1;
      }
      const pick = tf.oneHot(tf.tensor1d(lastCol, 'int32'), T).reshape([B, T, 1]);
      const last = hidden.mul(pick).sum(1); // [B, d]
      return this.head.apply(last) as tf.Tensor1D;
    });
  }

  /** r(x, y) for each prompt/response pair, in chunks. */
  async score(prompts: number[][], responses: number[][], chunk = 32): Promise<number[]> {
    const out: number[] = [];
    for (let s = 0; s < prompts.length; s += chunk) {
      const batch = packSequences(prompts.slice(s, s + chunk), responses.slice(s, s + chunk), this.backbone.config.nPositions);
      const r = this.rewards(batch);
      out.push(...(await r.data()));
      r.dispose();
    }
    return out;
  }

  dispose(): void {
    this.head.dispose();
  }
}

/**
 * The pairwise loss of InstructGPT eq. (1): −mean log σ(r_chosen − r_rejected) = mean softplus(r_rejected − r_chosen).
 * It only sees differences: adding a constant to every reward leaves it unchanged. With soft labels
 * `pChosen` it is the cross-entropy to p (p = 1 gives the hard loss).
 */
export function bradleyTerryLoss(rChosen: tf.Tensor1D, rRejected: tf.Tensor1D, pChosen?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const hard = tf.softplus(rRejected.sub(rChosen));
    if (!pChosen) return hard.mean() as tf.Scalar;
    // Cross-entropy against a soft label p: p·(−log σ(Δ)) + (1 − p)·(−log σ(−Δ)), Δ = r_chosen − r_rejected.
    return hard.mul(pChosen).add(tf.softplus(rChosen.sub(rRejected)).mul(tf.sub(1, pChosen))).mean() as tf.Scalar;
  });
}

export const RewardModelConfig = z.object({
  steps: z.number().int().positive().default(80).describe('gradient steps'),
  batchSize: z.number().int().positive().default(16).describe('comparisons per step'),
  learningRate: z.number().positive().default(2e-4),
  maxGradNorm: z.number().positive().default(1),
});
export type RewardModelConfig = z.infer<typeof RewardModelConfig>;

function comparisonBatch(rm: RewardModel, cs: Comparison[]): SequenceBatch {
  // Chosen rows first, then rejected rows, in one batch (one forward pass).
  return packSequences([...cs.map((c) => c.prompt), ...cs.map((c) => c.prompt)], [...cs.map((c) => c.chosen), ...cs.map((c) => c.rejected)], rm.backbone.config.nPositions);
}

/** Train the reward model on comparisons. Returns the loss per step. */
export async function trainRewardModel(rm: RewardModel, comparisons: Comparison[], cfg: RewardModelConfig, rng: Rng, opts: FineTuneOptions = {}): Promise<number[]> {
  if (comparisons.length === 0) throw new Error('trainRewardModel: no comparisons');
  const step = trainerOf(opts.trainer) === 'ort' ? compiledRm(rm, cfg) : tfjsRm(rm, cfg);
  const losses: number[] = [];
  for (let s = 0; s < cfg.steps; s++) {
    const pick = Array.from({ length: Math.min(cfg.batchSize, comparisons.length) }, () => comparisons[rng.int(comparisons.length)]!);
    const soft = pick.some((c) => c.pChosen !== undefined) ? Float32Array.from(pick, (c) => c.pChosen ?? 1) : null;
    losses.push(await step.run(comparisonBatch(rm, pick), soft));
  }
  await step.finish();
  return losses;
}

/** One step on a comparison batch (n chosen rows, then n rejected) with optional soft labels. */
interface RewardStep {
  run(batch: SequenceBatch, soft: Float32Array | null): Promise<number>;
  finish(): Promise<void>;
}

function tfjsRm(rm: RewardModel, cfg: RewardModelConfig): RewardStep {
  const opt = tf.train.adam(cfg.learningRate, ADAM.beta1, ADAM.beta2, ADAM.eps);
  return {
    async run(batch, soft) {
      const n = batch.B / 2;
      return optimizerStep(opt, rm.variables, () => {
        const r = rm.rewards(batch);
        return bradleyTerryLoss(r.slice(0, n), r.slice(n, n), soft ? tf.tensor1d(soft) : undefined);
      }, cfg.maxGradNorm);
    },
    finish: async () => opt.dispose(),
  };
}

function compiledRm(rm: RewardModel, cfg: RewardModelConfig): RewardStep {
  const c = gptConfigOf(rm.backbone);
  const step = lmStep(
    { params: [...gptParams(c), ...headParams('head.', c.nEmbd)], loss: (p, b) => ({ loss: rewardModelObjective(p, c, b) }), optimizer: ADAM, maxGradNorm: cfg.maxGradNorm },
    new Map([...readWeights(rm.backbone.params), ...readWeights(headVars(rm.head), 'head.')]),
  );
  return {
    async run(batch, soft) {
      const padded = padToBucket(batch, c.nPositions);
      const feeds = { ...sequenceFeeds(padded), pick: { data: lastTokenPick(padded), shape: [padded.B, padded.P + padded.L] } };
      if (soft) Object.assign(feeds, { pChosen: { data: soft, shape: [soft.length] } });
      return (await step.step(feeds, cfg.learningRate)).loss;
    },
    async finish() {
      const w = step.getWeights();
      writeWeights(rm.backbone.params, w);
      writeWeights(headVars(rm.head), w, 'head.');
      await step.dispose();
    },
  };
}

/** [B, T] one-hot of each row's last real token (an empty response: the prompt's last), as `RewardModel.rewards` picks it. */
function lastTokenPick(batch: SequenceBatch): Float32Array {
  const { B, P, L } = batch;
  const T = P + L;
  const pick = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    let len = 0;
    for (let j = 0; j < L; j++) len += batch.responseMask[b * L + j]!;
    pick[b * T + P + len - 1] = 1;
  }
  return pick;
}

/**
 * How often the reward model agrees with the labels: a comparison whose label prefers `chosen`
 * (pChosen > ½, the default 1) counts when r(chosen) > r(rejected), one whose soft label prefers
 * `rejected` (pChosen < ½, an AI label against the first answer) when r(chosen) < r(rejected); a
 * tie in r counts half, and a label of exactly ½ (no preference) is left out.
 */
export async function pairAccuracy(rm: Pick<RewardModel, 'score'>, comparisons: Comparison[]): Promise<number> {
  const labelled = comparisons.filter((c) => (c.pChosen ?? 1) !== 0.5);
  const rc = await rm.score(labelled.map((c) => c.prompt), labelled.map((c) => c.chosen));
  const rr = await rm.score(labelled.map((c) => c.prompt), labelled.map((c) => c.rejected));
  let ok = 0;
  for (let i = 0; i < rc.length; i++) {
    const diff = (labelled[i]!.pChosen ?? 1) > 0.5 ? rc[i]! - rr[i]! : rr[i]! - rc[i]!;
    ok += diff > 0 ? 1 : diff === 0 ? 0.5 : 0;
  }
  return ok / Math.max(1, rc.length);
}

/**
 * RLHF's step 2 from a trained LM (InstructGPT starts its RM from the SFT model with the unembedding
 * removed; Constitutional AI's preference model from its policy): a copy of `init` as the backbone, a
 * scalar head, the pairwise loss on `comparisons`. Call `dispose` when done.
 */
export async function rewardModelFrom(
  init: ClonableLm,
  comparisons: Comparison[],
  cfg: RewardModelConfig,
  rng: Rng,
  opts: FineTuneOptions = {},
): Promise<{ rm: RewardModel<ClonableLm>; losses: number[]; dispose(): void }> {
  const backbone = init.clone();
  const rm = new RewardModel(backbone);
  const losses = await trainRewardModel(rm, comparisons, cfg, rng, opts);
  return { rm, losses, dispose: () => (rm.head.dispose(), backbone.dispose()) };
}
