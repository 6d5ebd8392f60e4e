/**
 * The regime table (README "The regime"): the sparse and the human reward trained with PPO on
 * `RUNS` fresh PPO seeds each, at the leaf's `--full` settings (task, PPO budget, evaluation), and
 * each run's task fitness. It says whether the task is in Eureka's regime — the sparse reward
 * (almost) never succeeds, a good shaped reward (almost) always does, and a few runs rank the two —
 * before any search is run. The PPO seeds are named streams of SEEDS (dev seeds, not the report
 * seeds 1–5); the runs go to a pool of PROCESSES worker processes (results in job order, the same
 * numbers for any PROCESSES).
 *
 *   SEEDS=11-20 PROCESSES=2 TASK=wide npx tsx bench/regime.ts
 */
import { EurekaConfig, HUMAN_REWARD, SPARSE_REWARD, trainingOf } from '../src/eureka.ts';
import { leaf } from '../src/leaf.ts';
import { TRAIN_JOB, type TrainResult } from '../src/train.ts';
import { JobPool, mean, Rng } from '@rlllm/core';

const [lo, hi] = (process.env.SEEDS ?? '11-20').split('-').map(Number);
if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi! < lo!) {
  console.error(`SEEDS=${process.env.SEEDS}: not a range. Fix: e.g. SEEDS=11-20`);
  process.exit(2);
}
const processes = Number(process.env.PROCESSES ?? 2);
const config = EurekaConfig.parse({ ...leaf.presets.full, ...(process.env.TASK ? { task: process.env.TASK } : {}), ...(process.env.STEPS ? { ppoTotalSteps: Number(process.env.STEPS) } : {}) });
const seeds = Array.from({ length: hi! - lo! + 1 }, (_, i) => lo! + i);
const rewards = { sparse: SPARSE_REWARD, human: HUMAN_REWARD };
const pool = new JobPool(TRAIN_JOB, processes);
const t0 = performance.now();
const jobs = Object.values(rewards).flatMap((source) => seeds.map((s) => ({ ...trainingOf(config), source, seed: new Rng(s).fork('regime').seed() })));
const results = await pool.map<(typeof jobs)[0], TrainResult>(jobs);
pool.close();
const seconds = (performance.now() - t0) / 1000;
console.log(`task ${config.task}, PPO ${config.ppoTotalSteps} steps, ${config.evalEpisodes} evaluation episodes, PPO seeds from seeds ${lo}–${hi} (${seconds.toFixed(0)} s on ${processes} processes)`);
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
Object.keys(rewards).forEach((name, i) => {
  const f = results.slice(i * seeds.length, (i + 1) * seeds.length).map((r) => (r.ok ? r.fitness : NaN));
  console.log(`| ${name} | ${mean(f).toFixed(3)} | ${sd(f).toFixed(3)} | ${Math.min(...f).toFixed(2)}–${Math.max(...f).toFixed(2)} | ${f.filter((x) => x >= 0.5).length}/${f.length} | ${f.map((x) => x.toFixed(2)).join(', ')} |`);
});
