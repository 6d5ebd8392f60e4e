/**
 * Every differentiable op of the compiler, on small hand tensors: onnxruntime's forward value
 * equals a float64 interpreter's (test/compileRef.ts), and onnxruntime's gradient of
 * L = Σ w ⊙ op(x) (w fixed, so every output element matters differently) equals central finite
 * differences of L computed in float64.
 *
 * "Relative" here and in the other compile tests: max |a − b| / max(max |b|, 1e-6) over a tensor,
 * b the reference. Bounds: 1e-6 for forward values, 1e-5 for gradients (float32 backward pass vs
 * float64 differences with h = 1e-6·max(1, |x|)); the largest seen were 1e-7 and 2e-7, and a wrong
 * VJP is off by O(1).
 */
import { describe, expect, it } from 'vitest';
import { Graph, type Tensor } from '../src/compile/graph.ts';
import * as o from '../src/compile/ops.ts';
import { grad } from '../src/compile/grad.ts';
import { runGraph, type Feed } from '../src/compile/session.ts';
import { gelu, layerNorm } from '../src/compile/gpt2.ts';
import { Rng } from '../src/rng.ts';
import { evaluate, relErr } from './compileRef.ts';

/** n values in [lo, hi), from a fixed seed. */
function vals(n: number, seed: number, lo = -1, hi = 1): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Math.round(rng.uniform(lo, hi) * 1000) / 1000);
}

interface Case {
  name: string;
  /** Differentiable inputs (name, shape, values) and other feeds; returns the op's output. */
  x: [string, number[], number[]][];
  ints?: [string, number[], number[]][];
  f: (x: Record<string, Tensor>, g: Graph) => Tensor;
}

const A23 = vals(6, 1);
const cases: Case[] = [
  { name: 'add, broadcast [2,3] + [3]', x: [['a', [2, 3], A23], ['b', [3], vals(3, 2)]], f: ({ a, b }) => o.add(a!, b!) },
  { name: 'add, broadcast [2,1] + [1,3]', x: [['a', [2, 1], vals(2, 3)], ['b', [1, 3], vals(3, 4)]], f: ({ a, b }) => o.add(a!, b!) },
  { name: 'sub, number − tensor and [2,3] − [2,1]', x: [['a', [2, 3], A23], ['b', [2, 1], vals(2, 5)]], f: ({ a, b }) => o.sub(o.sub(2, a!), b!) },
  { name: 'mul, broadcast [3,1,2] · [4,1]', x: [['a', [3, 1, 2], vals(6, 6)], ['b', [4, 1], vals(4, 7)]], f: ({ a, b }) => o.mul(a!, b!) },
  { name: 'div, [2,3] / [3]', x: [['a', [2, 3], A23], ['b', [3], vals(3, 8, 0.5, 1.5)]], f: ({ a, b }) => o.div(a!, b!) },
  { name: 'pow, constant exponent', x: [['a', [2, 3], vals(6, 9, 0.2, 2)]], f: ({ a }) => o.pow(a!, 3) },
  { name: 'pow, tensor exponent', x: [['a', [2, 3], vals(6, 10, 0.2, 2)], ['b', [3], vals(3, 11)]], f: ({ a, b }) => o.pow(a!, b!) },
  { name: 'maximum', x: [['a', [2, 3], [0.1, -0.5, 0.9, 0.3, -0.2, 0.7]], ['b', [2, 3], [0.4, -0.9, 0.2, 0.6, -0.1, 0.5]]], f: ({ a, b }) => o.maximum(a!, b!) },
  { name: 'minimum', x: [['a', [2, 3], [0.1, -0.5, 0.9, 0.3, -0.2, 0.7]], ['b', [3], [0.4, -0.9, 0.2]]], f: ({ a, b }) => o.minimum(a!, b!) },
  { name: 'neg', x: [['a', [2, 3], A23]], f: ({ a }) => o.neg(a!) },
  { name: 'exp', x: [['a', [2, 3], A23]], f: ({ a }) => o.exp(a!) },
  { name: 'log', x: [['a', [2, 3], vals(6, 12, 0.2, 3)]], f: ({ a }) => o.log(a!) },
  { name: 'tanh', x: [['a', [2, 3], vals(6, 13, -2, 2)]], f: ({ a }) => o.tanh(a!) },
  { name: 'sqrt', x: [['a', [2, 3], vals(6, 14, 0.2, 3)]], f: ({ a }) => o.sqrt(a!) },
  { name: 'sigmoid', x: [['a', [2, 3], vals(6, 15, -3, 3)]], f: ({ a }) => o.sigmoid(a!) },
  { name: 'softplus', x: [['a', [2, 3], vals(6, 16, -3, 3)]], f: ({ a }) => o.softplus(a!) },
  { name: 'abs', x: [['a', [2, 3], [0.3, -0.5, 0.9, -0.1, 0.2, -0.7]]], f: ({ a }) => o.abs(a!) },
  { name: 'relu', x: [['a', [2, 3], [0.3, -0.5, 0.9, -0.1, 0.2, -0.7]]], f: ({ a }) => o.relu(a!) },
  {
    name: 'where (bool constant condition), broadcast',
    x: [['a', [2, 3], A23], ['b', [3], vals(3, 17)]],
    f: ({ a, b }, g) => o.where(g.constant([1, 0, 1, 0, 0, 1], [2, 3], 'bool'), a!, b!),
  },
  { name: 'where from a comparison', x: [['a', [2, 3], [0.3, -0.5, 0.9, -0.1, 0.2, -0.7]]], f: ({ a }) => o.where(o.greater(a!, 0), o.mul(a!, a!), o.neg(a!)) },
  { name: 'clip', x: [['a', [2, 3], [0.3, -0.7, 0.9, -0.1, 0.2, -0.45]]], f: ({ a }) => o.clip(a!, -0.5, 0.5) },
  { name: 'sum over axis 1', x: [['a', [2, 3, 2], vals(12, 18)]], f: ({ a }) => o.sum(a!, [1]) },
  { name: 'sum over all axes', x: [['a', [2, 3], A23]], f: ({ a }) => o.sum(a!) },
  { name: 'mean over axis 0, keepDims', x: [['a', [3, 2], vals(6, 19)]], f: ({ a }) => o.mean(a!, [0], true) },
  { name: 'mean over axes [0, 2]', x: [['a', [2, 3, 2], vals(12, 20)]], f: ({ a }) => o.mean(a!, [0, 2]) },
  { name: 'max over axis 1 (distinct values)', x: [['a', [2, 3], [0.1, 0.5, -0.2, 0.8, 0.3, 0.6]]], f: ({ a }) => o.max(a!, [1]) },
  { name: 'softmax, last axis', x: [['a', [2, 4], vals(8, 21, -2, 2)]], f: ({ a }) => o.softmax(a!) },
  { name: 'softmax, axis 0', x: [['a', [3, 2], vals(6, 22, -2, 2)]], f: ({ a }) => o.softmax(a!, 0) },
  { name: 'logSoftmax, last axis', x: [['a', [2, 4], vals(8, 23, -2, 2)]], f: ({ a }) => o.logSoftmax(a!) },
  { name: 'logSoftmax, middle axis', x: [['a', [2, 3, 2], vals(12, 24, -2, 2)]], f: ({ a }) => o.logSoftmax(a!, 1) },
  { name: 'cumsum', x: [['a', [2, 4], vals(8, 25)]], f: ({ a }) => o.cumsum(a!, 1) },
  { name: 'cumsum, reverse', x: [['a', [2, 4], vals(8, 26)]], f: ({ a }) => o.cumsum(a!, 1, true) },
  { name: 'matmul 2-D', x: [['a', [3, 4], vals(12, 27)], ['b', [4, 2], vals(8, 28)]], f: ({ a, b }) => o.matmul(a!, b!) },
  { name: 'matmul [2,3,4] · [4,5] (flattened weight gradient)', x: [['a', [2, 3, 4], vals(24, 29)], ['b', [4, 5], vals(20, 30)]], f: ({ a, b }) => o.matmul(a!, b!) },
  { name: 'matmul batched 4-D', x: [['a', [2, 2, 3, 4], vals(48, 31)], ['b', [2, 2, 4, 3], vals(48, 32)]], f: ({ a, b }) => o.matmul(a!, b!) },
  { name: 'matmul, broadcast batch axes', x: [['a', [2, 1, 3, 4], vals(24, 33)], ['b', [1, 2, 4, 5], vals(40, 34)]], f: ({ a, b }) => o.matmul(a!, b!) },
  { name: 'transpose with perm', x: [['a', [2, 3, 4], vals(24, 35)]], f: ({ a }) => o.transpose(a!, [2, 0, 1]) },
  { name: 'transpose, default (reverse)', x: [['a', [2, 3], A23]], f: ({ a }) => o.transpose(a!) },
  { name: 'reshape and unsqueeze', x: [['a', [2, 6], vals(12, 36)]], f: ({ a }) => o.unsqueeze(o.reshape(a!, [3, -1]), 1) },
  { name: 'slice, negative bounds', x: [['a', [4, 5], vals(20, 37)]], f: ({ a }) => o.slice(a!, [1, -3], [3, -1]) },
  { name: 'slice one axis', x: [['a', [2, 6], vals(12, 38)]], f: ({ a }) => o.slice(a!, [2], [5], [1]) },
  { name: 'pad', x: [['a', [2, 3], A23]], f: ({ a }) => o.pad(a!, [1, 0, 0, 2]) },
  { name: 'concat, an input used twice', x: [['a', [2, 3], A23], ['b', [2, 1], vals(2, 39)]], f: ({ a, b }) => o.concat([a!, b!, a!], 1) },
  { name: 'expand', x: [['a', [3, 1], vals(3, 40)]], f: ({ a }) => o.expand(a!, [2, 3, 4]) },
  { name: 'addN', x: [['a', [2, 3], A23], ['b', [2, 3], vals(6, 41)]], f: ({ a, b }) => o.addN([a!, b!, a!]) },
  { name: 'gather, repeated indices, one-hot gradient', x: [['t', [5, 3], vals(15, 42)]], ints: [['i', [2, 3], [1, 4, 1, 0, 1, 4]]], f: ({ t, i }) => o.gather(t!, i!, 'onehot') },
  { name: 'gather, repeated indices, scatter gradient', x: [['t', [5, 3], vals(15, 43)]], ints: [['i', [2, 3], [1, 4, 1, 0, 1, 4]]], f: ({ t, i }) => o.gather(t!, i!, 'scatter') },
  { name: 'gatherElements, repeated indices', x: [['a', [3, 4], vals(12, 44)]], ints: [['i', [3, 2], [0, 3, 2, 2, 1, 1]]], f: ({ a, i }) => o.gatherElements(a!, i!, 1) },
  { name: 'layer norm (composed)', x: [['a', [3, 4], vals(12, 45, -2, 2)], ['w', [4], vals(4, 46)], ['b', [4], vals(4, 47)]], f: ({ a, w, b }) => layerNorm(a!, w!, b!) },
  { name: 'GELU, tanh form (composed)', x: [['a', [2, 3], vals(6, 48, -3, 3)]], f: ({ a }) => gelu(a!) },
];

describe('compile: every op against float64 finite differences', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const g = new Graph();
      const xs: Record<string, Tensor> = {};
      const feeds: Record<string, Feed> = {};
      const ref: Record<string, number[]> = {};
      for (const [name, shape, v] of c.x) {
        xs[name] = g.input(name, shape);
        feeds[name] = { data: Float32Array.from(v), shape };
        ref[name] = v;
      }
      for (const [name, shape, v] of c.ints ?? []) {
        xs[name] = g.input(name, shape, 'int64');
        feeds[name] = { data: BigInt64Array.from(v.map(BigInt)), shape };
        ref[name] = v;
      }
      const y = c.f(xs, g);
      const w = g.constant(vals(y.size, 99, -1, 1), y.shape);
      const loss = o.sum(o.mul(y, w));
      const diff = c.x.map(([name]) => xs[name]!);
      const grads = grad(loss, diff);
      const out = await runGraph([['y', y], ...diff.map((x, i): [string, Tensor] => [`d_${x.name}`, grads[i]!])], feeds, { intraOpNumThreads: 1 });

      // Forward: onnxruntime vs the float64 interpreter on the same (float32-exact) inputs.
      const [yRef] = evaluate([y], ref);
      expect(relErr(out.y!, yRef!.data)).toBeLessThan(1e-6);

      // Gradient: onnxruntime vs central differences of L in float64.
      for (const [name] of c.x) {
        const base = ref[name]!;
        const fd = base.map((v, j) => {
          const h = 1e-6 * Math.max(1, Math.abs(v));
          const at = (d: number) => evaluate([loss], { ...ref, [name]: base.map((u, k) => (k === j ? u + d : u)) })[0]!.data[0]!;
          return (at(h) - at(-h)) / (2 * h);
        });
        expect(Math.max(...fd.map(Math.abs))).toBeGreaterThan(0); // the loss depends on this input
        expect(relErr(out[`d_${name}`]!, fd)).toBeLessThan(1e-5);
      }
    });
  }

  it('stopGradient: its input is used as a constant', async () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const loss = o.sum(o.mul(x, o.stopGradient(x))); // d/dx = stop(x) = x, not 2x
    const [dx] = grad(loss, [x]);
    const out = await runGraph([['dx', dx!]], { x: { data: Float32Array.of(0.5, -1, 2), shape: [3] } });
    expect(Array.from(out.dx!)).toEqual([0.5, -1, 2]);
  });

  it('a parameter the loss does not use gets a zero gradient', async () => {
    const g = new Graph();
    const [x, unused] = [g.input('x', [2]), g.input('unused', [2, 2])];
    const [, du] = grad(o.sum(o.mul(x, x)), [x, unused]);
    const out = await runGraph([['du', du!]], { x: { data: Float32Array.of(1, 2), shape: [2] } });
    expect(Array.from(out.du!)).toEqual([0, 0, 0, 0]);
  });

  it('refuses to differentiate through an op without a gradient', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const loss = o.sum(o.cast(o.cast(o.mul(x, 2), 'int64'), 'float32'));
    expect(() => grad(loss, [x])).toThrow(/has no gradient/);
  });
});
