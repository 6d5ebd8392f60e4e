/**
 * ELLM's two LLM pieces (Du et al. 2023, §3; taxonomy paper §5.2), with the tiny LM:
 *
 * 1. Goal suggestion. The paper prompts the LLM with the observation (and the available actions) and
 *    reads goals from its generation. We *score a fixed candidate list* instead — the 12 achievement
 *    phrases of TinyCrafter — by log p(" goal" | "<observation> Suggested goals:"), the tiny-lm
 *    corpus' own phrasing, and keep the k most likely (skipping goals already achieved this episode).
 *    Scoring a list (a simplification) avoids parsing a 1 M-parameter
 *    model's free text and keeps every suggestion a real achievement phrase. Calls are cached per observation text.
 *
 * 2. The goal-achieved reward. The paper uses cosine similarity between the embedded goal and the
 *    embedded transition caption, above a threshold. The tiny LM's mean-pooled `embed` barely beats
 *    chance at this (measured in `similarityProbe`: best balanced accuracy 0.64, 2/12 captions match
 *    their own goal best). We use instead the LM's likelihood of the caption given the goal in the
 *    corpus phrasing "When you <goal>, the game says: <caption>", normalized over the env's finite
 *    caption set (a softmax over captions per goal): balanced accuracy 0.92. The caption set is
 *    finite, so the whole goal × caption matrix is computed once (the "cache" of similarity calls).
 */
import type { LanguageModel } from '@rlllm/core';

/** Row-wise softmax over captions of log p(" caption" | "When you <goal>, the game says:"). */
export async function likelihoodSimilarity(lm: LanguageModel, goals: string[], captions: string[]): Promise<number[][]> {
  const out: number[][] = [];
  for (const g of goals) {
    const lp = await lm.logProb(`When you ${g}, the game says:`, captions.map((c) => ` ${c}`));
    const m = Math.max(...lp);
    const e = lp.map((v) => Math.exp(v - m));
    const z = e.reduce((a, b) => a + b, 0);
    out.push(e.map((v) => v / z));
  }
  return out;
}

/** The paper's similarity: cosine of the LM's (normalized) embeddings of goal and caption. */
export async function embeddingSimilarity(lm: LanguageModel, goals: string[], captions: string[]): Promise<number[][]> {
  const ge = await lm.embed(goals);
  const ce = await lm.embed(captions);
  return ge.map((g) => ce.map((c) => g.reduce((s, v, i) => s + v * c[i]!, 0)));
}

export interface ProbeResult {
  /** For how many achievement captions the right goal has the highest similarity. */
  top1: number;
  n: number;
  /** True-positive and false-positive rate of "sim ≥ threshold" over all goal × caption pairs. */
  tpr: number;
  fpr: number;
  /** The threshold with the best balanced accuracy on these pairs, and that accuracy. */
  bestThreshold: number;
  bestBalancedAccuracy: number;
}

/** How well a similarity matrix (goal i ↔ caption i is the only match) separates matches. */
export function similarityProbe(sim: number[][], threshold: number): ProbeResult {
  const nGoals = sim.length;
  const pos: number[] = [];
  const neg: number[] = [];
  sim.forEach((row, i) => row.forEach((v, j) => (i === j ? pos : neg).push(v)));
  let top1 = 0;
  for (let j = 0; j < nGoals; j++) {
    const col = sim.map((r) => r[j]!);
    if (col.indexOf(Math.max(...col)) === j) top1++;
  }
  const bal = (t: number) => (pos.filter((v) => v >= t).length / pos.length + neg.filter((v) => v < t).length / neg.length) / 2;
  let bestThreshold = 0;
  let bestBalancedAccuracy = 0;
  for (const t of [...pos, ...neg]) if (bal(t) > bestBalancedAccuracy) [bestBalancedAccuracy, bestThreshold] = [bal(t), t];
  return { top1, n: nGoals, tpr: pos.filter((v) => v >= threshold).length / pos.length, fpr: neg.filter((v) => v >= threshold).length / neg.length, bestThreshold, bestBalancedAccuracy };
}

/**
 * ELLM's intrinsic reward for one transition (Du et al. 2023, eq. 1): the best similarity between the
 * caption and a goal that was suggested and not yet rewarded this episode, if it clears the
 * threshold; else 0. Returns the goal credited (the caller adds it to `rewarded`: no goal pays twice
 * in an episode, the paper's novelty condition).
 */
export function intrinsicReward(sim: number[][], suggested: readonly number[], caption: number, rewarded: ReadonlySet<number>, threshold: number): { reward: number; goal: number | null } {
  if (caption < 0) return { reward: 0, goal: null };
  let best = 0;
  let goal: number | null = null;
  for (const g of suggested) {
    if (rewarded.has(g)) continue;
    const s = sim[g]![caption]!;
    if (s >= threshold && s > best) [best, goal] = [s, g];
  }
  return { reward: best, goal };
}

/** Ranks the candidate goals for an observation by the LM, caching per observation text. */
export class GoalSuggester {
  private cache = new Map<string, number[]>();
  calls = 0;
  lookups = 0;
  constructor(
    private lm: LanguageModel,
    readonly goals: string[],
  ) {}

  /** Candidate indices, most likely first. */
  async rank(observation: string): Promise<number[]> {
    this.lookups++;
    const hit = this.cache.get(observation);
    if (hit) return hit;
    this.calls++;
    const lp = await this.lm.logProb(`${observation} Suggested goals:`, this.goals.map((g) => ` ${g}`));
    const order = lp.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    this.cache.set(observation, order);
    return order;
  }
}

/** The k best-ranked goals not yet rewarded this episode. */
export function topGoals(ranked: readonly number[], rewarded: ReadonlySet<number>, k: number): number[] {
  return ranked.filter((g) => !rewarded.has(g)).slice(0, k);
}
