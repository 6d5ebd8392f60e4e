import { initTf, tf } from '@rlllm/core/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gpt, lmLoss, mm, tokenLogProbs } from '../src/model.ts';
import { lrAt, train, defaultTrainConfig } from '../src/train.ts';
import { Rng, sampleResponses } from '@rlllm/core';

describe('tfjs GPT', () => {
  beforeAll(async () => {
    expect(await initTf('wasm')).toBe('wasm');
  });

  it('mm has the same value and gradients as tf.matMul (2-D and batched 4-D)', () => {
    for (const [sa, sb] of [[[5, 7], [7, 3]], [[2, 3, 4, 6], [2, 3, 6, 5]]] as const) {
      const a = tf.randomNormal([...sa], 0, 1, 'float32', 1);
      const b = tf.randomNormal([...sb], 0, 1, 'float32', 2);
      const f = (g: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor) => g(x, y).square().sum())([a, b]);
      const [ga, gb] = f(mm);
      const [ra, rb] = f((x, y) => tf.matMul(x, y));
      expect(tf.max(tf.abs(ga!.sub(ra!))).dataSync()[0]).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(gb!.sub(rb!))).dataSync()[0]).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(mm(a, b).sub(tf.matMul(a, b)))).dataSync()[0]).toBeLessThan(1e-5);
    }
  });

  it('is causal: changing a later token does not change earlier logits', () => {
    const m = new Gpt({ vocabSize: 50, nPositions: 16, nLayer: 2, nHead: 2, nEmbd: 16 }, 3);
    const a = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
    const b = tf.tensor2d([[1, 2, 3, 9, 9, 9]], [1, 6], 'int32');
    const la = m.forward(a).logits.slice([0, 0, 0], [1, 3, 50]);
    const lb = m.forward(b).logits.slice([0, 0, 0], [1, 3, 50]);
    expect(tf.max(tf.abs(la.sub(lb))).dataSync()[0]).toBeLessThan(1e-6);
    const lp = tokenLogProbs(m.forward(a).logits, a);
    expect(lp.shape).toEqual([1, 5]);
    expect(Math.abs(-lp.mean().dataSync()[0]! - lmLoss(m.forward(a).logits, a).dataSync()[0]!)).toBeLessThan(1e-5);
    m.dispose();
  });

  it('forwardCached (KV cache) gives forward\'s logits on a left-padded batch, prompt block then one token at a time', () => {
    const m = new Gpt({ vocabSize: 40, nPositions: 16, nLayer: 2, nHead: 2, nEmbd: 16 }, 5);
    // Row 0 is left-padded by 2 (pad id 0, mask 0); row 1 is full. Columns 0–4 are the prompt block.
    const ids = [[0, 0, 7, 8, 9, 11, 12, 13], [3, 4, 5, 6, 7, 21, 22, 23]];
    const mask = [[0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]];
    const full = m.forward(tf.tensor2d(ids, [2, 8], 'int32'), { attentionMask: tf.tensor2d(mask, [2, 8]) }).logits;
    let cache = null;
    for (const [from, to] of [[0, 5], [5, 6], [6, 7], [7, 8]] as const) {
      const step = m.forwardCached(tf.tensor2d(ids.map((r) => r.slice(from, to)), [2, to - from], 'int32'), tf.tensor2d(mask.map((r) => r.slice(0, to)), [2, to]), cache);
      cache = step.cache;
      expect(cache.keys[0]!.shape).toEqual([2, 2, to, 8]);
      const want = full.slice([0, to - 1, 0], [2, 1, 40]).reshape([2, 40]);
      expect(tf.max(tf.abs(step.logits.sub(want))).dataSync()[0]).toBeLessThan(1e-4);
    }
    m.dispose();
  });

  it('sampleResponses draws the same tokens with and without the KV cache (same Rng)', async () => {
    const m = new Gpt({ vocabSize: 40, nPositions: 32, nLayer: 2, nHead: 2, nEmbd: 16 }, 6);
    const uncached = { config: m.config, params: m.params, forward: m.forward.bind(m) }; // hides forwardCached
    const prompts = [[5, 6, 7], [9], [1, 2, 3, 4, 5, 6]];
    const opts = { maxNewTokens: 12, temperature: 1.5, eosId: 39 };
    for (const seed of [1, 2, 3]) {
      const a = await sampleResponses(m, prompts, { ...opts, rng: new Rng(seed) });
      const b = await sampleResponses(uncached, prompts, { ...opts, rng: new Rng(seed) });
      expect(a).toEqual(b);
      expect(a.every((r) => r.length >= 1 && r.length <= 12)).toBe(true);
    }
    // Rows that end (EOS) at different steps, the rest padded in the cache: still the same tokens.
    const withEos = { ...opts, eosId: 7, maxNewTokens: 20, temperature: 3 };
    const ends = await sampleResponses(m, prompts, { ...withEos, rng: new Rng(4) });
    expect(ends).toEqual(await sampleResponses(uncached, prompts, { ...withEos, rng: new Rng(4) }));
    expect(ends.some((r) => r.at(-1) === 7 && r.length < 20)).toBe(true);
    m.dispose();
  });

  it('trains: the loss on a repetitive stream falls, and the schedule warms up then decays', async () => {
    const m = new Gpt({ vocabSize: 20, nPositions: 16, nLayer: 1, nHead: 2, nEmbd: 16 }, 1);
    const tokens = Int32Array.from({ length: 400 }, (_, i) => [3, 1, 4, 1, 5, 9, 2, 6][i % 8]!);
    const { losses } = await train(m, tokens, { ...defaultTrainConfig, steps: 40, seqLen: 16, batchSize: 4, warmupSteps: 5, lr: 1e-2, minLr: 1e-3, logEvery: 1000 }, () => {});
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    const c = { steps: 100, lr: 1, minLr: 0.1, warmupSteps: 10 };
    expect(lrAt(0, c)).toBeCloseTo(0.1);
    expect(lrAt(9, c)).toBeCloseTo(1);
    expect(lrAt(99, c)).toBeLessThan(0.12);
    m.dispose();
  });
});
