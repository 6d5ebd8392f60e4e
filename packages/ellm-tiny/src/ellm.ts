/**
 * ELLM — Exploring with LLMs (Du et al. 2023; taxonomy paper §5.2), top to bottom:
 *
 *   §3   the LLM suggests goals for the current observation (`GoalSuggester`), an agent conditioned
 *        on them is rewarded when a transition's caption matches a suggested goal (`intrinsicReward`,
 *        with a similarity from `likelihoodSimilarity` or `embeddingSimilarity`);
 *   §4   reward-free pretraining of a goal-conditioned DQN in TinyCrafter with that reward, against
 *        no intrinsic reward, a count-based novelty bonus and oracle goals (`pretrain`); the measure
 *        is the number of ground-truth achievements unlocked per episode (the paper's Fig. 3).
 *
 * The two LLM pieces, with the tiny LM:
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
import { z } from 'zod';
import { DqnConfig, DqnLearner, ReplayBuffer, argmaxRow, forward, linearSchedule, withDefaults, type LanguageModel, type MLPSnapshot, type Rng } from '@rlllm/core';
import { CRAFTER_ACHIEVEMENTS, TinyCrafter } from '@rlllm/env';

export const EllmConfig = z.object({
  totalSteps: z.number().int().min(1000).default(30_000).describe('env steps of pretraining per variant and seed'),
  episodeSteps: z.number().int().min(10).default(100).describe('steps per episode (time limit)'),
  goalsPerStep: z.number().int().min(1).max(12).default(3).describe('k: suggested goals active at each step (ELLM)'),
  threshold: z.number().min(0).max(1).default(0.14).describe('likelihood-similarity threshold of the goal-achieved reward, ellm and oracle (measured on true matches, see README)'),
  openThreshold: z.number().min(-1).max(1).default(0.67).describe("ellm-open: cosine threshold of goal and caption embeddings — the default embedder's own calibration on held-out corpus paraphrases (tiny-encoder's training.json), not tuned on this env"),
  suggestionTokens: z.number().int().min(4).default(24).describe('ellm-open: new tokens the LM may write per suggestion list'),
  noveltyBeta: z.number().min(0).default(0.3).describe('count bonus scale β/√N(s)'),
  // The goal-conditioned agent is core's DQN (its learner and its fields), with this task's settings.
  ...withDefaults(
    DqnConfig.pick({ learningRate: true, gamma: true, batchSize: true, bufferSize: true, learningStarts: true, trainFrequency: true, targetNetworkFrequency: true, startEpsilon: true, endEpsilon: true, explorationFraction: true, doubleDqn: true, huber: true, maxGradNorm: true, hidden: true }).shape,
    { learningRate: 5e-4, gamma: 0.95, batchSize: 64, bufferSize: 20_000, learningStarts: 1000, trainFrequency: 8, endEpsilon: 0.1, hidden: [128, 128] },
  ),
  finalFraction: z.number().gt(0).max(1).default(0.25).describe('the metric averages the last this fraction of episodes'),
  curvePoints: z.number().int().min(2).default(10),
});
export type EllmConfig = z.infer<typeof EllmConfig>;

// ── §3 The LLM pieces ─────────────────────────────────────────────────────────────────────────

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
 * transition's caption and a goal that was suggested and not yet rewarded this episode, if it clears
 * the threshold; else 0. `similarity(g)` is goal g's similarity to this caption. Returns the goal
 * credited (the caller adds it to `rewarded`: no goal pays twice in an episode, the paper's novelty
 * condition).
 */
export function intrinsicReward<G>(similarity: (goal: G) => number, suggested: readonly G[], rewarded: ReadonlySet<G>, threshold: number): { reward: number; goal: G | null } {
  let best = 0;
  let goal: G | null = null;
  for (const g of suggested) {
    if (rewarded.has(g)) continue;
    const s = similarity(g);
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
export function topGoals<G>(ranked: readonly G[], rewarded: ReadonlySet<G>, k: number): G[] {
  return ranked.filter((g) => !rewarded.has(g)).slice(0, k);
}

/** What the LM wrote after "<observation> Suggested goals:", read as goals. */
export interface Suggestions {
  /** The parsed goals, in the order written, without repeats. */
  goals: string[];
  /** Pieces that did not read as a goal (empty, not words, too long). */
  unparsable: number;
  raw: string;
}

/**
 * A suggestion is 1–6 lower-case words; the text is read up to its first period and split at commas
 * and "and" — the corpus' list form ("collect wood, place a table and make a pickaxe.").
 */
export function parseSuggestions(raw: string): Omit<Suggestions, 'raw'> {
  const text = raw.split('.')[0]!;
  const pieces = text.split(/,|\band\b/).map((p) => p.trim().toLowerCase()).filter((p) => p.length > 0);
  const goals: string[] = [];
  let unparsable = text.trim().length === 0 ? 1 : 0;
  for (const p of pieces) {
    if (!/^[a-z]+( [a-z]+){0,5}$/.test(p)) unparsable++;
    else if (!goals.includes(p)) goals.push(p);
  }
  return { goals, unparsable };
}

/**
 * ELLM's open-ended suggester (Du et al. 2023 §3.1): the LM *generates* goals for the observation —
 * greedy decoding after the corpus' prompt, read by `parseSuggestions` — instead of ranking a fixed
 * list. Cached per observation text (greedy decoding is a function of the prompt).
 */
export class GoalGenerator {
  private cache = new Map<string, Suggestions>();
  constructor(
    private lm: LanguageModel,
    readonly maxNewTokens = 24,
  ) {}

  async suggest(observation: string): Promise<Suggestions> {
    let hit = this.cache.get(observation);
    if (!hit) {
      const raw = await this.lm.generate(`${observation} Suggested goals:`, { maxNewTokens: this.maxNewTokens, stop: ['\n'] });
      hit = { ...parseSuggestions(raw), raw };
      this.cache.set(observation, hit);
    }
    return hit;
  }
}

/** Cosine similarities through the LM's (normalized) embeddings, with every text embedded once. */
export class EmbeddingSimilarity {
  private cache = new Map<string, Float32Array>();
  constructor(private lm: LanguageModel) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    const missing = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    if (missing.length) (await this.lm.embed(missing)).forEach((v, i) => this.cache.set(missing[i]!, v));
    return texts.map((t) => this.cache.get(t)!);
  }

  async cosine(a: string, b: string): Promise<number> {
    const [x, y] = await this.embed([a, b]);
    return x!.reduce((s, v, i) => s + v * y![i]!, 0);
  }
}

// ── §4 Reward-free pretraining ──────────────────────────────────────────────────────────────
/**
 * Reward-free pretraining of a goal-conditioned DQN in TinyCrafter (ELLM, Du et al. 2023 §3–4).
 *
 * Why a small loop of our own instead of core's `trainDqn` on an env wrapper: ELLM's reward and the
 * goal part of the input come from LLM calls, which are async, and `Env.step` is sync. So this file
 * is the same DQN as core's dqn.ts (ε-greedy → replay → double-DQN TD target with Huber loss → hard
 * target copy): the networks and the gradient step are core's `DqnLearner`; this loop only collects
 * experience, with:
 *   input  = state features ⊕ goal embedding (mean LM embedding of the active goals; zeros when the
 *            variant has no goals — same network for every variant),
 *   reward = the variant's intrinsic reward only; the env's own (achievement) reward is never used.
 *
 * Variants (the paper's pretraining comparison, Fig. 3):
 *   none       ε-greedy DQN with no reward at all (exploration is the ε schedule alone);
 *   novelty    count-based bonus β/√N(s) on the next state's text observation (what is in view + the
 *              inventory), standing in for the paper's novelty baselines (APT, RND);
 *   ellm       LLM-ranked goals from the 12 achievement phrases (top k by log-probability), the
 *              likelihood similarity with its threshold — both privileged (the phrases are the true
 *              achievements, the threshold was measured on true matches; README);
 *   ellm-open  the paper's open-ended form: the LLM generates goal text (GoalGenerator), goal and
 *              caption are embedded, cosine ≥ openThreshold pays; unparsable and infeasible
 *              suggestions are counted;
 *   oracle     the true feasible next achievements as goals (the paper's "ELLM with oracle goals" upper bound),
 *              same reward machinery as ellm.
 */
export const VARIANTS = ['none', 'novelty', 'ellm', 'ellm-open', 'oracle'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface Shared {
  /** goal × caption likelihood similarity (closed goal set). */
  sim: number[][];
  captions: string[];
  /** LM embedding of each achievement's goal phrase (the goal-conditioning input of ellm and oracle). */
  goalEmb: Float32Array[];
  suggester: GoalSuggester | null;
  /** Open-ended: generated suggestions and embedding similarity. */
  generator: GoalGenerator | null;
  embeddings: EmbeddingSimilarity | null;
}

export interface EpisodeLog {
  /** Env steps at the end of the episode. */
  step: number;
  /** The world the episode started in (every variant of a seed sees the same sequence). */
  world: string;
  /** Achievement ids unlocked in the episode. */
  unlocked: string[];
  /** Intrinsic return. */
  intrinsic: number;
  /** Goals credited by the intrinsic reward this episode. */
  credited: string[];
  /** Goal-suggestion precision: active goals that were feasible (ground truth) / active goals. */
  goalsFeasible: number;
  goalsActive: number;
  /** Open-ended suggestions this episode (per step): pieces that did not parse, goals that name no achievement. */
  suggestionsUnparsable: number;
  suggestionsUnknown: number;
}

const ACH_IDS = CRAFTER_ACHIEVEMENTS.map((a) => a.id);
const ACH_BY_GOAL = new Map(CRAFTER_ACHIEVEMENTS.map((a) => [a.goal, a.id]));

/** An active goal: its text, the embedding the agent is conditioned on, the achievement it names (if it names one). */
interface Goal {
  text: string;
  emb: Float32Array;
  achievement: string | null;
}

/** Where a variant's goals come from and how a caption is judged against them. */
interface GoalMode {
  /** At most k goals for the current observation, none rewarded this episode; and what the suggestion step saw. */
  goals(env: TinyCrafter, rewarded: ReadonlySet<string>): Promise<{ goals: Goal[]; unparsable: number; unknown: number }>;
  /** Similarity of a caption to a goal, in the mode's own scale. */
  similarity(goal: Goal, caption: string): Promise<number>;
  threshold: number;
}

function goalMode(variant: Variant, cfg: EllmConfig, shared: Shared): GoalMode | null {
  const closed = (id: string): Goal => {
    const i = ACH_IDS.indexOf(id);
    return { text: CRAFTER_ACHIEVEMENTS[i]!.goal, emb: shared.goalEmb[i]!, achievement: id };
  };
  // The closed set's similarity: the likelihood matrix over the env's finite caption set.
  const likelihood = async (g: Goal, caption: string) => {
    const c = shared.captions.indexOf(caption);
    return c < 0 ? 0 : shared.sim[ACH_IDS.indexOf(g.achievement!)]![c]!;
  };
  if (variant === 'ellm')
    return {
      goals: async (env, rewarded) => ({ goals: topGoals((await shared.suggester!.rank(env.text())).map((g) => ACH_IDS[g]!), new Set([...rewarded].map((t) => ACH_BY_GOAL.get(t)!)), cfg.goalsPerStep).map(closed), unparsable: 0, unknown: 0 }),
      similarity: likelihood,
      threshold: cfg.threshold,
    };
  if (variant === 'oracle')
    return {
      goals: async (env, rewarded) => ({ goals: topGoals(env.feasibleAchievements(), new Set([...rewarded].map((t) => ACH_BY_GOAL.get(t)!)), cfg.goalsPerStep).map(closed), unparsable: 0, unknown: 0 }),
      similarity: likelihood,
      threshold: cfg.threshold,
    };
  if (variant === 'ellm-open') {
    const emb = shared.embeddings!;
    return {
      goals: async (env, rewarded) => {
        const s = await shared.generator!.suggest(env.text());
        const texts = topGoals(s.goals, rewarded, cfg.goalsPerStep);
        const vecs = await emb.embed(texts);
        return { goals: texts.map((t, i) => ({ text: t, emb: vecs[i]!, achievement: ACH_BY_GOAL.get(t) ?? null })), unparsable: s.unparsable, unknown: texts.filter((t) => !ACH_BY_GOAL.has(t)).length };
      },
      similarity: (g, caption) => emb.cosine(g.text, caption),
      threshold: cfg.openThreshold,
    };
  }
  return null;
}

/** The count-based novelty bonus β/√N(s) of visiting s (N counts this visit), updating the counts. */
export function noveltyBonus(counts: Map<string, number>, state: string, beta: number): number {
  const n = (counts.get(state) ?? 0) + 1;
  counts.set(state, n);
  return beta / Math.sqrt(n);
}

/** Reference: distinct achievements per episode of a uniformly random policy (no learning), in the worlds of `worldSeed`. */
export function randomPolicyScore(rng: Rng, worldSeed: number, episodes: number, episodeSteps: number): number {
  const env = new TinyCrafter({ maxSteps: episodeSteps });
  env.reset({ seed: worldSeed });
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    if (e > 0) env.reset();
    for (let t = 0; t < episodeSteps; t++) env.step(rng.int(env.actionSpace.n));
    total += env.unlocked.size;
  }
  return total / episodes;
}

/**
 * Pretrain one variant: the agent's own randomness (init, ε-greedy, replay sampling) from `rng`, the
 * worlds from `worldSeed` (every variant of a seed plays the same worlds).
 */
export async function pretrain(variant: Variant, cfg: EllmConfig, rng: Rng, worldSeed: number, shared: Shared, onProgress?: (step: number) => void): Promise<EpisodeLog[]> {
  const env = new TinyCrafter({ maxSteps: cfg.episodeSteps });
  const gDim = shared.goalEmb[0]!.length;
  const sDim = TinyCrafter.obsDim;
  const dim = sDim + gDim;
  const nA = env.actionSpace.n;
  const learner = new DqnLearner(dim, nA, { hidden: cfg.hidden, learningRate: cfg.learningRate, gamma: cfg.gamma, doubleDqn: cfg.doubleDqn, huber: cfg.huber, maxGradNorm: cfg.maxGradNorm }, rng, 'gq');
  let online: MLPSnapshot = learner.q.snapshot();
  const buffer = new ReplayBuffer(cfg.bufferSize, dim);
  const counts = new Map<string, number>();
  const episodes: EpisodeLog[] = [];
  const mode = goalMode(variant, cfg, shared);

  let { obs } = env.reset({ seed: worldSeed });
  const fresh = () => ({ world: env.grid.join(''), rewarded: new Set<string>(), credited: [] as string[], intrinsic: 0, goalsFeasible: 0, goalsActive: 0, suggestionsUnparsable: 0, suggestionsUnknown: 0 });
  let ep = fresh();

  const goalsNow = async (): Promise<Goal[]> => {
    if (!mode) return [];
    const g = await mode.goals(env, ep.rewarded);
    ep.suggestionsUnparsable += g.unparsable;
    ep.suggestionsUnknown += g.unknown;
    return g.goals;
  };
  const input = (o: Float32Array, goals: Goal[]): Float32Array => {
    const x = new Float32Array(dim);
    x.set(o, 0);
    for (const g of goals) for (let i = 0; i < gDim; i++) x[sDim + i]! += g.emb[i]! / goals.length;
    return x;
  };
  let goals = await goalsNow();
  let x = input(obs, goals);

  for (let step = 1; step <= cfg.totalSteps; step++) {
    const eps = linearSchedule(cfg.startEpsilon, cfg.endEpsilon, cfg.explorationFraction * cfg.totalSteps, step);
    if (mode) {
      const feasible = env.feasibleAchievements();
      ep.goalsActive += goals.length;
      ep.goalsFeasible += goals.filter((g) => g.achievement !== null && feasible.includes(g.achievement)).length;
    }
    const a = rng.random() < eps ? rng.int(nA) : argmaxRow(forward(online, x, 1), 0, nA);
    const r = env.step(a);
    let reward = 0;
    if (variant === 'novelty') reward = noveltyBonus(counts, env.text(), cfg.noveltyBeta);
    else if (mode) {
      const caption = r.info.caption as string;
      const sims = new Map<string, number>();
      for (const g of goals) sims.set(g.text, await mode.similarity(g, caption));
      const res = intrinsicReward((t: string) => sims.get(t)!, goals.map((g) => g.text), ep.rewarded, mode.threshold);
      reward = res.reward;
      if (res.goal !== null) {
        ep.rewarded.add(res.goal);
        ep.credited.push(res.goal);
      }
    }
    ep.intrinsic += reward;
    obs = r.obs;
    const nextGoals = await goalsNow();
    const xNext = input(obs, nextGoals);
    // Truncation is not terminal: bootstrap through the time limit (as core's dqn.ts).
    buffer.add(x, a, reward, xNext, false);
    if (r.truncated) {
      const { rewarded: _r, ...log } = ep;
      episodes.push({ step, unlocked: [...env.unlocked], ...log });
      obs = env.reset().obs;
      ep = fresh();
      goals = await goalsNow();
      x = input(obs, goals);
    } else {
      goals = nextGoals;
      x = xNext;
    }

    if (step > cfg.learningStarts && step % cfg.trainFrequency === 0) {
      await learner.learn(buffer.sample(cfg.batchSize, rng));
      online = learner.q.snapshot();
    }
    if (step % cfg.targetNetworkFrequency === 0) learner.syncTarget();
    if (step % 1000 === 0) onProgress?.(step);
  }
  await learner.disposeTraining();
  learner.q.dispose();
  return episodes;
}
