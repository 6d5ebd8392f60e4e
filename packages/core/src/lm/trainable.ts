/**
 * A language model whose weights we train in tfjs (RLHF, RLAIF, GLAM): the shared pieces every
 * LM fine-tuning leaf needs — token batches, sampling with our seeded Rng, per-token log-probs of a
 * response, and linear heads on the final hidden state (value head, reward head).
 *
 * Core does not import tiny-lm (tiny-lm depends on core); `TrainableLm` is the structural type
 * tiny-lm's `Gpt` satisfies: a differentiable forward returning logits and the final hidden state.
 *
 * Batch layout (one for sampling, scoring and training, so the numbers cannot drift apart):
 *
 *     column:  0 …        P−1 | P …          P+L−1
 *              [pad…pad prompt] [response…  pad…pad]     attention mask 0 on every pad
 *
 * Prompts are LEFT-padded to a common length P (what transformers.js does for batched
 * generation, and what Gpt.forward's position ids follow), responses RIGHT-padded to L. So the
 * response token at column P+j is predicted by the logits at column P+j−1 for every row, and the
 * state "before emitting token j" is the hidden state at that same column.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.ts';

export interface TrainableLm {
  readonly config: { vocabSize: number; nPositions: number; nEmbd: number };
  /** Trainable variables by name. */
  readonly params: Map<string, tf.Variable>;
  /** ids int32 [B, T], attentionMask [B, T] (1 real, 0 pad) → logits [B, T, V], hidden [B, T, d]. */
  forward(ids: tf.Tensor2D, opts?: { attentionMask?: tf.Tensor2D }): { logits: tf.Tensor3D; hidden: tf.Tensor3D };
  /**
   * Optional incremental forward with a key/value cache (sampling only): the next tokens [B, t], the
   * mask over cache + them [B, Tpast + t], the cache → last-position logits [B, V] and the new cache.
   * `sampleResponses` uses it when present; it must give the logits `forward` gives.
   */
  forwardCached?(ids: tf.Tensor2D, attentionMask: tf.Tensor2D, past: LmKvCache | null): { logits: tf.Tensor2D; cache: LmKvCache };
}

/** A trainable LM that can copy itself (weights included) and free its weights: what the RLHF steps start from. */
export interface ClonableLm extends TrainableLm {
  clone(): ClonableLm;
  dispose(): void;
}

/** Per layer, keys and values of the tokens seen so far (what `forwardCached` carries between steps). */
export interface LmKvCache {
  keys: tf.Tensor[];
  values: tf.Tensor[];
}

/** Text ↔ ids, as the model's own (transformers.js) tokenizer does it. */
export interface LmTokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
  eosId: number;
}

/** A sampled response: its text exactly as the tokens spell it (leading space included), and whether it ended with EOS. */
export interface Response {
  text: string;
  finished: boolean;
}

/** Response ids → text (without EOS) and whether EOS ended it. */
export function decodeResponse(tok: LmTokenizer, ids: number[]): Response {
  const finished = ids.length > 0 && ids[ids.length - 1] === tok.eosId;
  return { text: tok.decode(finished ? ids.slice(0, -1) : ids), finished };
}

/** Text (+ EOS when finished) → response ids: the inverse of `decodeResponse`. */
export function encodeResponse(tok: LmTokenizer, r: Response): number[] {
  return [...tok.encode(r.text), ...(r.finished ? [tok.eosId] : [])];
}

/** The tokenizer of a model folder in Hugging Face layout, loaded by transformers.js (offline). */
export async function loadLmTokenizer(dir: string): Promise<LmTokenizer> {
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  const tok = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  const eos = (tok as unknown as { eos_token_id?: number }).eos_token_id;
  if (typeof eos !== 'number') throw new Error(`loadLmTokenizer: the tokenizer in ${dir} has no eos_token`);
  return {
    encode: (text) => tok.encode(text, { add_special_tokens: false }),
    decode: (ids) => (ids.length === 0 ? '' : tok.decode(ids, { skip_special_tokens: true })), // transformers.js throws on []
    eosId: eos,
  };
}

/** A packed batch of prompt + response token sequences (see the layout in the header). */
export interface SequenceBatch {
  B: number;
  /** Prompt columns (left-padded). */
  P: number;
  /** Response columns (right-padded). */
  L: number;
  /** [B, P+L] int32, row-major. */
  ids: Int32Array;
  /** [B, P+L] 1 = real token. */
  attention: Float32Array;
  /** [B, L] 1 = a real response token (the ones that get log-probs, rewards, losses). */
  responseMask: Float32Array;
}

/**
 * Pack prompts and responses. Prompts longer than the room left by the longest response are cut
 * from the left (the newest context is kept, as LanguageModel does).
 */
export function packSequences(prompts: number[][], responses: number[][], nPositions: number, padId = 0): SequenceBatch {
  const B = prompts.length;
  if (responses.length !== B) throw new Error(`packSequences: ${B} prompts but ${responses.length} responses`);
  const L = Math.max(1, ...responses.map((r) => r.length));
  if (L >= nPositions) throw new Error(`packSequences: a response of ${L} tokens leaves no room for a prompt (context ${nPositions})`);
  const cut = prompts.map((p) => p.slice(Math.max(0, p.length - (nPositions - L))));
  const P = Math.max(1, ...cut.map((p) => p.length));
  const T = P + L;
  const ids = new Int32Array(B * T).fill(padId);
  const attention = new Float32Array(B * T);
  const responseMask = new Float32Array(B * L);
  for (let b = 0; b < B; b++) {
    const p = cut[b]!;
    for (let j = 0; j < p.length; j++) {
      ids[b * T + P - p.length + j] = p[j]!;
      attention[b * T + P - p.length + j] = 1;
    }
    const r = responses[b]!;
    for (let j = 0; j < r.length; j++) {
      ids[b * T + P + j] = r[j]!;
      attention[b * T + P + j] = 1;
      responseMask[b * L + j] = 1;
    }
  }
  return { B, P, L, ids, attention, responseMask };
}

/** Rows `rows` of a batch (for minibatches), keeping P and L. */
export function sliceBatch(batch: SequenceBatch, rows: ArrayLike<number>): SequenceBatch {
  const T = batch.P + batch.L;
  const n = rows.length;
  const ids = new Int32Array(n * T);
  const attention = new Float32Array(n * T);
  const responseMask = new Float32Array(n * batch.L);
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    ids.set(batch.ids.subarray(r * T, (r + 1) * T), k * T);
    attention.set(batch.attention.subarray(r * T, (r + 1) * T), k * T);
    responseMask.set(batch.responseMask.subarray(r * batch.L, (r + 1) * batch.L), k * batch.L);
  }
  return { B: n, P: batch.P, L: batch.L, ids, attention, responseMask };
}

/**
 * Differentiable per-token log-probs of each response under `lm`, [B, L] (0 where masked), and the
 * hidden states of the columns that predict them, [B, L, d] (for a value head). Call inside
 * tf.tidy / a gradient function.
 */
export function responseLogProbs(lm: TrainableLm, batch: SequenceBatch): { logp: tf.Tensor2D; hidden: tf.Tensor3D } {
  const { B, P, L } = batch;
  const T = P + L;
  const V = lm.config.vocabSize;
  const ids = tf.tensor2d(batch.ids, [B, T], 'int32');
  const mask = tf.tensor2d(batch.attention, [B, T]);
  const { logits, hidden } = lm.forward(ids, { attentionMask: mask });
  // Column P−1+j predicts response token j.
  const lg = logits.slice([0, P - 1, 0], [B, L, V]);
  const target = ids.slice([0, P], [B, L]);
  const logp = tf.logSoftmax(lg).mul(tf.oneHot(target, V)).sum(-1).mul(tf.tensor2d(batch.responseMask, [B, L])) as tf.Tensor2D;
  return { logp, hidden: hidden.slice([0, P - 1, 0], [B, L, hidden.shape[2]]) as tf.Tensor3D };
}

/**
 * The hidden states of the columns that predict each response token, [B, L, d] — what
 * `responseLogProbs` returns beside the log-probs, without the vocabulary softmax (a value model's
 * input). Call inside tf.tidy / a gradient function.
 */
export function responseHidden(lm: TrainableLm, batch: SequenceBatch): tf.Tensor3D {
  const { B, P, L } = batch;
  const T = P + L;
  const { hidden } = lm.forward(tf.tensor2d(batch.ids, [B, T], 'int32'), { attentionMask: tf.tensor2d(batch.attention, [B, T]) });
  return hidden.slice([0, P - 1, 0], [B, L, hidden.shape[2]]) as tf.Tensor3D;
}

export interface SampleOptions {
  maxNewTokens: number;
  /** Softmax temperature; 0 = greedy. */
  temperature?: number;
  eosId: number;
  rng: Rng;
  /** Use `lm.forwardCached` when the model has it (default true). Both samplers draw the same tokens
   * up to float rounding (95 of 96 responses identical on the baked model). */
  kvCache?: boolean;
}

/**
 * Sample one response per prompt from `lm` (ancestral sampling, seeded by our Rng). A response ends
 * with (and includes) EOS, or stops at maxNewTokens. With `lm.forwardCached` each step feeds only
 * the new token through a key/value cache (prompts are then cut up front to leave room for
 * maxNewTokens); without it each step recomputes the whole (≤ 128-token) sequence. Both draw the
 * same tokens from the same Rng (tested in tiny-lm).
 */
export async function sampleResponses(lm: TrainableLm, prompts: number[][], o: SampleOptions): Promise<number[][]> {
  if (lm.forwardCached && o.kvCache !== false && o.maxNewTokens < lm.config.nPositions) return sampleCached(lm, prompts, o);
  const temperature = o.temperature ?? 1;
  const B = prompts.length;
  const responses: number[][] = prompts.map(() => []);
  const done = new Array<boolean>(B).fill(false);
  for (let t = 0; t < o.maxNewTokens && done.some((d) => !d); t++) {
    // Unfinished rows all have t tokens; finished rows are padded (masked) to t.
    const cur = responses.map((r, b) => (done[b] ? r.concat(Array(t - r.length).fill(o.eosId)) : r));
    const batch = packSequences(prompts, cur, lm.config.nPositions, o.eosId);
    for (let b = 0; b < B; b++) for (let j = responses[b]!.length; j < t; j++) batch.attention[b * (batch.P + batch.L) + batch.P + j] = 0; // finished rows: pads
    const W = batch.P + batch.L;
    const T = batch.P + t; // at t = 0 the (empty) response column is left out
    const last = tf.tidy(() => {
      const ids = tf.tensor2d(batch.ids, [B, W], 'int32').slice([0, 0], [B, T]) as tf.Tensor2D;
      const mask = tf.tensor2d(batch.attention, [B, W]).slice([0, 0], [B, T]) as tf.Tensor2D;
      const { logits } = lm.forward(ids, { attentionMask: mask });
      return logits.slice([0, T - 1, 0], [B, 1, lm.config.vocabSize]).reshape([B, lm.config.vocabSize]);
    });
    const rows = (await last.data()) as Float32Array;
    last.dispose();
    const V = lm.config.vocabSize;
    for (let b = 0; b < B; b++) {
      if (done[b]) continue;
      const row = rows.subarray(b * V, (b + 1) * V);
      const next = temperature > 0 ? sampleRow(row, temperature, o.rng) : argmax(row);
      responses[b]!.push(next);
      if (next === o.eosId) done[b] = true;
    }
  }
  return responses;
}

/** sampleResponses with a key/value cache: the prompt block once, then one column per new token. */
async function sampleCached(lm: TrainableLm, prompts: number[][], o: SampleOptions): Promise<number[][]> {
  const temperature = o.temperature ?? 1;
  const B = prompts.length;
  const V = lm.config.vocabSize;
  const responses: number[][] = prompts.map(() => []);
  const done = new Array<boolean>(B).fill(false);
  // The same left-padded prompt block as packSequences, with room for the whole response.
  const first = packSequences(prompts, prompts.map(() => Array(o.maxNewTokens).fill(o.eosId)), lm.config.nPositions, o.eosId);
  const P = first.P;
  const W = P + first.L;
  const maskRows: number[][] = Array.from({ length: B }, (_, b) => Array.from(first.attention.subarray(b * W, b * W + P)));
  let next: number[][] = Array.from({ length: B }, (_, b) => Array.from(first.ids.subarray(b * W, b * W + P)));
  let cache: LmKvCache | null = null;
  try {
    for (let t = 0; t < o.maxNewTokens && done.some((d) => !d); t++) {
      const ids = tf.tensor2d(next, [B, next[0]!.length], 'int32');
      const mask = tf.tensor2d(maskRows, [B, maskRows[0]!.length]);
      const out: { logits: tf.Tensor2D; cache: LmKvCache } = lm.forwardCached!(ids, mask, cache);
      tf.dispose([ids, mask]);
      if (cache) tf.dispose([...cache.keys, ...cache.values]);
      cache = out.cache;
      const rows = (await out.logits.data()) as Float32Array;
      out.logits.dispose();
      next = [];
      for (let b = 0; b < B; b++) {
        if (done[b]) {
          next.push([o.eosId]);
          maskRows[b]!.push(0); // finished rows: pads
          continue;
        }
        const row = rows.subarray(b * V, (b + 1) * V);
        const tok = temperature > 0 ? sampleRow(row, temperature, o.rng) : argmax(row);
        responses[b]!.push(tok);
        if (tok === o.eosId) done[b] = true;
        next.push([tok]);
        maskRows[b]!.push(1);
      }
    }
  } finally {
    if (cache) tf.dispose([...cache.keys, ...cache.values]);
  }
  return responses;
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

function sampleRow(row: Float32Array, temperature: number, rng: Rng): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  const w = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) w[i] = Math.exp((row[i]! - max) / temperature);
  return rng.categorical(w);
}

/**
 * A linear head on the LM's final hidden state: d → 1. The value head of PPO (InstructGPT §3.5,
 * GLAM §3) and the scalar reward head of a reward model (InstructGPT §3.5 "RM"). Zero-initialized,
 * so a new head predicts 0 and does not disturb the first updates.
 */
export class LinearHead {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(d: number) {
    this.w = tf.variable(tf.zeros([d, 1]), true);
    this.b = tf.variable(tf.zeros([1]), true);
  }
  /** hidden [..., d] → [...]. */
  apply(hidden: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const d = hidden.shape[hidden.rank - 1]!;
      const flat = hidden.reshape([-1, d]).matMul(this.w).add(this.b);
      return flat.reshape(hidden.shape.slice(0, -1));
    });
  }
  get variables(): tf.Variable[] {
    return [this.w, this.b];
  }
  /** A new head with the same weights. */
  clone(): LinearHead {
    const h = new LinearHead(this.w.shape[0]!);
    h.w.assign(this.w);
    h.b.assign(this.b);
    return h;
  }
  dispose(): void {
    this.w.dispose();
    this.b.dispose();
  }
}

/** Copy every weight of `from` into `to` (same architecture): the frozen reference policy, a fresh RM backbone. */
export function copyLmWeights(from: TrainableLm, to: TrainableLm): void {
  for (const [name, v] of from.params) {
    const t = to.params.get(name);
    if (!t) throw new Error(`copyLmWeights: target has no parameter ${name}`);
    t.assign(v);
  }
}
