import { describe, it, expect } from 'vitest';
import { Rng } from '@rlllm/core';
import { assemblePrompt, envContext, eurekaSearch, mergeStats, reflect, HUMAN_REWARD, OBS_LINE, TASK, type Candidate, type PromptSections, type RewardWriter, type SearchConfig } from '../src/eureka.ts';
import type { TrainStats } from '../src/train.ts';

/** A stub LM: hands out a fixed list of sources in order and records the prompts it was given. */
class StubWriter implements RewardWriter {
  contexts: PromptSections[] = [];
  prefixes: string[][] = [];
  private i = 0;
  constructor(private readonly sources: string[]) {}
  async write(sections: PromptSections, prefix: string[]): Promise<string> {
    this.contexts.push(sections);
    this.prefixes.push(prefix);
    return this.sources[this.i++ % this.sources.length]!;
  }
}

const BROKEN = 'function reward(obs, action) {\n  return bonus - obs.distToGoal;\n}';
const HOSTILE = 'function reward(obs, action) {\n  while (true) {}\n}';
const SPARSE = 'function reward(obs, action) {\n  return obs.atGoal ? 1 : 0;\n}';
const CONTEXT: PromptSections = { task: TASK, obs: OBS_LINE };
const cfg: SearchConfig = { iterations: 2, samples: 2, reflection: true, evolution: true, restartShare: 0, runs: 1, training: { ppo: { totalSteps: 1024, nEnvs: 4, nSteps: 128, hidden: [16] }, evalEpisodes: 10, checkpoints: 2 } };

describe('reward reflection (hand case)', () => {
  const stats: TrainStats = {
    trainSuccess: 0.1, keyRate: 0.5, doorRate: 0.2, episodes: 100, sandboxCalls: 50,
    components: {
      goalBonus: { mean: 0.05, min: 0, max: 10, nonzero: 0.005, trace: [0, 0.02, 0.1] },
      stepPenalty: { mean: -0.1, min: -0.1, max: -0.1, nonzero: 1, trace: [-0.1, -0.1, -0.1] },
    },
    successTrace: [0, 0.05, 0.25],
    lengthTrace: [40, 38.5, NaN],
  };
  const c: Candidate = { iteration: 1, source: '', ran: true, fitness: 0.3, runs: [0.2, 0.4], stats, origin: 'restart' };

  it('has one line per defined component with its values at the checkpoints, and nothing task-specific', () => {
    expect(reflect(c).split('\n')).toEqual([
      'Reward reflection: each reward component, the task score and the episode length at 3 checkpoints of training:',
      'goalBonus: 0.00, 0.02, 0.10',
      'stepPenalty: -0.10, -0.10, -0.10',
      'task score: 0.00, 0.05, 0.25',
      'episode length: 40, 39, n/a',
      'task fitness: 0.30',
      'Tips: if the task score stays near zero, rewrite the reward. If a component hardly changes, rescale, rewrite or drop it. If one component is much larger than the others, rescale it.',
    ]);
    // No advice about this task: no field of the task, no key/door/goal words, no recipe.
    expect(reflect(c)).not.toMatch(/key|door|goal(?!Bonus)|distance|dist|obs\./i);
  });

  it('without reflection (the ablation) only the fitness stays; code that did not run gets its error either way', () => {
    expect(reflect(c, false)).toBe('Reward reflection: task fitness: 0.30');
    const failed: Candidate = { ...c, ran: false, stats: undefined, error: "reward call failed: ReferenceError: 'bonus' is not defined" };
    for (const on of [true, false]) expect(reflect(failed, on)).toBe("Reward reflection: the reward code did not run: reward call failed: ReferenceError: 'bonus' is not defined. Fix the error and write a new reward function.");
  });

  it('merges the runs of a candidate point by point', () => {
    const other: TrainStats = { ...stats, trainSuccess: 0.3, components: { goalBonus: { ...stats.components.goalBonus!, trace: [0.2, 0.02, NaN] } }, successTrace: [0.2, 0.15, 0.35], lengthTrace: [30, 30, 30] };
    const m = mergeStats([stats, other]);
    expect(m.trainSuccess).toBeCloseTo(0.2, 12);
    expect(m.components.goalBonus!.trace.map((x) => +x.toFixed(10))).toEqual([0.1, 0.02, 0.1]);
    expect(m.components.stepPenalty!.trace).toEqual([-0.1, -0.1, -0.1]); // defined in one run only
    expect(m.lengthTrace).toEqual([35, 34.25, 30]);
  });
});

describe('prompt assembly for a short context', () => {
  const words = (t: string) => t.split(/\s+/).filter(Boolean).length; // a stub tokenizer: one token per word
  const sections: PromptSections = { envSource: 'e1 e2 e3 e4 e5 e6 e7 e8 e9 e10', reflection: 'r1 r2 r3 r4', task: 't1 t2', obs: 'o1 o2 o3' };
  const tail = 'function reward(obs, action) {';

  it('keeps everything, in document order, when it fits', () => {
    expect(assemblePrompt(sections, tail, 100, words)).toBe(`e1 e2 e3 e4 e5 e6 e7 e8 e9 e10\nr1 r2 r3 r4\nt1 t2\no1 o2 o3\n${tail}`);
  });
  it('drops the env source first, then the obs line; the task line and the reflection survive longest', () => {
    expect(assemblePrompt(sections, tail, 13, words)).toBe(`r1 r2 r3 r4\nt1 t2\no1 o2 o3\n${tail}`);
    expect(assemblePrompt(sections, tail, 10, words)).toBe(`r1 r2 r3 r4\nt1 t2\n${tail}`);
    // A reflection that does not fit is left out whole (never half of it); the obs line then fits.
    expect(assemblePrompt(sections, tail, 9, words)).toBe(`t1 t2\no1 o2 o3\n${tail}`);
    expect(assemblePrompt(sections, tail, 4, words)).toBe(tail);
  });
});

describe('Eureka loop with a stub LM', () => {
  it('counts non-running candidates, feeds the error back, picks the best and mutates it', async () => {
    const w = new StubWriter([BROKEN, HOSTILE, HUMAN_REWARD, SPARSE]);
    const res = await eurekaSearch(w, CONTEXT, cfg, new Rng(1));
    expect(res.candidates.map((c) => c.ran)).toEqual([false, false, true, true]);
    expect(res.candidates[0]!.error).toMatch(/bonus' is not defined/);
    expect(res.candidates[1]!.error).toMatch(/interrupted \(work budget/);
    expect(res.ranPerIteration).toEqual([0, 1]);
    // Round 1: nothing ran, so the first error goes into round 2's prompt, beside the task.
    expect(w.contexts[2]!.reflection).toMatch(/^Reward reflection: the reward code did not run: reward call failed: ReferenceError/);
    expect(w.contexts[2]!.task).toBe(TASK);
    const ran = res.candidates.filter((c) => c.ran);
    expect(res.best!.fitness).toBe(Math.max(...ran.map((c) => c.fitness)));
    expect(res.bestPerIteration).toEqual([0, res.best!.fitness]);
    expect(res.reflections[1]).toMatch(/^Reward reflection: each reward component/);
  });

  it('in round 2 mutates the best so far (its lines in the prompt); the reflection lists its components', async () => {
    const w = new StubWriter([HUMAN_REWARD, BROKEN, HUMAN_REWARD, HUMAN_REWARD]);
    const res = await eurekaSearch(w, CONTEXT, { ...cfg, runs: 2 }, new Rng(2));
    expect(res.candidates[0]!.ran).toBe(true);
    expect(res.candidates[0]!.runs).toHaveLength(2);
    expect(res.candidates[0]!.fitness).toBeCloseTo((res.candidates[0]!.runs[0]! + res.candidates[0]!.runs[1]!) / 2, 12);
    expect(w.prefixes.slice(0, 2)).toEqual([[], []]);
    expect(res.candidates.slice(2).every((c) => c.origin === 'mutation')).toBe(true);
    for (const p of w.prefixes.slice(2)) expect(HUMAN_REWARD.split('\n').slice(1, p.length + 1)).toEqual(p);
    const lines = w.contexts[2]!.reflection!.split('\n');
    for (const k of ['goalBonus', 'keyBonus', 'doorBonus', 'target', 'distPenalty']) expect(lines.filter((l) => l.startsWith(`${k}: `))).toHaveLength(1);
  });

  it('without reflection the prompt carries only the fitness; without evolution all samples come in round one', async () => {
    const w = new StubWriter([HUMAN_REWARD]);
    await eurekaSearch(w, CONTEXT, { ...cfg, reflection: false }, new Rng(3));
    expect(w.contexts[0]!.reflection).toBe('');
    expect(w.contexts[2]!.reflection).toMatch(/^Reward reflection: task fitness: \d\.\d\d$/);
    const w2 = new StubWriter([BROKEN]);
    const res = await eurekaSearch(w2, CONTEXT, { ...cfg, evolution: false }, new Rng(3));
    expect(res.candidates.every((c) => c.iteration === 1 && c.origin === 'restart')).toBe(true);
    expect(res.candidates).toHaveLength(4);
    expect(res.best).toBeNull();
    expect(res.bestPerIteration).toEqual([0, 0]);
  });

  it('from human initialization, the initial reward is the first best and mutations start from it', async () => {
    const w = new StubWriter([BROKEN]);
    const res = await eurekaSearch(w, CONTEXT, { ...cfg, iterations: 1, init: HUMAN_REWARD }, new Rng(4));
    expect(res.candidates[0]).toMatchObject({ origin: 'fixed', ran: true, iteration: 0 });
    expect(res.best!.source).toBe(HUMAN_REWARD);
    expect(res.candidates.slice(1).every((c) => c.origin === 'mutation' && !c.ran)).toBe(true);
    expect(w.contexts[0]!.reflection).toMatch(/^Reward reflection: each reward component/);
  });

  it('final selection: the top rewards (identical code pooled) are trained again and the best mean wins', async () => {
    const w = new StubWriter([SPARSE, BROKEN, HUMAN_REWARD, SPARSE]);
    const res = await eurekaSearch(w, CONTEXT, { ...cfg, finalists: 2, rescoreRuns: 2 }, new Rng(5));
    expect(res.finalists.map((f) => f.source).sort()).toEqual([HUMAN_REWARD, SPARSE].sort());
    const sparse = res.finalists.find((f) => f.source === SPARSE)!;
    const human = res.finalists.find((f) => f.source === HUMAN_REWARD)!;
    expect(sparse.runs).toHaveLength(4); // 2 search runs of the same code + 2 re-runs
    expect(human.runs).toHaveLength(3);
    expect(sparse.runs.slice(0, 2)).toEqual(res.candidates.filter((c) => c.source === SPARSE).map((c) => c.fitness));
    for (const f of res.finalists) expect(f.mean).toBeCloseTo(f.runs.reduce((a, b) => a + b, 0) / f.runs.length, 12);
    expect(res.finalists[0]!.mean).toBeGreaterThanOrEqual(res.finalists[1]!.mean);
    expect(res.best!.source).toBe(res.finalists[0]!.source);
    // Off by default: the best search fitness wins and nothing is re-trained.
    const plain = await eurekaSearch(new StubWriter([SPARSE, BROKEN, HUMAN_REWARD, SPARSE]), CONTEXT, cfg, new Rng(5));
    expect(plain.finalists).toEqual([]);
    expect(plain.candidates.map((c) => c.fitness)).toEqual(res.candidates.map((c) => c.fitness));
  });

  it('environment as context: the env source minus its reward for long-context models, the corpus task and obs lines for 128 tokens', () => {
    expect(envContext(128)).toEqual({ task: TASK, obs: OBS_LINE });
    const long = envContext(4096, { roomWidth: 6, roomHeight: 5, maxSteps: 40 });
    expect(long.envSource).toContain('class GridKeyDoor');
    expect(long.envSource).toContain('"roomWidth":6');
    expect(long.envSource!.split('\n').slice(1).filter((l) => /reward/i.test(l))).toEqual([]);
  });
});
