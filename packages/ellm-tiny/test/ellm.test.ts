import { describe, it, expect } from 'vitest';
import { EllmConfig, EmbeddingSimilarity, intrinsicReward, noveltyBonus, parseSuggestions, pretrain, similarityProbe, topGoals, GoalSuggester, type Shared } from '../src/ellm.ts';
import { CRAFTER_ACHIEVEMENTS, CRAFTER_NOOP_CAPTIONS } from '@rlllm/env';
import { initTf, Rng } from '@rlllm/core';
import type { LanguageModel } from '@rlllm/core';

// 3 goals × 4 captions; caption j < 3 is goal j's caption, caption 3 is a no-op caption.
const SIM = [
  [0.6, 0.1, 0.05, 0.25],
  [0.2, 0.5, 0.1, 0.2],
  [0.1, 0.12, 0.7, 0.08],
];

/** Goal g's similarity to caption c (an unknown caption, −1, matches nothing). */
const caption = (c: number, g: number) => (c < 0 ? 0 : SIM[g]![c]!);

describe('ELLM intrinsic reward', () => {
  it('pays the similarity of a suggested goal whose caption clears the threshold', () => {
    expect(intrinsicReward((g: number) => caption(0, g), [0, 1], new Set(), 0.3)).toEqual({ reward: 0.6, goal: 0 });
  });
  it('pays nothing for a goal that was not suggested', () => {
    expect(intrinsicReward((g: number) => caption(0, g), [1, 2], new Set(), 0.3)).toEqual({ reward: 0, goal: null });
  });
  it('pays nothing below the threshold (the no-op caption for goal 0 at 0.25)', () => {
    expect(intrinsicReward((g: number) => caption(3, g), [0], new Set(), 0.3)).toEqual({ reward: 0, goal: null });
    expect(intrinsicReward((g: number) => caption(3, g), [0], new Set(), 0.2)).toEqual({ reward: 0.25, goal: 0 });
  });
  it('rewards a goal only once per episode', () => {
    const rewarded = new Set<number>();
    const first = intrinsicReward((g: number) => caption(0, g), [0, 1], rewarded, 0.3);
    rewarded.add(first.goal!);
    expect(intrinsicReward((g: number) => caption(0, g), [0, 1], rewarded, 0.3)).toEqual({ reward: 0, goal: null });
    // and the suggestion list skips it
    expect(topGoals([0, 2, 1], rewarded, 2)).toEqual([2, 1]);
  });
  it('ignores captions outside the known set', () => {
    expect(intrinsicReward((g: number) => caption(-1, g), [0, 1, 2], new Set(), 0)).toEqual({ reward: 0, goal: null });
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
  });
});

describe('open-ended suggestions', () => {
  it('reads the corpus list form up to the first period; counts what is not a goal', () => {
    expect(parseSuggestions(' collect wood, place a table and make a wood pickaxe. Then')).toEqual({ goals: ['collect wood', 'place a table', 'make a wood pickaxe'], unparsable: 0 });
    expect(parseSuggestions(' collect wood, collect wood, 42!, .')).toEqual({ goals: ['collect wood'], unparsable: 1 });
    expect(parseSuggestions('')).toEqual({ goals: [], unparsable: 1 });
  });
});

describe('pretraining', () => {
  it('every variant of a seed sees the same worlds: identical layouts at episode 5', async () => {
    // No learning (learningStarts beyond the budget) and different rewards: the variants act
    // differently, yet each episode starts in the same world.
    await initTf();
    const zeros = Array.from({ length: 12 }, () => new Float32Array(4));
    const shared: Shared = { sim: [], captions: [], goalEmb: zeros, suggester: null, generator: null, embeddings: null };
    const cfg = { ...EllmConfig.parse({}), totalSteps: 6 * 20, episodeSteps: 20, learningStarts: 10_000 };
    const none = await pretrain('none', cfg, new Rng(1), 99, shared);
    const novelty = await pretrain('novelty', cfg, new Rng(2), 99, shared);
    expect(none).toHaveLength(6);
    expect(novelty[4]!.world).toBe(none[4]!.world);
    expect(none[4]!.world).not.toBe(none[3]!.world);
  });

  it("'none' earns nothing; novelty pays β/√N; a goal pays only when it was suggested", async () => {
    await initTf();
    const captions = [...CRAFTER_ACHIEVEMENTS.map((a) => a.caption), ...CRAFTER_NOOP_CAPTIONS];
    // The exact similarity: goal i matches caption i only.
    const sim = CRAFTER_ACHIEVEMENTS.map((_, i) => captions.map((_, j) => (i === j ? 1 : 0)));
    // A stub suggester LM that always ranks "drink water" first.
    const lm = { logProb: async (_p: string, conts: string[]) => conts.map((c) => (c === ' drink water' ? 0 : -1)) } as unknown as LanguageModel;
    const goals = CRAFTER_ACHIEVEMENTS.map((a) => a.goal);
    const shared: Shared = { sim, captions, goalEmb: goals.map(() => new Float32Array(4)), suggester: new GoalSuggester(lm, goals), generator: null, embeddings: null };
    const cfg = { ...EllmConfig.parse({}), totalSteps: 8 * 50, episodeSteps: 50, learningStarts: 10_000, goalsPerStep: 1, threshold: 0.5 };
    const none = await pretrain('none', cfg, new Rng(1), 5, shared);
    expect(none.every((e) => e.intrinsic === 0)).toBe(true);
    const ellm = await pretrain('ellm', cfg, new Rng(1), 5, shared);
    const unlocked = new Set(ellm.flatMap((e) => e.unlocked));
    expect(unlocked.has('collect_wood')).toBe(true); // achieved by the random policy ...
    for (const e of ellm) {
      expect(e.credited.every((g) => g === 'drink water')).toBe(true); // ... but only the suggested goal pays
      expect(e.intrinsic).toBe(e.credited.length); // similarity 1, once per goal per episode
    }
    const counts = new Map<string, number>();
    expect([noveltyBonus(counts, 'a', 0.3), noveltyBonus(counts, 'a', 0.3), noveltyBonus(counts, 'b', 0.3), noveltyBonus(counts, 'a', 0.3)]).toEqual([0.3, 0.3 / Math.SQRT2, 0.3, 0.3 / Math.sqrt(3)]);
  });
});

describe('embedding similarity', () => {
  it('is the cosine of the (normalized) embeddings, each text embedded once', async () => {
    let calls = 0;
    const vec: Record<string, number[]> = { 'collect wood': [0.6, 0.8, 0], 'You collected wood.': [1, 0, 0] };
    const lm = { embed: async (texts: string[]) => { calls++; return texts.map((t) => Float32Array.from(vec[t]!)); } } as unknown as LanguageModel;
    const e = new EmbeddingSimilarity(lm);
    expect(await e.cosine('collect wood', 'You collected wood.')).toBeCloseTo(0.6, 6);
    expect(await e.cosine('collect wood', 'You collected wood.')).toBeCloseTo(0.6, 6);
    expect(calls).toBe(1);
  });
});
