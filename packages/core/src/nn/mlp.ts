/**
 * The MLP builder shared by every RL algorithm: Linear → act → … → Linear, as tfjs variables for
 * training, plus a plain-JS forward over a weight snapshot for acting.
 *
 * Why two forwards: acting calls the network once per env step on a handful of inputs, where
 * tfjs's per-op dispatch (~10 µs × a dozen ops) costs more than the arithmetic. A rollout
 * therefore snapshots the weights once (`snapshot()`) and runs `forward()` in JS; training runs
 * `apply()` in tfjs with autodiff. A test checks that the two agree.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.ts';
import { orthogonal, glorotUniform } from './init.ts';

// tfjs variable names are global to the engine; a counter keeps each MLP's names unique.
let mlpCount = 0;

export type Activation = 'tanh' | 'relu' | 'linear';

export interface MLPOptions {
  activation?: Activation;
  /** 'orthogonal' (CleanRL PPO: gain √2 hidden, `outputGain` last) or 'glorot' (Keras default). */
  init?: 'orthogonal' | 'glorot';
  hiddenGain?: number;
  outputGain?: number;
  name?: string;
}

export interface MLPSnapshot {
  sizes: number[];
  activation: Activation;
  /** weightsT[l] is row-major [sizes[l+1], sizes[l]]: each output unit's weights are contiguous. */
  weightsT: Float32Array[];
  biases: Float32Array[];
}

/**
 * A trained network as callers use it: weight snapshots for the plain-JS `forward`. The tfjs `MLP`
 * is one; a network trained by a compiled onnxruntime step hands out its weights the same way
 * (`frozenNetwork`, compile/mlp.ts `mlpSnapshot`).
 */
export interface PolicyNetwork {
  readonly sizes: number[];
  snapshot(): MLPSnapshot;
  dispose(): void;
}

/** A network with fixed weights (what an ORT-trained agent returns): each snapshot is a copy. */
export function frozenNetwork(s: MLPSnapshot): PolicyNetwork {
  const copy = (): MLPSnapshot => ({ sizes: [...s.sizes], activation: s.activation, weightsT: s.weightsT.map((w) => Float32Array.from(w)), biases: s.biases.map((b) => Float32Array.from(b)) });
  return { sizes: [...s.sizes], snapshot: copy, dispose: () => {} };
}

export class MLP implements PolicyNetwork {
  readonly weights: tf.Variable<tf.Rank.R2>[] = [];
  readonly biases: tf.Variable<tf.Rank.R1>[] = [];
  readonly activation: Activation;

  constructor(
    readonly sizes: number[],
    rng: Rng,
    opts: MLPOptions = {},
  ) {
    if (sizes.length < 2) throw new Error('MLP needs at least input and output sizes');
    this.activation = opts.activation ?? 'tanh';
    const init = opts.init ?? 'orthogonal';
    const name = `${opts.name ?? 'mlp'}_${mlpCount++}`;
    for (let l = 0; l < sizes.length - 1; l++) {
      const [i, o] = [sizes[l]!, sizes[l + 1]!];
      const last = l === sizes.length - 2;
      const w =
        init === 'orthogonal' ? orthogonal(i, o, last ? (opts.outputGain ?? 1) : (opts.hiddenGain ?? Math.SQRT2), rng) : glorotUniform(i, o, rng);
      this.weights.push(tf.variable(tf.tensor2d(w, [i, o]), true, `${name}/w${l}`));
      this.biases.push(tf.variable(tf.zeros([o]), true, `${name}/b${l}`));
    }
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** tfjs forward (differentiable): x [batch, in] → [batch, out]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    // fused.matMul adds the bias (and a ReLU) inside one kernel: fewer tfjs ops, each of which
    // costs ~30 µs of dispatch on wasm regardless of size. tanh has no fused gradient, so it stays apart.
    let h = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const fuseRelu = l < last && this.activation === 'relu';
      h = tf.fused.matMul({ a: h, b: this.weights[l]!, bias: this.biases[l]!, activation: fuseRelu ? 'relu' : 'linear' }) as tf.Tensor2D;
      if (l < last && this.activation === 'tanh') h = tf.tanh(h);
    }
    return h;
  }

  /** Copy the current weights to plain arrays for fast acting (stored transposed, [out, in]). */
  snapshot(): MLPSnapshot {
    return {
      sizes: [...this.sizes],
      activation: this.activation,
      weightsT: this.weights.map((w) => transpose(w.dataSync() as Float32Array, w.shape[0], w.shape[1])),
      biases: this.biases.map((b) => Float32Array.from(b.dataSync() as Float32Array)),
    };
  }

  /** Copy weights from another MLP of the same shape (target networks). */
  copyFrom(other: MLP): void {
    this.weights.forEach((w, i) => w.assign(other.weights[i]!));
    this.biases.forEach((b, i) => b.assign(other.biases[i]!));
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
  return t;
}

/**
 * Plain-JS forward of a snapshot: x is [batch, in] row-major; returns [batch, out].
 * Each output is a dot product of two contiguous rows accumulated in a register, which V8 runs
 * about 2-3x faster than scattering partial sums into the output row.
 */
export function forward(s: MLPSnapshot, x: Float32Array, batch: number): Float32Array {
  let h = x;
  const nLayers = s.weightsT.length;
  for (let l = 0; l < nLayers; l++) {
    const nIn = s.sizes[l]!;
    const nOut = s.sizes[l + 1]!;
    const wT = s.weightsT[l]!;
    const b = s.biases[l]!;
    const out = new Float32Array(batch * nOut);
    const act = l === nLayers - 1 ? 'linear' : s.activation;
    for (let n = 0; n < batch; n++) {
      const xo = n * nIn;
      for (let j = 0; j < nOut; j++) {
        const wo = j * nIn;
        let acc = b[j]!;
        for (let i = 0; i < nIn; i++) acc += h[xo + i]! * wT[wo + i]!;
        out[n * nOut + j] = act === 'tanh' ? Math.tanh(acc) : act === 'relu' ? (acc > 0 ? acc : 0) : acc;
      }
    }
    h = out;
  }
  return h;
}

/**
 * Clip gradients by their global L2 norm (PyTorch's clip_grad_norm_); returns the clipped grads
 * (as the list `optimizer.applyGradients` takes) and the norm before clipping.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: { name: string; tensor: tf.Tensor }[]; norm: tf.Scalar } {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const sq = tf.addN(names.map((k) => tf.sum(tf.square(grads[k]!))));
    const norm = tf.sqrt(sq) as tf.Scalar;
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return { grads: names.map((name) => ({ name, tensor: tf.mul(grads[name]!, scale) })), norm };
  });
}
