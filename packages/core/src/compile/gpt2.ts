/**
 * GPT-2 in the compile API, exactly as tiny-lm's tfjs `Gpt` (packages/tiny-lm/src/model.ts)
 * defines it, so weights move between the two without conversion:
 *
 *   x = wte[ids] + wpe[pos]
 *   for each block:  x = x + attn(ln_1(x));  x = x + mlp(ln_2(x))      (pre-LN)
 *   h = ln_f(x);  logits = h · wteᵀ                                     (tied LM head)
 *
 * Same parameter names, order and layouts (Hugging Face GPT2Model, Conv1D weights [in, out]), same
 * initialization from our Rng, GELU in its tanh form, layer norm ε 1e-5, masked scores −1e9, and
 * with an attention mask (left padding) position ids cumsum(mask) − 1 with padded slots at 1 —
 * what transformers.js feeds the exported graph. Lives in core (tiny-lm depends on core, not the
 * reverse) so tiny-lm's bake and core's LM fine-tuning can both train it.
 *
 * Differences that are not in the numbers: q, k and v are three products with column slices of
 * c_attn's weight instead of one product split three ways (the slice's gradient is a pad of the
 * small weight, not of the [B·T, 3d] activation); the embeddings are Gathers (tfjs multiplies a
 * one-hot matrix, as tfjs-wasm has no gather gradient) whose gradient is a ScatterElements-add by
 * default — measured faster than the one-hot product, see ops.ts `gather` and the README.
 */
import { Rng } from '../rng.ts';
import type { Tensor } from './graph.ts';
import {
  add, cast, concat, cumsum, div, gather, gatherElements, greater, matmul, maximum, mean, mul, neg, reshape, slice, softmax, sqrt, sub, sum,
  tanh, transpose, unsqueeze, where, logSoftmax, type GatherGrad,
} from './ops.ts';
import type { ParamSpec, Params, Weights } from './step.ts';

export interface GptConfig {
  vocabSize: number;
  /** Context length (number of learned positions). */
  nPositions: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

export interface GptForwardOptions {
  /** [B, T] float32, 1 for real tokens and 0 for padding (left padding). */
  attentionMask?: Tensor;
  /** How the embedding tables' gradients are formed (default 'scatter', see ops.ts `gather`). */
  embeddingGrad?: GatherGrad;
}

const LN_EPS = 1e-5;
const NEG_INF = -1e9;

/** Parameter names and shapes, in tiny-lm's order (also the ONNX initializer order of the export). */
export function gptParams(c: GptConfig): ParamSpec[] {
  const d = c.nEmbd;
  const out: [string, number[]][] = [
    ['wte.weight', [c.vocabSize, d]],
    ['wpe.weight', [c.nPositions, d]],
  ];
  for (let i = 0; i < c.nLayer; i++) {
    const p = `h.${i}.`;
    out.push(
      [p + 'ln_1.weight', [d]],
      [p + 'ln_1.bias', [d]],
      [p + 'attn.c_attn.weight', [d, 3 * d]],
      [p + 'attn.c_attn.bias', [3 * d]],
      [p + 'attn.c_proj.weight', [d, d]],
      [p + 'attn.c_proj.bias', [d]],
      [p + 'ln_2.weight', [d]],
      [p + 'ln_2.bias', [d]],
      [p + 'mlp.c_fc.weight', [d, 4 * d]],
      [p + 'mlp.c_fc.bias', [4 * d]],
      [p + 'mlp.c_proj.weight', [4 * d, d]],
      [p + 'mlp.c_proj.bias', [d]],
    );
  }
  out.push(['ln_f.weight', [d]], ['ln_f.bias', [d]]);
  return out.map(([name, shape]) => ({ name, shape }));
}

/**
 * GPT-2 initialization as tiny-lm's `new Gpt(config, seed)`: weights N(0, 0.02), residual
 * projections N(0, 0.02/√(2·nLayer)), biases 0, layer-norm gains 1, drawn in parameter order.
 */
export function initGptWeights(c: GptConfig, seed: number): Weights {
  const rng = new Rng(seed);
  const out: Weights = new Map();
  for (const { name, shape } of gptParams(c)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name.endsWith('ln_1.weight') || name.endsWith('ln_2.weight') || name === 'ln_f.weight') data.fill(1);
    else if (!name.endsWith('.bias')) {
      const std = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * c.nLayer) : 0.02;
      for (let i = 0; i < size; i++) data[i] = rng.normal(0, std);
    }
    out.set(name, { shape: [...shape], data });
  }
  return out;
}

/** ids int64 [B, T] → logits [B, T, V] and the final layer norm's output [B, T, d]. */
export function gptForward(p: Params, c: GptConfig, ids: Tensor, opts: GptForwardOptions = {}): { logits: Tensor; hidden: Tensor } {
  const { vocabSize: V, nPositions: P, nHead: H, nEmbd: d } = c;
  const [B, T] = ids.shape as [number, number];
  if (T > P) throw new Error(`sequence length ${T} exceeds the context length ${P}`);
  const hd = d / H;
  const g = ids.graph;
  const embGrad = opts.embeddingGrad ?? 'scatter';

  // Embeddings and the additive attention bias (0 = may attend, −1e9 = masked).
  const causal = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) causal[i * T + j] = 1;
  let x: Tensor; // [B, T, d]
  let bias: Tensor;
  if (opts.attentionMask) {
    const m = opts.attentionMask;
    const posIds = cast(where(greater(m, 0), sub(cumsum(m, 1), 1), 1), 'int64');
    x = add(gather(p['wte.weight']!, ids, embGrad), gather(p['wpe.weight']!, posIds, embGrad));
    const allow = mul(g.constant(causal, [1, 1, T, T]), reshape(m, [B, 1, 1, T]));
    bias = mul(sub(1, allow), NEG_INF);
  } else {
    x = add(gather(p['wte.weight']!, ids, embGrad), slice(p['wpe.weight']!, [0], [T]));
    bias = g.constant(causal.map((v) => (1 - v) * NEG_INF), [1, 1, T, T]);
  }
  let h2 = reshape(x, [B * T, d]); // linear layers work on the flattened batch

  for (let i = 0; i < c.nLayer; i++) {
    const pre = `h.${i}.`;
    // Causal self-attention, all heads at once.
    const a = layerNorm(h2, p[pre + 'ln_1.weight']!, p[pre + 'ln_1.bias']!);
    const w = p[pre + 'attn.c_attn.weight']!;
    const b = p[pre + 'attn.c_attn.bias']!;
    const proj = (k: number) => add(matmul(a, slice(w, [k * d], [(k + 1) * d], [1])), slice(b, [k * d], [(k + 1) * d]));
    const split = (t: Tensor, perm: number[]) => transpose(reshape(t, [B, T, H, hd]), perm);
    const q = split(proj(0), [0, 2, 1, 3]); // [B, H, T, hd]
    const kT = split(proj(1), [0, 2, 3, 1]); // [B, H, hd, T]
    const v = split(proj(2), [0, 2, 1, 3]);
    const att = add(mul(matmul(q, kT), 1 / Math.sqrt(hd)), bias);
    const y = matmul(softmax(att), v); // [B, H, T, hd]
    const merged = reshape(transpose(y, [0, 2, 1, 3]), [B * T, d]);
    h2 = add(h2, linear(merged, p, pre + 'attn.c_proj'));
    // MLP with GELU.
    const f = gelu(linear(layerNorm(h2, p[pre + 'ln_2.weight']!, p[pre + 'ln_2.bias']!), p, pre + 'mlp.c_fc'));
    h2 = add(h2, linear(f, p, pre + 'mlp.c_proj'));
  }
  const hidden = layerNorm(h2, p['ln_f.weight']!, p['ln_f.bias']!);
  const logits = matmul(hidden, transpose(p['wte.weight']!)); // tied head: h · wteᵀ
  return { logits: reshape(logits, [B, T, V]), hidden: reshape(hidden, [B, T, d]) };
}

function linear(x: Tensor, p: Params, name: string): Tensor {
  return add(matmul(x, p[name + '.weight']!), p[name + '.bias']!);
}

/** Layer norm over the last axis: (x − mean) / √(var + ε) · w + b, var the biased variance (tf.moments). */
export function layerNorm(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const xc = sub(x, mean(x, [-1], true));
  const variance = mean(mul(xc, xc), [-1], true);
  return add(mul(div(xc, sqrt(add(variance, LN_EPS))), w), b);
}

/** GELU, tanh approximation (GPT-2's "gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: Tensor): Tensor {
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

/**
 * log p(ids[t+1] | ids[≤t]) for t = 0..T−2, [B, T−1] (tiny-lm's tokenLogProbs). The log-softmax runs
 * over all T positions and the last one is dropped after the pick: slicing the [B, T, V] logits
 * instead would copy them, and pad their gradient back, for one position in T.
 */
export function tokenLogProbs(logits: Tensor, ids: Tensor): Tensor {
  const [B, T] = logits.shape as [number, number, number];
  const next = concat([slice(ids, [0, 1], [B, T]), ids.graph.constant(new BigInt64Array(B), [B, 1], 'int64')], 1); // last target: a dummy 0
  const picked = reshape(gatherElements(logSoftmax(logits), unsqueeze(next, 2), 2), [B, T]);
  return slice(picked, [0, 0], [B, T - 1]);
}

/** Mean next-token cross-entropy over positions where `lossMask` [B, T−1] is 1 (all if omitted). */
export function lmLoss(logits: Tensor, ids: Tensor, lossMask?: Tensor): Tensor {
  const lp = tokenLogProbs(logits, ids);
  if (!lossMask) return neg(mean(lp));
  return neg(div(sum(mul(lp, lossMask)), maximum(sum(lossMask), 1)));
}
