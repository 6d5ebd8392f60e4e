import { describe, it, expect } from 'vitest';
import { Kitchen, kitchenScene, objectIndex, placeIndex, HELD } from '@rlllm/env';
import { Rng } from '@rlllm/core';
import { trainSkills, affordance, executeSkill, type TrainedSkill } from '../src/skills.ts';
import { affordanceProbes } from '../src/leaf.ts';

// The leaf's default budget (3000 episodes per skill): with half of it the longest find skill is still
// undertrained on some seeds (its probe's value 0.29–0.68 over seeds 1–5, measured), with it ≥ 0.6 on all five.
const skills: TrainedSkill[] = trainSkills({ episodes: 3000, gamma: 0.99, epsStart: 1, epsEnd: 0.05, exploreStart: 0.5, slip: 0.1 }, new Rng(3));
const by = (t: string) => skills.find((s) => s.spec.text === t)!;

describe('affordances = learned values ≈ P(success)', () => {
  it('an impossible skill scores low, a possible one high', () => {
    // The spoon is in the closed drawer and the hand holds the apple: picking up the spoon cannot work.
    expect(affordance(by('pick up the spoon'), kitchenScene({ robot: 'drawer', holding: 'apple' }))).toBeLessThan(0.1);
    expect(affordance(by('pick up the spoon'), kitchenScene({ robot: 'drawer', open: ['drawer'] }))).toBeGreaterThan(0.8);
    // Putting into a closed fridge fails; into an open one works.
    expect(affordance(by('put down the apple'), kitchenScene({ robot: 'fridge', holding: 'apple' }))).toBeLessThan(0.1);
    expect(affordance(by('put down the apple'), kitchenScene({ robot: 'fridge', holding: 'apple', open: ['fridge'] }))).toBeGreaterThan(0.8);
    // Nothing to bring with empty hands; an object hidden in a closed fridge cannot be found.
    expect(affordance(by('bring it to you'), kitchenScene({ robot: 'table' }))).toBeLessThan(0.1);
    expect(affordance(by('find the coke can'), kitchenScene({ robot: 'counter' }))).toBeLessThan(0.1);
    expect(affordance(by('find the sponge'), kitchenScene({ robot: 'counter' }))).toBeGreaterThan(0.8);
  });

  it('every probe separates feasible from infeasible (the set the report shows)', () => {
    for (const p of affordanceProbes(skills)) {
      if (p.feasible) expect(p.affordance, `${p.skill} @ ${p.state}`).toBeGreaterThan(0.3);
      else expect(p.affordance, `${p.skill} @ ${p.state}`).toBeLessThan(0.1);
    }
  });

  it('the value predicts the policy\'s measured success rate', () => {
    // Far navigation with slips: V should be close to the Monte-Carlo success rate (within the γ^steps discount).
    const skill = by('go to the trash can');
    const scene = kitchenScene({ robot: 'user' });
    const env = new Kitchen({ slip: 0.1 });
    const rng = new Rng(5);
    let ok = 0;
    for (let i = 0; i < 300; i++) {
      env.reset({ seed: i, scene });
      if (executeSkill(skill, env, rng).success) ok++;
    }
    const v = affordance(skill, scene);
    expect(ok / 300).toBeGreaterThan(0.8);
    expect(v).toBeGreaterThan(0.8);
    expect(Math.abs(v - ok / 300)).toBeLessThan(0.15);
  });

  it('policies do what their text says', () => {
    const env = new Kitchen({ slip: 0 });
    const rng = new Rng(1);
    env.reset({ seed: 1, scene: { robot: 'user' } });
    expect(executeSkill(by('find the sponge'), env, rng).success).toBe(true);
    expect(env.state.robot).toBe(placeIndex('sink'));
    expect(executeSkill(by('pick up the sponge'), env, rng).success).toBe(true);
    expect(env.state.objects[objectIndex('sponge')]).toBe(HELD);
    expect(executeSkill(by('bring it to you'), env, rng).success).toBe(true);
    expect(executeSkill(by('put down the sponge'), env, rng).success).toBe(true);
    expect(env.state.objects[objectIndex('sponge')]).toBe(placeIndex('user'));
  });
});
