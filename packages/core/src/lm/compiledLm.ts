/**
 * The bridge between a `TrainableLm` held in tfjs variables and the compiled onnxruntime steps of
 * compile/lm.ts, for the onnxruntime trainer of lm/finetune.ts and rl/lmPpo.ts:
 *
 * - the model must be a GPT-2 laid out as core's compile/gpt2.ts (tiny-lm's `Gpt` is): its config
 *   (with nLayer and nHead) and its parameters by name are all the compiled graph needs;
 * - weights go from the tfjs variables into a `CompiledStep` when a phase starts and back when it
 *   ends, so sampling, scoring and export keep working on the tfjs model unchanged;
 * - batches are padded on the left to a multiple of 32 tokens, so a run compiles at most
 *   nPositions / 32 graphs per batch size. Left padding is exact: positions come from the attention
 *   mask and masked keys get exactly zero attention (core README, "Design choices");
 * - a phase's step should be disposed when the phase ends: each cached graph's onnxruntime memory
 *   arena keeps ~300–500 MB.
 */
import * as tf from '@tensorflow/tfjs';
import { gptParams, type GptConfig } from '../compile/gpt2.ts';
import { CompiledStep, type StepSpec, type Weights } from '../compile/step.ts';
import type { Feed } from '../compile/session.ts';
import { ortThreads } from '../trainer.ts';
import type { LinearHead, SequenceBatch, TrainableLm } from './trainable.ts';

/** Sequence lengths are padded up to a multiple of this. */
export const LENGTH_BUCKET = 32;

/** The GPT-2 config of `lm`, or a one-line error saying why the onnxruntime trainer cannot train it. */
export function gptConfigOf(lm: TrainableLm): GptConfig {
  const c = lm.config as Partial<GptConfig>;
  const fix = "train it with the tfjs trainer (trainer 'tfjs', --trainer tfjs)";
  if (typeof c.nLayer !== 'number' || typeof c.nHead !== 'number') throw new Error(`the onnxruntime trainer trains GPT-2 models laid out as core's compile/gpt2.ts (tiny-lm's Gpt); this model's config has no nLayer/nHead. Fix: ${fix}.`);
  const config = { vocabSize: c.vocabSize!, nPositions: c.nPositions!, nLayer: c.nLayer, nHead: c.nHead, nEmbd: c.nEmbd! };
  const specs = gptParams(config);
  const names = [...lm.params.keys()];
  const bad = specs.find((s) => lm.params.get(s.name)?.shape.join('x') !== s.shape.join('x'));
  if (bad || names.length !== specs.length) throw new Error(`the onnxruntime trainer trains GPT-2 models laid out as core's compile/gpt2.ts; this model's parameters differ${bad ? ` (${bad.name})` : ''}. Fix: ${fix}.`);
  return config;
}

/** Copies of tfjs variables as compiled-step weights, named `<prefix><name>`. */
export function readWeights(vars: Iterable<[string, tf.Variable]>, prefix = ''): Weights {
  const out: Weights = new Map();
  for (const [name, v] of vars) out.set(prefix + name, { shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) });
  return out;
}

/** Assign compiled-step weights `<prefix><name>` back into the tfjs variables. */
export function writeWeights(vars: Iterable<[string, tf.Variable]>, weights: Weights, prefix = ''): void {
  for (const [name, v] of vars) {
    const w = weights.get(prefix + name);
    if (!w) throw new Error(`writeWeights: no weights for ${prefix + name}`);
    tf.tidy(() => v.assign(tf.tensor(w.data, v.shape)));
  }
}

/** A head's variables as named entries (`w`, `b`), for readWeights/writeWeights with a prefix. */
export function headVars(head: LinearHead): [string, tf.Variable][] {
  return [
    ['w', head.w],
    ['b', head.b],
  ];
}

/** A compiled step over GPT-2 parameters (and heads), on this process's onnxruntime threads. */
export function lmStep(spec: StepSpec, weights: Weights): CompiledStep {
  return new CompiledStep(spec, weights, { intraOpNumThreads: ortThreads() });
}

/**
 * `batch` with prompt columns added on the left (pad id, attention 0) so that P + L is a multiple
 * of LENGTH_BUCKET (at most `nPositions`).
 */
export function padToBucket(batch: SequenceBatch, nPositions: number, padId = 0): SequenceBatch {
  const T = batch.P + batch.L;
  const target = Math.min(nPositions, Math.ceil(T / LENGTH_BUCKET) * LENGTH_BUCKET);
  const extra = Math.max(0, target - T);
  if (extra === 0) return batch;
  const { B } = batch;
  const T2 = T + extra;
  const ids = new Int32Array(B * T2).fill(padId);
  const attention = new Float32Array(B * T2);
  for (let b = 0; b < B; b++) {
    ids.set(batch.ids.subarray(b * T, (b + 1) * T), b * T2 + extra);
    attention.set(batch.attention.subarray(b * T, (b + 1) * T), b * T2 + extra);
  }
  return { B, P: batch.P + extra, L: batch.L, ids, attention, responseMask: batch.responseMask };
}

/**
 * Response arrays [B, L] → per-position arrays [B, T − 1] (compile/lm.ts's layout): response token j
 * of row b is predicted at position P − 1 + j; other positions are 0.
 */
export function toPositions(x: Float32Array, batch: SequenceBatch): Float32Array {
  const { B, P, L } = batch;
  const W = P + L - 1;
  const out = new Float32Array(B * W);
  for (let b = 0; b < B; b++) out.set(x.subarray(b * L, (b + 1) * L), b * W + P - 1);
  return out;
}

/** The inverse of `toPositions`: the response columns [B, L] of per-position values [B, T − 1]. */
export function fromPositions(x: Float32Array, batch: SequenceBatch): Float32Array {
  const { B, P, L } = batch;
  const W = P + L - 1;
  const out = new Float32Array(B * L);
  for (let b = 0; b < B; b++) out.set(x.subarray(b * W + P - 1, b * W + P - 1 + L), b * L);
  return out;
}

/** The feeds every objective reads: ids, attention and the response-token mask over positions. */
export function sequenceFeeds(batch: SequenceBatch): Record<string, Feed> {
  const T = batch.P + batch.L;
  return {
    ids: { data: batch.ids, shape: [batch.B, T] },
    attention: { data: batch.attention, shape: [batch.B, T] },
    mask: { data: toPositions(batch.responseMask, batch), shape: [batch.B, T - 1] },
  };
}

/** A [B, T − 1] per-position feed from response values [B, L]. */
export function positionFeed(x: Float32Array, batch: SequenceBatch): Feed {
  return { data: toPositions(x, batch), shape: [batch.B, batch.P + batch.L - 1] };
}
