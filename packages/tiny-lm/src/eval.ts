/**
 * `npm run eval -w @rlllm/tiny-lm [-- --model SPEC --out FILE]` — how good is the baked default, as
 * the leaves see it (everything through transformers.js and the core LanguageModel):
 *
 * - held-out perplexity on corpus/heldout.txt (documents never in corpus.txt), next to a unigram
 *   baseline fitted on the training corpus, and bits per byte (tokenizer-independent);
 * - probe accuracies on held-out items (eval/probes.json), each the way a leaf uses the model:
 *   nextStep     SayCan-style: rank 4 candidate next skills by logProb(prompt, " " + choice);
 *   goalCaption  ELLM-style: match a paraphrased goal to 1 of 5 captions by embedding cosine;
 *   sentiment    verbalizer: logProb("<text> It was", " great") vs " terrible".
 * - the premise probes (premises.ts): one row per skill a leaf's paper assumes of its LLM, with
 *   the target for the shipped default.
 * Prints the tables and writes JSON (default eval/results.json). `--premises a,b` runs only those
 * premise probes (principle, sentiment, planning, feasibility, matching, code; `none` for none);
 * `code` runs on the code model (`--coder SPEC`, default rlllm/tiny-coder), the one Eureka uses;
 * `matching` also embeds with the sentence encoder ELLM uses (`--embedder SPEC`, default
 * rlllm/tiny-encoder; `lm` for the model's own pooled states only).
 */
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoModelForCausalLM, Tensor } from '@huggingface/transformers';
import { loadLanguageModel } from '@rlllm/core/lm/index';
import { z } from 'zod';
import { encodeDocuments, loadHfTokenizer } from './tokenizer.ts';
import { PREMISES, premiseRows, type Premise } from './premises.ts';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const Probes = z.object({
  nextStep: z.array(z.object({ prompt: z.string(), choices: z.array(z.string()).min(2), answer: z.number().int() })),
  goalCaption: z.array(z.object({ goal: z.string(), captions: z.array(z.string()).min(2), answer: z.number().int() })),
  sentiment: z.array(z.object({ text: z.string(), label: z.enum(['positive', 'negative']) })),
});

const argmax = (xs: number[]) => xs.reduce((best, v, i) => (v > xs[best]! ? i : best), 0);
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** Perplexity of `text` (documents joined by <|endoftext|>) over non-overlapping context windows. */
async function heldoutPerplexity(modelDir: string, text: string, trainText: string) {
  const tok = await loadHfTokenizer(modelDir);
  const model = await AutoModelForCausalLM.from_pretrained(modelDir, { dtype: 'fp32', local_files_only: true });
  const ctx = (model.config as unknown as { n_positions: number }).n_positions;
  const ids = await encodeDocuments(tok, text);
  let nll = 0;
  let n = 0;
  for (let s = 0; s + 1 < ids.length; s += ctx - 1) {
    const w = Array.from(ids.subarray(s, Math.min(ids.length, s + ctx)));
    const t = (xs: number[]) => new Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
    const out = (await model.forward({ input_ids: t(w), attention_mask: t(w.map(() => 1)) })) as Record<string, Tensor>;
    const V = out.logits!.dims[2]!;
    const L = out.logits!.data as Float32Array;
    for (let i = 1; i < w.length; i++) {
      const row = L.subarray((i - 1) * V, i * V);
      let m = -Infinity;
      for (const v of row) m = Math.max(m, v);
      let z = 0;
      for (const v of row) z += Math.exp(v - m);
      nll += -(row[w[i]!]! - m - Math.log(z));
      n++;
    }
  }
  await model.dispose();
  // Unigram baseline (add-one smoothed token frequencies of the training corpus).
  const trainIds = await encodeDocuments(tok, trainText);
  const V = tok.get_vocab().size;
  const counts = new Float64Array(V).fill(1);
  for (const id of trainIds) counts[id]! += 1;
  const total = trainIds.length + V;
  let uni = 0;
  for (let i = 1; i < ids.length; i++) uni += -Math.log(counts[ids[i]!]! / total);
  const bytes = Buffer.byteLength(text.trim(), 'utf8');
  return {
    tokens: n,
    perplexity: Math.exp(nll / n),
    bitsPerByte: nll / Math.LN2 / bytes,
    unigramPerplexity: Math.exp(uni / (ids.length - 1)),
    uniformPerplexity: V,
  };
}

export async function evaluate(spec: string, probesPath: string, premises: readonly Premise[] = PREMISES, log: (line: string) => void = () => {}, coderSpec = 'rlllm/tiny-coder', embedderSpec = 'rlllm/tiny-encoder') {
  const probes = Probes.parse(JSON.parse(readFileSync(probesPath, 'utf8')));
  const lm = await loadLanguageModel(spec);
  if (!lm.info.dir) throw new Error('eval needs a local model folder');
  const coder = premises.includes('code') ? await loadLanguageModel(coderSpec) : lm;
  const embedder = premises.includes('matching') && embedderSpec !== 'lm' ? await loadLanguageModel(embedderSpec) : lm;
  const t0 = performance.now();

  let correct = 0;
  for (const p of probes.nextStep) {
    const lps = await lm.logProb(p.prompt, p.choices.map((c) => ' ' + c));
    if (argmax(lps) === p.answer) correct++;
  }
  const nextStep = { accuracy: correct / probes.nextStep.length, chance: 1 / probes.nextStep[0]!.choices.length, n: probes.nextStep.length };

  correct = 0;
  for (const p of probes.goalCaption) {
    const [g, ...caps] = await lm.embed([p.goal, ...p.captions]);
    if (argmax(caps.map((c) => cosine(g!, c))) === p.answer) correct++;
  }
  const goalCaption = { accuracy: correct / probes.goalCaption.length, chance: 1 / probes.goalCaption[0]!.captions.length, n: probes.goalCaption.length };

  correct = 0;
  let pos = 0;
  for (const p of probes.sentiment) {
    const [great, terrible] = await lm.logProb(`${p.text} It was`, [' great', ' terrible']);
    const said = great! > terrible! ? 'positive' : 'negative';
    if (said === 'positive') pos++;
    if (said === p.label) correct++;
  }
  const sentiment = { accuracy: correct / probes.sentiment.length, chance: 0.5, n: probes.sentiment.length, predictedPositive: pos };
  const probeSeconds = (performance.now() - t0) / 1000;
  const premiseTable = await premiseRows(lm, premises, log, { coder, embedder });
  if (coder !== lm) await coder.dispose();
  if (embedder !== lm) await embedder.dispose();

  const heldout = await heldoutPerplexity(
    lm.info.dir,
    readFileSync(path.join(packageDir, 'corpus', 'heldout.txt'), 'utf8'),
    readFileSync(path.join(packageDir, 'corpus', 'corpus.txt'), 'utf8'),
  );
  return { model: lm.info, ...(coder !== lm ? { coder: coder.info.name } : {}), ...(embedder !== lm ? { embedder: embedder.info.name } : {}), heldout, probes: { nextStep, goalCaption, sentiment }, probeSeconds, premises: premiseTable };
}

function parseArgs(argv: string[]) {
  const o = { model: 'default', coder: 'rlllm/tiny-coder', embedder: 'rlllm/tiny-encoder', out: path.join(packageDir, 'eval', 'results.json'), probes: path.join(packageDir, 'eval', 'probes.json'), premises: [...PREMISES] as Premise[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--model') o.model = v;
    else if (a === '--coder') o.coder = v;
    else if (a === '--embedder') o.embedder = v;
    else if (a === '--out') o.out = path.resolve(v);
    else if (a === '--probes') o.probes = path.resolve(v);
    else if (a === '--premises') {
      const list = v === 'none' ? [] : v.split(',');
      const bad = list.find((x) => !(PREMISES as readonly string[]).includes(x));
      if (bad) throw new Error(`--premises: unknown premise "${bad}"; use a comma list of ${PREMISES.join(', ')}, or none`);
      o.premises = list as Premise[];
    } else throw new Error(`unknown flag ${a}; use --model SPEC --coder SPEC --embedder SPEC|lm --out FILE --probes FILE --premises LIST`);
  }
  // The output path is checked before any model is loaded: its folder must exist and be writable.
  try {
    accessSync(path.dirname(o.out), constants.W_OK);
  } catch {
    throw new Error(`--out: cannot write into ${path.dirname(o.out)}; pass a file in an existing writable folder`);
  }
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const o = parseArgs(process.argv.slice(2));
    const r = await evaluate(o.model, o.probes, o.premises, (l) => console.error(l), o.coder, o.embedder);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(`\n${r.model.name}  (${r.model.modelType}, vocab ${r.model.vocabSize}, context ${r.model.contextLength})\n`);
    console.log('| measure | value | baseline |');
    console.log('|---|---|---|');
    console.log(`| held-out perplexity (${r.heldout.tokens} tokens) | ${r.heldout.perplexity.toFixed(2)} | unigram ${r.heldout.unigramPerplexity.toFixed(1)}, uniform ${r.heldout.uniformPerplexity} |`);
    console.log(`| held-out bits per byte | ${r.heldout.bitsPerByte.toFixed(3)} | |`);
    for (const [name, p] of Object.entries(r.probes)) console.log(`| ${name} accuracy (n=${p.n}) | ${pct(p.accuracy)} | chance ${pct(p.chance)} |`);
    if (r.premises.length) {
      console.log('\n| premise | leaf | measured | target | n | note |');
      console.log('|---|---|---|---|---|---|');
      for (const p of r.premises) console.log(`| ${p.premise} | ${p.leaf} | ${p.value.toFixed(2)}${p.chance !== undefined ? ` (chance ${p.chance.toFixed(2)})` : ''} | ${p.target === null ? '' : `≥ ${p.target}${p.value >= p.target ? ' ✓' : ' ✗'}`} | ${p.n} | ${p.note ?? ''} |`);
    }
    writeFileSync(o.out, JSON.stringify(r, null, 2) + '\n');
    console.log(`\nwrote ${o.out}`);
  } catch (e) {
    console.error(`eval: ${(e as Error).message.split('\n')[0]}`);
    process.exit(1);
  }
}
