import { describe, it, expect } from 'vitest';
import { computeGae } from '../src/rl/gae.ts';

describe('GAE', () => {
  it('matches hand-computed advantages for one env, with an episode end in the middle', () => {
    // T = 3, one env. γ = 0.9, λ = 0.8. Episode ends at t = 1.
    const r = Float32Array.of(1, 2, 3);
    const v = Float32Array.of(0.5, 1.0, 1.5);
    const d = Uint8Array.of(0, 1, 0);
    const last = Float32Array.of(2.0);
    // t=2: δ = 3 + 0.9·2.0 − 1.5 = 3.3;                  A2 = 3.3
    // t=1: δ = 2 + 0 − 1.0 = 1.0 (done: no bootstrap);     A1 = 1.0
    // t=0: δ = 1 + 0.9·1.0 − 0.5 = 1.4;                    A0 = 1.4 + 0.9·0.8·1.0 = 2.12
    const { advantages, returns } = computeGae(r, v, d, last, 1, 0.9, 0.8);
    [2.12, 1.0, 3.3].forEach((a, k) => expect(advantages[k]).toBeCloseTo(a, 6));
    expect(returns[0]).toBeCloseTo(2.62, 6);
    expect(returns[2]).toBeCloseTo(4.8, 6);
  });

  it('keeps envs separate (time-major layout) and λ = 1 gives discounted returns minus V', () => {
    // Two envs interleaved: index t*2 + i. Env 0 rewards 1,1; env 1 rewards 0,5. No dones, V = 0.
    const r = Float32Array.of(1, 0, 1, 5);
    const v = new Float32Array(4);
    const d = new Uint8Array(4);
    const { advantages } = computeGae(r, v, d, Float32Array.of(10, 0), 2, 0.5, 1.0);
    // env0: t1 = 1 + 0.5·10 = 6; t0 = 1 + 0.5·6 = 4. env1: t1 = 5; t0 = 0 + 0.5·5 = 2.5
    expect(Array.from(advantages)).toEqual([4, 2.5, 6, 5]);
  });
});
