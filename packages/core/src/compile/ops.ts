/**
 * The tensor-expression API: one function per operator our models use. Each builds one standard
 * ONNX node (opset 17), infers its static shape and dtype, and attaches its vector–Jacobian
 * product, written with these same functions — so `grad` (grad.ts) produces a backward graph of
 * standard operators that onnxruntime's CPU build runs (it has no training ops such as SoftmaxGrad).
 *
 * Conventions:
 * - A VJP may return a gradient of the *output's* broadcast shape for an input that was broadcast;
 *   grad.ts sums it back to the input's shape (`unbroadcast`), once, for every op.
 * - Gradients where tfjs defines a subgradient (max, min, clip, relu at the kink) follow tfjs's
 *   choice, so parity tests against tfjs autodiff compare like with like.
 * - Numbers are lifted to scalar constants of the other operand's dtype.
 */
import { Tensor, broadcastShapes, sameShape, sizeOf, type Attr, type DType, type Vjp } from './graph.ts';

export type Operand = Tensor | number;

const ONNX_TYPE: Record<DType, number> = { float32: 1, int64: 7, bool: 9 };

function make(op: string, inputs: Tensor[], attrs: Record<string, Attr>, shape: readonly number[], dtype: DType, vjp: Vjp | null): Tensor {
  return new Tensor(inputs[0]!.graph, op, inputs, attrs, shape, dtype, vjp);
}

function lift(a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new Error('at least one operand must be a tensor');
  const x = typeof a === 'number' ? (b as Tensor).graph.scalar(a, (b as Tensor).dtype) : a;
  const y = typeof b === 'number' ? x.graph.scalar(b, x.dtype) : b;
  if (x.dtype !== y.dtype) throw new Error(`dtype mismatch: ${x.dtype} vs ${y.dtype}`);
  return [x, y];
}

function axisOf(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

const isFloat = (t: Tensor) => t.dtype === 'float32';

// ── Elementwise binary (broadcasting) ──────────────────────────────────────────────────────────
function binary(op: string, a: Operand, b: Operand, vjp: ((dy: Tensor, y: Tensor, x: Tensor, z: Tensor) => (Tensor | null)[]) | null, outDtype?: DType): Tensor {
  const [x, z] = lift(a, b);
  return make(op, [x, z], {}, broadcastShapes(x.shape, z.shape), outDtype ?? x.dtype, vjp && isFloat(x) ? (dy, y) => vjp(dy, y, x, z) : null);
}

export const add = (a: Operand, b: Operand): Tensor => binary('Add', a, b, (dy) => [dy, dy]);
export const sub = (a: Operand, b: Operand): Tensor => binary('Sub', a, b, (dy) => [dy, neg(dy)]);
export const mul = (a: Operand, b: Operand): Tensor => binary('Mul', a, b, (dy, _y, x, z) => [mul(dy, z), mul(dy, x)]);
/** d(x/z) = dy/z, −dy·y/z. */
export const div = (a: Operand, b: Operand): Tensor => binary('Div', a, b, (dy, y, _x, z) => [div(dy, z), neg(div(mul(dy, y), z))]);
/** x^z: dx = dy·z·x^(z−1); dz = dy·y·ln x (only built when z depends on a parameter). */
export const pow = (a: Operand, b: Operand): Tensor =>
  binary('Pow', a, b, (dy, y, x, z) => [mul(dy, mul(z, pow(x, sub(z, 1)))), z.op === 'Constant' ? null : mul(dy, mul(y, log(x)))]);
/** Elementwise max; tfjs's subgradient: ties go to the first operand. */
export const maximum = (a: Operand, b: Operand): Tensor =>
  binary('Max', a, b, (dy, _y, x, z) => [mul(dy, cast(greaterEqual(x, z), 'float32')), mul(dy, cast(less(x, z), 'float32'))]);
/** Elementwise min; ties go to the first operand (tfjs). */
export const minimum = (a: Operand, b: Operand): Tensor =>
  binary('Min', a, b, (dy, _y, x, z) => [mul(dy, cast(lessEqual(x, z), 'float32')), mul(dy, cast(greater(x, z), 'float32'))]);

export const greater = (a: Operand, b: Operand): Tensor => binary('Greater', a, b, null, 'bool');
export const less = (a: Operand, b: Operand): Tensor => binary('Less', a, b, null, 'bool');
export const greaterEqual = (a: Operand, b: Operand): Tensor => binary('GreaterOrEqual', a, b, null, 'bool');
export const lessEqual = (a: Operand, b: Operand): Tensor => binary('LessOrEqual', a, b, null, 'bool');
export const equal = (a: Operand, b: Operand): Tensor => binary('Equal', a, b, null, 'bool');
export const and = (a: Tensor, b: Tensor): Tensor => binary('And', a, b, null, 'bool');
export const not = (a: Tensor): Tensor => make('Not', [a], {}, a.shape, 'bool', null);

// ── Elementwise unary ──────────────────────────────────────────────────────────────────────────
function unary(op: string, x: Tensor, vjp: ((dy: Tensor, y: Tensor) => Tensor) | null): Tensor {
  return make(op, [x], {}, x.shape, x.dtype, vjp && isFloat(x) ? (dy, y) => [vjp(dy, y)] : null);
}

export const neg = (x: Tensor): Tensor => unary('Neg', x, (dy) => neg(dy));
export const exp = (x: Tensor): Tensor => unary('Exp', x, (dy, y) => mul(dy, y));
export const log = (x: Tensor): Tensor => unary('Log', x, (dy) => div(dy, x));
export const tanh = (x: Tensor): Tensor => unary('Tanh', x, (dy, y) => mul(dy, sub(1, mul(y, y))));
export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x, (dy, y) => div(mul(dy, 0.5), y));
export const sigmoid = (x: Tensor): Tensor => unary('Sigmoid', x, (dy, y) => mul(dy, mul(y, sub(1, y))));
/** log(1 + eˣ); log σ(x) = −softplus(−x). */
export const softplus = (x: Tensor): Tensor => unary('Softplus', x, (dy) => mul(dy, sigmoid(x)));
export const sign = (x: Tensor): Tensor => unary('Sign', x, null);
export const abs = (x: Tensor): Tensor => unary('Abs', x, (dy) => mul(dy, sign(x)));
/** ReLU; gradient 0 at 0 (tfjs). */
export const relu = (x: Tensor): Tensor => unary('Relu', x, (dy) => where(greater(x, 0), dy, 0));
/** Identity whose gradient is zero: a value used as a constant (targets, old log-probs). */
export const stopGradient = (x: Tensor): Tensor => make('Identity', [x], {}, x.shape, x.dtype, () => [null]);

/** Sum of several same-shaped tensors (ONNX Sum): how gradient contributions are accumulated. */
export function addN(xs: Tensor[]): Tensor {
  if (xs.length === 1) return xs[0]!;
  if (!xs.every((x) => sameShape(x.shape, xs[0]!.shape))) throw new Error('addN: shapes differ');
  return make('Sum', xs, {}, xs[0]!.shape, xs[0]!.dtype, (dy) => xs.map(() => dy));
}

/** where(c, a, b): a where c, else b (broadcasting). */
export function where(c: Tensor, a: Operand, b: Operand): Tensor {
  const [x, z] = lift(a, b);
  if (c.dtype !== 'bool') throw new Error('where: the condition must be bool');
  const shape = broadcastShapes(c.shape, broadcastShapes(x.shape, z.shape));
  return make('Where', [c, x, z], {}, shape, x.dtype, isFloat(x) ? (dy) => [null, where(c, dy, 0), where(c, 0, dy)] : null);
}

/** Clip to [lo, hi]; gradient passes where lo ≤ x ≤ hi (tfjs's clipByValue). */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  const g = x.graph;
  return make('Clip', [x, g.scalar(lo, x.dtype), g.scalar(hi, x.dtype)], {}, x.shape, x.dtype, (dy) => [
    where(and(greaterEqual(x, lo), lessEqual(x, hi)), dy, 0),
  ]);
}

export function cast(x: Tensor, to: DType): Tensor {
  if (x.dtype === to) return x;
  return make('Cast', [x], { to: ONNX_TYPE[to] }, x.shape, to, isFloat(x) && to === 'float32' ? (dy) => [dy] : null);
}

// ── Reductions ─────────────────────────────────────────────────────────────────────────────────
function reduced(x: Tensor, axes: number[] | undefined, keepDims: boolean) {
  const ax = axes === undefined ? [...x.shape.keys()] : [...new Set(axes.map((a) => axisOf(a, x.rank)))].sort((a, b) => a - b);
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const shape = keepDims ? kept : x.shape.filter((_, i) => !ax.includes(i));
  return { ax, kept, shape, count: ax.reduce((n, a) => n * x.shape[a]!, 1) };
}

/** Sum over `axes` (all if omitted). */
export function sum(x: Tensor, axes?: number[], keepDims = false): Tensor {
  const r = reduced(x, axes, keepDims);
  return make('ReduceSum', [x, x.graph.ints(r.ax)], { keepdims: keepDims ? 1 : 0 }, r.shape, x.dtype, (dy) => [expand(reshape(dy, r.kept), x.shape)]);
}

export function mean(x: Tensor, axes?: number[], keepDims = false): Tensor {
  const r = reduced(x, axes, keepDims);
  return make('ReduceMean', [x], { axes: r.ax, keepdims: keepDims ? 1 : 0 }, r.shape, x.dtype, (dy) => [expand(reshape(mul(dy, 1 / r.count), r.kept), x.shape)]);
}

/** Max over `axes`; the gradient goes to every maximal entry (tfjs). */
export function max(x: Tensor, axes?: number[], keepDims = false): Tensor {
  const r = reduced(x, axes, keepDims);
  return make('ReduceMax', [x], { axes: r.ax, keepdims: keepDims ? 1 : 0 }, r.shape, x.dtype, (dy, y) => [
    mul(expand(reshape(dy, r.kept), x.shape), cast(equal(x, reshape(y, r.kept)), 'float32')),
  ]);
}

/** Index of the largest entry along `axis`, the first one on ties (as tf.argMax), int64; no gradient. */
export function argMax(x: Tensor, axis: number): Tensor {
  const a = axisOf(axis, x.rank);
  return make('ArgMax', [x], { axis: a, keepdims: 0 }, x.shape.filter((_, i) => i !== a), 'int64', null);
}

/** Softmax along `axis`: dx = y ⊙ (dy − Σ dy⊙y). */
export function softmax(x: Tensor, axis = -1): Tensor {
  const a = axisOf(axis, x.rank);
  return make('Softmax', [x], { axis: a }, x.shape, x.dtype, (dy, y) => [mul(y, sub(dy, sum(mul(dy, y), [a], true)))]);
}

/** Log-softmax along `axis`: dx = dy − softmax(x) ⊙ Σ dy. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const a = axisOf(axis, x.rank);
  return make('LogSoftmax', [x], { axis: a }, x.shape, x.dtype, (dy, y) => [sub(dy, mul(exp(y), sum(dy, [a], true)))]);
}

/** Inclusive cumulative sum along `axis` (position ids from an attention mask). */
export function cumsum(x: Tensor, axis: number, reverse = false): Tensor {
  const a = axisOf(axis, x.rank);
  return make('CumSum', [x, x.graph.constant([a], [], 'int64')], reverse ? { reverse: 1 } : {}, x.shape, x.dtype, isFloat(x) ? (dy) => [cumsum(dy, a, !reverse)] : null);
}

// ── Linear algebra ─────────────────────────────────────────────────────────────────────────────
/** Swap the last two axes. */
export function transposeLast(x: Tensor): Tensor {
  const perm = [...x.shape.keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[x.rank - 2]!];
  return transpose(x, perm);
}

/**
 * a · b over the last two axes, batch axes broadcast (ONNX MatMul; both ranks ≥ 2).
 * VJP: da = dy·bᵀ, db = aᵀ·dy. When b is a plain matrix and a has batch axes (a linear layer on
 * [B, T, d]), db is one 2-D product over the flattened rows instead of a batched product + sum.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank < 2 || b.rank < 2) throw new Error('matmul: operands must have rank ≥ 2');
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) throw new Error(`matmul: inner dims ${k} ≠ ${k2} ([${a.shape}]·[${b.shape}])`);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return make('MatMul', [a, b], {}, [...batch, m, n], a.dtype, (dy) => {
    const da = matmul(dy, transposeLast(b));
    const db = b.rank === 2 && a.rank > 2 ? matmul(transposeLast(reshape(a, [-1, k])), reshape(dy, [-1, n])) : matmul(transposeLast(a), dy);
    return [da, db];
  });
}

// ── Shape ops ──────────────────────────────────────────────────────────────────────────────────
export function transpose(x: Tensor, perm?: number[]): Tensor {
  const p = perm ?? [...x.shape.keys()].reverse();
  if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) throw new Error(`transpose: bad perm [${p}]`);
  const inverse = p.map((_, i) => p.indexOf(i));
  return make('Transpose', [x], { perm: p }, p.map((i) => x.shape[i]!), x.dtype, (dy) => [transpose(dy, inverse)]);
}

/** Reshape to a static shape; one −1 is inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const out = shape.map((d) => (d === -1 ? x.size / known : d));
  if (sizeOf(out) !== x.size || !out.every(Number.isInteger)) throw new Error(`reshape: [${x.shape}] → [${shape}]`);
  if (sameShape(out, x.shape)) return x;
  return make('Reshape', [x, x.graph.ints(out)], {}, out, x.dtype, (dy) => [reshape(dy, x.shape)]);
}

/** Insert a size-1 axis at `axis`. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = axis < 0 ? axis + x.rank + 1 : axis;
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** x[starts:ends] along `axes` (default 0..n−1), step 1. VJP: zero-pad back. */
export function slice(x: Tensor, starts: number[], ends: number[], axes?: number[]): Tensor {
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => axisOf(a, x.rank));
  const begin = x.shape.map(() => 0);
  const end = [...x.shape];
  ax.forEach((a, i) => {
    const d = x.shape[a]!;
    const norm = (v: number) => Math.min(d, Math.max(0, v < 0 ? v + d : v));
    begin[a] = norm(starts[i]!);
    end[a] = Math.max(begin[a]!, norm(ends[i]!));
  });
  const shape = x.shape.map((_, i) => end[i]! - begin[i]!);
  const g = x.graph;
  const pads = [...begin, ...x.shape.map((d, i) => d - end[i]!)];
  return make('Slice', [x, g.ints(ax.map((a) => begin[a]!)), g.ints(ax.map((a) => end[a]!)), g.ints(ax)], {}, shape, x.dtype, (dy) => [pad(dy, pads)]);
}

/** Zero padding: `pads` = [begin of each axis…, end of each axis…]. */
export function pad(x: Tensor, pads: number[]): Tensor {
  const r = x.rank;
  const shape = x.shape.map((d, i) => d + pads[i]! + pads[i + r]!);
  return make('Pad', [x, x.graph.ints(pads), x.graph.scalar(0, x.dtype)], { mode: 'constant' }, shape, x.dtype, (dy) => [
    slice(dy, pads.slice(0, r), x.shape.map((d, i) => pads[i]! + d), [...x.shape.keys()]),
  ]);
}

export function concat(xs: Tensor[], axis: number): Tensor {
  const a = axisOf(axis, xs[0]!.rank);
  const shape = [...xs[0]!.shape];
  shape[a] = xs.reduce((n, x) => n + x.shape[a]!, 0);
  const offsets: number[] = [];
  let o = 0;
  for (const x of xs) {
    offsets.push(o);
    o += x.shape[a]!;
  }
  return make('Concat', xs, { axis: a }, shape, xs[0]!.dtype, (dy) => xs.map((x, i) => slice(dy, [offsets[i]!], [offsets[i]! + x.shape[a]!], [a])));
}

/** Broadcast to `shape` (ONNX Expand). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const out = broadcastShapes(x.shape, shape);
  if (sameShape(out, x.shape)) return x;
  return make('Expand', [x, x.graph.ints(out)], {}, out, x.dtype, (dy) => [dy]);
}

// ── Indexing ───────────────────────────────────────────────────────────────────────────────────
export type GatherGrad = 'scatter' | 'onehot';

/**
 * Rows of a matrix: table[idx] (ONNX Gather, axis 0), shape idx.shape + [d]. The table's gradient
 * is either a ScatterElements-add of dy's rows into zeros (`scatter`, the default: O(N·d) work) or
 * oneHot(idx)ᵀ · dy (`onehot`: a [V, N]·[N, d] product; the whole tiny-gpt step 102 vs 92 ms).
 *
 * Not ScatterND: onnxruntime-node 1.30's CPU ScatterND with reduction 'add' loses updates to
 * repeated indices when it runs on more than one thread (measured: errors of 2–4 on sums of ~10
 * with 2 threads; exact with 1) — a data race, so it is not used anywhere.
 */
export function gather(table: Tensor, idx: Tensor, gradMode: GatherGrad = 'scatter'): Tensor {
  if (table.rank !== 2) throw new Error('gather: the table must be a matrix');
  if (idx.dtype !== 'int64') throw new Error('gather: indices must be int64');
  const [V, d] = table.shape as [number, number];
  return make('Gather', [table, idx], { axis: 0 }, [...idx.shape, d], table.dtype, (dy) => {
    const rows = reshape(dy, [-1, d]);
    const flat = reshape(idx, [-1]);
    if (gradMode === 'onehot') return [matmul(transposeLast(oneHot(flat, V)), rows), null];
    return [scatterAdd(expand(table.graph.scalar(0), [V, d]), expand(unsqueeze(flat, 1), rows.shape), rows, 0), null];
  });
}

/** data with `updates` added at `idx` along `axis` (ONNX ScatterElements, reduction 'add'). */
function scatterAdd(data: Tensor, idx: Tensor, updates: Tensor, axis: number): Tensor {
  return make('ScatterElements', [data, idx, updates], { axis, reduction: 'add' }, data.shape, data.dtype, null);
}

/**
 * out[i][j] = x[i][idx[i][j]] along `axis` (ONNX GatherElements), e.g. the log-prob of each target
 * token. VJP: scatter the gradient back into zeros (ScatterElements, reduction 'add').
 */
export function gatherElements(x: Tensor, idx: Tensor, axis: number): Tensor {
  const a = axisOf(axis, x.rank);
  if (idx.dtype !== 'int64' || idx.rank !== x.rank) throw new Error('gatherElements: int64 indices of the same rank');
  return make('GatherElements', [x, idx], { axis: a }, idx.shape, x.dtype, (dy) => [scatterAdd(expand(x.graph.scalar(0), x.shape), idx, dy, a), null]);
}

/** float32 one-hot of int64 indices along a new last axis (no gradient). */
export function oneHot(idx: Tensor, depth: number): Tensor {
  if (idx.dtype !== 'int64') throw new Error('oneHot: indices must be int64');
  const g = idx.graph;
  return make('OneHot', [idx, g.constant([depth], [], 'int64'), g.constant([0, 1], [2])], { axis: -1 }, [...idx.shape, depth], 'float32', null);
}
