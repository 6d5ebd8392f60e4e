/**
 * Bake `rlllm/tiny-encoder` (encoder.ts): a static sentence encoder trained contrastively on pairs
 * mined from the tiny-lm corpus — the same text the GPT is pretrained on, which is already free of
 * every leaf's evaluation and probe items (heldOut.ts; tested) — and on a dictionary of common words
 * (corpus/dictionary.tsv, also checked free of them). `npm run bake:encoder -w @rlllm/tiny-lm`.
 *
 * Positive pairs, three kinds (all general: no pattern names a game, an object or a leaf):
 *   1. stated paraphrases — a sentence "X means Y" / "X means the same as Y" / "X means that Y"
 *      gives the pair (X, Y) (SentenceBERT trains on such labelled pairs, from NLI);
 *   2. dictionary — (word, definition) and (word, synonym) pairs of common English words from
 *      WordNet (corpus/dictionary.ts; the words chosen by a frequency rule, not by hand): what
 *      words mean beyond the corpus' closed worlds, as paraphrase collections give SentenceBERT;
 *   3. neighbours — two different sentences of one corpus document (Contriever's unsupervised
 *      positives: texts of one document are about the same thing).
 * Each batch draws `definitionShare` of its pairs from kind 1, `dictionaryShare` from kind 2 and
 * the rest from kind 3. Every 20th document and every 20th dictionary word are held out; the report
 * is top-1 retrieval among held-out pairs of each kind, and the cosine threshold that best separates
 * held-out stated paraphrases from mismatched ones.
 */
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Rng, UserError } from '@rlllm/core';
import { calibrateThreshold, encoderTokenizerJson, exportEncoder, retrievalAccuracy, StaticEncoder, trainEncoder, type EncoderTrainConfig } from './encoder.ts';
import { defaultModelDir } from './index.ts';
import { readDictionary } from '../corpus/dictionary.ts';
import { loadHfTokenizer } from './tokenizer.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const encoderModelDir = () => path.resolve(here, '..', 'baked', 'rlllm', 'tiny-encoder');
const CORPUS = path.resolve(here, '..', 'corpus', 'corpus.txt');

/** Every hyperparameter of the bake, with its default and bounds (the CLI flags are these fields). */
export const EncoderBakeConfig = z.object({
  dim: z.number().int().positive().default(128).describe('width of the token table'),
  totalSteps: z.number().int().positive().default(3000),
  batchSize: z.number().int().min(2).default(256).describe('positive pairs per step (each is a negative for the others)'),
  learningRate: z.number().positive().default(0.01),
  temperature: z.number().positive().default(0.05).describe('InfoNCE τ'),
  seed: z.number().int().min(0).default(1),
  definitionShare: z.number().min(0).lt(1).default(0.25).describe('share of each batch drawn from stated paraphrases of the corpus'),
  dictionaryShare: z.number().min(0).lt(1).default(0.25).describe('share of each batch drawn from the WordNet dictionary (the rest: sentences of one document)'),
}).refine((c) => c.definitionShare + c.dictionaryShare < 1, { message: 'definitionShare + dictionaryShare must stay below 1 (the rest are neighbour pairs)', path: ['dictionaryShare'] });
export type EncoderBakeOptions = z.infer<typeof EncoderBakeConfig> & EncoderTrainConfig & { out: string };

export const ENCODER_DEFAULTS = EncoderBakeConfig.parse({});

const sentencesOf = (doc: string) => doc.split(/(?<=[.?!])\s+(?=["A-Z])/).map((s) => s.trim()).filter((s) => s.length > 0);
const strip = (s: string) => s.replace(/^["']|["']$/g, '').replace(/[.?!]+$/, '').trim();
const DEFINITION = /^(.+?) means (?:the same as |that )?(.+)$/;
const PRONOUN = /^(this|that|it|he|she|they|which)$/i;

/** Stated paraphrases and same-document sentence pairs of `docs`. */
export function minePairs(docs: string[], rng: Rng, maxPerDoc = 6): { definitions: [string, string][]; neighbours: [string, string][] } {
  const definitions = new Map<string, [string, string]>();
  const neighbours: [string, string][] = [];
  for (const doc of docs) {
    const sents = [...new Set(sentencesOf(doc))];
    for (const s of sents) {
      const m = DEFINITION.exec(strip(s));
      if (m && !PRONOUN.test(m[1]!.trim())) definitions.set(`${m[1]}\u0000${m[2]}`, [strip(m[1]!), strip(m[2]!)]);
    }
    if (sents.length < 2) continue;
    for (let k = 0; k < Math.min(maxPerDoc, sents.length - 1); k++) {
      const i = rng.int(sents.length);
      let j = rng.int(sents.length - 1);
      if (j >= i) j++;
      neighbours.push([sents[i]!, sents[j]!]);
    }
  }
  return { definitions: [...definitions.values()], neighbours };
}

export async function bakeEncoder(opts: EncoderBakeOptions, log: (l: string) => void = console.log) {
  const t0 = performance.now();
  const gptDir = defaultModelDir();
  const docs = readFileSync(CORPUS, 'utf8').split(/\n\s*\n/).map((d) => d.trim()).filter(Boolean);
  const rng = new Rng(opts.seed);
  const train = minePairs(docs.filter((_, i) => i % 20 !== 0), rng.fork('train pairs'));
  const dev = minePairs(docs.filter((_, i) => i % 20 === 0), rng.fork('dev pairs'), 1);
  // The dictionary, split by word: every 20th word (with all its pairs) is held out.
  const dictionary = readDictionary();
  const words = [...new Set(dictionary.map(([w]) => w))];
  const heldWord = new Set(words.filter((_, i) => i % 20 === 0));
  const dictTrain = dictionary.filter(([w]) => !heldWord.has(w));
  // Dev: one pair per held-out word (its first: the most frequent sense's definition), 500 of them.
  const firstPair = new Map<string, [string, string]>();
  for (const pair of dictionary) if (!firstPair.has(pair[0])) firstPair.set(pair[0], pair);
  const dictDev = words.filter((w) => heldWord.has(w)).slice(0, 500).map((w) => firstPair.get(w)!);
  // Tokenize with the encoder's own tokenizer (lower case, leading space), as transformers.js will.
  const { tokenizer: tj, config: tc } = encoderTokenizerJson(gptDir);
  const tokDir = mkdtempSync(path.join(tmpdir(), 'tiny-encoder-tok-'));
  writeFileSync(path.join(tokDir, 'tokenizer.json'), JSON.stringify(tj));
  writeFileSync(path.join(tokDir, 'tokenizer_config.json'), JSON.stringify(tc));
  const tok = await loadHfTokenizer(tokDir).finally(() => rmSync(tokDir, { recursive: true, force: true }));
  const cache = new Map<string, number[]>();
  const ids = (t: string) => cache.get(t) ?? (cache.set(t, tok.encode(t)), cache.get(t)!); // the same call LanguageModel.embed makes
  const toIds = (ps: [string, string][]) => ps.map(([a, b]) => [ids(a), ids(b)] as [number[], number[]]);
  const defs = toIds(train.definitions);
  const neigh = toIds(train.neighbours);
  const dict = toIds(dictTrain);
  if (defs.length === 0 || neigh.length === 0) throw new UserError(`bake:encoder: the corpus gave ${defs.length} stated paraphrases and ${neigh.length} neighbour pairs; both are needed. Fix: rebuild the corpus (npx tsx packages/tiny-lm/corpus/build.ts)`);
  log(`pairs: ${defs.length} stated paraphrases, ${dict.length} dictionary, ${neigh.length} neighbours (dev: ${dev.definitions.length}, ${dictDev.length}, ${dev.neighbours.length})`);
  const pools = [
    { pairs: defs, share: opts.definitionShare },
    { pairs: dict, share: opts.dictionaryShare },
    { pairs: neigh, share: 1 - opts.definitionShare - opts.dictionaryShare },
  ];
  const vocabSize = Object.keys((tj as { model: { vocab: Record<string, number> } }).model.vocab).length;
  const enc = new StaticEncoder({ vocabSize, dim: opts.dim }, opts.seed);
  const devScore = () => ({
    definitions: +retrievalAccuracy(enc, ...unzip(toIds(dev.definitions))).toFixed(4),
    dictionary: +retrievalAccuracy(enc, ...unzip(toIds(dictDev))).toFixed(4),
    neighbours: +retrievalAccuracy(enc, ...unzip(toIds(dev.neighbours.slice(0, 500)))).toFixed(4),
  });
  const before = devScore();
  const tTrain = performance.now();
  const { losses, accuracies } = trainEncoder(enc, pools, opts, (step, loss, acc) => {
    if ((step + 1) % 500 === 0 || step === 0) log(`step ${step + 1}/${opts.totalSteps}: loss ${loss.toFixed(3)}, in-batch accuracy ${acc.toFixed(3)}`);
  });
  const trainSeconds = (performance.now() - tTrain) / 1000;
  const after = devScore();
  // A match threshold for users of the encoder (ELLM's open variant), calibrated on held-out stated paraphrases only.
  const calibration = calibrateThreshold(enc, ...unzip(toIds(dev.definitions)));
  const every = Math.max(1, Math.floor(losses.length / 50));
  const info = {
    kind: 'static sentence encoder (token embeddings, mean pooling, L2 norm), symmetric InfoNCE with in-batch negatives',
    base: 'rlllm/tiny-gpt tokenizer (lower case, leading space)',
    data: 'tiny-lm corpus: stated paraphrases ("X means Y") and same-document sentence pairs, every 20th document held out; WordNet 3.0 (word, definition|synonym) pairs (corpus/dictionary.tsv), every 20th word held out',
    pairs: { definitions: defs.length, dictionary: dict.length, neighbours: neigh.length, devDefinitions: dev.definitions.length, devDictionary: dictDev.length, devNeighbours: Math.min(500, dev.neighbours.length) },
    devRetrievalTop1: { before, after },
    matchThreshold: { value: +calibration.threshold.toFixed(3), devBalancedAccuracy: +calibration.balancedAccuracy.toFixed(3), on: 'held-out stated paraphrases vs their mismatched pairs' },
    config: { dim: opts.dim, totalSteps: opts.totalSteps, batchSize: opts.batchSize, learningRate: opts.learningRate, temperature: opts.temperature, definitionShare: opts.definitionShare, dictionaryShare: opts.dictionaryShare, seed: opts.seed },
    trainSeconds: +trainSeconds.toFixed(1),
    losses: losses.filter((_, i) => i % every === 0).map((l) => +l.toFixed(4)),
    inBatchAccuracy: accuracies.filter((_, i) => i % every === 0).map((l) => +l.toFixed(3)),
  };
  const bytes = exportEncoder(opts.out, enc, gptDir, info);
  log(`dev top-1 retrieval: stated paraphrases ${before.definitions} → ${after.definitions}, dictionary ${before.dictionary} → ${after.dictionary}, neighbours ${before.neighbours} → ${after.neighbours}`);
  log(`match threshold ${calibration.threshold.toFixed(3)} (dev balanced accuracy ${calibration.balancedAccuracy.toFixed(3)})`);
  log(`baked ${opts.out}: ${bytes} bytes, ${((performance.now() - t0) / 1000).toFixed(0)} s (training ${trainSeconds.toFixed(0)} s)`);
  return info;
}

const unzip = (ps: [number[], number[]][]): [number[][], number[][]] => [ps.map((p) => p[0]), ps.map((p) => p[1])];

/** `--steps 10 --out DIR …` → options; a one-line UserError naming the flag for anything else. */
export function parseEncoderArgs(argv: string[]): EncoderBakeOptions {
  const flags: Record<string, keyof typeof ENCODER_DEFAULTS> = { '--steps': 'totalSteps', '--dim': 'dim', '--batch-size': 'batchSize', '--learning-rate': 'learningRate', '--temperature': 'temperature', '--seed': 'seed', '--definition-share': 'definitionShare', '--dictionary-share': 'dictionaryShare' };
  const given: Record<string, number> = {};
  let out = encoderModelDir();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[++i];
    if (a !== '--out' && !flags[a]) throw new UserError(`bake:encoder: unknown flag ${a}. Fix: use ${[...Object.keys(flags), '--out'].join(', ')}`);
    if (v === undefined || v.startsWith('--')) throw new UserError(`bake:encoder: ${a} needs a value. Fix: e.g. ${a} ${a === '--out' ? 'DIR' : ENCODER_DEFAULTS[flags[a]!]}`);
    if (a === '--out') out = path.resolve(v);
    else given[flags[a]!] = Number(v);
  }
  const parsed = EncoderBakeConfig.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = Object.keys(flags).find((f) => flags[f] === issue.path[0])!;
    throw new UserError(`bake:encoder: ${flag} ${given[issue.path[0] as string]}: ${issue.message}. Fix: e.g. ${flag} ${ENCODER_DEFAULTS[issue.path[0] as keyof typeof ENCODER_DEFAULTS]}`);
  }
  // The output is written after minutes of training: check now that it can be.
  const existing = existsSync(out) ? out : path.dirname(out);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UserError(`bake:encoder: --out ${out}: cannot write into ${existing}. Fix: pass a folder in a writable place`);
  }
  return { ...parsed.data, out };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await bakeEncoder(parseEncoderArgs(process.argv.slice(2)));
  } catch (e) {
    if (e instanceof UserError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
