import { describe, it, expect } from 'vitest';
import { Rng } from '@rlllm/core';
import { envContext, eurekaSearch, reflect, HUMAN_REWARD, OBS_LINE, TASK, type RewardWriter } from '../src/eureka.ts';

/** A stub LM: hands out a fixed list of sources in order and records the prompts it was given. */
class StubWriter implements RewardWriter {
  contexts: string[] = [];
  prefixes: string[][] = [];
  private i = 0;
  constructor(private readonly sources: string[]) {}
  async write(context: string, prefix: string[]): Promise<string> {
    this.contexts.push(context);
    this.prefixes.push(prefix);
    return this.sources[this.i++ % this.sources.length]!;
  }
}

const BROKEN = 'function reward(obs, action) {\n  return bonus - obs.distToGoal;\n}';
const HOSTILE = 'function reward(obs, action) {\n  while (true) {}\n}';
const cfg = { iterations: 2, samples: 2, reflection: true, evolution: true, restartShare: 0, ppo: { totalSteps: 1024, nEnvs: 4, nSteps: 128, hidden: [16] }, evalEpisodes: 10 };

describe('Eureka loop with a stub LM', () => {
  it('counts non-running candidates, feeds the error back, picks the best and mutates it', async () => {
    const w = new StubWriter([BROKEN, HOSTILE, HUMAN_REWARD, 'function reward(obs, action) {\n  return obs.atGoal ? 1 : 0;\n}']);
    const res = await eurekaSearch(w, TASK, cfg, new Rng(1));
    expect(res.candidates.map((c) => c.ran)).toEqual([false, false, true, true]);
    expect(res.candidates[0]!.error).toMatch(/bonus' is not defined/);
    expect(res.candidates[1]!.error).toMatch(/interrupted/);
    expect(res.ranPerIteration).toEqual([0, 1]);
    // Round 1: nothing ran, so the first error goes into round 2's prompt.
    expect(w.contexts[2]).toMatch(/^Reward reflection: the code did not run \(reward call failed: ReferenceError/);
    expect(w.contexts[2]).toContain(TASK);
    const ran = res.candidates.filter((c) => c.ran);
    expect(res.best!.fitness).toBe(Math.max(...ran.map((c) => c.fitness)));
    expect(res.bestPerIteration).toEqual([0, res.best!.fitness]);
    expect(res.reflections[1]).toMatch(/success rate was \d+ percent/);
  }, 60_000);

  it('in round 2 mutates the best so far (its lines in the prompt), and reflection lists its components', async () => {
    const w = new StubWriter([HUMAN_REWARD, BROKEN, HUMAN_REWARD, HUMAN_REWARD]);
    const res = await eurekaSearch(w, TASK, cfg, new Rng(2));
    expect(res.candidates[0]!.ran).toBe(true);
    expect(w.prefixes.slice(0, 2)).toEqual([[], []]);
    expect(res.candidates.slice(2).every((c) => c.origin === 'mutation')).toBe(true);
    for (const p of w.prefixes.slice(2)) expect(HUMAN_REWARD.split('\n').slice(1, p.length + 1)).toEqual(p);
    expect(w.contexts[2]).toMatch(/Components: goalBonus mean/);
    expect(reflect(res.candidates[0]!)).toContain('distPenalty');
  }, 60_000);

  it('without reflection the prompt carries no feedback; without evolution all samples come in round one', async () => {
    const w = new StubWriter([BROKEN]);
    const res = await eurekaSearch(w, TASK, { ...cfg, reflection: false, evolution: false }, new Rng(3));
    expect(w.contexts.every((c) => c === TASK)).toBe(true);
    expect(res.candidates.every((c) => c.iteration === 1 && c.origin === 'restart')).toBe(true);
    expect(res.candidates).toHaveLength(4);
    expect(res.best).toBeNull();
    expect(res.bestPerIteration).toEqual([0, 0]);
  });

  it('from human initialization, the initial reward is the first best and mutations start from it', async () => {
    const w = new StubWriter([BROKEN]);
    const res = await eurekaSearch(w, TASK, { ...cfg, iterations: 1, init: HUMAN_REWARD }, new Rng(4));
    expect(res.candidates[0]).toMatchObject({ origin: 'fixed', ran: true, iteration: 0 });
    expect(res.best!.source).toBe(HUMAN_REWARD);
    expect(res.candidates.slice(1).every((c) => c.origin === 'mutation' && !c.ran)).toBe(true);
    expect(w.contexts[0]).toMatch(/^Reward reflection: the success rate/);
  }, 60_000);

  it('final selection: the top rewards (identical code pooled) are trained again and the best mean wins', async () => {
    const SPARSE = 'function reward(obs, action) {\n  return obs.atGoal ? 1 : 0;\n}';
    const w = new StubWriter([SPARSE, BROKEN, HUMAN_REWARD, SPARSE]);
    const res = await eurekaSearch(w, TASK, { ...cfg, finalists: 2, rescoreRuns: 2 }, new Rng(5));
    expect(res.finalists.map((f) => f.source).sort()).toEqual([HUMAN_REWARD, SPARSE].sort());
    const sparse = res.finalists.find((f) => f.source === SPARSE)!;
    const human = res.finalists.find((f) => f.source === HUMAN_REWARD)!;
    expect(sparse.runs).toHaveLength(4); // 2 search runs of the same code + 2 re-runs
    expect(human.runs).toHaveLength(3);
    expect(sparse.runs.slice(0, 2)).toEqual(res.candidates.filter((c) => c.source === SPARSE).map((c) => c.fitness));
    for (const f of res.finalists) expect(f.mean).toBeCloseTo(f.runs.reduce((a, b) => a + b, 0) / f.runs.length, 12);
    expect(res.finalists[0]!.mean).toBeGreaterThanOrEqual(res.finalists[1]!.mean);
    expect(res.best!.source).toBe(res.finalists[0]!.source);
    // Off by default: the best single search run wins and nothing is re-trained.
    const plain = await eurekaSearch(new StubWriter([SPARSE, BROKEN, HUMAN_REWARD, SPARSE]), TASK, cfg, new Rng(5));
    expect(plain.finalists).toEqual([]);
    expect(plain.candidates.map((c) => c.fitness)).toEqual(res.candidates.map((c) => c.fitness));
  }, 120_000);

  it('environment as context: the env source minus its reward for long-context models, the corpus task and obs lines for 128 tokens', () => {
    expect(envContext(128)).toBe(`${TASK}\n${OBS_LINE}`);
    const long = envContext(4096);
    expect(long).toContain('class GridKeyDoor');
    expect(long).toContain('distToGoal');
    expect(long.split('\n').slice(1).filter((l) => /reward/i.test(l))).toEqual([]);
  });
});
