import { describe, it, expect } from 'vitest';
import { intrinsicReward, similarityProbe, topGoals, GoalSuggester } from '../src/ellm.ts';
import type { LanguageModel } from '@rlllm/core';

// 3 goals × 4 captions; caption j < 3 is goal j's caption, caption 3 is a no-op caption.
const SIM = [
  [0.6, 0.1, 0.05, 0.25],
  [0.2, 0.5, 0.1, 0.2],
  [0.1, 0.12, 0.7, 0.08],
];

describe('ELLM intrinsic reward', () => {
  it('pays the similarity of a suggested goal whose caption clears the threshold', () => {
    expect(intrinsicReward(SIM, [0, 1], 0, new Set(), 0.3)).toEqual({ reward: 0.6, goal: 0 });
  });
  it('pays nothing for a goal that was not suggested', () => {
    expect(intrinsicReward(SIM, [1, 2], 0, new Set(), 0.3)).toEqual({ reward: 0, goal: null });
  });
  it('pays nothing below the threshold (the no-op caption for goal 0 at 0.25)', () => {
    expect(intrinsicReward(SIM, [0], 3, new Set(), 0.3)).toEqual({ reward: 0, goal: null });
    expect(intrinsicReward(SIM, [0], 3, new Set(), 0.2)).toEqual({ reward: 0.25, goal: 0 });
  });
  it('rewards a goal only once per episode', () => {
    const rewarded = new Set<number>();
    const first = intrinsicReward(SIM, [0, 1], 0, rewarded, 0.3);
    rewarded.add(first.goal!);
    expect(intrinsicReward(SIM, [0, 1], 0, rewarded, 0.3)).toEqual({ reward: 0, goal: null });
    // and the suggestion list skips it
    expect(topGoals([0, 2, 1], rewarded, 2)).toEqual([2, 1]);
  });
  it('ignores captions outside the known set', () => {
    expect(intrinsicReward(SIM, [0, 1, 2], -1, new Set(), 0)).toEqual({ reward: 0, goal: null });
  });
  it('probes a similarity matrix: top-1 and threshold rates', () => {
    const p = similarityProbe(SIM, 0.3);
    expect(p.top1).toBe(3);
    expect(p.tpr).toBe(1);
    expect(p.fpr).toBe(0);
    expect(p.bestBalancedAccuracy).toBe(1);
  });
});

describe('GoalSuggester', () => {
  it('ranks candidates by log-probability and caches per observation text', async () => {
    let calls = 0;
    const lm = {
      async logProb(prompt: string, conts: string[]) {
        calls++;
        expect(prompt.endsWith('Suggested goals:')).toBe(true);
        return conts.map((c) => (prompt.includes('tree') && c === ' collect wood' ? -1 : -5 - c.length / 100));
      },
    } as unknown as LanguageModel;
    const s = new GoalSuggester(lm, ['drink water', 'collect wood', 'eat a cow']);
    expect((await s.rank('You see a tree.'))[0]).toBe(1);
    await s.rank('You see a tree.');
    expect(calls).toBe(1);
    expect(s.calls).toBe(1);
    expect(s.lookups).toBe(2);
  });
});

describe('likelihood similarity with the tiny LM', () => {
  it('scores the right caption above the threshold and above the others for clear goals', async () => {
    const { loadLanguageModel } = await import('@rlllm/core');
    const { CRAFTER_ACHIEVEMENTS, CRAFTER_NOOP_CAPTIONS } = await import('@rlllm/env');
    const { likelihoodSimilarity } = await import('../src/ellm.ts');
    const lm = await loadLanguageModel('default');
    const captions = [...CRAFTER_ACHIEVEMENTS.map((a) => a.caption), ...CRAFTER_NOOP_CAPTIONS];
    const ids = ['collect_drink', 'eat_cow', 'collect_sapling'];
    const goals = ids.map((id) => CRAFTER_ACHIEVEMENTS.find((a) => a.id === id)!.goal);
    const sim = await likelihoodSimilarity(lm, goals, captions);
    ids.forEach((id, i) => {
      const j = CRAFTER_ACHIEVEMENTS.findIndex((a) => a.id === id);
      expect(sim[i]![j]!).toBeGreaterThan(0.14);
      expect(Math.max(...sim[i]!.filter((_, k) => k !== j))).toBeLessThan(sim[i]![j]!);
      expect(sim[i]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });
  }, 30_000);
});
