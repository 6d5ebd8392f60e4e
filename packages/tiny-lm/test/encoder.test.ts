/**
 * The static sentence encoder (encoder.ts): its analytic gradient against finite differences, that
 * training pulls paraphrases together, that the exported folder embeds through transformers.js
 * exactly as `encode` does, and the pair mining of bakeEncoder.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLanguageModel } from '@rlllm/core/lm/index';
import { Rng } from '@rlllm/core';
import { afterAll, describe, expect, it } from 'vitest';
import { minePairs } from '../src/bakeEncoder.ts';
import { exportEncoder, loadEncoder, retrievalAccuracy, StaticEncoder, trainEncoder } from '../src/encoder.ts';
import { defaultModelDir } from '../src/index.ts';
import { loadHfTokenizer } from '../src/tokenizer.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tiny-encoder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('static encoder', () => {
  it('lossAndGrad matches central finite differences of the InfoNCE loss', () => {
    const enc = new StaticEncoder({ vocabSize: 7, dim: 5 }, 3);
    const a = [[0, 1], [2], [3, 4, 4]];
    const b = [[5], [1, 6], [2, 3]];
    const tau = 0.5;
    const { grad } = enc.lossAndGrad(a, b, tau);
    const h = 1e-3;
    let worst = 0;
    for (let id = 0; id < 7; id++) {
      for (let k = 0; k < 5; k++) {
        const i = id * 5 + k;
        const x = enc.E[i]!;
        enc.E[i] = x + h;
        const up = enc.lossAndGrad(a, b, tau).loss;
        enc.E[i] = x - h;
        const down = enc.lossAndGrad(a, b, tau).loss;
        enc.E[i] = x;
        const numeric = (up - down) / (2 * h);
        const analytic = grad.get(id)?.[k] ?? 0;
        worst = Math.max(worst, Math.abs(numeric - analytic));
      }
    }
    // float32 weights, h = 1e-3: the central difference is good to ~1e-4 here.
    expect(worst).toBeLessThan(2e-3);
  });

  it('training on pairs that share no token brings each pair together (retrieval 1.0 from chance)', () => {
    // 8 "words" and their 8 synonyms: pair i = ([i], [8 + i]); a random table cannot match them.
    const enc = new StaticEncoder({ vocabSize: 16, dim: 8 }, 1);
    const pairs: [number[], number[]][] = Array.from({ length: 8 }, (_, i) => [[i], [8 + i]]);
    const a = pairs.map((p) => p[0]);
    const b = pairs.map((p) => p[1]);
    const before = retrievalAccuracy(enc, a, b);
    trainEncoder(enc, [{ pairs, share: 1 }], { totalSteps: 300, batchSize: 4, learningRate: 0.05, temperature: 0.1, seed: 2 });
    expect(before).toBeLessThan(0.5);
    expect(retrievalAccuracy(enc, a, b)).toBe(1);
  });

  it('the exported folder embeds through transformers.js as encode() does, and loads back', async () => {
    const enc = new StaticEncoder({ vocabSize: 3072, dim: 16 }, 4);
    const dir = path.join(tmp, 'enc');
    exportEncoder(dir, enc, defaultModelDir(), { test: true });
    const lm = await loadLanguageModel(dir);
    expect(lm.info.causal).toBe(false);
    expect(lm.info.capabilities.embed).toBe(true);
    const texts = ['You collected wood.', 'COLLECT wood', 'a'];
    const viaHf = await lm.embed(texts);
    const tok = await loadHfTokenizer(dir);
    const ids = texts.map((t) => tok.encode(t));
    // Lower case and a leading space: "COLLECT" and "collect" at the start are one token sequence.
    expect(tok.encode('COLLECT wood')).toEqual(tok.encode('collect wood'));
    const ours = enc.encode(ids);
    for (let i = 0; i < texts.length; i++) for (let k = 0; k < 16; k++) expect(viaHf[i]![k]!).toBeCloseTo(ours[i]![k]!, 6);
    expect(Array.from(loadEncoder(dir).E)).toEqual(Array.from(enc.E));
    await lm.dispose();
  });
});

describe('pair mining', () => {
  it('takes stated paraphrases and same-document neighbours, never across documents', () => {
    const docs = ['Gather means the same as collect. It is a verb.', 'This means nothing to us. A fox runs. The fox sleeps.'];
    const { definitions, neighbours } = minePairs(docs, new Rng(1));
    expect(definitions).toEqual([['Gather', 'collect']]); // "This means …" names no phrase
    const sameDoc = (s: string, t: string) => docs.some((d) => d.includes(s) && d.includes(t));
    expect(neighbours.length).toBeGreaterThan(0);
    for (const [s, t] of neighbours) {
      expect(s).not.toBe(t);
      expect(sameDoc(s, t)).toBe(true);
    }
  });
});

describe('bake', () => {
  it('is deterministic: the same seed writes a byte-identical model.onnx', async () => {
    const { bakeEncoder, ENCODER_DEFAULTS } = await import('../src/bakeEncoder.ts');
    const { readFileSync } = await import('node:fs');
    const quiet = () => {};
    const opts = { ...ENCODER_DEFAULTS, totalSteps: 5, batchSize: 32, dim: 16 };
    await bakeEncoder({ ...opts, out: path.join(tmp, 'bake-a') }, quiet);
    await bakeEncoder({ ...opts, out: path.join(tmp, 'bake-b') }, quiet);
    const a = readFileSync(path.join(tmp, 'bake-a', 'onnx', 'model.onnx'));
    expect(a.equals(readFileSync(path.join(tmp, 'bake-b', 'onnx', 'model.onnx')))).toBe(true);
  }, 120_000);
});

describe('bake:encoder flags', () => {
  it('parse into the config, and bad input is a one-line error naming the flag, before any work', async () => {
    const { parseEncoderArgs, ENCODER_DEFAULTS } = await import('../src/bakeEncoder.ts');
    const out = path.join(tmp, 'flags-out');
    expect(parseEncoderArgs(['--steps', '10', '--definition-share', '0.5', '--out', out])).toEqual({ ...ENCODER_DEFAULTS, totalSteps: 10, definitionShare: 0.5, out });
    expect(() => parseEncoderArgs(['--steps', '0'])).toThrow(/^bake:encoder: --steps 0: .*Fix: e\.g\. --steps 3000$/);
    expect(() => parseEncoderArgs(['--dim', '2.5'])).toThrow(/^bake:encoder: --dim 2\.5: /);
    expect(() => parseEncoderArgs(['--definition-share', '1'])).toThrow(/^bake:encoder: --definition-share 1: /);
    expect(() => parseEncoderArgs(['--definition-share', '0.5', '--dictionary-share', '0.5'])).toThrow(/^bake:encoder: --dictionary-share 0.5: .*must stay below 1/);
    expect(() => parseEncoderArgs(['--out'])).toThrow(/^bake:encoder: --out needs a value/);
    expect(() => parseEncoderArgs(['--epochs', '3'])).toThrow(/^bake:encoder: unknown flag --epochs/);
    expect(() => parseEncoderArgs(['--out', '/proc/no-such/enc'])).toThrow(/^bake:encoder: --out \/proc\/no-such\/enc: cannot write/);
  });
});
