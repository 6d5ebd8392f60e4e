/**
 * Learning tests: each algorithm, with a fixed seed and a fixed step budget, must actually solve
 * (or clearly learn) CartPole-v1. They prove the whole loop — acting, advantage/targets, gradient
 * step — is right: a sign error or an off-by-one in GAE or in the double-DQN target makes them
 * fail. Thresholds are the task's own (475 = CartPole-v1's "solved"; 195 = v0's), not numbers
 * copied from a run. They are not timed; speed is measured by `npm run bench`.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { CartPole } from '@rlllm/env';
import { initTf, trainPpo, trainDqn, trainA2c, evaluatePolicy, stepsToThreshold, recentMeanReturn, mean } from '../src/index.ts';

beforeAll(async () => {
  await initTf();
});

describe('PPO (CleanRL defaults) on CartPole-v1', () => {
  it('reaches a mean return of 475 over the last 20 episodes within 500k steps (seed 1)', async () => {
    const r = await trainPpo(() => new CartPole(), { totalTimesteps: 500_000 }, { seed: 1, onUpdate: ({ recentReturn }) => recentReturn >= 475 });
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
      const r = await trainPpo(() => new CartPole(), { totalTimesteps: 2048 }, { seed: 7 });
      const out = { eps: r.episodes.map((e) => e.return), w: Array.from(r.agent.actor.weights[0]!.dataSync().slice(0, 8)) };
      r.agent.dispose();
      return out;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('DQN (double, target net, replay) on CartPole-v1', () => {
  it('learns a greedy policy with mean return ≥ 195 over 10 episodes within 50k steps (seed 1)', async () => {
    // CleanRL's defaults need ~500k steps; this is rl-baselines3-zoo's tuned CartPole-v1 DQN setting
    // (256-256 ReLU, Adam 2.3e-3, batch 64, 128 gradient steps every 256 env steps, target synced
    // every 10 env steps, ε 1 → 0.04 over the first 16%), which solves CartPole in 50k steps.
    // Training stops once the last 20 (ε-greedy) episodes average ≥ 195, to keep the test short.
    const config = { totalTimesteps: 50_000, hidden: [256, 256], learningRate: 2.3e-3, batchSize: 64, bufferSize: 50_000, trainFrequency: 256, gradientSteps: 128, targetNetworkFrequency: 10, learningStarts: 1000, explorationFraction: 0.16, endEpsilon: 0.04 };
    const r = await trainDqn(() => new CartPole(), config, { seed: 1, onUpdate: ({ recentReturn }) => recentReturn >= 195 });
    const returns = evaluatePolicy(new CartPole(), r.greedy(), 10, 10_000);
    console.log(`DQN seed 1: stopped at ${r.envSteps} steps, greedy mean return ${mean(returns).toFixed(1)}, last-20 training return ${recentMeanReturn(r.episodes).toFixed(1)}, ${r.seconds.toFixed(1)} s`);
    expect(mean(returns)).toBeGreaterThanOrEqual(195);
    r.q.dispose();
  });
});

describe('A2C on CartPole-v1', () => {
  it('learns: last-20 mean return ≥ 150 within 100k steps (random play scores ~22)', async () => {
    const r = await trainA2c(() => new CartPole(), { totalTimesteps: 100_000 }, { seed: 1 });
    const ret = recentMeanReturn(r.episodes);
    console.log(`A2C seed 1: last-20 return ${ret.toFixed(1)}, ${r.seconds.toFixed(1)} s`);
    expect(ret).toBeGreaterThanOrEqual(150);
  });
});
