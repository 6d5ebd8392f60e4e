/**
 * The exporter: the ONNX graph run by transformers.js (with its KV cache) must compute what the
 * tfjs model computes, and the ONNX file must load back into tfjs bit-exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AutoModelForCausalLM, Tensor, env } from '@huggingface/transformers';
import { initTf, tf } from '@rlllm/core/backend';
import { loadLanguageModel } from '@rlllm/core/lm/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../src/exportOnnx.ts';
import { loadGpt, readOnnxWeights } from '../src/loadWeights.ts';
import { Gpt, tokenLogProbs, type GptConfig } from '../src/model.ts';
import { loadHfTokenizer, trainBpe, writeTokenizer } from '../src/tokenizer.ts';

const text = 'Pick up the apple. Put the apple in the sink. Wipe the table with the sponge.\n'.repeat(50);
const config: GptConfig = { vocabSize: 0, nPositions: 48, nLayer: 2, nHead: 4, nEmbd: 64 };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('ONNX export', () => {
  let dir: string;
  let gpt: Gpt;
  let tok: Awaited<ReturnType<typeof loadHfTokenizer>>;
  beforeAll(async () => {
    expect(await initTf('wasm')).toBe('wasm');
    dir = mkdtempSync(path.join(os.tmpdir(), 'tiny-lm-export-'));
    const bpe = trainBpe(text, 300);
    config.vocabSize = Object.keys(bpe.vocab).length;
    writeTokenizer(dir, bpe, config.nPositions);
    tok = await loadHfTokenizer(dir);
    // Random init with a larger scale than GPT-2's 0.02, so logits are far from uniform and a wrong
    // mask or position would show.
    gpt = new Gpt(config, 7);
    for (const [name, v] of gpt.params) if (name.endsWith('.weight') && v.rank === 2) v.assign(v.mul(10));
    exportModel(dir, config, await gpt.getWeights(), bpe.vocab['<|endoftext|>']!);
  });
  afterAll(() => {
    gpt.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips the weights ONNX → tfjs exactly', async () => {
    const back = loadGpt(dir);
    const a = await gpt.getWeights();
    const b = await back.getWeights();
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, w] of a) expect(Buffer.from(b.get(name)!.data.buffer).equals(Buffer.from(w.data.buffer))).toBe(true);
    const inFile = readOnnxWeights(path.join(dir, 'onnx', 'model.onnx'));
    for (const name of gpt.params.keys()) expect(inFile.has(name)).toBe(true); // plus a few graph constants
    back.dispose();
  });

  it('matches the tfjs forward during KV-cache generation in transformers.js (max |diff| ≤ 1e-4)', async () => {
    env.allowRemoteModels = false;
    const lm = await AutoModelForCausalLM.from_pretrained(dir, { dtype: 'fp32', local_files_only: true });
    const seq = tok.encode('Pick up the', { add_special_tokens: false });
    let feed = seq.slice();
    let past: Record<string, Tensor> | undefined;
    let worst = 0;
    for (let step = 0; step < 12; step++) {
      const i64 = (xs: number[]) => new Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
      const out = (await lm.forward({ input_ids: i64(feed), attention_mask: i64(seq.map(() => 1)), ...(past ? { past_key_values: past } : {}) })) as Record<string, Tensor>;
      const V = out.logits!.dims[2]!;
      const T = out.logits!.dims[1]!;
      expect(T).toBe(feed.length); // with the cache only the new token is fed
      const ort = (out.logits!.data as Float32Array).slice((T - 1) * V);
      const ref = tf.tidy(() => gpt.forward(tf.tensor2d([seq], [1, seq.length], 'int32')).logits.slice([0, seq.length - 1, 0], [1, 1, V]).dataSync());
      worst = Math.max(worst, maxAbsDiff(ort, ref));
      // hidden state too
      const hRef = tf.tidy(() => gpt.forward(tf.tensor2d([seq], [1, seq.length], 'int32')).hidden.slice([0, seq.length - 1, 0], [1, 1, config.nEmbd]).dataSync());
      worst = Math.max(worst, maxAbsDiff((out.last_hidden_state!.data as Float32Array).slice((T - 1) * config.nEmbd), hRef));
      past = {};
      for (const k in out) if (k.startsWith('present')) past[k.replace('present', 'past_key_values')] = out[k]!;
      let next = 0;
      for (let i = 1; i < V; i++) if (ort[i]! > ort[next]!) next = i;
      seq.push(next);
      feed = [next];
    }
    expect(worst).toBeLessThanOrEqual(1e-4);
    // transformers.js' own generate() (greedy) follows the same tokens
    const prompt = tok('Pick up the', { add_special_tokens: false });
    const gen = (await lm.generate({ ...prompt, max_new_tokens: 12, do_sample: false, min_new_tokens: 12 } as never)) as Tensor;
    expect((gen.tolist() as bigint[][])[0]!.map(Number)).toEqual(seq);
    await lm.dispose();
  });

  it('left-padded batches agree: tfjs with attentionMask vs ONNX with transformers.js position ids', async () => {
    const lm = await AutoModelForCausalLM.from_pretrained(dir, { dtype: 'fp32', local_files_only: true });
    const a = tok.encode('Wipe the table with the sponge.', { add_special_tokens: false });
    const b = tok.encode('Pick up', { add_special_tokens: false });
    const W = a.length;
    const pad = tok.pad_token_id as number;
    const ids = [a, [...new Array(W - b.length).fill(pad), ...b]];
    const mask = [a.map(() => 1), [...new Array(W - b.length).fill(0), ...b.map(() => 1)]];
    const i64 = (rows: number[][]) => new Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, W]);
    const out = (await lm.forward({ input_ids: i64(ids), attention_mask: i64(mask) })) as Record<string, Tensor>;
    const ref = tf.tidy(() =>
      gpt.forward(tf.tensor2d(ids, [2, W], 'int32'), { attentionMask: tf.tensor2d(mask, [2, W], 'int32') }).logits.arraySync(),
    );
    const V = config.vocabSize;
    const ort = out.logits!.data as Float32Array;
    let worst = 0;
    for (let r = 0; r < 2; r++)
      for (let t = 0; t < W; t++) if (mask[r]![t]) worst = Math.max(worst, maxAbsDiff(ort.subarray((r * W + t) * V, (r * W + t + 1) * V), ref[r]![t]!));
    expect(worst).toBeLessThanOrEqual(1e-4);
    await lm.dispose();
  });

  it('LanguageModel.logProb equals the tfjs per-token log-probs summed over the continuation', async () => {
    const lm = await loadLanguageModel(dir);
    const prompt = 'Put the apple';
    const conts = [' in the sink.', ' on the table', '.'];
    const got = await lm.logProb(prompt, conts);
    for (let i = 0; i < conts.length; i++) {
      const p = tok.encode(prompt, { add_special_tokens: false });
      const c = tok.encode(conts[i]!, { add_special_tokens: false });
      const ids = [...p, ...c];
      const lp = tf.tidy(() => {
        const x = tf.tensor2d([ids], [1, ids.length], 'int32');
        return tokenLogProbs(gpt.forward(x).logits, x).arraySync()[0]!;
      });
      const want = lp.slice(p.length - 1).reduce((s, v) => s + v, 0);
      expect(Math.abs(got[i]! - want)).toBeLessThan(1e-3);
    }
    await lm.dispose();
  });
});
