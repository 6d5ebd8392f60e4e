import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, Rng, type LanguageModel } from '@rlllm/core';
import { VerbalizerClassifier } from '../src/classifier.ts';
import { TRAIN } from '../src/data.ts';
import { PromptPolicy } from '../src/policy.ts';
import { balancedBatch, RLPromptConfig } from '../src/rlprompt.ts';

beforeAll(async () => {
  await initTf();
});

describe('the frozen LM as a verbalizer classifier (stub LM)', () => {
  it('margin = log p(" great" | x) − log p(" terrible" | x), asked once per input', async () => {
    const asked: string[] = [];
    const lm = {
      logProb: async (x: string, conts: string[]) => {
        asked.push(x);
        expect(conts).toEqual([' great', ' terrible']);
        return x.includes('lovely') ? [-1, -3] : [-2.5, -0.5];
      },
    } as unknown as LanguageModel;
    const clf = new VerbalizerClassifier(lm);
    const ex = [{ text: 'A lovely film.', label: 'positive' as const }, { text: 'A dull film.', label: 'negative' as const }];
    expect((await clf.margins('Review:', ex)).map((s) => s.margin)).toEqual([2, -2]);
    await clf.margins('Review:', ex);
    expect(asked).toEqual(['Review: A lovely film. It was', 'Review: A dull film. It was']);
  });
});

describe('class-balanced training batches', () => {
  it('half positive, half negative, no example twice', () => {
    const rng = new Rng(3);
    for (const size of [2, 8, 16]) {
      const b = balancedBatch(TRAIN, size, rng);
      expect(b.filter((e) => e.label === 'positive')).toHaveLength(size / 2);
      expect(b.filter((e) => e.label === 'negative')).toHaveLength(size / 2);
      expect(new Set(b.map((e) => e.text)).size).toBe(size);
    }
  });
});

describe('the prompt policy (a frozen LM\'s features + a trained MLP)', () => {
  // A stub feature LM: each prefix text gets a fixed pseudo-random 8-d vector.
  const lm = {
    embed: async (texts: string[]) =>
      texts.map((t) => {
        const r = new Rng([...t].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
        return Float32Array.from({ length: 8 }, () => r.normal());
      }),
  } as unknown as LanguageModel;
  const vocab = ['film', 'great', 'review', 'the', 'it'];

  for (const algo of ['sql', 'reinforce'] as const) {
    it(`${algo}: one update raises π(first word) of the rewarded word, whichever word it is`, async () => {
      const cfg = { ...RLPromptConfig.parse({ promptLength: 2, hidden: [16], learningRate: 0.05 }), algo };
      const policy = await PromptPolicy.for(lm, vocab, cfg, new Rng(1));
      const pi = async () => {
        const [q] = await policy.qValues([[]]);
        const m = Math.max(...q!);
        const e = Array.from(q!, (v) => Math.exp(v - m));
        const z = e.reduce((a, b) => a + b, 0);
        return e.map((v) => v / z);
      };
      const actions = [[2, 0], [0, 1], [2, 3], [4, 4], [1, 2], [3, 0], [0, 2]];
      // Prompts starting with the rewarded word get +1, the others −0.5 (scaled as rewardScale does).
      for (const rewarded of [2, 0]) {
        const before = await pi();
        await policy.update(actions, actions.map((a) => 5 * (a[0] === rewarded ? 1 : -0.5)));
        const after = await pi();
        expect(after[rewarded]).toBeGreaterThan(before[rewarded]!);
      }
      policy.dispose();
    });
  }
});
