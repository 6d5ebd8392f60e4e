/**
 * `npm run bake:coder -w @rlllm/tiny-lm` — the code model `rlllm/tiny-coder`: the baked `rlllm/tiny-gpt`
 * trained further on code alone, the way Codex was GPT-3 trained further on GitHub code. Eureka
 * (Ma et al. 2023) writes rewards with a coding LLM; the general tiny model writes few reward
 * functions that make sense (packages/eureka-tiny/README.md), so the Eureka leaf can use this one.
 *
 * Data: fresh draws (seed 2; the corpus uses its own seed), half of them reward reflection →
 * revised reward documents (corpus/codeReflection.ts: Eureka's reflection, then a reward that acts
 * on it, for the five reward tasks), half the corpus' two code document kinds — reward functions for
 * the five reward tasks (cartpole, reach, mountaincar, pendulum, keydoor) and reward reflection
 * notes — and nothing else; `codeDocuments` in corpus/build.ts. Items of the "code after
 * reflection" premise probe are dropped. Same tokenizer and shape as tiny-gpt; windows of the full
 * context. Deterministic given the seeds and the trainer (train.ts).
 *
 * Flags: --steps N (300)  --docs N (3000)  --seed N (2)  --trainer ort|tfjs (ort)  --out DIR
 *        --rescale-rewards on|off (on; off: the reflections' old rewards keep the library's
 *        coefficient ranges, the data of the first tiny-coder — codeReflection.ts REWARD_SCALES)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTf } from '@rlllm/core/backend';
import { TRAINERS, trainerOf, type TrainerName } from '@rlllm/core/trainer';
import { codeDocuments } from '../corpus/build.ts';
import { exportModel } from './exportOnnx.ts';
import { copyTokenizerFiles, defaultModelDir } from './index.ts';
import { loadGpt } from './loadWeights.ts';
import { EOS, encodeDocuments, loadHfTokenizer } from './tokenizer.ts';
import { defaultTrainConfig, evalLoss, train, type TrainConfig } from './train.ts';

export const coderModelDir = () => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'baked', 'rlllm', 'tiny-coder');

export interface CoderOptions { steps: number; docs: number; seed: number; out: string; rescaleRewards?: boolean; trainer?: TrainerName; log?: (l: string) => void }

export async function bakeCoder(opts: CoderOptions) {
  const log = opts.log ?? ((l: string) => console.log(l));
  const t0 = performance.now();
  const trainer = trainerOf(opts.trainer);
  const backend = await initTf(process.env.RLLLM_TF_BACKEND ? undefined : 'wasm').catch(() => initTf());
  if (trainer === 'tfjs' && backend !== 'wasm') log(`note: tfjs backend is ${backend}, not wasm — bytes may differ`);
  const base = defaultModelDir();
  const tok = await loadHfTokenizer(base);
  const rescaleRewards = opts.rescaleRewards ?? true;
  const docs = codeDocuments(opts.seed, opts.docs, rescaleRewards);
  // Hold out every 10th document to report the code loss before and after.
  const trainText = docs.filter((_, i) => i % 10 !== 9).join('\n\n');
  const heldText = docs.filter((_, i) => i % 10 === 9).join('\n\n');
  const tokens = await encodeDocuments(tok, trainText);
  const held = await encodeDocuments(tok, heldText);
  log(`code documents: ${docs.length} (${tokens.length} train tokens, ${held.length} held-out)`);
  const model = loadGpt(base);
  const before = await evalLoss(model, held, model.config.nPositions);
  // Continued training: a short warmup, a lower peak rate than the bake (3e-3), cosine to 1e-4.
  const config: TrainConfig = { ...defaultTrainConfig, steps: opts.steps, seqLen: model.config.nPositions, lr: 1e-3, minLr: 1e-4, warmupSteps: 10, seed: opts.seed };
  const { losses, seconds } = await train(model, tokens, config, log, { trainer });
  const after = await evalLoss(model, held, model.config.nPositions);
  mkdirSync(opts.out, { recursive: true });
  const onnxBytes = exportModel(opts.out, model.config, await model.getWeights(), tok.convert_tokens_to_ids(EOS) as number);
  await copyTokenizerFiles(base, opts.out);
  const info = { base: 'rlllm/tiny-gpt', trainer, backend, data: 'reflection → reward documents and corpus code documents (codeDocuments)', rescaleRewards, documents: docs.length, trainTokens: tokens.length, heldoutTokens: held.length, heldoutLossBefore: +before.toFixed(4), heldoutLossAfter: +after.toFixed(4), onnxBytes, trainSeconds: seconds, totalSeconds: (performance.now() - t0) / 1000, seed: opts.seed, train: config, losses: losses.map((l) => +l.toFixed(4)) };
  writeFileSync(path.join(opts.out, 'training.json'), `${JSON.stringify(info, null, 1)}\n`);
  model.dispose();
  log(`baked ${opts.out}: held-out code loss ${before.toFixed(3)} → ${after.toFixed(3)}, ${info.totalSeconds.toFixed(0)} s`);
  return info;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts: CoderOptions = { steps: 300, docs: 3000, seed: 2, out: coderModelDir() };
  const argv = process.argv.slice(2);
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!, v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      if (a === '--out') opts.out = path.resolve(v);
      else if (a === '--trainer') {
        if (!(TRAINERS as readonly string[]).includes(v)) throw new Error(`--trainer must be ${TRAINERS.join(' or ')}, got "${v}"`);
        opts.trainer = v as TrainerName;
      } else if (a === '--rescale-rewards') {
        if (v !== 'on' && v !== 'off') throw new Error(`--rescale-rewards must be on or off, got "${v}"`);
        opts.rescaleRewards = v === 'on';
      } else if (a === '--steps' || a === '--docs' || a === '--seed') {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new Error(`${a} must be a positive integer, got "${v}"`);
        opts[a.slice(2) as 'steps' | 'docs' | 'seed'] = n;
      } else throw new Error(`unknown flag ${a}; use --steps N --docs N --seed N --rescale-rewards on|off --trainer ort|tfjs --out DIR`);
    }
    await bakeCoder(opts);
  } catch (e) {
    console.error(`bake:coder: ${(e as Error).message}`);
    process.exit(1);
  }
}
