/**
 * Optimizers and gradient clipping as graph pieces, so one ONNX run does forward, backward and the
 * update. The learning rate and the step number are graph inputs: schedules (warmup, cosine,
 * linear anneal) stay in JS, and the graph is compiled once.
 *
 * - `adam`: Kingma & Ba 2015 as tfjs's `tf.train.adam` computes it:
 *     m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * - `adamw`: the same plus decoupled weight decay (Loshchilov & Hutter 2019), p ← p·(1 − lr·wd)
 *   before the Adam step, on matrices only (rank ≥ 2), as nanoGPT and tiny-lm's train.ts do.
 * - `rmsprop`: Tieleman & Hinton 2012 as tfjs's `tf.train.rmsprop(lr, decay, 0, ε)` computes it
 *   (no momentum; ε inside the root, unlike PyTorch): s ← ρs + (1−ρ)g²;  p ← p − lr·g / √(s + ε)
 * - `sgd`: p ← p − lr·g.
 * - `clipByGlobalNorm`: PyTorch's clip_grad_norm_ (and core's nn/mlp.ts): scale every gradient by
 *   min(1, maxNorm / (‖g‖ + 1e-6)), ‖g‖ the L2 norm of all gradients together.
 */
import { Tensor } from './graph.ts';
import { add, addN, div, minimum, mul, pow, sqrt, sub, sum } from './ops.ts';

export type OptimizerConfig =
  | { kind: 'adam'; beta1: number; beta2: number; eps: number }
  | { kind: 'adamw'; beta1: number; beta2: number; eps: number; weightDecay: number }
  | { kind: 'rmsprop'; decay: number; eps: number }
  | { kind: 'sgd' };

/** Names of the per-parameter state tensors (same shape as the parameter). */
export function stateSlots(cfg: OptimizerConfig): string[] {
  return cfg.kind === 'sgd' ? [] : cfg.kind === 'rmsprop' ? ['ms'] : ['m', 'v'];
}

export function clipByGlobalNorm(grads: Tensor[], maxNorm: number): { grads: Tensor[]; norm: Tensor } {
  const norm = sqrt(addN(grads.map((g) => sum(mul(g, g)))));
  const scale = minimum(div(maxNorm, add(norm, 1e-6)), 1);
  return { grads: grads.map((g) => mul(g, scale)), norm };
}

/** The L2 norm of all gradients together (logged when no clipping is asked for). */
export function globalNorm(grads: Tensor[]): Tensor {
  return sqrt(addN(grads.map((g) => sum(mul(g, g)))));
}

/**
 * One optimizer update. `state[i]` holds param i's slots in `stateSlots` order; `step` is the
 * 1-based update count (float32 scalar), `learningRate` a float32 scalar.
 */
export function applyOptimizer(
  cfg: OptimizerConfig,
  params: Tensor[],
  grads: Tensor[],
  state: Tensor[][],
  learningRate: Tensor,
  step: Tensor,
): { params: Tensor[]; state: Tensor[][] } {
  if (cfg.kind === 'sgd') return { params: params.map((p, i) => sub(p, mul(grads[i]!, learningRate))), state: params.map(() => []) };
  if (cfg.kind === 'rmsprop') {
    const ms = params.map((_, i) => add(mul(state[i]![0]!, cfg.decay), mul(mul(grads[i]!, grads[i]!), 1 - cfg.decay)));
    return { params: params.map((p, i) => sub(p, div(mul(grads[i]!, learningRate), sqrt(add(ms[i]!, cfg.eps))))), state: ms.map((m) => [m]) };
  }
  const { beta1: b1, beta2: b2, eps } = cfg;
  const bc1 = sub(1, pow(step.graph.scalar(b1), step));
  const bc2 = sub(1, pow(step.graph.scalar(b2), step));
  const newParams: Tensor[] = [];
  const newState: Tensor[][] = [];
  params.forEach((p, i) => {
    const g = grads[i]!;
    const [m0, v0] = state[i] as [Tensor, Tensor];
    const m = add(mul(m0, b1), mul(g, 1 - b1));
    const v = add(mul(v0, b2), mul(mul(g, g), 1 - b2));
    const update = div(div(m, bc1), add(sqrt(div(v, bc2)), eps));
    const decayed = cfg.kind === 'adamw' && cfg.weightDecay > 0 && p.rank >= 2 ? mul(p, sub(1, mul(learningRate, cfg.weightDecay))) : p;
    newParams.push(sub(decayed, mul(update, learningRate)));
    newState.push([m, v]);
  });
  return { params: newParams, state: newState };
}
