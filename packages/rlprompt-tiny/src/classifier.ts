/**
 * The frozen task LM as a black-box classifier (RLPrompt §3.1): the input is formatted as
 * `[prompt] [sentence] It was`, and the class whose verbalizer (" great" / " terrible") gets the
 * higher log-probability wins. Only `LanguageModel.logProb` is called: outputs, never gradients.
 *
 * Also here: RLPrompt's classification reward (§3.1, "Reward"), a piecewise function of the gap
 * between the correct verbalizer's probability and the wrong one's.
 */
import type { LanguageModel } from '@rlllm/core';
import type { Example, Label } from './data.ts';

/** The verbalizers: the tiny LM's corpus ends reviews with "It was great." / "It was terrible.". */
export const VERBALIZERS: Record<Label, string> = { positive: ' great', negative: ' terrible' };
export const TEMPLATE_SUFFIX = ' It was';

/** `[prompt] [sentence] It was` (no leading space when the prompt is empty). */
export function formatInput(prompt: string, sentence: string): string {
  return `${prompt ? prompt + ' ' : ''}${sentence}${TEMPLATE_SUFFIX}`;
}

/** log p(" great" | x) − log p(" terrible" | x): > 0 means "positive". */
export interface Scored {
  margin: number;
  label: Label;
}

/**
 * Scores a prompt on a set of examples through the LM, with a cache: the frozen LM is
 * deterministic, so a prompt's scores on a sentence never change (the policy revisits prompts often).
 */
export class VerbalizerClassifier {
  private readonly cache = new Map<string, number>();
  calls = 0;
  constructor(readonly lm: LanguageModel) {}

  async margins(prompt: string, examples: Example[]): Promise<Scored[]> {
    const out: Scored[] = [];
    for (const ex of examples) {
      const x = formatInput(prompt, ex.text);
      let m = this.cache.get(x);
      if (m === undefined) {
        const [lpPos, lpNeg] = await this.lm.logProb(x, [VERBALIZERS.positive, VERBALIZERS.negative]);
        m = lpPos! - lpNeg!;
        this.cache.set(x, m);
        this.calls++;
      }
      out.push({ margin: m, label: ex.label });
    }
    return out;
  }

  async accuracy(prompt: string, examples: Example[]): Promise<number> {
    const s = await this.margins(prompt, examples);
    return s.filter(isCorrect).length / s.length;
  }
}

export function predict(margin: number): Label {
  return margin > 0 ? 'positive' : 'negative';
}
export const isCorrect = (s: Scored): boolean => predict(s.margin) === s.label;

/** RLPrompt's weights: λ1 on a wrong prediction, λ2 (larger) on a correct one (§3.1). */
export const LAMBDA_WRONG = 180;
export const LAMBDA_CORRECT = 200;

/**
 * RLPrompt's classification reward for one example (§3.1):
 *   Gap(c) = P(c) − max_{c'≠c} P(c'),  R = λ1^{1−Correct} · λ2^{Correct} · Gap,
 * read as "multiply the gap by λ2 when correct (Gap > 0), by λ1 when wrong". P is the softmax over
 * the verbalizers' scores only (as in the paper's code), so with two classes
 * P(positive) = σ(margin) and Gap = ±(2σ(margin) − 1).
 */
export function classificationReward(s: Scored): number {
  const pPos = 1 / (1 + Math.exp(-s.margin));
  const pCorrect = s.label === 'positive' ? pPos : 1 - pPos;
  const gap = pCorrect - (1 - pCorrect);
  return gap > 0 ? LAMBDA_CORRECT * gap : LAMBDA_WRONG * gap;
}

/** A prompt's reward and accuracy on a batch: the mean per-example reward (what RLPrompt optimizes). */
export function promptReward(scores: Scored[]): { reward: number; accuracy: number } {
  const reward = scores.reduce((a, s) => a + classificationReward(s), 0) / scores.length;
  const accuracy = scores.filter(isCorrect).length / scores.length;
  return { reward, accuracy };
}
