/**
 * A float64 interpreter for the compiler's graphs, written from the ONNX operator definitions: the
 * independent reference the op tests compare onnxruntime against. Finite differences of a loss
 * evaluated here (in float64, so they are accurate to ~1e-9) check every VJP; comparing its
 * forward values with onnxruntime's checks that each node means what the interpreter thinks.
 *
 * Every value is a Float64Array with a shape (int64 and bool values are stored as numbers).
 */
import type { Tensor } from '../src/compile/graph.ts';

export interface Val {
  shape: number[];
  data: Float64Array;
}

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const stridesOf = (s: readonly number[]) => {
  const st = new Array<number>(s.length).fill(1);
  for (let i = s.length - 2; i >= 0; i--) st[i] = st[i + 1]! * s[i + 1]!;
  return st;
};

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = i % shape[k]!;
    i = Math.floor(i / shape[k]!);
  }
  return idx;
}

/** Offset into a value of `shape` broadcast to the output index `idx` (right-aligned). */
function bOffset(idx: number[], shape: readonly number[]): number {
  const st = stridesOf(shape);
  const lead = idx.length - shape.length;
  let o = 0;
  for (let k = 0; k < shape.length; k++) if (shape[k] !== 1) o += idx[k + lead]! * st[k]!;
  return o;
}

function elementwise(vals: Val[], outShape: readonly number[], f: (...x: number[]) => number): Val {
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    out[i] = f(...vals.map((v) => v.data[bOffset(idx, v.shape)]!));
  }
  return { shape: [...outShape], data: out };
}

const ints = (t: Tensor): number[] => Array.from(t.value as BigInt64Array, Number);

function reduce(x: Val, axes: number[], keep: boolean, kind: 'sum' | 'mean' | 'max'): Val {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Float64Array(sizeOf(kept)).fill(kind === 'max' ? -Infinity : 0);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape).map((v, k) => (axes.includes(k) ? 0 : v));
    const o = bOffset(idx, kept);
    acc[o] = kind === 'max' ? Math.max(acc[o]!, x.data[i]!) : acc[o]! + x.data[i]!;
  }
  if (kind === 'mean') {
    const n = axes.reduce((a, k) => a * x.shape[k]!, 1);
    for (let i = 0; i < acc.length; i++) acc[i]! /= n;
  }
  return { shape: keep ? kept : x.shape.filter((_, i) => !axes.includes(i)), data: acc };
}

/** Apply f to every 1-D line along `axis` (softmax, cumsum). */
function alongAxis(x: Val, axis: number, f: (line: number[]) => number[]): Val {
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const line = Array.from({ length: n }, (_, k) => x.data[(o * n + k) * inner + i]!);
      f(line).forEach((v, k) => (out[(o * n + k) * inner + i] = v));
    }
  return { shape: [...x.shape], data: out };
}

function matmul(a: Val, b: Val, outShape: readonly number[]): Val {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  const batchShape = outShape.slice(0, -2);
  const out = new Float64Array(sizeOf(outShape));
  for (let bi = 0; bi < sizeOf(batchShape); bi++) {
    const idx = unravel(bi, batchShape);
    const ao = bOffset(idx, a.shape.slice(0, -2)) * m * k;
    const bo = bOffset(idx, b.shape.slice(0, -2)) * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += a.data[ao + i * k + t]! * b.data[bo + t * n + j]!;
        out[bi * m * n + i * n + j] = s;
      }
  }
  return { shape: [...outShape], data: out };
}

/** Copy the box [begin, begin + shape) of `x` (steps of 1). */
function box(x: Val, begin: number[], shape: number[]): Val {
  const out = new Float64Array(sizeOf(shape));
  const st = stridesOf(x.shape);
  for (let i = 0; i < out.length; i++) out[i] = x.data[unravel(i, shape).reduce((o, v, k) => o + (v + begin[k]!) * st[k]!, 0)]!;
  return { shape, data: out };
}

function node(t: Tensor, v: (i: number) => Val): Val {
  const x = () => v(0);
  const unary = (f: (a: number) => number) => elementwise([x()], t.shape, f);
  const binary = (f: (a: number, b: number) => number) => elementwise([v(0), v(1)], t.shape, f);
  const attr = (name: string) => t.attrs[name] as number;
  switch (t.op) {
    case 'Add': return binary((a, b) => a + b);
    case 'Sub': return binary((a, b) => a - b);
    case 'Mul': return binary((a, b) => a * b);
    case 'Div': return binary((a, b) => a / b);
    case 'Pow': return binary((a, b) => a ** b);
    case 'Max': return binary((a, b) => Math.max(a, b));
    case 'Min': return binary((a, b) => Math.min(a, b));
    case 'Greater': return binary((a, b) => +(a > b));
    case 'Less': return binary((a, b) => +(a < b));
    case 'GreaterOrEqual': return binary((a, b) => +(a >= b));
    case 'LessOrEqual': return binary((a, b) => +(a <= b));
    case 'Equal': return binary((a, b) => +(a === b));
    case 'And': return binary((a, b) => +(a !== 0 && b !== 0));
    case 'Not': return unary((a) => +(a === 0));
    case 'Neg': return unary((a) => -a);
    case 'Exp': return unary(Math.exp);
    case 'Log': return unary(Math.log);
    case 'Tanh': return unary(Math.tanh);
    case 'Sqrt': return unary(Math.sqrt);
    case 'Sigmoid': return unary((a) => 1 / (1 + Math.exp(-a)));
    case 'Softplus': return unary((a) => Math.log1p(Math.exp(a)));
    case 'Sign': return unary(Math.sign);
    case 'Abs': return unary(Math.abs);
    case 'Relu': return unary((a) => Math.max(0, a));
    case 'Identity': return x();
    case 'Sum': return elementwise(t.inputs.map((_, i) => v(i)), t.shape, (...xs) => xs.reduce((a, b) => a + b, 0));
    case 'Where': return elementwise([v(0), v(1), v(2)], t.shape, (c, a, b) => (c !== 0 ? a : b));
    case 'Clip': {
      const [lo, hi] = [v(1).data[0]!, v(2).data[0]!];
      return unary((a) => Math.min(hi, Math.max(lo, a)));
    }
    case 'Cast': return unary((a) => (attr('to') === 7 ? Math.trunc(a) : attr('to') === 9 ? +(a !== 0) : a));
    case 'ReduceSum': return reduce(x(), ints(t.inputs[1]!), attr('keepdims') === 1, 'sum');
    case 'ReduceMean': return reduce(x(), t.attrs.axes as number[], attr('keepdims') === 1, 'mean');
    case 'ReduceMax': return reduce(x(), t.attrs.axes as number[], attr('keepdims') === 1, 'max');
    case 'Softmax':
    case 'LogSoftmax':
      return alongAxis(x(), attr('axis'), (line) => {
        const mx = Math.max(...line);
        const z = line.reduce((s, a) => s + Math.exp(a - mx), 0);
        return line.map((a) => (t.op === 'Softmax' ? Math.exp(a - mx) / z : a - mx - Math.log(z)));
      });
    case 'CumSum':
      return alongAxis(x(), ints(t.inputs[1]!)[0]!, (line) => {
        const src = attr('reverse') === 1 ? [...line].reverse() : line;
        let s = 0;
        const out = src.map((a) => (s += a));
        return attr('reverse') === 1 ? out.reverse() : out;
      });
    case 'MatMul': return matmul(v(0), v(1), t.shape);
    case 'Transpose': {
      const a = x();
      const perm = t.attrs.perm as number[];
      const st = stridesOf(a.shape);
      const out = new Float64Array(a.data.length);
      for (let i = 0; i < out.length; i++) out[i] = a.data[unravel(i, t.shape).reduce((o, vi, k) => o + vi * st[perm[k]!]!, 0)]!;
      return { shape: [...t.shape], data: out };
    }
    case 'Reshape': return { shape: [...t.shape], data: x().data };
    case 'Expand': return elementwise([x()], t.shape, (a) => a);
    case 'Slice': {
      const a = x();
      const begin = a.shape.map(() => 0);
      ints(t.inputs[3]!).forEach((ax, i) => (begin[ax] = ints(t.inputs[1]!)[i]!));
      return box(a, begin, [...t.shape]);
    }
    case 'Pad': {
      const a = x();
      const pads = ints(t.inputs[1]!);
      const out = new Float64Array(sizeOf(t.shape));
      const st = stridesOf(t.shape);
      for (let i = 0; i < a.data.length; i++) out[unravel(i, a.shape).reduce((o, vi, k) => o + (vi + pads[k]!) * st[k]!, 0)] = a.data[i]!;
      return { shape: [...t.shape], data: out };
    }
    case 'Concat': {
      const axis = attr('axis');
      const out = new Float64Array(sizeOf(t.shape));
      const st = stridesOf(t.shape);
      let off = 0;
      t.inputs.forEach((inp, j) => {
        const a = v(j);
        for (let i = 0; i < a.data.length; i++) out[unravel(i, a.shape).reduce((o, vi, k) => o + (k === axis ? vi + off : vi) * st[k]!, 0)] = a.data[i]!;
        off += inp.shape[axis]!;
      });
      return { shape: [...t.shape], data: out };
    }
    case 'Gather': {
      const [table, idx] = [v(0), v(1)];
      const d = table.shape[1]!;
      const out = new Float64Array(idx.data.length * d);
      idx.data.forEach((r, i) => out.set(table.data.subarray(r * d, r * d + d), i * d));
      return { shape: [...t.shape], data: out };
    }
    case 'GatherElements':
    case 'ScatterElements': {
      const axis = attr('axis');
      const gatherOp = t.op === 'GatherElements';
      const [src, idx] = [v(0), v(1)];
      const st = stridesOf(src.shape);
      const out = gatherOp ? new Float64Array(idx.data.length) : Float64Array.from(src.data);
      for (let i = 0; i < idx.data.length; i++) {
        const at = unravel(i, idx.shape);
        at[axis] = idx.data[i]!;
        const o = at.reduce((s, vi, k) => s + vi * st[k]!, 0);
        if (gatherOp) out[i] = src.data[o]!;
        else out[o]! += v(2).data[i]!;
      }
      return { shape: [...t.shape], data: out };
    }
    case 'OneHot': {
      const idx = x();
      const depth = t.shape[t.shape.length - 1]!;
      const out = new Float64Array(idx.data.length * depth);
      idx.data.forEach((c, i) => (out[i * depth + c] = 1));
      return { shape: [...t.shape], data: out };
    }
    default:
      throw new Error(`reference interpreter: no ${t.op}`);
  }
}

/** Evaluate `targets` in float64; `feeds` by input name. */
export function evaluate(targets: Tensor[], feeds: Record<string, ArrayLike<number>>): Val[] {
  const live = new Map<number, Tensor>();
  const stack = [...targets];
  while (stack.length) {
    const t = stack.pop()!;
    if (live.has(t.id)) continue;
    live.set(t.id, t);
    stack.push(...t.inputs);
  }
  const vals = new Map<number, Val>();
  for (const t of [...live.values()].sort((a, b) => a.id - b.id)) {
    let val: Val;
    if (t.op === 'Input') {
      const f = feeds[t.name!];
      if (!f) throw new Error(`no feed for ${t.name}`);
      val = { shape: [...t.shape], data: Float64Array.from(f) };
    } else if (t.op === 'Constant') val = { shape: [...t.shape], data: Float64Array.from(t.value instanceof BigInt64Array ? Array.from(t.value, Number) : t.value!) };
    else val = node(t, (i) => vals.get(t.inputs[i]!.id)!);
    if (val.data.length !== sizeOf(t.shape)) throw new Error(`${t.op}: ${val.data.length} values for shape [${t.shape}]`);
    vals.set(t.id, val);
  }
  return targets.map((t) => vals.get(t.id)!);
}

/** The compile tests' relative error (core's `relErr`, b the reference). */
export { relErr } from '../src/stats.ts';
