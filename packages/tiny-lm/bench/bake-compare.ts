/**
 * `npm run bench:bake-compare -w @rlllm/tiny-lm -- REF_DIR DIR [NOISE_DIR]` — two bakes' loss curves
 * side by side: typically the tfjs trainer's and the onnxruntime trainer's bake of the same seed and
 * steps, plus (NOISE_DIR) an onnxruntime bake of another seed for the scale of run-to-run noise:
 *
 *   npm run bake -w @rlllm/tiny-lm -- --trainer tfjs --out /tmp/bake-tfjs          # seed 1
 *   npm run bake -w @rlllm/tiny-lm -- --out /tmp/bake-ort                          # seed 1, ORT
 *   npm run bake -w @rlllm/tiny-lm -- --out /tmp/bake-ort-2 --seed 2               # noise scale
 *   npm run bench:bake-compare -w @rlllm/tiny-lm -- /tmp/bake-tfjs /tmp/bake-ort /tmp/bake-ort-2
 *
 * Reads each folder's training.json (losses per step, rounded to 4 decimals; trainer; train
 * seconds) and prints the mean loss over step ranges, the largest per-step difference between the
 * first two, and every model's held-out loss on corpus/heldout.txt (train.ts `evalLoss`, the same
 * tfjs evaluator for all).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initTf } from '@rlllm/core/backend';
import { packageDir } from '../src/bake.ts';
import { loadGpt } from '../src/loadWeights.ts';
import { encodeDocuments, loadHfTokenizer } from '../src/tokenizer.ts';
import { evalLoss } from '../src/train.ts';

const dirs = process.argv.slice(2).map((d) => path.resolve(d));
if (dirs.length < 2) {
  console.error('usage: bake-compare REF_DIR DIR [NOISE_DIR]');
  process.exit(2);
}
interface Training { losses: number[]; seed: number; trainer?: string; trainSeconds: number; totalSeconds: number; train: { steps: number; seqLen: number } }
const runs = dirs.map((d) => ({ dir: d, t: JSON.parse(readFileSync(path.join(d, 'training.json'), 'utf8')) as Training }));
const label = (r: (typeof runs)[number]) => `${r.t.trainer ?? 'tfjs'}, seed ${r.t.seed}`;
const [a, b] = [runs[0]!.t, runs[1]!.t];
if (a.losses.length !== b.losses.length) throw new Error(`the first two bakes ran ${a.losses.length} and ${b.losses.length} steps`);

const mean = (xs: number[], from: number, to: number) => xs.slice(from, to).reduce((s, x) => s + x, 0) / (to - from);
const n = a.losses.length;
const cuts = [0, 10, 50, 100, 200, 300, 400, 500].filter((c) => c < n).concat(n);
const diff = a.losses.map((l, i) => Math.abs(l - b.losses[i]!));
console.log(runs.map((r) => `${label(r)}: train ${r.t.trainSeconds.toFixed(0)} s, bake ${r.t.totalSeconds.toFixed(0)} s  (${r.dir})`).join('\n'));
console.log(`\n| steps | ${runs.map(label).join(' | ')} | max abs difference, first two |`);
console.log(`|---|${runs.map(() => '---|').join('')}---|`);
for (let k = 0; k + 1 < cuts.length; k++) {
  const [from, to] = [cuts[k]!, cuts[k + 1]!];
  console.log(`| ${from + 1}–${to} | ${runs.map((r) => mean(r.t.losses, from, to).toFixed(4)).join(' | ')} | ${Math.max(...diff.slice(from, to)).toFixed(4)} |`);
}

// Held-out loss of every model, with the same (tfjs) evaluator.
await initTf('wasm');
const tok = await loadHfTokenizer(dirs[0]!);
const held = await encodeDocuments(tok, readFileSync(path.join(packageDir, 'corpus', 'heldout.txt'), 'utf8'));
const parts: string[] = [];
for (const r of runs) {
  const model = loadGpt(r.dir);
  parts.push(`${label(r)} ${(await evalLoss(model, held, r.t.train.seqLen)).toFixed(4)}`);
  model.dispose();
}
console.log(`\nheld-out loss (${held.length} tokens): ${parts.join('; ')}`);
