/**
 * LanguageModel over transformers.js: the default baked model, the loading path on real pretrained
 * models in ../shared/models (skipped when absent — users won't have them — but required under CI,
 * which has them), and the error messages.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tensor } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/config.ts';
import { loadLanguageModel, requireRole, tinyLmDir } from '../src/lm/index.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const sharedModels = path.resolve(repoRoot, '../shared/models');
// Under CI=true nothing skips: a missing shared model folder fails the tests that need it.
const hasShared = existsSync(path.join(sharedModels, 'karpathy', 'stories260K', 'onnx', 'model.onnx')) || process.env.CI === 'true';
const hasBaked = existsSync(path.join(tinyLmDir(), 'onnx', 'model.onnx')) || process.env.CI === 'true';
if (!hasShared) console.log(`[lm.test] ${sharedModels} not found: skipping the pretrained-model compatibility tests`);
if (!hasBaked) console.log(`[lm.test] no baked model at ${tinyLmDir()}: skipping default-model tests (npm run bake -w @rlllm/tiny-lm)`);

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('loadLanguageModel errors', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lm-err-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a missing folder gives one line naming the path and the fix', async () => {
    const dir = path.join(tmp, 'nope');
    const err = await loadLanguageModel(dir).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toContain(dir);
    expect(msg).toMatch(/missing config\.json.*onnx\/model\.onnx/);
    expect(msg).toMatch(/Hugging Face layout/);
  });

  it('a corrupt ONNX file gives one line naming the folder', async () => {
    // Built from the committed tiny-gpt folder, so it runs everywhere.
    const dir = path.join(tmp, 'corrupt');
    cpSync(tinyLmDir(), dir, { recursive: true });
    writeFileSync(path.join(dir, 'onnx', 'model.onnx'), 'this is not a protobuf');
    const msg = ((await loadLanguageModel(dir).catch((e: Error) => e)) as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toContain(`could not load the model from ${dir}`);
  });

  it('a corrupt config.json gives one line', async () => {
    const dir = path.join(tmp, 'badcfg');
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      const p = path.join(dir, f);
      cpSync(import.meta.filename, p); // any non-JSON bytes
    }
    const msg = ((await loadLanguageModel(dir).catch((e: Error) => e)) as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toContain(`corrupt model at ${dir}`);
  });

  it('an unparseable spec is rejected', () => {
    expect(() => loadLanguageModel('not a spec')).toThrow(/"not a spec" is not a model spec; give one of .*a GGUF file path\/to\/model\.gguf .*openai:URL#MODEL/);
  });
});

describe.skipIf(!hasShared)('karpathy/stories260K (Llama, from ../shared/models)', () => {
  const dir = path.join(sharedModels, 'karpathy', 'stories260K');

  it('greedy text after "Once upon a time" matches its README', async () => {
    const lm = await loadLanguageModel(dir);
    expect(lm.info).toMatchObject({ modelType: 'llama', vocabSize: 512, contextLength: 512, causal: true });
    expect(await lm.generate('Once upon a time', { maxNewTokens: 20 })).toBe(', there was a little girl named Lily. She loved to play outsid');
  });

  it('logProb values match its README (-1.23, -44.97) and one full forward', async () => {
    const lm = await loadLanguageModel(dir);
    const [good, bad] = await lm.logProb('Once upon a time', [', there was a little girl named Lily.', ' purple elephant spaceship banana']);
    expect(Math.abs(good! - -1.23)).toBeLessThan(0.05);
    expect(Math.abs(bad! - -44.97)).toBeLessThan(0.05);
    // the same number from one plain forward over the joint ids, summed by hand
    const { AutoModelForCausalLM } = await import('@huggingface/transformers');
    const raw = await AutoModelForCausalLM.from_pretrained(dir, { dtype: 'fp32', local_files_only: true });
    const p = lm.tokenize('Once upon a time');
    const full = lm.tokenize('Once upon a time, there was a little girl named Lily.');
    const i64 = (xs: number[]) => new Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
    const out = (await raw.forward({ input_ids: i64(full), attention_mask: i64(full.map(() => 1)) })) as Record<string, Tensor>;
    const V = out.logits!.dims[2]!;
    const L = out.logits!.data as Float32Array;
    let sum = 0;
    for (let t = p.length; t < full.length; t++) {
      const row = L.subarray((t - 1) * V, t * V);
      const m = Math.max(...row);
      sum += row[full[t]!]! - m - Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    }
    expect(Math.abs(sum - good!)).toBeLessThan(1e-4);
    await raw.dispose();
  });

  it('sampling is seeded; stop strings cut the text', async () => {
    const lm = await loadLanguageModel(dir);
    const a = await lm.generate('Once upon a time', { maxNewTokens: 24, temperature: 1, topK: 40, seed: 11 });
    expect(await lm.generate('Once upon a time', { maxNewTokens: 24, temperature: 1, topK: 40, seed: 11 })).toBe(a);
    const texts = new Set(await Promise.all([1, 2, 3, 4].map((seed) => lm.generate('Once upon a time', { maxNewTokens: 24, temperature: 1, seed }))));
    expect(texts.size).toBeGreaterThan(1);
    expect(await lm.generate('Once upon a time', { maxNewTokens: 20, stop: ['.'] })).toBe(', there was a little girl named Lily');
  });

  it('allow (token-level constraint) on a SentencePiece tokenizer: word boundaries are seen, the mask holds', async () => {
    const lm = await loadLanguageModel(dir);
    // Greedy text is ", there was a little girl named Lily." — forbid the word " girl": the pieces
    // must carry their leading spaces for the check to see " girl" (or " g" + "irl") as a word.
    const seen: string[] = [];
    const text = await lm.generate('Once upon a time', { maxNewTokens: 20, stop: ['.'], allow: (s) => (seen.push(s), !/ girl/.test(s)) });
    expect(text.startsWith(', there was a little ')).toBe(true);
    expect(text).not.toMatch(/ girl/);
    expect(seen.some((s) => / girl/.test(s))).toBe(true); // the greedy choice was offered and refused
    for (const seed of [1, 2, 3]) expect(await lm.generate('Once upon a time', { maxNewTokens: 30, temperature: 1, topK: 20, seed, allow: (s) => !/e/.test(s) })).not.toMatch(/e/);
  });
});

describe.skipIf(!hasShared)('glove/glove-6B-50d-5k-static (BERT-type static embeddings)', () => {
  it('embedding cosine ranks the related sentence higher', async () => {
    const lm = await loadLanguageModel(path.join(sharedModels, 'glove', 'glove-6B-50d-5k-static'));
    expect(lm.info.causal).toBe(false);
    const [a, b, c] = await lm.embed(['The cat sat on the mat.', 'A kitten was sitting on the rug.', 'The stock market fell sharply today.']);
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!));
    expect(Math.abs(cos(a!, b!) - 0.98)).toBeLessThan(0.02);
    await expect(lm.generate('hi')).rejects.toThrow(/not a causal language model/);
    // issue #25: the leaf finds out when it loads the model, before any work, in one line
    expect(lm.info.capabilities).toEqual({ generate: false, logProb: false, embed: true, allow: false });
    requireRole(lm, { flag: '--model', role: "ELLM's embedder", needs: ['embed'] });
    const e = (() => {
      try {
        requireRole(lm, { flag: '--model', role: "SayCan's planner", needs: ['logProb'], minContext: 64 });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e).toBeInstanceOf(UserError);
    expect(e!.message).toMatch(/^--model \S*glove-6B-50d-5k-static: SayCan's planner needs scoring \(log-probabilities of continuations\), which this model cannot do \(bert is an encoder-only model, it can only embed\. Fix: pass a causal LM/);
  });
});

describe.skipIf(!hasBaked)('the baked default (rlllm/tiny-gpt)', () => {
  it("'default' and 'rlllm/tiny-gpt' load the same cached model, offline", async () => {
    const lm = await loadLanguageModel('default');
    expect(await loadLanguageModel('rlllm/tiny-gpt')).toBe(lm);
    expect(lm.info).toMatchObject({ name: 'rlllm/tiny-gpt', modelType: 'gpt2', causal: true, backend: 'transformers.js' });
    expect(lm.info.capabilities).toEqual({ generate: true, logProb: true, embed: true, allow: true });
    expect(lm.info.contextLength).toBeGreaterThanOrEqual(64);
    const text = await lm.generate('To clean a spill,', { maxNewTokens: 16 });
    expect(text.length).toBeGreaterThan(0);
    const [great, terrible] = await lm.logProb('I loved it. It worked perfectly. It was', [' great', ' terrible']);
    expect(great!).toBeGreaterThan(terrible!);
    const [e] = await lm.embed(['Pick up the apple.']);
    expect(e!.length).toBe(lm.info.hiddenSize);
  });

  it('allow: accepting everything draws the same tokens as no constraint; a mask is never broken', async () => {
    const lm = await loadLanguageModel('default');
    const prompt = 'function reward(obs, action) {\n ';
    for (const [seed, topK] of [[1, 10], [2, 0], [3, 40]] as const) {
      const opts = { maxNewTokens: 24, temperature: 0.8, topK, seed };
      expect(await lm.generate(prompt, { ...opts, allow: () => true })).toBe(await lm.generate(prompt, opts));
    }
    expect(await lm.generate(prompt, { maxNewTokens: 24, allow: () => true })).toBe(await lm.generate(prompt, { maxNewTokens: 24 }));
    // Forbid a letter: no sample contains it, and the text differs from the free sample.
    for (const seed of [4, 5, 6]) expect(await lm.generate(prompt, { maxNewTokens: 24, temperature: 0.8, topK: 10, seed, allow: (s) => !s.includes('o') })).not.toMatch(/o/);
    // Nothing allowed: generation ends at once, saying why; only the end-of-text token: it is drawn.
    expect(await lm.generateDetailed(prompt, { maxNewTokens: 8, temperature: 0.8, seed: 1, allow: () => false })).toEqual({ text: '', stoppedBy: 'constraint' });
    expect(await lm.generateDetailed(prompt, { maxNewTokens: 8, temperature: 0.8, seed: 1, allow: (_s, end) => end })).toEqual({ text: '', stoppedBy: 'eos' });
  });
});
