import { describe, it, expect } from 'vitest';
import { classificationReward, promptReward, formatInput, isCorrect, LAMBDA_CORRECT, LAMBDA_WRONG } from '../src/classifier.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('verbalizer classifier and RLPrompt reward (hand cases)', () => {
  it('formats [prompt] [sentence] It was', () => {
    expect(formatInput('Review:', 'The soup was cold.')).toBe('Review: The soup was cold. It was');
    expect(formatInput('', 'The soup was cold.')).toBe('The soup was cold. It was');
  });

  it('a margin of 0 is no information: reward 0, and it counts as wrong for positives', () => {
    expect(classificationReward({ margin: 0, label: 'positive' })).toBe(0);
    expect(isCorrect({ margin: 0, label: 'positive' })).toBe(false);
    expect(isCorrect({ margin: 0.01, label: 'positive' })).toBe(true);
  });

  it('correct: λ2 · (P(c) − P(other)); wrong: λ1 · gap (negative)', () => {
    // margin ln 3: P(great) = 0.75, P(terrible) = 0.25 → gap ±0.5.
    const m = Math.log(3);
    expect(sigmoid(m)).toBeCloseTo(0.75, 12);
    expect(classificationReward({ margin: m, label: 'positive' })).toBeCloseTo(LAMBDA_CORRECT * 0.5, 9); // 100
    expect(classificationReward({ margin: m, label: 'negative' })).toBeCloseTo(-LAMBDA_WRONG * 0.5, 9); // −90
    expect(classificationReward({ margin: -m, label: 'negative' })).toBeCloseTo(100, 9);
    expect(LAMBDA_CORRECT).toBeGreaterThan(LAMBDA_WRONG); // the paper's larger weight on correct
  });

  it('a prompt reward is the mean over the batch; accuracy counts the sign', () => {
    const m = Math.log(3);
    const r = promptReward([
      { margin: m, label: 'positive' },
      { margin: m, label: 'negative' },
      { margin: -m, label: 'negative' },
      { margin: -m, label: 'positive' },
    ]);
    expect(r.reward).toBeCloseTo((100 - 90 + 100 - 90) / 4, 9);
    expect(r.accuracy).toBe(0.5);
  });
});

describe('ROC AUC of the verbalizer margin', () => {
  it('counts correctly ordered (positive, negative) pairs, ties as half', async () => {
    const { rocAuc } = await import('../src/rlprompt.ts');
    expect(rocAuc([{ margin: 2, label: 'positive' }, { margin: 1, label: 'positive' }, { margin: 1.5, label: 'negative' }, { margin: 1, label: 'negative' }])).toBeCloseTo((2 + 0.5) / 4, 12);
  });
});
