/**
 * GPT-2 (Radford et al. 2019) in TensorFlow.js — small, trainable, nanoGPT-shaped.
 *
 *   x = wte[ids] + wpe[pos]
 *   for each block:  x = x + attn(ln_1(x));  x = x + mlp(ln_2(x))      (pre-LN, GPT-2 §2.3)
 *   h = ln_f(x);  logits = h · wteᵀ                                     (tied LM head)
 *
 * Parameter names and layouts follow Hugging Face's GPT2Model (Conv1D weights are [in, out]),
 * so the same names are the ONNX initializer names (exportOnnx.ts) and load back 1:1 (loadWeights).
 *
 * Choices, and why:
 * - Token embedding as oneHot(ids) · wte instead of tf.gather: tfjs-wasm registers no gradient
 *   kernel for gather (UnsortedSegmentSum), and on the cpu backend it is ~3× slower than the matmul
 *   (measured on our machine while building this package).
 * - No dropout: the model is tiny and trained for few steps; it also keeps training deterministic.
 * - GELU is the tanh approximation ("gelu_new", GPT-2's); ONNX opset 17 has no Gelu op, so the
 *   exporter writes the same formula with Tanh/Mul/Add and the two graphs agree to float rounding.
 * - Padding: with an attention mask, positions are cumsum(mask) − 1 and padded slots get
 *   position 1 — exactly what transformers.js feeds the ONNX graph (create_position_ids), so a
 *   left-padded batch gives the same numbers here and there.
 */
import { tf } from '@rlllm/core/backend';
import { Rng } from '@rlllm/core/rng';
import { gptParams, type GptConfig } from '@rlllm/core/compile/gpt2';

// One definition of the architecture's shape and parameters, shared with core's compiled GPT-2
// (core/src/compile/gpt2.ts), which trains these same weights on onnxruntime.
export type { GptConfig };

export interface ForwardOptions {
  /** [B, T] 1 for real tokens, 0 for padding (left padding, as transformers.js batches). */
  attentionMask?: tf.Tensor2D;
}

export interface ForwardOutput {
  /** [B, T, vocab] next-token logits at every position. */
  logits: tf.Tensor3D;
  /** [B, T, nEmbd] output of the final layer norm (HF `last_hidden_state`) — e.g. for a value head. */
  hidden: tf.Tensor3D;
}

/** Per layer, the keys and values of the tokens seen so far, [B, nHead, T, headDim] each. */
export interface KvCache {
  keys: tf.Tensor4D[];
  values: tf.Tensor4D[];
}

const LN_EPS = 1e-5;

/** Swap the last two axes. */
function tT(x: tf.Tensor): tf.Tensor {
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[x.rank - 2]!];
  return tf.transpose(x, perm);
}

/**
 * a · b (batched over leading axes) with a gradient that never uses tfjs' transposed-operand
 * matmul: on the wasm backend `matMul(x, y, transposeA=true)` — what the built-in gradient calls —
 * is ~40× slower than an explicit transpose followed by a plain matmul (measured, [2048×1024]ᵀ·
 * [2048×128]: 860 ms vs 34 ms), which made the backward pass 8× the forward.
 */
export const mm = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [tf.matMul(dy, tT(sb)), tf.matMul(tT(sa), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const NEG_INF = -1e9;

/** The parameter names, in a fixed order (also the ONNX initializer order), with their shapes: core's `gptParams`. */
export function parameterShapes(c: GptConfig): [string, number[]][] {
  return gptParams(c).map((p) => [p.name, [...p.shape]]);
}

export class Gpt {
  readonly config: GptConfig;
  /** Trainable variables by parameter name (insertion order = parameterShapes order). */
  readonly params = new Map<string, tf.Variable>();

  /**
   * GPT-2 initialization from our seeded Rng (not tfjs' RNG, so the numbers are the same on every
   * backend): weights N(0, 0.02), residual projections N(0, 0.02/√(2·nLayer)) (GPT-2 §2.3),
   * biases 0, layer-norm gains 1.
   */
  constructor(config: GptConfig, seed = 0) {
    if (config.nEmbd % config.nHead !== 0) throw new Error(`nEmbd ${config.nEmbd} must be divisible by nHead ${config.nHead}`);
    this.config = { ...config };
    const rng = new Rng(seed);
    for (const [name, shape] of parameterShapes(config)) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      if (name.endsWith('ln_1.weight') || name.endsWith('ln_2.weight') || name === 'ln_f.weight') data.fill(1);
      else if (!name.endsWith('.bias')) {
        const std = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * config.nLayer) : 0.02;
        for (let i = 0; i < size; i++) data[i] = rng.normal(0, std);
      }
      // Variables get auto-generated names: tfjs names are global, and leaves hold two models (policy + reference).
      this.params.set(name, tf.variable(tf.tensor(data, shape), true));
    }
  }

  p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /**
   * Full-sequence forward pass. `ids` int32 [B, T], T ≤ nPositions. Call inside tf.tidy (or dispose
   * the outputs); differentiable w.r.t. all parameters.
   */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): ForwardOutput {
    const { vocabSize: V, nPositions: P, nHead: H, nEmbd: d } = this.config;
    const [B, T] = ids.shape;
    if (T > P) throw new Error(`sequence length ${T} exceeds the context length ${P}`);
    const hd = d / H;
    return tf.tidy(() => {
      // Embeddings: one-hot matmul (differentiable on wasm, see header).
      const tok = mm(tf.oneHot(ids.reshape([B * T]), V), this.p('wte.weight'));
      let pos: tf.Tensor;
      let bias: tf.Tensor; // additive attention bias, [1 or B, 1, T, T]
      const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0); // lower triangle = may attend
      if (opts.attentionMask) {
        const m = opts.attentionMask.cast('float32'); // [B, T]
        const posIds = tf.where(m.cast('bool'), tf.cumsum(m, 1).sub(1), tf.onesLike(m)).cast('int32');
        pos = mm(tf.oneHot(posIds.reshape([B * T]), P), this.p('wpe.weight'));
        const allow = causal.reshape([1, 1, T, T]).mul(m.reshape([B, 1, 1, T]));
        bias = tf.sub(1, allow).mul(NEG_INF);
      } else {
        pos = tf.tile(this.p('wpe.weight').slice([0, 0], [T, d]), [B, 1]);
        bias = tf.sub(1, causal).mul(NEG_INF).reshape([1, 1, T, T]);
      }
      let x: tf.Tensor2D = tok.add(pos); // [B·T, d] — linear layers work on the flattened batch

      const heads = (t: tf.Tensor) => t.reshape([B, T, H, hd]).transpose([0, 2, 1, 3]); // → [B, H, T, hd]
      for (let i = 0; i < this.config.nLayer; i++) {
        const pre = `h.${i}.`;
        // Causal self-attention (Vaswani et al. 2017 §3.2), all heads at once.
        const h = this.layerNorm(x, pre + 'ln_1');
        const qkv = this.linear(h, pre + 'attn.c_attn');
        const [q, k, v] = tf.split(qkv, 3, 1);
        const att = mm(heads(q!), tT(heads(k!))).mul(1 / Math.sqrt(hd)).add(bias);
        const y = mm(tf.softmax(att), heads(v!)); // [B, H, T, hd]
        const merged = y.transpose([0, 2, 1, 3]).reshape([B * T, d]) as tf.Tensor2D;
        x = x.add(this.linear(merged, pre + 'attn.c_proj'));
        // MLP with GELU.
        const f = gelu(this.linear(this.layerNorm(x, pre + 'ln_2'), pre + 'mlp.c_fc'));
        x = x.add(this.linear(f, pre + 'mlp.c_proj'));
      }
      const hidden = this.layerNorm(x, 'ln_f');
      const logits = mm(hidden, tT(this.p('wte.weight'))); // tied head: h · wteᵀ
      return { logits: logits.reshape([B, T, V]) as tf.Tensor3D, hidden: hidden.reshape([B, T, d]) as tf.Tensor3D };
    });
  }

  /**
   * Incremental forward with a key/value cache, for sampling (the same cache transformers.js keeps as
   * `past_key_values`): `ids` [B, t] are the next t tokens, `attentionMask` [B, Tpast + t] covers the
   * cached tokens and them (1 real, 0 pad), `past` holds each layer's keys and values of the earlier
   * tokens ([B, nHead, Tpast, headDim]; null on the first call). Returns the logits of the last new
   * position [B, V] and the cache extended by the t tokens. Position ids and masking follow `forward`,
   * so the logits equal `forward` on the whole sequence (test/model.test.ts) at the cost of the new
   * tokens only. No gradient is needed here; the caller disposes the old cache.
   */
  forwardCached(ids: tf.Tensor2D, attentionMask: tf.Tensor2D, past: KvCache | null): { logits: tf.Tensor2D; cache: KvCache } {
    const { vocabSize: V, nPositions: P, nHead: H, nEmbd: d } = this.config;
    const [B, t] = ids.shape;
    const Tall = attentionMask.shape[1];
    const Tpast = Tall - t;
    if (Tall > P) throw new Error(`sequence length ${Tall} exceeds the context length ${P}`);
    if ((past?.keys[0]?.shape[2] ?? 0) !== Tpast) throw new Error(`forwardCached: the cache holds ${past?.keys[0]?.shape[2] ?? 0} positions, the mask ${Tpast} before the new tokens`);
    const hd = d / H;
    const L = this.config.nLayer;
    const out = tf.tidy(() => {
      const m = attentionMask.cast('float32'); // [B, Tall]
      const posAll = tf.where(m.cast('bool'), tf.cumsum(m, 1).sub(1), tf.onesLike(m)).cast('int32');
      const posIds = posAll.slice([0, Tpast], [B, t]);
      const tok = mm(tf.oneHot(ids.reshape([B * t]), V), this.p('wte.weight'));
      const pos = mm(tf.oneHot(posIds.reshape([B * t]), P), this.p('wpe.weight'));
      // New query i (column Tpast + i) may attend to key j ≤ Tpast + i where the mask is 1.
      const causal = tf.linalg.bandPart(tf.ones([t, Tall]), -1, Tpast);
      const allow = causal.reshape([1, 1, t, Tall]).mul(m.reshape([B, 1, 1, Tall]));
      const bias = tf.sub(1, allow).mul(NEG_INF);
      let x: tf.Tensor2D = tok.add(pos);
      const heads = (z: tf.Tensor) => z.reshape([B, t, H, hd]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
      const cache: KvCache = { keys: [], values: [] };
      for (let i = 0; i < this.config.nLayer; i++) {
        const pre = `h.${i}.`;
        const h = this.layerNorm(x, pre + 'ln_1');
        const qkv = this.linear(h, pre + 'attn.c_attn');
        const [q, k, v] = tf.split(qkv, 3, 1);
        const kAll = past ? tf.concat([past.keys[i]!, heads(k!)], 2) : heads(k!);
        const vAll = past ? tf.concat([past.values[i]!, heads(v!)], 2) : heads(v!);
        cache.keys.push(kAll as tf.Tensor4D);
        cache.values.push(vAll as tf.Tensor4D);
        const att = mm(heads(q!), tT(kAll)).mul(1 / Math.sqrt(hd)).add(bias);
        const y = mm(tf.softmax(att), vAll);
        const merged = y.transpose([0, 2, 1, 3]).reshape([B * t, d]) as tf.Tensor2D;
        x = x.add(this.linear(merged, pre + 'attn.c_proj'));
        const f = gelu(this.linear(this.layerNorm(x, pre + 'ln_2'), pre + 'mlp.c_fc'));
        x = x.add(this.linear(f, pre + 'mlp.c_proj'));
      }
      const last = x.reshape([B, t, d]).slice([0, t - 1, 0], [B, 1, d]).reshape([B, d]) as tf.Tensor2D;
      const logits = mm(this.layerNorm(last, 'ln_f'), tT(this.p('wte.weight'))) as tf.Tensor2D;
      return [logits, ...cache.keys, ...cache.values];
    });
    return { logits: out[0] as tf.Tensor2D, cache: { keys: out.slice(1, 1 + L) as tf.Tensor4D[], values: out.slice(1 + L) as tf.Tensor4D[] } };
  }

  private linear(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return mm(x, this.p(name + '.weight')).add(this.p(name + '.bias')) as tf.Tensor2D;
  }

  private layerNorm(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(LN_EPS))).mul(this.p(name + '.weight')).add(this.p(name + '.bias'));
  }

  /** Copy of all weights as plain arrays (for export). */
  async getWeights(): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, v] of this.params) out.set(name, { shape: v.shape.slice(), data: (await v.data()) as Float32Array });
    return out;
  }

  /** Overwrite weights by name; every parameter must be present with its exact shape. */
  setWeights(weights: Map<string, { shape: number[]; data: Float32Array }>): void {
    for (const [name, v] of this.params) {
      const w = weights.get(name);
      if (!w) throw new Error(`weights are missing ${name}`);
      if (w.shape.join('x') !== v.shape.join('x')) throw new Error(`${name}: shape ${w.shape} ≠ expected ${v.shape}`);
      v.assign(tf.tensor(w.data, w.shape));
    }
  }

  /** A new model with these weights (its own variables): a frozen reference, a reward model's backbone. */
  clone(): Gpt {
    const g = new Gpt(this.config);
    for (const [name, v] of this.params) g.params.get(name)!.assign(v);
    return g;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

/** GELU, tanh approximation (GPT-2's "gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(tf.tanh(inner).add(1)) as T;
  });
}

/**
 * log p(ids[t+1] | ids[≤t]) for t = 0..T−2: the per-token log-probs of a sequence under the model,
 * [B, T−1]. This is what RL fine-tuning needs for sampled sequences (policy-gradient log π, KL to a
 * reference model); mask out prompt and padding positions yourself.
 */
export function tokenLogProbs(logits: tf.Tensor3D, ids: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, T, V] = logits.shape;
    const lp = tf.logSoftmax(logits.slice([0, 0, 0], [B, T - 1, V]));
    const next = ids.slice([0, 1], [B, T - 1]);
    return lp.mul(tf.oneHot(next, V)).sum(-1) as tf.Tensor2D;
  });
}

/** Mean next-token cross-entropy over positions where `lossMask` [B, T−1] is 1 (all if omitted). */
export function lmLoss(logits: tf.Tensor3D, ids: tf.Tensor2D, lossMask?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const lp = tokenLogProbs(logits, ids);
    if (!lossMask) return lp.mean().neg() as tf.Scalar;
    const m = lossMask.cast('float32');
    return lp.mul(m).sum().div(m.sum().maximum(1)).neg() as tf.Scalar;
  });
}
