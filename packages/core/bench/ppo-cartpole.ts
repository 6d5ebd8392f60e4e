/**
 * Benchmark: PPO (CleanRL defaults: 4 envs × 128 steps, 4 epochs × 4 minibatches, lr 2.5e-4
 * annealed over 500k, 64-64 tanh) on CartPole-v1 over 3 seeds. Prints, per seed and as medians:
 * env-steps/s, the env step at which the mean of the last 20 episode returns first reaches 475,
 * and where the time goes (acting + env vs tfjs update). Each seed stops once it reaches 475.
 * Reference (measured once, docs/results.md): PyTorch CPU, same structure, ~7,900 env-steps/s, 475 at a median ~111k steps.
 */
import { CartPole } from '@rlllm/env';
import { initTf, trainPpo, stepsToThreshold, median } from '../src/index.ts';

const seeds = (process.env.BENCH_SEEDS ?? "1,2,3").split(",").map(Number);
const backend = await initTf();
console.log(`PPO on CartPole-v1, tfjs backend ${backend}, seeds ${seeds.join(', ')}`);
const rows: { seed: number; sps: number; to475: number | null; rollout: number; update: number; seconds: number }[] = [];
for (const seed of seeds) {
  const r = await trainPpo(() => new CartPole(), { totalSteps: 500_000 }, { seed, onUpdate: ({ recentReturn }) => recentReturn >= 475 });
  const row = { seed, sps: r.envSteps / r.seconds, to475: stepsToThreshold(r.episodes, 475), rollout: r.timing.rolloutSeconds, update: r.timing.updateSeconds, seconds: r.seconds };
  rows.push(row);
  console.log(`seed ${seed}: ${row.sps.toFixed(0)} env-steps/s, 475 reached at ${row.to475 ?? 'never (500k)'} steps, ${row.seconds.toFixed(1)} s (acting+env ${row.rollout.toFixed(1)} s, update ${row.update.toFixed(1)} s)`);
  r.agent.dispose();
}
const reached = rows.map((r) => r.to475).filter((x): x is number => x !== null);
const share = rows.reduce((s, r) => s + r.update, 0) / rows.reduce((s, r) => s + r.seconds, 0);
console.log(`median: ${median(rows.map((r) => r.sps)).toFixed(0)} env-steps/s; 475 at median ${reached.length ? median(reached).toFixed(0) : 'n/a'} steps (${reached.length}/${rows.length} seeds reached); update share of time ${(100 * share).toFixed(0)}%`);
