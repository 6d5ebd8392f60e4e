/**
 * core's compiled GPT-2 (core/src/compile/gpt2.ts, run by onnxruntime) against this package's tfjs
 * `Gpt`, the reference: same parameter names and initialization, the same gradients for one block
 * and for the whole baked tiny-gpt (tfjs autodiff on the wasm backend), and the same AdamW step
 * (decoupled decay on matrices, global-norm clipping) as train.ts's `AdamW`.
 *
 * "Relative" = max |a − b| / max(max |b|, 1e-6) over a tensor, b the tfjs value; bound 1e-5.
 */
import path from 'node:path';
import { initTf, tf } from '@rlllm/core/backend';
import { Rng } from '@rlllm/core/rng';
import { relErr } from '@rlllm/core/stats';
import {
  CompiledStep, Graph, add, addN, grad, gptForward, gptParams, initGptWeights, lmLoss, mul, runGraph, sum, type Feed, type Tensor, type Weights,
} from '@rlllm/core/compile/index';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../src/index.ts';
import { loadGpt, readGptConfig } from '../src/loadWeights.ts';
import { Gpt, lmLoss as tfLmLoss, type GptConfig } from '../src/model.ts';
import { AdamW } from '../src/train.ts';
import { WHOLE_MODEL_TOL } from '../src/index.ts';



beforeAll(async () => {
  expect(await initTf('wasm')).toBe('wasm');
});

/** A hand batch: ids from a fixed seed; optionally rows 1 and 2 left-padded (mask 0, pad id 0) and a loss mask. */
function handBatch(c: GptConfig, B: number, T: number, padded: boolean) {
  const rng = new Rng(17);
  const ids = Int32Array.from({ length: B * T }, () => rng.int(c.vocabSize));
  const mask = new Float32Array(B * T).fill(1);
  if (padded)
    for (const [row, pad] of [[1, 3], [2, Math.floor(T / 2)]] as const)
      for (let t = 0; t < pad; t++) {
        mask[row * T + t] = 0;
        ids[row * T + t] = 0;
      }
  // Loss on positions whose next token is real (what SFT on left-padded prompts does).
  const lossMask = new Float32Array(B * (T - 1));
  for (let b = 0; b < B; b++) for (let t = 0; t < T - 1; t++) lossMask[b * (T - 1) + t] = mask[b * T + t + 1]!;
  return { ids, mask, lossMask };
}

/** Gradients of lmLoss from tfjs and from the compiled graph; returns the worst relative error per parameter. */
async function compareGradients(model: Gpt, B: number, T: number, padded: boolean): Promise<Map<string, number>> {
  const c = model.config;
  const hb = handBatch(c, B, T, padded);
  const ids = tf.tensor2d(hb.ids, [B, T], 'int32');
  const mask = tf.tensor2d(hb.mask, [B, T]);
  const lossMask = tf.tensor2d(hb.lossMask, [B, T - 1]);
  const vars = [...model.params.values()];
  const { value, grads } = tf.variableGrads(() => tfLmLoss(model.forward(ids, padded ? { attentionMask: mask } : {}).logits, ids, padded ? lossMask : undefined), vars);

  const g = new Graph();
  const specs = gptParams(c);
  const p = Object.fromEntries(specs.map((s) => [s.name, g.input(s.name, s.shape)]));
  const gi = g.input('ids', [B, T], 'int64');
  const gm = padded ? g.input('mask', [B, T]) : undefined;
  const glm = padded ? g.input('lossMask', [B, T - 1]) : undefined;
  const loss = lmLoss(gptForward(p, c, gi, { attentionMask: gm }).logits, gi, glm);
  const gs = grad(loss, specs.map((s) => p[s.name]!));
  const weights = await model.getWeights();
  const feeds: Record<string, Feed> = { ids: { data: hb.ids, shape: [B, T] } };
  if (padded) Object.assign(feeds, { mask: { data: hb.mask, shape: [B, T] }, lossMask: { data: hb.lossMask, shape: [B, T - 1] } });
  for (const s of specs) feeds[s.name] = { data: weights.get(s.name)!.data, shape: s.shape };
  const out = await runGraph([['loss', loss], ...specs.map((s, i): [string, Tensor] => [`d:${s.name}`, gs[i]!])], feeds, { intraOpNumThreads: 1 });

  const errs = new Map<string, number>([['loss', relErr(out.loss!, value.dataSync())]]);
  [...model.params.keys()].forEach((name, i) => errs.set(name, relErr(out[`d:${name}`]!, grads[vars[i]!.name]!.dataSync())));
  tf.dispose([ids, mask, lossMask, value, ...Object.values(grads)]);
  return errs;
}

describe('compiled GPT-2 (core/compile) against the tfjs Gpt', () => {
  const small: GptConfig = { vocabSize: 50, nPositions: 16, nLayer: 1, nHead: 4, nEmbd: 32 };

  it('has the same initial weights for a seed (parameter names and shapes are one definition, core\'s gptParams)', async () => {
    const c: GptConfig = { ...small, nLayer: 2 };
    const model = new Gpt(c, 9);
    const mine = initGptWeights(c, 9);
    for (const [name, w] of await model.getWeights()) expect(mine.get(name)!.data, name).toEqual(w.data);
    model.dispose();
  });

  for (const padded of [false, true]) {
    it(`one GPT block: gradients match tfjs autodiff to 1e-5 relative${padded ? ' (left padding, attention and loss masks)' : ''}`, async () => {
      const model = new Gpt(small, 4);
      // Move the weights off their initial values (LN gains 1, biases 0) so every path carries signal.
      const rng = new Rng(8);
      for (const v of model.params.values()) v.assign(v.add(tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal(0, 0.1)), v.shape)));
      const errs = await compareGradients(model, 3, 10, padded);
      for (const [name, e] of errs) expect(e, name).toBeLessThan(1e-5);
      model.dispose();
    });
  }

  for (const padded of [false, true]) {
    it(`the whole baked tiny-gpt: gradients match tfjs autodiff to ${WHOLE_MODEL_TOL} relative${padded ? ' (left padding, attention and loss masks)' : ''}`, async () => {
      const model = loadGpt(defaultModelDir());
      expect(model.config).toEqual(readGptConfig(defaultModelDir()));
      const errs = await compareGradients(model, 4, 32, padded);
      expect(errs.size).toBe(model.params.size + 1);
      for (const [name, e] of errs) expect(e, name).toBeLessThan(WHOLE_MODEL_TOL);
      model.dispose();
    });
  }

  it('AdamW with decay on matrices and global-norm clipping: three steps give train.ts\'s AdamW weights (1e-5 relative)', async () => {
    // Loss Σ c ⊙ p + ½ Σ p ⊙ p: gradient c + p, rounded once on both sides, so this compares the
    // optimizers' arithmetic (the gradient tests above compare the backward passes).
    const c: GptConfig = { ...small, nLayer: 2 };
    const model = new Gpt(c, 2);
    const specs = gptParams(c);
    const names = specs.map((s) => s.name);
    const hp = { beta1: 0.9, beta2: 0.99, weightDecay: 0.1 };
    const opt = new AdamW(model.params, hp);
    const step = new CompiledStep(
      {
        params: specs,
        loss: (p, b) => ({ loss: addN(names.map((n) => add(sum(mul(p[n]!, b[`c:${n}`]!)), mul(sum(mul(p[n]!, p[n]!)), 0.5)))) }),
        optimizer: { kind: 'adamw', ...hp, eps: 1e-8 },
        maxGradNorm: 1,
      },
      (await model.getWeights()) as Weights,
      { intraOpNumThreads: 1 },
    );
    for (const [i, lr] of [3e-3, 2e-3, 1e-3].entries()) {
      const rng = new Rng(30 + i);
      const cs = specs.map((s) => Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)));
      const { grads } = tf.variableGrads(
        () => tf.addN(names.map((n, k) => tf.add(tf.sum(tf.mul(model.p(n), tf.tensor(cs[k]!, [...specs[k]!.shape]))), tf.mul(tf.sum(tf.mul(model.p(n), model.p(n))), 0.5)))) as tf.Scalar,
        [...model.params.values()],
      );
      // train.ts's clipping: scale every gradient by min(1, clip / (‖g‖ + 1e-6)).
      const byName: Record<string, tf.Tensor> = {};
      tf.tidy(() => {
        const vs = [...model.params.values()];
        const norm = tf.sqrt(tf.addN(vs.map((v) => grads[v.name]!.square().sum())));
        const scale = tf.minimum(1, tf.div(1, norm.add(1e-6)));
        names.forEach((n, k) => (byName[n] = tf.keep(grads[vs[k]!.name]!.mul(scale))));
      });
      opt.apply(byName, lr);
      const r = await step.step(Object.fromEntries(names.map((n, k) => [`c:${n}`, { data: cs[k]!, shape: specs[k]!.shape }])), lr);
      expect(r.gradNorm).toBeGreaterThan(1); // clipping is active
      const ref = await model.getWeights();
      for (const [name, w] of step.getWeights()) expect(relErr(w.data, ref.get(name)!.data), `${name} after step ${i + 1}`).toBeLessThan(1e-5);
      tf.dispose([...Object.values(grads), ...Object.values(byName)]);
    }
    opt.dispose();
    model.dispose();
    await step.dispose();
  });
});
