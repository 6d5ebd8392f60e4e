/**
 * Learning tests: each algorithm, with a fixed step budget, must actually solve
 * (or clearly learn) CartPole-v1. They prove the whole loop — acting, advantage/targets, gradient
 * step — is right: a sign error or an off-by-one in GAE or in the double-DQN target makes them
 * fail. Thresholds are the task's own (475 = CartPole-v1's "solved"; 195 = v0's), not numbers
 * copied from a run. They are not timed; speed is measured by `npm run bench`. They run on the
 * default trainer, onnxruntime (compile.test.ts checks the same updates against the tfjs trainer).
 * PPO and A2C run seed 1; DQN, whose seeds differ most (its test says by how much), must
 * pass on 2 of seeds 1–3.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { CartPole } from '@rlllm/env';
import { initTf, trainPpo, trainDqn, trainA2c, evaluatePolicy, stepsToThreshold, recentMeanReturn, mean } from '../src/index.ts';

beforeAll(async () => {
  await initTf();
});

describe('PPO (CleanRL defaults) on CartPole-v1', () => {
  it('reaches a mean return of 475 over the last 20 episodes within 500k steps (seed 1)', async () => {
    const r = await trainPpo(() => new CartPole(), { totalSteps: 500_000 }, { seed: 1, onUpdate: ({ recentReturn }) => recentReturn >= 475 });
    const reached = stepsToThreshold(r.episodes, 475);
    console.log(`PPO seed 1: 475 reached at ${reached} env steps, ${r.seconds.toFixed(1)} s`);
    expect(reached).not.toBeNull();
    expect(reached!).toBeLessThanOrEqual(500_000);
    // The greedy policy it learned also balances the pole on fresh episodes.
    const returns = evaluatePolicy(new CartPole(), r.agent.greedy(), 5, 10_000);
    expect(mean(returns)).toBeGreaterThanOrEqual(475);
    r.agent.dispose();
  });

  it('is deterministic: same seed, same numbers', async () => {
    const run = async () => {
      const r = await trainPpo(() => new CartPole(), { totalSteps: 2048 }, { seed: 7 });
      const out = { eps: r.episodes.map((e) => e.return), w: Array.from(r.agent.actor.snapshot().weightsT[0]!.slice(0, 8)) };
      r.agent.dispose();
      return out;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('DQN (double, target net, replay) on CartPole-v1', () => {
  it('on at least 2 of seeds 1, 2, 3: a mean return of 195 over the last 20 episodes within 50k steps, and a greedy policy scoring ≥ 195 (onnxruntime trainer)', async () => {
    // CleanRL's defaults need ~500k steps; this is rl-baselines3-zoo's tuned CartPole-v1 schedule
    // (Adam 2.3e-3, batch 64, 128 gradient steps every 256 env steps, target synced every 10 env
    // steps, ε 1 → 0.04 over the first 16%) with 128-128 instead of 256-256 ReLU layers to halve the
    // test's cost. DQN on CartPole is high-variance from seed to seed, so no single seed is the test.
    // Measured on this trainer: seeds 1, 3, 4, 5, 6 reach 195 at 25k–38k steps with greedy policies
    // scoring 305–500; seed 2 reaches it at 40k but its greedy policy scores 74 (≈ 20 s for the three).
    // The trainer is pinned: the tfjs trainer agrees with it only to ~1e-5 per update
    // (compile.test.ts), and over thousands of updates that can move a seed across the line.
    const config = { totalSteps: 50_000, hidden: [128, 128], learningRate: 2.3e-3, batchSize: 64, bufferSize: 50_000, trainFrequency: 256, gradientSteps: 128, targetNetworkFrequency: 10, learningStarts: 1000, explorationFraction: 0.16, endEpsilon: 0.04 };
    const runs: { seed: number; reached: number | null; greedy: number }[] = [];
    for (const seed of [1, 2, 3]) {
      const r = await trainDqn(() => new CartPole(), config, { seed, trainer: 'ort', onUpdate: ({ recentReturn }) => recentReturn >= 195 });
      const reached = stepsToThreshold(r.episodes, 195);
      const greedy = mean(evaluatePolicy(new CartPole(), r.greedy(), 10, 10_000));
      console.log(`DQN seed ${seed}: 195 reached at ${reached} env steps, greedy mean return ${greedy.toFixed(1)}, ${r.seconds.toFixed(1)} s`);
      r.q.dispose();
      runs.push({ seed, reached, greedy });
    }
    const solved = runs.filter((r) => r.reached !== null && r.greedy >= 195);
    expect(solved.length, JSON.stringify(runs)).toBeGreaterThanOrEqual(2);
  });
});

describe('A2C on CartPole-v1', () => {
  it('reaches a mean return of 195 over the last 20 episodes within 200k steps (seed 1; random play scores ~22)', async () => {
    // SB3's A2C defaults; measured: seeds 1, 2, 3 reach 195 at ~38k, ~35k, ~36k steps.
    const r = await trainA2c(() => new CartPole(), { totalSteps: 200_000 }, { seed: 1, onUpdate: ({ recentReturn }) => recentReturn >= 195 });
    const reached = stepsToThreshold(r.episodes, 195);
    console.log(`A2C seed 1: 195 reached at ${reached} env steps, ${r.seconds.toFixed(1)} s`);
    expect(reached).not.toBeNull();
  });
});
