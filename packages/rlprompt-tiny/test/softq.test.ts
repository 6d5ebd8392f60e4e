import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf, MLP, Rng } from '@rlllm/core';
import { logSumExp, reinforceLoss, softQLoss, softQTargets, zScoreByKey } from '@rlllm/core/rl/softq';

describe('reward stabilization: z-score per input (RLPrompt §2.3)', () => {
  it('normalizes each input group separately; constant groups give 0', () => {
    const z = zScoreByKey([1, 3, 10, 10, 5, 7, 9], ['a', 'a', 'b', 'b', 'c', 'c', 'c']);
    expect(z[0]).toBeCloseTo(-1, 12);
    expect(z[1]).toBeCloseTo(1, 12);
    expect(z[2]).toBe(0);
    expect(z[3]).toBe(0);
    const sd = Math.sqrt(8 / 3);
    expect(z[4]).toBeCloseTo(-2 / sd, 12);
    expect(z[5]).toBeCloseTo(0, 12);
    expect(z[6]).toBeCloseTo(2 / sd, 12);
  });
});

describe('soft Q-learning (Guo et al. 2021, RLPrompt §2.2)', () => {
  it('targets on a hand case: single-step = −V̄(s_t)+V̄(s_{t+1})+r_t, multi-step = −V̄(s_t)+R', () => {
    const { single, multi } = softQTargets([2, 1.5, 1], 4);
    expect(single).toEqual([-2 + 1.5, -1.5 + 1, -1 + 4]);
    expect(multi).toEqual([2, 2.5, 3]);
  });

  it('softQLoss equals the hand-computed losses on a 1×2×2 case', async () => {
    await initTf();
    // Q_θ rows [0, ln 3] and [ln 3, 0]; target rows [0,0] and [1,1]; actions [1, 0]; R = 2.
    const q = tf.tensor3d([[[0, Math.log(3)], [Math.log(3), 0]]]);
    const qt = tf.tensor3d([[[0, 0], [1, 1]]]);
    const A = [Math.log(0.75), Math.log(0.75)]; // log π of the taken tokens
    const V = [logSumExp([0, 0]), logSumExp([1, 1])];
    const { single, multi } = softQTargets(V, 2);
    const ls = 0.5 * ((single[0]! - A[0]!) ** 2 + (single[1]! - A[1]!) ** 2) / 2;
    const lm = 0.5 * ((multi[0]! - (A[0]! + A[1]!)) ** 2 + (multi[1]! - A[1]!) ** 2) / 2;
    expect(softQLoss(q, qt, [[1, 0]], [2], 'single').dataSync()[0]).toBeCloseTo(ls, 5);
    expect(softQLoss(q, qt, [[1, 0]], [2], 'multi').dataSync()[0]).toBeCloseTo(lm, 5);
    expect(softQLoss(q, qt, [[1, 0]], [2], 'mixed').dataSync()[0]).toBeCloseTo((ls + lm) / 2, 5);
  });

  for (const algo of ['sql', 'reinforce'] as const) {
    it(`${algo}: a toy bandit (one input, 5 tokens, token 3 rewarded) moves π toward token 3`, async () => {
      await initTf();
      const rng = new Rng(3);
      const net = new MLP([1, 16, 5], rng, { outputGain: 0.01 });
      const target = new MLP([1, 16, 5], rng, { outputGain: 0.01 });
      target.copyFrom(net);
      const opt = tf.train.adam(0.02);
      const x = tf.ones([8, 1]) as tf.Tensor2D;
      const probs = () => tf.tidy(() => tf.softmax(net.apply(tf.ones([1, 1]) as tf.Tensor2D)).dataSync()[3]!);
      const before = probs();
      for (let it = 0; it < 60; it++) {
        const p = tf.tidy(() => Array.from(tf.softmax(net.apply(tf.ones([1, 1]) as tf.Tensor2D)).dataSync()));
        const actions = Array.from({ length: 8 }, () => [rng.categorical(p)]);
        const z = zScoreByKey(actions.map((a) => (a[0] === 3 ? 1 : 0)), actions.map(() => ''));
        const tl = target.apply(x).reshape([8, 1, 5]) as tf.Tensor3D;
        opt.minimize(() => {
          const l = net.apply(x).reshape([8, 1, 5]) as tf.Tensor3D;
          return algo === 'sql' ? softQLoss(l, tl, actions, z.map((r) => 3 * r)) : reinforceLoss(l, actions, z);
        }, false, net.variables);
        tl.dispose();
        target.copyFrom(net);
      }
      const after = probs();
      expect(before).toBeCloseTo(0.2, 1);
      expect(after).toBeGreaterThan(0.6);
    });
  }
});
