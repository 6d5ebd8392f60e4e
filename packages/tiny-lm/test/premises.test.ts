/** Each premise probe's scoring on hand cases, with stub language models whose answers are known. */
import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '@rlllm/core';
import { goldHarmlessness } from '@rlllm/env/assistant';
import { CRAFTER_ACHIEVEMENTS } from '@rlllm/env';
import { makeSkills } from '@rlllm/saycan-tiny/skills';
import { agreement, candidateLines, codeRows, coefficientOf, crafterObservations, feasibilityRows, harmPairs, planningSuccess, principleRows, sentimentRows, top1, wantedChange } from '../src/premises.ts';
import { HARM_ANSWER_KINDS, HARM_PROBE, PLAN_PROBE } from '../corpus/premiseItems.ts';
import { CODE_REFLECTION_ITEMS } from '../corpus/codeReflectionItems.ts';

/** Only logProb is called by these probes; the stub scores each continuation by a function. */
const stub = (score: (prompt: string, cont: string) => number) => ({ logProb: async (prompt: string, conts: string[]) => conts.map((c) => score(prompt, c)) }) as unknown as LanguageModel;

describe('principle judgement', () => {
  it('every pair is ordered by the gold judge: refuse > bare > rude > comply, no ties', () => {
    for (const [topic, item] of Object.entries(HARM_PROBE)) {
      const g = HARM_ANSWER_KINDS.map((k) => goldHarmlessness(topic, item[k], true));
      for (let i = 1; i < g.length; i++) expect(g[i - 1]!, `${topic} ${HARM_ANSWER_KINDS[i]}`).toBeGreaterThan(g[i]!);
    }
    const pairs = harmPairs();
    expect(pairs).toHaveLength(10 * 3 * 6);
    expect(pairs.every((p) => HARM_ANSWER_KINDS.indexOf(p.kinds[0]) < HARM_ANSWER_KINDS.indexOf(p.kinds[1]))).toBe(true);
  });

  it('a judge whose critique fits only helping answers agrees on the 3 pairs with a helping answer and ties on the other 3', async () => {
    const judge = stub((prompt) => (prompt.includes('here is how') ? -1 : -5));
    const rows = await principleRows(judge, harmPairs(), ['critique']);
    expect(rows).toHaveLength(6);
    for (const r of rows) expect(r.value).toBeCloseTo((3 * 1 + 3 * 0.5) / 6, 12);
    expect(agreement(0.7)).toBe(1);
    expect(agreement(0.5)).toBe(0.5);
    expect(agreement(0.2)).toBe(0);
  });
});

describe('sentiment knowledge', () => {
  const items = [
    { text: 'lovely and warm', label: 'positive' as const },
    { text: 'kind and bright', label: 'positive' as const },
    { text: 'cold and dirty', label: 'negative' as const },
    { text: 'rude and broken', label: 'negative' as const },
  ];
  const positive = (x: string) => /lovely|kind/.test(x);
  it('a model that knows sentiment only after one prompt: AUC ½ without, 1 with, and that prompt is named', async () => {
    const lm = stub((prompt, cont) => (prompt.startsWith('a short review') && positive(prompt) === (cont === ' great') ? 0 : -3));
    const [none, best] = await sentimentRows(lm, items, ['my honest opinion', 'a short review']);
    expect(none!.value).toBe(0.5);
    expect(best!.value).toBe(1);
    expect(best!.note).toMatch(/^"a short review"/);
  });
  it('a model that reads sentiment backwards has AUC 0', async () => {
    const lm = stub((prompt, cont) => (positive(prompt) === (cont === ' terrible') ? 0 : -3));
    const [none] = await sentimentRows(lm, items, ['x']);
    expect(none!.value).toBe(0);
  });
});

describe('planning', () => {
  const skills = new Set(makeSkills().map((s) => s.text));
  it("every probe plan uses only the robot's skills and ends with done", () => {
    for (const p of PLAN_PROBE) for (const plan of p.plans) {
      expect(plan.every((s) => skills.has(s)), `${p.id}: ${plan.join(', ')}`).toBe(true);
      expect(plan.at(-1)).toBe('done');
    }
  });
  it('a model that writes the first listed plan scores 1; one that never says done scores 0', async () => {
    const byText = new Map(PLAN_PROBE.map((p) => [p.text, p.plans[0]!]));
    const oracle = stub((prompt, cont) => {
      const m = /^Human: (.*?)[.?!]? Robot: (.*)$/.exec(prompt)!;
      const k = (m[2]!.match(/\d+\./g) ?? []).length - 1;
      const want = byText.get(m[1]!)![k];
      return cont === ` ${want}${want === 'done' ? '.' : ','}` ? 0 : -10;
    });
    expect((await planningSuccess(oracle, PLAN_PROBE)).success).toBe(1);
    const endless = stub((_p, cont) => (cont === ' find the cup,' ? 0 : -10));
    const r = await planningSuccess(endless, PLAN_PROBE.slice(0, 2), 3);
    expect(r.success).toBe(0);
    expect(r.failures[0]).toBe('pp-open-fridge: find the cup, find the cup, find the cup');
  });
});

describe('ELLM goals', () => {
  it('observations are deterministic and carry the env ground truth', () => {
    const a = crafterObservations(30);
    expect(crafterObservations(30)).toEqual(a);
    expect(new Set(a.map((o) => o.text)).size).toBe(30);
    for (const o of a) expect(o.feasible.includes('collect_wood')).toBe(o.text.split('.')[0]!.includes('tree'));
  });
  it('ranking "collect wood" first only when a tree is in view makes it a feasible suggestion exactly then', async () => {
    // Generation is not scored here (the stub writes nothing parsable), only the ranked top 1.
    const lm = { ...stub((prompt, cont) => (cont === ' collect wood' ? (prompt.split('.')[0]!.includes('tree') ? 0 : -20) : cont === ' make a stone sword' ? -10 : -15)), generate: async () => '' } as unknown as LanguageModel;
    const obs = crafterObservations(40);
    // The stub's order: collect wood, then the stone sword, when a tree is in view; the other way round otherwise.
    const pick = (o: (typeof obs)[number]) => (o.text.split('.')[0]!.includes('tree') ? ['collect_wood', 'make_stone_sword'] : ['make_stone_sword', 'collect_wood']).find((id) => !o.unlocked.includes(id))!;
    const expected = obs.filter((o) => o.feasible.includes(pick(o))).length;
    const [ranked] = await feasibilityRows(lm, 1, 40);
    expect(ranked!.n).toBe(40);
    expect(expected).toBeGreaterThan(0);
    expect(Math.round(ranked!.value * ranked!.n)).toBe(expected);
  });
  it('a ranker that knows the ground truth has R-precision 1 and reaches the top-k ceiling, which is below 1', async () => {
    const obs = crafterObservations(40);
    const feasibleIn = new Map(obs.map((o) => [`${o.text} Suggested goals:`, o.feasible]));
    const goalId = new Map(CRAFTER_ACHIEVEMENTS.map((a) => [` ${a.goal}`, a.id]));
    const lm = { ...stub((prompt, cont) => (feasibleIn.get(prompt)?.includes(goalId.get(cont)!) ? 0 : -10)), generate: async () => '' } as unknown as LanguageModel;
    const [topK, rPrecision] = await feasibilityRows(lm, 3, 40);
    expect(rPrecision!.value).toBe(1);
    expect(topK!.note).toContain(`a perfect ranker: ${topK!.value.toFixed(2)}`);
    expect(topK!.value).toBeLessThan(1); // many states have fewer than 3 feasible goals
  });
  it('top-1 matching counts rows whose own answer is the largest', () => {
    expect(top1([[0.9, 0.1], [0.8, 0.2], [0.1, 0.3]], [0, 1, 1])).toBeCloseTo(2 / 3, 12);
  });
});

describe('code after reflection', () => {
  // A stub code model that counts characters as tokens, with room for the whole prompt.
  const coder = (score: (prompt: string, cont: string) => number) => ({ ...stub(score), info: { contextLength: 4096 }, tokenize: (t: string) => [...t] }) as unknown as LanguageModel;
  const num = (line: string) => Number(coefficientOf(line).literal);

  it('the coefficient is a bonus value or the first number after =', () => {
    expect(coefficientOf('  const successBonus = dist < 0.15 ? 40.0 : 0;').literal).toBe('40.0');
    expect(coefficientOf('  const progress = 0.07 * (obs.position + 1.2);').literal).toBe('0.07');
  });
  it("every item's reflection flags its component, and the candidates shrink, keep and grow its coefficient", () => {
    const wanted = CODE_REFLECTION_ITEMS.map(wantedChange);
    expect(wanted.filter((w) => w === 'shrink').length).toBeGreaterThan(0);
    expect(wanted.filter((w) => w === 'grow').length).toBeGreaterThan(0);
    for (const item of CODE_REFLECTION_ITEMS) {
      const c = candidateLines(item);
      expect(num(c.shrink)).toBeLessThan(num(c.keep));
      expect(num(c.grow)).toBeGreaterThan(num(c.keep));
    }
  });
  it('a model that always shrinks, or always grows, scores 0.5 (balanced accuracy), with or without the reflection', async () => {
    const nShrink = CODE_REFLECTION_ITEMS.filter((it) => wantedChange(it) === 'shrink').length;
    const nGrow = CODE_REFLECTION_ITEMS.length - nShrink;
    const shrinker = await codeRows(coder((_p, line) => -num(line)));
    expect(shrinker.map((r) => r.value)).toEqual([0.5, 0.5, 0]); // full, control, gain over the control
    expect(wantedChange(CODE_REFLECTION_ITEMS[0]!)).toBe('shrink'); // so the note lists shrink first
    expect(shrinker[0]!.note).toBe(`right: shrink ${nShrink}/${nShrink}, grow 0/${nGrow}; picked: shrink ${nShrink + nGrow}, keep 0, grow 0`);
    const grower = await codeRows(coder((_p, line) => num(line)));
    expect(grower.map((r) => r.value)).toEqual([0.5, 0.5, 0]);
  });
  it('a model that reads the reflection scores 1 with it, and keeps every coefficient (0) without it', async () => {
    for (const item of CODE_REFLECTION_ITEMS) {
      const c = candidateLines(item);
      // Full reflections print the components' traces; the control prints the fitness alone.
      const lm = coder((prompt, line) => (line === (prompt.includes('task score:') ? c[wantedChange(item)] : c.keep) ? 0 : -1));
      const [full, control, gain] = await codeRows(lm, [item]);
      expect([full!.value, control!.value, gain!.value], item.id).toEqual([1, 0, 1]);
      expect(control!.note).toBe(`right: ${wantedChange(item)} 0/1; picked: shrink 0, keep 1, grow 0`);
    }
  });
});
