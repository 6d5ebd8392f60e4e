/**
 * Benchmark: PPO (CleanRL defaults: 4 envs × 128 steps, 4 epochs × 4 minibatches, lr 2.5e-4
 * annealed over 500k, 64-64 tanh) on CartPole-v1, three trainers, per seed, interleaved:
 *
 *   tfjs      rl/ppo.ts with `trainer: 'tfjs'` (tfjs update on the chosen tfjs backend)
 *   ORT       rl/ppo.ts with `trainer: 'ort'` (the default): the minibatch update compiled into one
 *             onnxruntime run (compile/ppo.ts `PpoUpdate`), 1 intra-op thread
 *   PyTorch   bench/torch_ppo_cartpole.py, CleanRL-structured, run by /usr/bin/python3 with Debian's
 *             python3-torch (skipped with a notice when torch is absent)
 *
 * Each run stops once the mean of the last 20 episode returns reaches 475 (or at 500k steps).
 * Prints env-steps/s, the env step at which 475 was reached, where the time goes, and medians over
 * seeds with the ratios ORT/tfjs and ORT/PyTorch measured in this run. BENCH_SEEDS=1,2,3 by default.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CartPole } from '@rlllm/env';
import { initTf, trainPpo, stepsToThreshold, median } from '../src/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const seeds = (process.env.BENCH_SEEDS ?? '1,2,3').split(',').map(Number);
const backend = await initTf();
const python = '/usr/bin/python3';
const hasTorch = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
console.log(`PPO on CartPole-v1, seeds ${seeds.join(', ')}: tfjs (${backend}) vs ORT (compiled update) vs PyTorch`);
if (!hasTorch) console.log(`PyTorch reference skipped: ${python} cannot import torch (apt install python3-torch libopenblas0-pthread)`);

interface Row { trainer: string; seed: number; sps: number; to475: number | null; seconds: number; update?: number }
const rows: Row[] = [];
const stop = ({ recentReturn }: { recentReturn: number }) => recentReturn >= 475;
const show = (r: Row) =>
  console.log(
    `${r.trainer.padEnd(8)} seed ${r.seed}: ${r.sps.toFixed(0)} env-steps/s, 475 at ${r.to475 ?? 'never (500k)'} steps, ${r.seconds.toFixed(1)} s` +
      (r.update !== undefined ? ` (update ${((100 * r.update) / r.seconds).toFixed(0)}% of it)` : ''),
  );

for (const seed of seeds) {
  const t = await trainPpo(() => new CartPole(), { totalSteps: 500_000 }, { seed, onUpdate: stop, trainer: 'tfjs' });
  rows.push({ trainer: 'tfjs', seed, sps: t.envSteps / t.seconds, to475: stepsToThreshold(t.episodes, 475), seconds: t.seconds, update: t.timing.updateSeconds });
  t.agent.dispose();
  show(rows[rows.length - 1]!);

  const o = await trainPpo(() => new CartPole(), { totalSteps: 500_000 }, { seed, onUpdate: stop, trainer: 'ort' });
  rows.push({ trainer: 'ORT', seed, sps: o.envSteps / o.seconds, to475: stepsToThreshold(o.episodes, 475), seconds: o.seconds, update: o.timing.updateSeconds });
  o.agent.dispose();
  show(rows[rows.length - 1]!);

  if (hasTorch) {
    const p = spawnSync(python, [path.join(here, 'torch_ppo_cartpole.py'), String(seed)], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`torch_ppo_cartpole.py failed: ${p.stderr}`);
    const res = JSON.parse(p.stdout.trim().split('\n').pop()!) as { sps: number; steps_to_475: number | null; seconds: number };
    rows.push({ trainer: 'PyTorch', seed, sps: res.sps, to475: res.steps_to_475, seconds: res.seconds });
    show(rows[rows.length - 1]!);
  }
}

const med = (trainer: string) => median(rows.filter((r) => r.trainer === trainer).map((r) => r.sps));
console.log('\n| trainer | env-steps/s (median) | 475 reached at (per seed) |');
console.log('|---|---|---|');
for (const trainer of ['tfjs', 'ORT', ...(hasTorch ? ['PyTorch'] : [])])
  console.log(`| ${trainer} | ${med(trainer).toFixed(0)} | ${rows.filter((r) => r.trainer === trainer).map((r) => r.to475 ?? 'never').join(' / ')} |`);
console.log(`ORT / tfjs: ${(med('ORT') / med('tfjs')).toFixed(2)}×` + (hasTorch ? `; ORT / PyTorch: ${(med('ORT') / med('PyTorch')).toFixed(2)}×; tfjs / PyTorch: ${(med('tfjs') / med('PyTorch')).toFixed(2)}×` : ''));
