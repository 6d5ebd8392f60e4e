/**
 * The GGUF export (src/exportGguf.ts) run by a real llama.cpp (node-llama-cpp's prebuilt CPU
 * binary, through core's GGUF backend) against the same weights through transformers.js: same
 * tokens, log-probabilities within 1e-3 nats per token, identical greedy and seeded text, the same
 * embeddings. Skipped where the optional node-llama-cpp is not installed (never under CI=true).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasLlamaCpp, loadLanguageModel, requireRole, type LanguageModel } from '@rlllm/core';
import { buildGguf, exportGguf } from '../src/exportGguf.ts';
import { defaultModelDir } from '../src/index.ts';

// CI installs the optional node-llama-cpp, so there a missing engine fails the tests instead of skipping them.
const withLlamaCpp = (await hasLlamaCpp()) || process.env.CI === 'true';
if (!withLlamaCpp) console.log('[gguf.test] node-llama-cpp not installed: skipping the llama.cpp comparisons');

describe('GGUF export', () => {
  it('is deterministic and starts with the GGUF v3 header', () => {
    const a = buildGguf(defaultModelDir(), 'rlllm/tiny-gpt');
    expect(buildGguf(defaultModelDir(), 'rlllm/tiny-gpt').equals(a)).toBe(true);
    expect(a.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(a.readUInt32LE(4)).toBe(3);
    const nLayer = (JSON.parse(readFileSync(path.join(defaultModelDir(), 'config.json'), 'utf8')) as { n_layer: number }).n_layer;
    expect(Number(a.readBigUInt64LE(8))).toBe(2 + nLayer * 12 + 2); // tensors: embeddings, 12 per block, output norm
  });
});

describe.skipIf(!withLlamaCpp)('tiny-gpt through llama.cpp (GGUF) and transformers.js (ONNX)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gguf-'));
  let onnx: LanguageModel;
  let gguf: LanguageModel;
  beforeAll(async () => {
    const file = exportGguf(defaultModelDir(), path.join(tmp, 'tiny-gpt.gguf'), 'rlllm/tiny-gpt');
    onnx = await loadLanguageModel('default');
    gguf = await loadLanguageModel(file);
  });
  afterAll(async () => {
    await gguf?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const prompts = ['To clean a spill,', 'I loved it. It worked perfectly. It was', 'function reward(obs, action) {\n ', 'You are in the kitchen. Goal: heat the soup. Next step:', 'word '.repeat(600)]; // the last one fills any context up to 600 tokens
  const continuations = [' great', ' terrible', ' first open the fridge.', ' return -Math.abs(obs.x - obs.goalX);', '\n', ' a purple elephant spaceship banana'];

  it('reports what it is and what it can do', () => {
    expect(gguf.info).toMatchObject({ backend: 'llama.cpp', modelType: 'gpt2', vocabSize: onnx.info.vocabSize, contextLength: onnx.info.contextLength, hiddenSize: onnx.info.hiddenSize });
    requireRole(gguf, { flag: '--model', role: "Eureka's reward writer (--token-mask true)", needs: ['generate', 'logProb', 'embed', 'allow'], minContext: 128 });
  });

  it("tokenizes exactly like tokenizer.json (llama.cpp's gpt2 BPE with the gpt-2 pre-tokenizer)", () => {
    const corpus = readFileSync(path.join(defaultModelDir(), '..', '..', '..', 'README.md'), 'utf8');
    const texts = [...prompts, ...continuations, 'Hello wörld ünïcode 日本 — “quotes” 123 4567\n\n  spaces  \t tab', "it's we'll they've I'm", corpus];
    for (const t of texts) expect(gguf.tokenize(t)).toEqual(onnx.tokenize(t));
  });

  // llama.cpp's CPU GELU goes through an fp16 table (ggml-cpu vec.h, GGML_GELU_FP16): inputs and
  // outputs rounded to 11 significant bits in every block, so the error grows with depth and context.
  // Measured on the 6-layer default: 2.3e-4 nats/token on average, up to 1.4e-3 on one short
  // continuation and at the full context (the 4-layer first default stayed under 1.1e-3). A wrong
  // tensor, layout or tokenizer gives errors of nats, not thousandths.
  it('logProb agrees: 1e-3 nats/token over all scored tokens, 2e-3 for any one continuation (3e-3 at the full context)', async () => {
    let absSum = 0;
    let tokens = 0;
    let worstShort = 0;
    let worstFull = 0;
    for (const p of prompts) {
      const [a, b] = [await onnx.logProb(p, continuations), await gguf.logProb(p, continuations)];
      const full = onnx.tokenize(p).length >= onnx.info.contextLength;
      continuations.forEach((c, i) => {
        const n = onnx.tokenize(c).length;
        absSum += Math.abs(a[i]! - b[i]!);
        tokens += n;
        if (full) worstFull = Math.max(worstFull, Math.abs(a[i]! - b[i]!) / n);
        else worstShort = Math.max(worstShort, Math.abs(a[i]! - b[i]!) / n);
      });
    }
    console.log(`[gguf.test] |Δ logProb| nats/token: mean ${(absSum / tokens).toExponential(2)}, worst short prompt ${worstShort.toExponential(2)}, worst at the full context ${worstFull.toExponential(2)}`);
    expect(absSum / tokens).toBeLessThan(1e-3);
    expect(worstShort).toBeLessThan(2e-3);
    expect(worstFull).toBeGreaterThan(0); // the last prompt really filled the context
    expect(worstFull).toBeLessThan(3e-3);
  });

  it('greedy text is identical; seeded sampling (top-k, stop strings, allow) too', async () => {
    for (const p of prompts) expect(await gguf.generateDetailed(p, { maxNewTokens: 40 })).toEqual(await onnx.generateDetailed(p, { maxNewTokens: 40 }));
    const opts = [
      { maxNewTokens: 40, temperature: 0.8, topK: 20, seed: 3 },
      { maxNewTokens: 40, temperature: 1, seed: 11, stop: ['.'] },
      { maxNewTokens: 24, temperature: 0.8, topK: 10, seed: 5, allow: (s: string) => !s.includes('o') },
    ];
    for (const o of opts) expect(await gguf.generateDetailed(prompts[0]!, o)).toEqual(await onnx.generateDetailed(prompts[0]!, o));
  });

  it('embeddings: the same mean-pooled vectors (cosine > 0.9999)', async () => {
    const texts = ['Pick up the apple.', 'Open the fridge.', 'The stock market fell sharply today.'];
    const [a, b] = [await onnx.embed(texts), await gguf.embed(texts)];
    a.forEach((v, i) => expect(v.reduce((s, x, k) => s + x * b[i]![k]!, 0)).toBeGreaterThan(0.9999));
  });
});
