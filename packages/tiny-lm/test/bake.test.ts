/**
 * The whole pipeline on the quick preset: corpus → tokenizer → train → export → load through
 * loadLanguageModel. Two bakes with the same seed must write byte-identical ONNX (on the default
 * trainer, onnxruntime); the tfjs trainer starts from the same point.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLanguageModel } from '@rlllm/core/lm/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bake } from '../src/bake.ts';

const realCorpus = path.resolve(import.meta.dirname, '../corpus/corpus.txt');

describe('quick bake', () => {
  let tmp: string;
  let corpus: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tiny-lm-bake-'));
    corpus = realCorpus;
    if (!existsSync(corpus)) {
      corpus = path.join(tmp, 'corpus.txt');
      writeFileSync(corpus, 'Pick up the apple.\nPut the apple in the sink.\n\nA tree gives wood.\n'.repeat(300));
    }
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is deterministic: same seed → byte-identical model.onnx; another seed differs', async () => {
    const quiet = () => {};
    const a = await bake({ out: path.join(tmp, 'a'), corpus, seed: 5, quick: true, log: quiet });
    await bake({ out: path.join(tmp, 'b'), corpus, seed: 5, quick: true, log: quiet });
    await bake({ out: path.join(tmp, 'c'), corpus, seed: 6, quick: true, log: quiet });
    const onnx = (d: string) => readFileSync(path.join(tmp, d, 'onnx', 'model.onnx'));
    expect(onnx('a').equals(onnx('b'))).toBe(true);
    expect(onnx('a').equals(onnx('c'))).toBe(false);
    expect(readFileSync(path.join(tmp, 'a', 'tokenizer.json')).equals(readFileSync(path.join(tmp, 'b', 'tokenizer.json')))).toBe(true);
    // The quick preset trains 4 steps; the reported loss is the mean of the last ≤ 20 (here all 4),
    // and the untrained model starts near the uniform loss ln(vocab size).
    const { losses } = JSON.parse(readFileSync(path.join(tmp, 'a', 'training.json'), 'utf8')) as { losses: number[] };
    expect(losses).toHaveLength(4);
    expect(Math.abs(a.finalLoss - losses.reduce((x, y) => x + y, 0) / 4)).toBeLessThan(1e-4);
    expect(Math.abs(losses[0]! - Math.log(320))).toBeLessThan(0.1);
    for (const f of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'])
      expect(existsSync(path.join(tmp, 'a', f))).toBe(true);
  });

  it('the tfjs trainer bakes from the same start: same first-step loss (same initial weights and batch) to 1e-5 and the 4 decimals kept', async () => {
    const quiet = () => {};
    const ort = await bake({ out: path.join(tmp, 'ort'), corpus, seed: 5, quick: true, log: quiet });
    const ref = await bake({ out: path.join(tmp, 'tfjs'), corpus, seed: 5, quick: true, trainer: 'tfjs', log: quiet });
    expect([ort.trainer, ref.trainer]).toEqual(['ort', 'tfjs']);
    const first = (d: string) => (JSON.parse(readFileSync(path.join(tmp, d, 'training.json'), 'utf8')) as { losses: number[] }).losses[0]!;
    // training.json keeps 4 decimals: equal losses may round one step apart.
    expect(Math.abs(first('ort') - first('tfjs'))).toBeLessThanOrEqual(1e-4 + 1e-5 * first('tfjs'));
  });

  it('loads through loadLanguageModel; generate/logProb/embed work and are deterministic', async () => {
    const lm = await loadLanguageModel(path.join(tmp, 'a'));
    expect(lm.info.modelType).toBe('gpt2');
    expect(lm.info.contextLength).toBe(32);
    expect(await loadLanguageModel(path.join(tmp, 'a'))).toBe(lm); // cached per spec

    const greedy = await lm.generate('Pick up the', { maxNewTokens: 8 });
    expect(typeof greedy).toBe('string');
    expect(await lm.generate('Pick up the', { maxNewTokens: 8 })).toBe(greedy);
    const s1 = await lm.generate('Pick up the', { maxNewTokens: 12, temperature: 1, topK: 50, seed: 3 });
    expect(await lm.generate('Pick up the', { maxNewTokens: 12, temperature: 1, topK: 50, seed: 3 })).toBe(s1);
    const others = await Promise.all([4, 5, 6, 7].map((seed) => lm.generate('Pick up the', { maxNewTokens: 12, temperature: 1.5, seed })));
    expect(new Set([s1, ...others]).size).toBeGreaterThan(1); // an undertrained model samples varied text

    // a prompt longer than the context is truncated from the left, not an ORT error: two long
    // prompts that differ only in their oldest tokens score the same
    const long = 'Pick up the apple and put it in the sink. '.repeat(20);
    await expect(lm.generate(long, { maxNewTokens: 10 })).resolves.toBeTypeOf('string');
    const [lpLong] = await lm.logProb(`A tree gives wood. ${long}`, [' apple']);
    const [lpOther] = await lm.logProb(`The sponge is in the sink. ${long}`, [' apple']);
    expect(lpLong!).toBeLessThan(0);
    expect(Math.abs(lpLong! - lpOther!)).toBeLessThan(1e-6);

    const lp = await lm.logProb('Pick up the', [' apple', ' sponge', ' apple.']);
    expect(lp.every((v) => v < 0 && Number.isFinite(v))).toBe(true);
    expect(lp[2]!).toBeLessThan(lp[0]!); // one more token, one more negative term
    expect(await lm.logProb('Pick up the', [' apple', ' sponge', ' apple.'])).toEqual(lp);
    // batching does not change the numbers
    const single = await Promise.all([' apple', ' sponge', ' apple.'].map(async (c) => (await lm.logProb('Pick up the', [c]))[0]!));
    single.forEach((v, i) => expect(Math.abs(v - lp[i]!)).toBeLessThan(1e-4));

    const [e1, e2] = await lm.embed(['Pick up the apple.', 'A tree gives wood.']);
    expect(e1!.length).toBe(lm.info.hiddenSize);
    const norm = Math.sqrt(e1!.reduce((s, v) => s + v * v, 0));
    expect(Math.abs(norm - 1)).toBeLessThan(1e-5);
    const [e1b] = await lm.embed(['Pick up the apple.']);
    for (let i = 0; i < e1!.length; i++) expect(Math.abs(e1b![i]! - e1![i]!)).toBeLessThan(1e-5); // padding-free = padded
    expect(e2!.length).toBe(lm.info.hiddenSize);
    expect(Math.abs(Math.sqrt(e2!.reduce((s, v) => s + v * v, 0)) - 1)).toBeLessThan(1e-5);
    expect(e1!.reduce((s, v, i) => s + v * e2![i]!, 0)).toBeLessThan(1 - 1e-4); // two texts, two directions
    await lm.dispose();
  });
});
