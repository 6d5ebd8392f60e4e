import { describe, it, expect } from 'vitest';
import { Rng } from '@rlllm/core';
import { buildPrompt, combinedScores, continuation, argmax, llmPlan, runEpisode, SkillScorer, FEW_SHOT } from '../src/saycan.ts';
import { makeSkills, trainSkills, type TrainedSkill } from '../src/skills.ts';
import type { Instruction } from '../src/instructions.ts';

describe('prompt (numbered dialogue)', () => {
  it('numbers the steps so far and ends with the next number', () => {
    expect(buildPrompt('bring me the apple', [])).toBe('Human: bring me the apple. Robot: 1.');
    expect(buildPrompt('can you help?', ['find the sponge', 'pick up the sponge'])).toBe('Human: can you help? Robot: 1. find the sponge, 2. pick up the sponge, 3.');
    expect(buildPrompt('x', [], 1).startsWith(FEW_SHOT[0]! + '\n')).toBe(true);
  });
  it('scores skills with a leading space and the step delimiter', () => {
    expect(continuation('find the coke can')).toBe(' find the coke can,');
    expect(continuation('done')).toBe(' done.');
  });
});

describe('combined scoring: p_LLM × affordance', () => {
  const lp = [Math.log(0.7), Math.log(0.2), Math.log(0.1)];
  const aff = [0.0, 0.9, 0.5];
  it('SayCan picks the best product, not the LLM favourite that cannot succeed', () => {
    const s = combinedScores(lp, aff, 'saycan');
    expect(argmax(s)).toBe(1); // 0.2·0.9 = 0.18 > 0.1·0.5 = 0.05 > 0.7·0 = 0
    expect(s[1]).toBeCloseTo(Math.log(0.2 * 0.9), 10);
    expect(s[2]).toBeCloseTo(Math.log(0.1 * 0.5), 10);
  });
  it('the ablations ignore one factor each', () => {
    expect(argmax(combinedScores(lp, aff, 'llm-only'))).toBe(0);
    expect(argmax(combinedScores(lp, aff, 'affordance-only'))).toBe(1);
  });
  it('a zero affordance ranks below any positive one whatever the LLM says', () => {
    const s = combinedScores([Math.log(0.999), Math.log(1e-4)], [0, 0.01], 'saycan');
    expect(argmax(s)).toBe(1);
  });
});

describe('episode loop with a stub LLM', () => {
  // A stub LM that always prefers "find the coke can", then "done": SayCan must route around the
  // infeasible find (the coke can is in the closed fridge) while LLM-only runs it and fails.
  const skills: TrainedSkill[] = trainSkills({ episodes: 800, gamma: 0.99, epsStart: 1, epsEnd: 0.05, exploreStart: 0.5, slip: 0.1 }, new Rng(7));
  const texts = skills.map((s) => s.spec.text);
  const stub = {
    async logProb(prompt: string, conts: string[]) {
      const after = prompt.split('Robot:').pop()!;
      const k = (after.match(/\d+\./g) ?? []).length; // step number being asked for
      const plan = ['go to the fridge', 'open the fridge'];
      return conts.map((c) => {
        const t = c.trim().replace(/[,.]$/, '');
        if (k >= 3) return t === 'done' ? Math.log(0.9) : Math.log(0.1 / conts.length);
        if (t === 'find the coke can') return Math.log(0.8);
        if (t === plan[k - 1]) return Math.log(0.1);
        return Math.log(0.1 / conts.length);
      });
    },
  };
  const ins: Instruction = {
    id: 't', family: 'test', text: 'open the fridge for me', scene: { robot: 'counter' },
    plans: [['go to the fridge', 'open the fridge', 'done']], goal: { open: ['fridge'] },
  };
  it('SayCan follows the feasible plan; LLM-only gets stuck on the infeasible skill', async () => {
    const scorer = new SkillScorer(stub, texts);
    const sc = await runEpisode(ins, { skills, scorer, variant: 'saycan', maxSteps: 6, fewShot: 0, slip: 0, rng: new Rng(1) });
    expect(sc.steps.map((s) => s.skill)).toEqual(['go to the fridge', 'open the fridge', 'done']);
    expect(sc.planning).toBe(true);
    expect(sc.execution).toBe(true);
    const lo = await runEpisode(ins, { skills, scorer, variant: 'llm-only', maxSteps: 6, fewShot: 0, slip: 0, rng: new Rng(1) });
    expect(lo.steps[0]!.skill).toBe('find the coke can');
    expect(lo.steps[0]!.executed).toBe(false);
    expect(lo.execution).toBe(false);
  });
  it("llmPlan makes the LLM-only episode's choices without the world", async () => {
    const scorer = new SkillScorer(stub, texts);
    const lo = await runEpisode(ins, { skills, scorer, variant: 'llm-only', maxSteps: 6, fewShot: 0, slip: 0, rng: new Rng(1) });
    const p = await llmPlan(ins.text, scorer, 6, 0);
    expect(p.plan).toEqual(lo.steps.map((s) => s.skill));
    expect(p.plan).toEqual(['find the coke can', 'find the coke can', 'done']);
    expect(p.finished).toBe(true);
    expect((await llmPlan(ins.text, scorer, 2, 0)).finished).toBe(false);
  });
  it('the skill set is the corpus vocabulary, 52 skills, ending with done', () => {
    const t = makeSkills().map((s) => s.text);
    expect(t).toHaveLength(52);
    expect(t).toContain('bring it to you');
    expect(t.at(-1)).toBe('done');
  });
});
