/**
 * core's MLP (nn/mlp.ts) in the compile API: Linear → act → … → Linear, weights [in, out] as tfjs
 * lays them out, named `<prefix>w<l>` / `<prefix>b<l>`.
 *
 * `initMlpWeights` draws the initial weights exactly as `new MLP(sizes, rng, opts)` does (same
 * Rng calls in the same order), so a run seeded the same way starts from the same network on either
 * trainer without tfjs. `mlpSnapshot` turns compiled weights into the `MLPSnapshot` the plain-JS
 * acting forward (nn/mlp.ts `forward`) reads.
 */
import type { Rng } from '../rng.ts';
import { orthogonal, glorotUniform } from '../nn/init.ts';
import type { Activation, MLPOptions, MLPSnapshot } from '../nn/mlp.ts';
import type { Tensor } from './graph.ts';
import { add, matmul, relu, tanh } from './ops.ts';
import type { ParamSpec, Params, Weights } from './step.ts';

export function mlpParams(prefix: string, sizes: readonly number[]): ParamSpec[] {
  const out: ParamSpec[] = [];
  for (let l = 0; l < sizes.length - 1; l++) out.push({ name: `${prefix}w${l}`, shape: [sizes[l]!, sizes[l + 1]!] }, { name: `${prefix}b${l}`, shape: [sizes[l + 1]!] });
  return out;
}

/** x [batch, in] → [batch, out]; the activation follows every layer but the last. */
export function mlpForward(p: Params, prefix: string, nLayers: number, x: Tensor, activation: Activation = 'tanh'): Tensor {
  let h = x;
  for (let l = 0; l < nLayers; l++) {
    h = add(matmul(h, p[`${prefix}w${l}`]!), p[`${prefix}b${l}`]!);
    if (l < nLayers - 1) h = activation === 'tanh' ? tanh(h) : activation === 'relu' ? relu(h) : h;
  }
  return h;
}

/** Initial weights, drawn as `new MLP(sizes, rng, opts)` draws them. */
export function initMlpWeights(prefix: string, sizes: readonly number[], rng: Rng, opts: MLPOptions = {}): Weights {
  const out: Weights = new Map();
  const init = opts.init ?? 'orthogonal';
  for (let l = 0; l < sizes.length - 1; l++) {
    const [i, o] = [sizes[l]!, sizes[l + 1]!];
    const last = l === sizes.length - 2;
    const w = init === 'orthogonal' ? orthogonal(i, o, last ? (opts.outputGain ?? 1) : (opts.hiddenGain ?? Math.SQRT2), rng) : glorotUniform(i, o, rng);
    out.set(`${prefix}w${l}`, { shape: [i, o], data: w });
    out.set(`${prefix}b${l}`, { shape: [o], data: new Float32Array(o) });
  }
  return out;
}

/** The acting snapshot (weights stored transposed, [out, in]) of compiled MLP weights. */
export function mlpSnapshot(weights: Weights, prefix: string, sizes: readonly number[], activation: Activation = 'tanh'): MLPSnapshot {
  const weightsT: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    const [rows, cols] = [sizes[l]!, sizes[l + 1]!];
    const w = weights.get(`${prefix}w${l}`)!.data;
    const t = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
    weightsT.push(t);
    biases.push(Float32Array.from(weights.get(`${prefix}b${l}`)!.data));
  }
  return { sizes: [...sizes], activation, weightsT, biases };
}
