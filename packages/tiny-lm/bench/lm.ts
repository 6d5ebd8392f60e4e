/**
 * `npm run bench -w @rlllm/tiny-lm [-- --model SPEC --repeats N]` — speed of the LanguageModel
 * operations the leaves use, on the baked model, each next to a direct onnxruntime-node session on
 * the same graph doing the same work (so the ratio is transformers.js' + our wrapper's overhead):
 *
 *   generate   greedy, batch 1, KV cache            → new tokens / s
 *   logProb    16 continuations of one prompt, one padded batch → continuations / s
 *   embed      16 sentences, one padded batch, mean-pool + normalize → sentences / s
 *
 * Medians over repeats, after a warm-up.
 */
import path from 'node:path';
import { loadLanguageModel } from '@rlllm/core/lm/index';
import * as ort from 'onnxruntime-node';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const spec = flag('--model', 'default');
const repeats = Number(flag('--repeats', '7'));

const PROMPT = 'Human: bring me the sponge. Robot: 1. find the sponge, 2.';
const CONTS = [
  'pick up the sponge', 'put down the sponge', 'find the apple', 'go to the sink', 'open the fridge', 'close the fridge',
  'pick up the apple', 'bring it to you', 'done', 'go to the counter', 'find the cup', 'pick up the cup',
  'put down the cup', 'open the cabinet', 'close the cabinet', 'go to the table',
].map((c) => ' ' + c);
const SENTENCES = [
  'You collected wood.', 'You placed a table.', 'You made a wood pickaxe.', 'You collected stone.', 'You drank water.',
  'You ate a cow.', 'You placed a furnace.', 'You collected coal.', 'You made a stone sword.', 'You collected iron.',
  'The sponge is in the sink.', 'Pick up the apple.', 'It was great.', 'It was terrible.', 'Open the fridge first.', 'Go forward.',
];

/**
 * Median seconds of `a` and of `b`, measured interleaved (a b, b a, a b, ...) after a warm-up of
 * each. Interleaving matters: both sessions own a spinning ORT thread pool on the same 2 cores, and
 * whichever runs right after the other pays for the other's still-spinning threads.
 */
async function medians(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  const time = async (fn: () => Promise<unknown>, into: number[]) => {
    const t0 = performance.now();
    await fn();
    into.push((performance.now() - t0) / 1000);
  };
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      await time(a, ta);
      await time(b, tb);
    } else {
      await time(b, tb);
      await time(a, ta);
    }
  }
  const med = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [med(ta), med(tb)];
}

const lm = await loadLanguageModel(spec);
if (!lm.info.dir) throw new Error('bench needs a local model folder');
const session = await ort.InferenceSession.create(path.join(lm.info.dir, 'onnx', 'model.onnx'));
const cfg = (await import(path.join(lm.info.dir, 'config.json'), { with: { type: 'json' } })).default as { n_layer: number; n_head: number; n_embd: number };
const hd = cfg.n_embd / cfg.n_head;

const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);
const emptyPast = (B: number) => {
  const feeds: Record<string, ort.Tensor> = {};
  for (let i = 0; i < cfg.n_layer; i++)
    for (const kv of ['key', 'value']) feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [B, cfg.n_head, 0, hd]);
  return feeds;
};
/** cumsum(mask) − 1 positions, pads → 1 (what transformers.js feeds). */
const positions = (mask: number[][]) =>
  mask.map((r) => {
    let s = 0;
    return r.map((m) => (m ? s++ : 1));
  });
function logSoftmaxAt(row: Float32Array, k: number): number {
  let m = -Infinity;
  for (const v of row) m = Math.max(m, v);
  let z = 0;
  for (const v of row) z += Math.exp(v - m);
  return row[k]! - m - Math.log(z);
}

// --- generate -------------------------------------------------------------------------------
const N_NEW = 48;
const promptIds = lm.tokenize(PROMPT);
const genText = await lm.generate(PROMPT, { maxNewTokens: N_NEW });
const genTokens = lm.tokenize(PROMPT + genText).length - promptIds.length; // it may stop early at <|endoftext|>
const [tGen, tGenOrt] = await medians(() => lm.generate(PROMPT, { maxNewTokens: N_NEW }), async () => {
  let ids = promptIds.slice();
  let feeds: Record<string, ort.Tensor> = { ...emptyPast(1) };
  let feed = ids.slice();
  for (let s = 0; s < genTokens; s++) {
    const mask = [ids.map(() => 1)];
    const pos = positions(mask)[0]!.slice(ids.length - feed.length);
    const out = await session.run({ ...feeds, input_ids: i64([feed]), attention_mask: i64(mask), position_ids: i64([pos]) });
    const logits = out.logits!.data as Float32Array;
    const V = out.logits!.dims[2]!;
    const row = logits.subarray((feed.length - 1) * V);
    let best = 0;
    for (let i = 1; i < V; i++) if (row[i]! > row[best]!) best = i;
    ids.push(best);
    feed = [best];
    feeds = {};
    for (const k in out) if (k.startsWith('present')) feeds[k.replace('present', 'past_key_values')] = out[k]!;
  }
});

// --- logProb --------------------------------------------------------------------------------
const rows = CONTS.map((c) => [...promptIds, ...lm.tokenize(c)]);
const [tLp, tLpOrt] = await medians(() => lm.logProb(PROMPT, CONTS), async () => {
  const W = Math.max(...rows.map((r) => r.length));
  const ids = rows.map((r) => [...r, ...new Array(W - r.length).fill(0)]);
  const mask = rows.map((r) => [...r.map(() => 1), ...new Array(W - r.length).fill(0)]);
  const out = await session.run({ ...emptyPast(rows.length), input_ids: i64(ids), attention_mask: i64(mask), position_ids: i64(positions(mask)) });
  const L = out.logits!.data as Float32Array;
  const V = out.logits!.dims[2]!;
  rows.forEach((r, b) => {
    let s = 0;
    for (let t = promptIds.length; t < r.length; t++) s += logSoftmaxAt(L.subarray((b * W + t - 1) * V, (b * W + t) * V), r[t]!);
    return s;
  });
});

// --- embed ----------------------------------------------------------------------------------
const sentIds = SENTENCES.map((s) => lm.tokenize(s));
const [tEmb, tEmbOrt] = await medians(() => lm.embed(SENTENCES), async () => {
  const W = Math.max(...sentIds.map((r) => r.length));
  const ids = sentIds.map((r) => [...r, ...new Array(W - r.length).fill(0)]);
  const mask = sentIds.map((r) => [...r.map(() => 1), ...new Array(W - r.length).fill(0)]);
  const out = await session.run({ ...emptyPast(ids.length), input_ids: i64(ids), attention_mask: i64(mask), position_ids: i64(positions(mask)) });
  const H = out.last_hidden_state!.data as Float32Array;
  const D = cfg.n_embd;
  sentIds.forEach((r, b) => {
    const v = new Float32Array(D);
    for (let t = 0; t < r.length; t++) for (let k = 0; k < D; k++) v[k] += H[(b * W + t) * D + k]!;
    const n = Math.hypot(...v);
    for (let k = 0; k < D; k++) v[k] = v[k]! / n;
  });
});

const line = (name: string, unit: string, n: number, t: number, tOrt: number) =>
  `| ${name} | ${(n / t).toFixed(0)} ${unit}/s | ${(n / tOrt).toFixed(0)} ${unit}/s | ${(t / tOrt).toFixed(2)}× |`;
console.log(`\n${lm.info.name} — medians of ${repeats} runs (ms: generate ${(tGen * 1e3).toFixed(1)} / ${(tGenOrt * 1e3).toFixed(1)}, logProb ${(tLp * 1e3).toFixed(1)} / ${(tLpOrt * 1e3).toFixed(1)}, embed ${(tEmb * 1e3).toFixed(1)} / ${(tEmbOrt * 1e3).toFixed(1)})\n`);
console.log('| operation | transformers.js (LanguageModel) | onnxruntime-node direct | overhead |');
console.log('|---|---|---|---|');
console.log(line(`generate (greedy, batch 1, ${genTokens} new tokens)`, 'tok', genTokens, tGen, tGenOrt));
console.log(line(`logProb (${CONTS.length} continuations, one batch)`, 'cont', CONTS.length, tLp, tLpOrt));
console.log(line(`embed (${SENTENCES.length} sentences, one batch)`, 'sent', SENTENCES.length, tEmb, tEmbOrt));
await lm.dispose();
await session.release();
