/**
 * `npm run bench:bake-ort -w @rlllm/tiny-lm` — the full bake's training (bake.ts `fullPreset`:
 * 500 AdamW steps on 16 × 128-token windows, warmup 40 then cosine, clip 1, seed 1) run on core's
 * compiled step instead of tfjs, next to the tfjs bake's recorded loss curve
 * (baked/rlllm/tiny-gpt/training.json: same seed, so the same initial weights and the same batches).
 *
 * Same tokens as the bake (the baked tokenizer on corpus.txt), same Rng draws for the windows
 * (train.ts `sampleBatch`), same schedule (`lrAt`). The two curves can only drift apart through float
 * rounding, which training amplifies; the script prints both, the per-step difference, and the
 * held-out loss of both final models (evaluated with the tfjs model, train.ts `evalLoss`). For the
 * scale of "noise", it also trains on ORT with another seed (NOISE_SEED, default 2): another init
 * and batch order. Writes nothing unless --out DIR is given (then an HF-layout folder with the
 * ORT-trained weights of the first seed).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initTf } from '@rlllm/core/backend';
import { Rng } from '@rlllm/core/rng';
import { CompiledStep, gptForward, gptParams, initGptWeights, lmLoss } from '@rlllm/core/compile/index';
import { packageDir, fullPreset } from '../src/bake.ts';
import { copyTokenizerFiles } from '../src/index.ts';
import { exportModel } from '../src/exportOnnx.ts';
import { loadGpt, readGptConfig } from '../src/loadWeights.ts';
import { EOS, encodeDocuments, loadHfTokenizer } from '../src/tokenizer.ts';
import { evalLoss, lrAt } from '../src/train.ts';

const args = process.argv.slice(2);
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const threads = Number(process.env.ORT_THREADS ?? 2);
const noiseSeed = Number(process.env.NOISE_SEED ?? 2);
const bakedDir = path.join(packageDir, 'baked', 'rlllm', 'tiny-gpt');
const recorded = JSON.parse(readFileSync(path.join(bakedDir, 'training.json'), 'utf8')) as { losses: number[]; seed: number; trainSeconds: number; tokens: number };
const config = readGptConfig(bakedDir);
const tc = { ...fullPreset.train, seed: recorded.seed };

const tok = await loadHfTokenizer(bakedDir);
const tokens = await encodeDocuments(tok, readFileSync(path.join(packageDir, 'corpus', 'corpus.txt'), 'utf8'));
if (tokens.length !== recorded.tokens) throw new Error(`corpus encodes to ${tokens.length} tokens, the bake saw ${recorded.tokens}`);

/** The bake's training loop on the compiled step, for `seed` (init and batches, as bake.ts --seed). */
async function ortBake(seed: number) {
  const step = new CompiledStep(
    {
      params: gptParams(config),
      loss: (p, b) => ({ loss: lmLoss(gptForward(p, config, b.ids!).logits, b.ids!) }),
      optimizer: { kind: 'adamw', beta1: tc.beta1, beta2: tc.beta2, eps: 1e-8, weightDecay: tc.weightDecay },
      maxGradNorm: tc.gradClip,
    },
    initGptWeights(config, seed),
    { intraOpNumThreads: threads },
  );
  const rng = new Rng(seed);
  const { batchSize: B, seqLen: T } = tc;
  const losses: number[] = [];
  const t0 = performance.now();
  for (let s = 0; s < tc.steps; s++) {
    // train.ts's sampleBatch: one rng.int per row, in row order.
    const ids = new BigInt64Array(B * T);
    for (let b = 0; b < B; b++) {
      const start = rng.int(tokens.length - T + 1);
      for (let t = 0; t < T; t++) ids[b * T + t] = BigInt(tokens[start + t]!);
    }
    const r = await step.step({ ids: { data: ids, shape: [B, T] } }, lrAt(s, tc));
    losses.push(r.loss);
    if ((s + 1) % 100 === 0) console.log(`seed ${seed} step ${s + 1}: loss ${r.loss.toFixed(4)}` + (seed === recorded.seed ? ` (tfjs bake ${recorded.losses[s]!.toFixed(4)})` : ''));
  }
  const weights = step.getWeights();
  await step.dispose();
  return { losses, weights, seconds: (performance.now() - t0) / 1000 };
}

const main = await ortBake(recorded.seed);
// Another seed (another init and batch order): the scale of run-to-run noise the curves are judged against.
const other = await ortBake(noiseSeed);

const mean = (xs: number[], from: number, to: number) => xs.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
const absDiff = main.losses.map((l, i) => Math.abs(l - recorded.losses[i]!));
console.log(`\nORT bake (${threads} threads): ${tc.steps} steps in ${main.seconds.toFixed(0)} s (${((1000 * main.seconds) / tc.steps).toFixed(0)} ms/step); tfjs bake (training.json): ${recorded.trainSeconds.toFixed(0)} s`);
console.log(`| steps | mean loss, tfjs bake (seed ${recorded.seed}) | ORT (seed ${recorded.seed}) | max abs difference | ORT, seed ${noiseSeed} |`);
console.log('|---|---|---|---|---|');
for (const [a, b] of [[0, 10], [10, 50], [50, 100], [100, 200], [200, 300], [300, 400], [400, 500]] as const)
  console.log(`| ${a + 1}–${b} | ${mean(recorded.losses, a, b).toFixed(4)} | ${mean(main.losses, a, b).toFixed(4)} | ${Math.max(...absDiff.slice(a, b)).toFixed(4)} | ${mean(other.losses, a, b).toFixed(4)} |`);

// Held-out loss of both final models, with the same (tfjs) evaluator.
await initTf('wasm');
const heldText = readFileSync(path.join(packageDir, 'corpus', 'heldout.txt'), 'utf8');
const held = await encodeDocuments(tok, heldText);
const tfModel = loadGpt(bakedDir);
const heldTf = await evalLoss(tfModel, held, tc.seqLen);
tfModel.setWeights(main.weights);
const heldOrt = await evalLoss(tfModel, held, tc.seqLen);
tfModel.setWeights(other.weights);
const heldOther = await evalLoss(tfModel, held, tc.seqLen);
console.log(`held-out loss (${held.length} tokens): tfjs bake ${heldTf.toFixed(4)}, ORT bake ${heldOrt.toFixed(4)}; ORT bake seed ${noiseSeed} ${heldOther.toFixed(4)}`);
if (out) {
  exportModel(out, config, main.weights, tok.convert_tokens_to_ids(EOS) as number);
  await copyTokenizerFiles(bakedDir, out);
  console.log(`wrote ${out}`);
}
tfModel.dispose();
