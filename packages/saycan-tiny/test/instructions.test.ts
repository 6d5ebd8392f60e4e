import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError, tinyLmDir } from '@rlllm/core';
import { Kitchen } from '@rlllm/env';
import { Rng } from '@rlllm/core';
import { defaultInstructions, goalHolds, initialState, loadInstructions, planMatches, DEFAULT_INSTRUCTIONS_FILE } from '../src/instructions.ts';
import { makeSkills, trainSkills, executeSkill } from '../src/skills.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'saycan-ins-'));
const write = (name: string, value: unknown) => {
  const f = path.join(dir, name);
  writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
};
const good = JSON.parse(readFileSync(DEFAULT_INSTRUCTIONS_FILE, 'utf8'));

describe('instruction files', () => {
  it('the shipped set covers the paper\'s families and validates', () => {
    const ins = defaultInstructions();
    expect(new Set(ins.map((i) => i.family))).toEqual(new Set(['single primitive', 'rearrangement', 'long-horizon', 'natural']));
    expect(ins.length).toBeGreaterThanOrEqual(16);
  });

  it('no shipped instruction occurs verbatim in the tiny-lm corpus', () => {
    const corpus = readFileSync(path.resolve(tinyLmDir(), '../../../corpus/corpus.txt'), 'utf8').toLowerCase();
    expect(corpus.length).toBeGreaterThan(100_000);
    for (const i of defaultInstructions()) {
      const text = i.text.toLowerCase().replace(/[.?!]$/, '');
      expect(corpus.includes(text), i.text).toBe(false);
    }
  });

  it('every listed plan reaches its goal when executed with perfect skills (no slips)', () => {
    const skills = trainSkills({ episodes: 1500, gamma: 0.99, epsStart: 1, epsEnd: 0.05, exploreStart: 0.5, slip: 0.1 }, new Rng(2));
    const by = new Map(skills.map((s) => [s.spec.text, s]));
    for (const ins of defaultInstructions()) {
      for (const plan of ins.plans) {
        const env = new Kitchen({ slip: 0 });
        env.reset({ seed: 0, scene: initialState(ins) });
        expect(goalHolds(ins.goal, env.state), `${ins.id}: goal already true`).toBe(false);
        for (const s of plan) expect(executeSkill(by.get(s)!, env, new Rng(0)).success, `${ins.id}: ${s}`).toBe(true);
        expect(goalHolds(ins.goal, env.state), ins.id).toBe(true);
        expect(planMatches(ins, plan)).toBe(true);
      }
    }
  });

  it('rejects bad files with one line naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ instructions: [{ ...good.instructions[0], goal: { at: { apple: 'garage' } } }] }, /instructions\.0\.goal\.at\.apple/],
      [{ instructions: [{ ...good.instructions[0], plans: [['fly to the moon', 'done']] }] }, /instructions\.0\.plans\.0\.0.*not a skill/],
      [{ instructions: [{ ...good.instructions[0], plans: [['open the drawer']] }] }, /instructions\.0\.plans\.0.*must end with "done"/],
      [{ instructions: [{ ...good.instructions[0], text: undefined }] }, /instructions\.0\.text/],
      [{ instructions: [{ ...good.instructions[0], scene: { robot: 'garden' } }] }, /instructions\.0\.scene\.robot/],
      [{ instructions: [good.instructions[0], good.instructions[0]] }, /unique/],
      [{ instructions: [] }, /instructions/],
    ];
    for (const [value, re] of cases) {
      const f = write('bad.json', value);
      let err: unknown;
      try {
        loadInstructions(f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      const msg = (err as Error).message;
      expect(msg).toMatch(re);
      expect(msg.includes('\n')).toBe(false);
    }
    expect(() => loadInstructions(write('broken.json', '{ nope'))).toThrow(/not valid JSON/);
    expect(() => loadInstructions(path.join(dir, 'missing.json'))).toThrow(/does not exist/);
  });

  it('a valid user file loads', () => {
    const ins = loadInstructions(write('ok.json', { instructions: [good.instructions[2]] }));
    expect(ins).toHaveLength(1);
    expect(makeSkills().map((s) => s.text)).toEqual(expect.arrayContaining(ins[0]!.plans[0]!));
  });
});
