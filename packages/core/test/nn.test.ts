import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf, MLP, forward, Rng, orthogonal, clipByGlobalNorm } from '../src/index.ts';

beforeAll(async () => {
  await initTf();
});

describe('nn', () => {
  it('selects a real backend and says which', async () => {
    const name = await initTf();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(name);
    expect(tf.getBackend()).toBe(name);
  });

  it('the plain-JS snapshot forward equals the tfjs forward (the acting path = the training path)', () => {
    const rng = new Rng(5);
    for (const activation of ['tanh', 'relu'] as const) {
      const net = new MLP([4, 16, 8, 3], rng, { activation });
      const x = Float32Array.from({ length: 5 * 4 }, () => rng.normal());
      const js = forward(net.snapshot(), x, 5);
      const ref = tf.tidy(() => net.apply(tf.tensor2d(x, [5, 4])).dataSync());
      for (let i = 0; i < js.length; i++) expect(js[i]).toBeCloseTo(ref[i]!, 5);
      net.dispose();
    }
  });

  it('orthogonal init has orthonormal columns times the gain', () => {
    const w = orthogonal(8, 4, 2, new Rng(1)); // [8,4]: 4 columns of length 8
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) {
        let dot = 0;
        for (let r = 0; r < 8; r++) dot += w[r * 4 + a]! * w[r * 4 + b]!;
        expect(dot).toBeCloseTo(a === b ? 4 : 0, 4);
      }
  });

  it('clips gradients by global norm', () => {
    const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }; // norm 5
    const { grads, norm } = clipByGlobalNorm(g, 1);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 5);
    expect(grads.map((g) => g.name)).toEqual(['a', 'b']);
    expect(grads[0]!.tensor.dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(grads[1]!.tensor.dataSync()[1]).toBeCloseTo(0.8, 5);
  });
});
