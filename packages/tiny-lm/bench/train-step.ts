/**
 * `npm run bench:step -w @rlllm/tiny-lm` — one training step of tiny-gpt (4 layers, d 128, vocab
 * 2048, 16 × 128 tokens, mean next-token loss, global-norm clip 1, AdamW with decay on matrices):
 *
 *   tfjs-wasm   train.ts's loop with `trainer: 'tfjs'` (`train`, one step per call), the reference
 *   ORT         core's compiled step (forward + backward + clip + AdamW in one onnxruntime run) —
 *               what train.ts runs by default —, 1 and 2 intra-op threads; plus the variants behind
 *               the design choices: idle threads spinning, and the embedding gradient as a one-hot
 *               product instead of a ScatterElements-add
 *   PyTorch     bench/torch_gpt_step.py (the same model and step), run by /usr/bin/python3 with
 *               Debian's python3-torch, 1 and 2 threads (interleaved) — skipped with a notice when
 *               torch is absent
 *
 * Medians over repeats after warm-up steps, every ratio against a reference measured in this run.
 * Also reports what compiling a new batch shape costs (graph build + session creation), per
 * sequence length — what LM fine-tuning with varying lengths pays once per shape.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTf } from '@rlllm/core/backend';
import { Rng } from '@rlllm/core/rng';
import { median } from '@rlllm/core/stats';
import { CompiledStep, gptForward, gptParams, initGptWeights, lmLoss, type GatherGrad } from '@rlllm/core/compile/index';
import { Gpt, type GptConfig } from '../src/model.ts';
import { defaultTrainConfig, train } from '../src/train.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const config: GptConfig = { vocabSize: 2048, nPositions: 128, nLayer: 4, nHead: 4, nEmbd: 128 };
const [B, T] = [16, 128];
const repeats = Number(process.env.BENCH_REPEATS ?? 15);
const rng = new Rng(1);
const tokens = Int32Array.from({ length: 200_000 }, () => rng.int(config.vocabSize));
const hp = { ...defaultTrainConfig, seqLen: T, batchSize: B };

function windows(r: Rng): BigInt64Array {
  const ids = new BigInt64Array(B * T);
  for (let b = 0; b < B; b++) {
    const s = r.int(tokens.length - T);
    for (let t = 0; t < T; t++) ids[b * T + t] = BigInt(tokens[s + t]!);
  }
  return ids;
}

const rows: { name: string; threads: number | string; ms: number }[] = [];

// tfjs-wasm: train.ts's loop, one step per call (the AdamW state it creates is two zero tensors).
const backend = await initTf('wasm');
{
  const model = new Gpt(config, 1);
  const times: number[] = [];
  const tfRepeats = Math.max(3, Math.ceil(repeats / 3));
  for (let i = 0; i < tfRepeats + 1; i++) {
    const r = await train(model, tokens, { ...hp, steps: 1, seed: i }, () => {}, { trainer: 'tfjs' });
    if (i > 0) times.push(r.seconds * 1000);
  }
  rows.push({ name: `tfjs-${backend}`, threads: 1, ms: median(times) });
  console.log(`tfjs-${backend}: ${times.map((t) => t.toFixed(0)).join(' ')} ms`);
  model.dispose();
}

// ORT: the compiled step. The variants run interleaved, one step each per round, so a disturbance
// from another process hits them alike; the spinning variant runs alone (its idle threads would
// slow whichever variant runs next).
function ortStep(threads: number, variant: { spinning?: boolean; embeddingGrad?: GatherGrad } = {}) {
  return new CompiledStep(
    {
      params: gptParams(config),
      loss: (p, b) => ({ loss: lmLoss(gptForward(p, config, b.ids!, { embeddingGrad: variant.embeddingGrad }).logits, b.ids!) }),
      optimizer: { kind: 'adamw', beta1: hp.beta1, beta2: hp.beta2, eps: 1e-8, weightDecay: hp.weightDecay },
      maxGradNorm: hp.gradClip,
    },
    initGptWeights(config, 1),
    { intraOpNumThreads: threads, spinning: variant.spinning ?? false },
  );
}

async function timeInterleaved(steps: CompiledStep[]): Promise<number[]> {
  const r = new Rng(2);
  const times: number[][] = steps.map(() => []);
  for (let i = 0; i < repeats + 3; i++) {
    const ids = windows(r);
    for (const [k, step] of steps.entries()) {
      const t0 = performance.now();
      await step.step({ ids: { data: ids, shape: [B, T] } }, hp.lr);
      if (i >= 3) times[k]!.push(performance.now() - t0);
    }
  }
  for (const step of steps) await step.dispose();
  return times.map(median);
}

const variants = [ortStep(1), ortStep(2), ortStep(2, { embeddingGrad: 'onehot' })];
const [ms1, ms2, msOnehot] = await timeInterleaved(variants);
const compile = variants[1]!.compileStats[0]!;
rows.push({ name: 'ORT', threads: 1, ms: ms1! });
rows.push({ name: 'ORT', threads: 2, ms: ms2! });
rows.push({ name: 'ORT, embedding gradient by a one-hot product', threads: 2, ms: msOnehot! });
rows.push({ name: 'ORT, idle threads spinning', threads: 2, ms: (await timeInterleaved([ortStep(2, { spinning: true })]))[0]! });

// PyTorch, if Debian's python3-torch is installed.
const python = '/usr/bin/python3';
const hasTorch = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const torchMs: number[] = [];
if (!hasTorch) console.log(`PyTorch reference skipped: ${python} cannot import torch (apt install python3-torch libopenblas0-pthread)`);
else {
  const p = spawnSync(python, [path.join(here, 'torch_gpt_step.py'), '1,2', String(repeats)], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`torch_gpt_step.py failed: ${p.stderr}`);
  const res = JSON.parse(p.stdout.trim().split('\n').pop()!) as { torch: string; threads: Record<string, { median_s: number }> };
  for (const [threads, r] of Object.entries(res.threads)) {
    rows.push({ name: `PyTorch ${res.torch}`, threads, ms: r.median_s * 1000 });
    torchMs.push(r.median_s * 1000);
  }
}

const tfMs = rows[0]!.ms;
const bestTorch = torchMs.length ? Math.min(...torchMs) : NaN;
console.log(`\ntiny-gpt training step, ${B}×${T} tokens, AdamW + clip; medians of ${repeats} steps (tfjs: ${Math.max(3, Math.ceil(repeats / 3))})`);
console.log('| trainer | threads | step | vs tfjs-wasm | vs best PyTorch |');
console.log('|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.name} | ${r.threads} | ${r.ms.toFixed(0)} ms | ${(tfMs / r.ms).toFixed(1)}× | ${Number.isNaN(bestTorch) ? '-' : (bestTorch / r.ms).toFixed(2) + '×'} |`);
console.log(`\ncompiling the 16×128 training graph: ${compile.nodes} ONNX nodes, build ${compile.buildMs.toFixed(0)} ms, session creation ${compile.sessionMs.toFixed(0)} ms`);

// What a new batch shape costs: one graph + session per (B, T).
{
  const step = new CompiledStep(
    { params: gptParams(config), loss: (p, b) => ({ loss: lmLoss(gptForward(p, config, b.ids!).logits, b.ids!) }), optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 }, maxGradNorm: 1 },
    initGptWeights(config, 1),
    { intraOpNumThreads: 2 },
  );
  const parts: string[] = [];
  for (const t of [32, 64, 96, 128]) {
    await step.step({ ids: { data: new BigInt64Array(B * t), shape: [B, t] } }, 1e-3);
    const c = step.compileStats[step.compileStats.length - 1]!;
    parts.push(`T=${t}: ${(c.buildMs + c.sessionMs).toFixed(0)} ms`);
  }
  console.log(`new batch shape (build + session, B=${B}): ${parts.join(', ')}`);
  await step.dispose();
}
