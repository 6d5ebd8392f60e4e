/**
 * `npm run bake -w @rlllm/tiny-lm` — reproduce the default model `rlllm/tiny-gpt`:
 *
 *   corpus/corpus.txt → byte-level BPE (tokenizer.json) → GPT-2 trained (train.ts) → ONNX + HF files
 *
 * into baked/rlllm/tiny-gpt/. Deterministic given --seed and --trainer (seeded init and batches;
 * onnxruntime runs bit-identical for any thread count, tfjs on single-threaded wasm): two runs write
 * byte-identical onnx/model.onnx. The two trainers compute the same steps up to float rounding, so
 * their models differ in the last bits and their loss curves agree within noise (core README).
 *
 * Flags: --seed N (1)  --steps N (full: 3600)  --trainer ort|tfjs (ort)  --out DIR  --corpus FILE
 * --quick (tiny model, few steps, first 40k characters of the corpus: a smoke test, seconds).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTf } from '@rlllm/core/backend';
import { TRAINERS, trainerOf, type TrainerName } from '@rlllm/core/trainer';
import { exportModel } from './exportOnnx.ts';
import { Gpt, type GptConfig } from './model.ts';
import { EOS, encodeDocuments, loadHfTokenizer, trainBpe, writeTokenizer } from './tokenizer.ts';
import { defaultTrainConfig, train, type TrainConfig } from './train.ts';

export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BakePreset {
  model: Omit<GptConfig, 'vocabSize'> & { vocabSize: number };
  train: TrainConfig;
  /** Use only the first this many characters of the corpus (quick runs). */
  maxChars?: number;
  /** Share of the steps trained on `train.longSeqLen`-token windows at the end. */
  longFraction?: number;
}

/**
 * The full preset: 6 layers, d 192, 6 heads (head dim 32), context 512, vocab 3072 (≈3.3 M
 * parameters). Windows of 256 tokens, 16 per step; the last 15% of the steps on 512-token windows
 * (8 per step), so that a few-shot prompt and Eureka's reflection fit. Trained on onnxruntime with
 * both cores; README "Baking" gives the measured step times and the wall time of a full bake.
 */
export const fullPreset: BakePreset = {
  model: { vocabSize: 3072, nPositions: 512, nLayer: 6, nHead: 6, nEmbd: 192 },
  train: { ...defaultTrainConfig, steps: 3600, seqLen: 256, longSeqLen: 512, warmupSteps: 100, lr: 2e-3, minLr: 2e-4, logEvery: 50 },
  longFraction: 0.15,
};

/** A toy preset for tests and smoke runs (seconds). */
export const quickPreset: BakePreset = {
  model: { vocabSize: 320, nPositions: 32, nLayer: 2, nHead: 2, nEmbd: 32 },
  train: { ...defaultTrainConfig, steps: 4, seqLen: 32, batchSize: 4, warmupSteps: 2, logEvery: 2 },
  maxChars: 40_000,
};

export interface BakeOptions {
  out: string;
  corpus: string;
  seed: number;
  quick: boolean;
  steps?: number;
  /** The training backend (default: the process's, 'ort'). */
  trainer?: TrainerName;
  log?: (line: string) => void;
}

export interface BakeResult {
  out: string;
  /** The training backend, and the tfjs backend (which holds the weights for export; trains only with trainer 'tfjs'). */
  trainer: TrainerName;
  backend: string;
  config: GptConfig;
  parameters: number;
  tokens: number;
  finalLoss: number;
  trainSeconds: number;
  totalSeconds: number;
  onnxBytes: number;
}

export async function bake(opts: BakeOptions): Promise<BakeResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const t0 = performance.now();
  const preset = opts.quick ? quickPreset : fullPreset;
  const trainer = trainerOf(opts.trainer);
  // Single-threaded wasm is tfjs's reference backend (deterministic, and what the tfjs budget was
  // measured on); initTf returns the backend that really started — say so if it is not wasm.
  const backend = await initTf(process.env.RLLLM_TF_BACKEND ? undefined : 'wasm').catch(() => initTf());
  if (trainer === 'tfjs' && backend !== 'wasm') log(`note: tfjs backend is ${backend}, not wasm — timings and bytes may differ from the README`);

  let text = readFileSync(opts.corpus, 'utf8');
  if (preset.maxChars) text = text.slice(0, preset.maxChars);
  log(`corpus: ${opts.corpus} (${text.length} chars)`);

  // 1. Tokenizer, written into the output folder, then loaded back through transformers.js.
  const bpe = trainBpe(text, preset.model.vocabSize, log);
  const config: GptConfig = { ...preset.model, vocabSize: Object.keys(bpe.vocab).length };
  writeTokenizer(opts.out, bpe, config.nPositions);
  const tok = await loadHfTokenizer(opts.out);
  const tokens = await encodeDocuments(tok, text);
  log(`tokenizer: ${config.vocabSize} tokens, corpus = ${tokens.length} tokens (${(text.length / tokens.length).toFixed(2)} chars/token)`);

  // 2. Model and training.
  const model = new Gpt(config, opts.seed);
  log(`model: ${config.nLayer} layers, d ${config.nEmbd}, ${config.nHead} heads, context ${config.nPositions}, ${model.numParameters()} parameters; trainer ${trainer}`);
  const steps = opts.steps ?? preset.train.steps;
  const trainConfig: TrainConfig = { ...preset.train, seed: opts.seed, steps, ...(preset.longFraction ? { longSteps: Math.round(preset.longFraction * steps) } : {}) };
  const { losses, seconds } = await train(model, tokens, trainConfig, log, { trainer });

  // 3. Export (ONNX + config files) next to the tokenizer files.
  const onnxBytes = exportModel(opts.out, config, await model.getWeights(), bpe.vocab[EOS]!);
  const tail = losses.slice(-20);
  const finalLoss = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
  const result: BakeResult = {
    out: opts.out,
    trainer,
    backend,
    config,
    parameters: model.numParameters(),
    tokens: tokens.length,
    finalLoss,
    trainSeconds: seconds,
    totalSeconds: (performance.now() - t0) / 1000,
    onnxBytes,
  };
  writeFileSync(
    path.join(opts.out, 'training.json'),
    JSON.stringify({ ...result, out: undefined, seed: opts.seed, train: trainConfig, losses: losses.map((l) => +l.toFixed(4)) }, null, 1) + '\n',
  );
  model.dispose();
  log(`baked ${opts.out}: onnx ${(onnxBytes / 1e6).toFixed(2)} MB, final loss ${finalLoss.toFixed(3)}, ${result.totalSeconds.toFixed(0)} s total`);
  return result;
}

function parseArgs(argv: string[]): BakeOptions {
  const opts: BakeOptions = {
    out: path.join(packageDir, 'baked', 'rlllm', 'tiny-gpt'),
    corpus: path.join(packageDir, 'corpus', 'corpus.txt'),
    seed: 1,
    quick: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${a} must be a non-negative integer, got "${v}"`);
      return n;
    };
    if (a === '--seed') opts.seed = int(val());
    else if (a === '--steps') opts.steps = int(val());
    else if (a === '--out') opts.out = path.resolve(val());
    else if (a === '--corpus') opts.corpus = path.resolve(val());
    else if (a === '--quick') opts.quick = true;
    else if (a === '--trainer') {
      const t = val();
      if (!(TRAINERS as readonly string[]).includes(t)) throw new Error(`--trainer must be ${TRAINERS.join(' or ')}, got "${t}"`);
      opts.trainer = t as TrainerName;
    } else throw new Error(`unknown flag ${a}; use --seed N --steps N --trainer ort|tfjs --out DIR --corpus FILE --quick`);
  }
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await bake(parseArgs(process.argv.slice(2)));
  } catch (e) {
    console.error(`bake: ${(e as Error).message}`);
    process.exit(1);
  }
}
