/**
 * A static sentence encoder trained contrastively: the embedder ELLM's goal/caption matching
 * assumes (Du et al. 2023 embed goals and captions with SentenceBERT; Reimers & Gurevych 2019).
 *
 * The GPT's mean-pooled hidden states do not place "You collected wood." next to "gather some
 * wood" (tiny-lm's premise probe), because nothing in next-token training asks them to. A sentence
 * encoder is trained for exactly that: texts that mean the same thing get nearby vectors. This one is
 * the smallest model of that kind that is still a real one — sentence-transformers' `StaticEmbedding`
 * form (a token-embedding table, mean pooling, L2 normalization; no attention), trained like
 * SentenceBERT/SimCSE with an in-batch-negatives contrastive loss:
 *
 *   1. tokens   the default model's BPE vocabulary, lower-cased and with a leading space (so "Wood",
 *               "wood" and " wood" are one token; see `encoderTokenizerJson`);
 *   2. model    v(text) = normalize(Σ_t E[token_t]) — mean pooling, whose 1/n cancels in the norm;
 *   3. loss     symmetric InfoNCE over a batch of positive pairs (a_i, b_i): logits a_i·b_j / τ, the
 *               other pairs' texts are the negatives (MultipleNegativesRankingLoss; τ = 0.05 as SimCSE);
 *   4. update   Adam on E (only rows of tokens in the batch get a gradient).
 *
 * The export (`buildEncoderOnnx`) is a BERT-type feature-extraction folder whose graph is a Gather
 * of E: `last_hidden_state[b, t] = E[input_ids[b, t]]`, so transformers.js loads it with AutoModel
 * and `LanguageModel.embed` pools it exactly as `encode` does here (the test checks both agree).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { Rng } from '@rlllm/core';
import { valueInfo } from './exportOnnx.ts';

const { onnx } = onnxProto;

export interface EncoderConfig {
  vocabSize: number;
  dim: number;
}

/** The training hyperparameters (bakeEncoder.ts shows the defaults it bakes with). */
export interface EncoderTrainConfig {
  totalSteps: number;
  /** Positive pairs per step; each pair's text is a negative for every other pair. */
  batchSize: number;
  learningRate: number;
  /** InfoNCE temperature τ. */
  temperature: number;
  seed: number;
}

/** A token-embedding table with mean pooling: the whole model. */
export class StaticEncoder {
  readonly E: Float32Array;

  /** Random unit-scale rows from `seed`, or the given table (`weights`, V·D numbers). */
  constructor(readonly config: EncoderConfig, seed: number, weights?: Float32Array) {
    const { vocabSize: V, dim: D } = config;
    this.E = new Float32Array(V * D);
    if (weights) {
      if (weights.length !== V * D) throw new Error(`StaticEncoder: ${weights.length} weights for a ${V}×${D} table`);
      this.E.set(weights);
      return;
    }
    const rng = new Rng(seed);
    // Unit-scale random rows: before training every text is a random direction.
    const s = 1 / Math.sqrt(D);
    for (let i = 0; i < V * D; i++) this.E[i] = rng.normal(0, s);
  }

  /** The unnormalized sum of a text's token rows (a zero vector for no tokens). */
  private sum(ids: number[]): Float32Array {
    const D = this.config.dim;
    const u = new Float32Array(D);
    for (const id of ids) for (let k = 0; k < D; k++) u[k] += this.E[id * D + k]!;
    return u;
  }

  /** Sentence vectors: the L2-normalized mean of the token rows. */
  encode(batch: number[][]): Float32Array[] {
    return batch.map((ids) => normalize(this.sum(ids)).v);
  }

  /**
   * One batch of the symmetric InfoNCE loss and its gradient with respect to E, as a map from token
   * id to the gradient of its row. Pairs (a[i], b[i]) are positives; every b[j ≠ i] is a negative for
   * a[i] and every a[j ≠ i] for b[i].
   */
  lossAndGrad(a: number[][], b: number[][], temperature: number): { loss: number; accuracy: number; grad: Map<number, Float32Array> } {
    const B = a.length;
    const D = this.config.dim;
    const A = a.map((ids) => normalize(this.sum(ids)));
    const P = b.map((ids) => normalize(this.sum(ids)));
    // logits[i][j] = a_i · b_j / τ
    const logits = A.map((x) => P.map((y) => dot(x.v, y.v) / temperature));
    const rowSm = logits.map(softmax);
    const colSm = transpose(transpose(logits).map(softmax));
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < B; i++) {
      loss -= Math.log(rowSm[i]![i]!) + Math.log(colSm[i]![i]!);
      if (logits[i]!.indexOf(Math.max(...logits[i]!)) === i) correct++;
    }
    loss /= 2 * B;
    // dLoss/dlogits[i][j] = (rowSm − δ + colSm − δ) / 2B
    const G = logits.map((row, i) => row.map((_, j) => (rowSm[i]![j]! + colSm[i]![j]! - (i === j ? 2 : 0)) / (2 * B)));
    const grad = new Map<number, Float32Array>();
    const back = (ids: number[], unit: { v: Float32Array; norm: number }, dv: Float32Array) => {
      // Through v = u/‖u‖: du = (dv − v (v·dv)) / ‖u‖; then every token of the text gets du.
      const proj = dot(unit.v, dv);
      const du = new Float32Array(D);
      for (let k = 0; k < D; k++) du[k] = (dv[k]! - unit.v[k]! * proj) / unit.norm;
      for (const id of ids) {
        let g = grad.get(id);
        if (!g) grad.set(id, (g = new Float32Array(D)));
        for (let k = 0; k < D; k++) g[k] += du[k]!;
      }
    };
    for (let i = 0; i < B; i++) {
      const da = new Float32Array(D);
      const db = new Float32Array(D);
      for (let j = 0; j < B; j++) {
        const gij = G[i]![j]! / temperature;
        const gji = G[j]![i]! / temperature;
        for (let k = 0; k < D; k++) {
          da[k] += gij * P[j]!.v[k]!;
          db[k] += gji * A[j]!.v[k]!;
        }
      }
      back(a[i]!, A[i]!, da);
      back(b[i]!, P[i]!, db);
    }
    return { loss, accuracy: correct / B, grad };
  }
}

function normalize(u: Float32Array): { v: Float32Array; norm: number } {
  let n = 0;
  for (let k = 0; k < u.length; k++) n += u[k]! * u[k]!;
  const norm = Math.sqrt(n) || 1;
  const v = new Float32Array(u.length);
  for (let k = 0; k < u.length; k++) v[k] = u[k]! / norm;
  return { v, norm };
}

const dot = (x: Float32Array, y: Float32Array) => {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k]! * y[k]!;
  return s;
};

function softmax(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((x) => Math.exp(x - m));
  const z = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / z);
}

const transpose = (m: number[][]) => m[0]!.map((_, j) => m.map((row) => row[j]!));

/** Positive pairs of one kind, drawn for `share` of each batch. */
export interface PairPool {
  pairs: [number[], number[]][];
  share: number;
}

/**
 * Train `enc` on positive pairs of token-id lists. `pools`: the kinds of positive pair and the share
 * of each batch each is drawn from (shares are normalized; empty pools are skipped). Each step
 * draws `batchSize` pairs whose texts are all distinct (a repeated text would be its own negative).
 * Adam (β 0.9/0.999, ε 1e-8) with a linear decay to zero; rows absent from a step are not touched
 * (lazy Adam, as for sparse embeddings).
 */
export function trainEncoder(enc: StaticEncoder, pools: PairPool[], cfg: EncoderTrainConfig, log?: (step: number, loss: number, accuracy: number) => void): { losses: number[]; accuracies: number[] } {
  const kinds = pools.filter((p) => p.pairs.length > 0 && p.share > 0);
  if (kinds.length === 0) throw new Error('trainEncoder: no positive pairs');
  const totalShare = kinds.reduce((s, p) => s + p.share, 0);
  const draw = (rng: Rng): [number[], number[]] => {
    let u = rng.random() * totalShare;
    const pool = kinds.find((p) => (u -= p.share) < 0) ?? kinds[kinds.length - 1]!;
    return pool.pairs[rng.int(pool.pairs.length)]!;
  };
  const D = enc.config.dim;
  const m = new Float32Array(enc.E.length);
  const v = new Float32Array(enc.E.length);
  const stepOf = new Int32Array(enc.config.vocabSize); // per-row Adam step count (lazy Adam)
  const rng = new Rng(cfg.seed).fork('batches');
  const losses: number[] = [];
  const accuracies: number[] = [];
  const key = (ids: number[]) => ids.join(',');
  for (let step = 0; step < cfg.totalSteps; step++) {
    const a: number[][] = [];
    const b: number[][] = [];
    const seen = new Set<string>();
    for (let tries = 0; a.length < cfg.batchSize && tries < cfg.batchSize * 20; tries++) {
      const [x, y] = draw(rng);
      const kx = key(x);
      const ky = key(y);
      if (seen.has(kx) || seen.has(ky) || kx === ky) continue;
      seen.add(kx);
      seen.add(ky);
      a.push(x);
      b.push(y);
    }
    const { loss, accuracy, grad } = enc.lossAndGrad(a, b, cfg.temperature);
    losses.push(loss);
    accuracies.push(accuracy);
    const lr = cfg.learningRate * (1 - step / cfg.totalSteps);
    for (const [id, g] of grad) {
      const t = ++stepOf[id]!;
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      for (let k = 0; k < D; k++) {
        const i = id * D + k;
        m[i] = 0.9 * m[i]! + 0.1 * g[k]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[k]! * g[k]!;
        enc.E[i] -= (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + 1e-8);
      }
    }
    log?.(step, loss, accuracy);
  }
  return { losses, accuracies };
}

/** Top-1 retrieval accuracy: for each a[i], is b[i] the nearest of all b by cosine? */
export function retrievalAccuracy(enc: StaticEncoder, a: number[][], b: number[][]): number {
  const A = enc.encode(a);
  const P = enc.encode(b);
  let ok = 0;
  A.forEach((x, i) => {
    const s = P.map((y) => dot(x, y));
    if (s.indexOf(Math.max(...s)) === i) ok++;
  });
  return ok / a.length;
}

/**
 * The cosine threshold that best separates pairs a[i]–b[i] from mismatched pairs a[i]–b[j] (best
 * balanced accuracy, midpoint between neighbouring scores): how a user of a sentence encoder
 * calibrates "these two texts mean the same" on data of its own.
 */
export function calibrateThreshold(enc: StaticEncoder, a: number[][], b: number[][]): { threshold: number; balancedAccuracy: number } {
  const A = enc.encode(a);
  const P = enc.encode(b);
  const pos: number[] = [];
  const neg: number[] = [];
  A.forEach((x, i) => P.forEach((y, j) => (i === j ? pos : neg).push(dot(x, y))));
  const cands = [...new Set([...pos, ...neg])].sort((x, y) => x - y);
  let best = { threshold: 1, balancedAccuracy: 0.5 };
  for (let c = 1; c < cands.length; c++) {
    const t = (cands[c - 1]! + cands[c]!) / 2;
    const bal = (pos.filter((v) => v >= t).length / pos.length + neg.filter((v) => v < t).length / neg.length) / 2;
    if (bal > best.balancedAccuracy) best = { threshold: t, balancedAccuracy: bal };
  }
  return best;
}

/**
 * The encoder's tokenizer: the GPT's BPE (`tokenizer.json` of `gptDir`) with a lower-casing
 * normalizer and a leading space, so one word is one token wherever it stands in a sentence.
 */
export function encoderTokenizerJson(gptDir: string): { tokenizer: object; config: object } {
  const tok = JSON.parse(readFileSync(path.join(gptDir, 'tokenizer.json'), 'utf8'));
  tok.normalizer = { type: 'Lowercase' };
  tok.pre_tokenizer = { ...tok.pre_tokenizer, add_prefix_space: true };
  const config = { ...JSON.parse(readFileSync(path.join(gptDir, 'tokenizer_config.json'), 'utf8')), add_prefix_space: true, do_lower_case: true, padding_side: 'right' };
  return { tokenizer: tok, config };
}

/** The ONNX graph: last_hidden_state = Gather(E, input_ids); attention_mask is an input (unused: pooling masks). */
export function buildEncoderOnnx(enc: StaticEncoder): Uint8Array {
  const { vocabSize: V, dim: D } = enc.config;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;
  const weights = { name: 'embeddings.word_embeddings.weight', dataType: FLOAT, dims: [V, D], rawData: new Uint8Array(enc.E.buffer.slice(enc.E.byteOffset, enc.E.byteOffset + enc.E.byteLength)) };
  const graph = {
    name: 'static-encoder',
    node: [{ opType: 'Gather', input: ['embeddings.word_embeddings.weight', 'input_ids'], output: ['last_hidden_state'], name: 'Gather_0', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] }],
    initializer: [weights],
    input: [valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']), valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length'])],
    output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', D])],
  };
  const model = { irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'rlllm-tiny-lm', graph };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Read E back from an exported folder (the weights are the graph's one initializer). */
export function loadEncoder(dir: string): StaticEncoder {
  const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const model = onnx.ModelProto.decode(readFileSync(path.join(dir, 'onnx', 'model.onnx')));
  const init = model.graph!.initializer![0]!;
  const raw = init.rawData!;
  return new StaticEncoder({ vocabSize: cfg.vocab_size, dim: cfg.hidden_size }, 0, new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
}

/** Write `dir` as an HF-layout BERT-type feature-extraction folder transformers.js loads with AutoModel. */
export function exportEncoder(dir: string, enc: StaticEncoder, gptDir: string, training: object): number {
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const { tokenizer, config: tokConfig } = encoderTokenizerJson(gptDir);
  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: enc.config.dim,
    vocab_size: enc.config.vocabSize,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    intermediate_size: enc.config.dim,
    max_position_embeddings: 512,
    type_vocab_size: 1,
    pad_token_id: enc.config.vocabSize - 1,
    _comment: 'rlllm/tiny-encoder: static token embeddings (mean pooling), trained contrastively on tiny-lm corpus pairs and a WordNet dictionary; no transformer layers',
  };
  writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 1)}\n`);
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(path.join(dir, 'tokenizer_config.json'), `${JSON.stringify(tokConfig, null, 1)}\n`);
  const bytes = buildEncoderOnnx(enc);
  writeFileSync(path.join(dir, 'onnx', 'model.onnx'), bytes);
  writeFileSync(path.join(dir, 'training.json'), `${JSON.stringify(training, null, 1)}\n`);
  return bytes.length;
}
