import { describe, it, expect } from 'vitest';
import { HUMAN_REWARD } from '../src/eureka.ts';
import { trainAndScore } from '../src/train.ts';

// Two 2×3 rooms: from any start the goal is at least 5 steps away (key, door, 3 steps to the corner).
const small = (maxSteps: number) => ({ roomWidth: 2, roomHeight: 3, maxSteps });
// The leaf's PPO settings (learning rate 2.5e-3, 32-32), 16k steps: ≈ 0.5 s a training.
const ppo = { totalSteps: 16_384, nEnvs: 4, nSteps: 128, learningRate: 2.5e-3, hidden: [32, 32] };
/** Paid for every step, punished for reaching the goal: PPO trained on it learns to stay away. */
const AWAY = 'function reward(obs, action) {\n  const stay = obs.atGoal ? -10.0 : 0.1;\n  return stay;\n}';

describe('trainAndScore: the fitness of a known reward on a tiny task', () => {
  it('is the task success of the trained policy: 0 where the goal cannot be reached in time, whatever the reward pays', async () => {
    const { fitness, stats } = await trainAndScore('function reward(obs, action) {\n  const alive = 1.0;\n  return alive;\n}', { ...ppo, totalSteps: 1024 }, { seed: 1, evalEpisodes: 20, layout: small(4), checkpoints: 2 });
    expect(fitness).toBe(0);
    expect(stats.trainSuccess).toBe(0);
    expect(stats.components).toEqual({ alive: { mean: 1, min: 1, max: 1, nonzero: 1, trace: [1, 1] } });
    expect(stats.episodes).toBe(1024 / 4); // every episode truncated at 4 steps
  });

  it("PPO trains on the candidate's reward alone: the shaped human reward reaches the goal, the same run paid to stay away does not", async () => {
    // Measured on seeds 1–5: the human reward scores 0.90–1.00, the stay-away reward 0 on every seed.
    // (Not every budget: with 32k steps and 20-step episodes its policy learned to loiter short of
    // the goal, fitness 0–0.4, the optimum the leaf's README describes. This one is measured.)
    const run = (source: string) => trainAndScore(source, ppo, { seed: 1, evalEpisodes: 20, layout: small(30), checkpoints: 2 });
    const human = await run(HUMAN_REWARD);
    const away = await run(AWAY);
    // A count out of the 20 evaluation episodes.
    for (const f of [human.fitness, away.fitness]) expect(Math.abs(f * 20 - Math.round(f * 20))).toBeLessThan(1e-9);
    expect(Object.keys(human.stats.components)).toEqual(['goalBonus', 'keyBonus', 'doorBonus', 'target', 'distPenalty']);
    expect(human.fitness).toBeGreaterThanOrEqual(0.8);
    expect(away.fitness).toBeLessThanOrEqual(0.05);
  });
});
