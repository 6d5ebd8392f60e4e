/**
 * The Eureka loop (Ma et al. 2023; survey §5.1), top to bottom:
 *  1. environment as context — `envContext`: the env's observation interface (the source minus its
 *     reward; the whole file when the model's context allows) and the task text start every prompt;
 *  2. evolutionary search — `eurekaSearch`: K candidates per iteration, written by the LM (writer.ts
 *     holds the decoding); from iteration 2 on, most are mutations of the best reward so far (its
 *     first lines kept in the prompt, the rest resampled), some are random restarts; code that does
 *     not run gets its error fed back and is counted; each candidate is trained with PPO and scored
 *     by the task fitness (train.ts);
 *  3. reward reflection — `reflect`: per reward component, the values tracked during training,
 *     summarized as text for the next prompt;
 *  4. the final policy — `finalFitness`: the chosen reward trained again with fresh PPO seeds.
 * and, not in the paper, an optional final selection (`finalists`): the top rewards are trained
 * again and the best mean wins, against the winner's curse of one noisy PPO run per candidate.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { mean, PpoConfig, prefixed, unprefixed, withDefaults, type Rng } from '@rlllm/core';
import type { SandboxLimits } from './sandbox.ts';
import { CandidateFailure, trainAndScore, type TrainStats } from './train.ts';

export const EurekaConfig = z.object({
  iterations: z.number().int().min(1).default(3).describe('Eureka iterations (rounds of sampling)'),
  samples: z.number().int().min(1).default(4).describe('candidate reward functions per iteration (K)'),
  ...withDefaults(prefixed('ppo', PpoConfig.pick({ totalSteps: true, learningRate: true, nEnvs: true, nSteps: true, hidden: true })), { ppoTotalSteps: 8192, ppoLearningRate: 2.5e-3, ppoHidden: [32, 32] }),
  evalEpisodes: z.number().int().min(5).default(200).describe('episodes to measure the success rate'),
  finalRuns: z.number().int().min(1).default(1).describe("final PPO runs per variant and seed (fresh seeds); the seed's value is their mean"),
  restartShare: z.number().min(0).max(1).default(0.25).describe('share of samples after round 1 that restart from scratch'),
  finalists: z.number().int().min(0).default(0).describe('final selection: the top N distinct rewards of a search are trained again and the best mean wins (0 = the best single search run, as in Eureka)'),
  rescoreRuns: z.number().int().min(1).default(2).describe('extra PPO runs per finalist'),
  ablations: z.boolean().default(true).describe('also run Eureka without reflection and without evolution'),
  humanInit: z.boolean().default(true).describe('also run Eureka from human initialization (the human reward is the first best)'),
  temperature: z.number().positive().default(0.6).describe('sampling temperature of the reward writer'),
  topK: z.number().int().min(0).default(10).describe('the writer samples among the k most likely tokens (0 = all)'),
  maxLines: z.number().int().min(1).default(14).describe('body lines at most (comments included)'),
  lineTries: z.number().int().min(1).default(16).describe('samples per body slot (a line, or a comment + its line) before the body ends there'),
  codeTries: z.number().int().min(1).default(4).describe('samples of the code line after a sampled comment before the comment is dropped'),
  returnTries: z.number().int().min(0).default(8).describe('samples of a forced return expression before the grammar fallback'),
  lineTokens: z.number().int().min(4).default(32).describe('new tokens per sampled line'),
  tokenMask: z.boolean().default(false).describe('token-level masking while a line is written (the static check as a mask); off: whole lines are sampled and rejected after (measured better, see README)'),
  timeLimitMs: z.number().int().min(1).default(50).describe('sandbox wall-clock limit per reward call'),
  memoryMb: z.number().int().min(1).default(8).describe('sandbox memory limit'),
});
export type EurekaConfig = z.infer<typeof EurekaConfig>;

/** The PPO settings every reward is trained with (core's trainPpo). */
export const ppoOf = (c: EurekaConfig): Partial<PpoConfig> => unprefixed('ppo', PpoConfig.pick({ totalSteps: true, learningRate: true, nEnvs: true, nSteps: true, hidden: true }), c);
export const limitsOf = (c: EurekaConfig): SandboxLimits => ({ timeLimitMs: c.timeLimitMs, memoryBytes: c.memoryMb * 1024 * 1024 });

export const TASK = '// Task: GridKeyDoor. Pick up the key, open the door and reach the goal.';
// The corpus' keydoor field line: the observation interface the reward sees.
export const OBS_LINE = '// obs: hasKey (true when the agent holds the key), doorOpen (true when the door is open), atGoal (true when the agent is on the goal), distToKey (steps to the key), distToDoor (steps to the door), distToGoal (steps to the goal)';
export const HEADER = 'function reward(obs, action) {';
/** The fields of `GridKeyDoor.rewardObs()` (the corpus' keydoor fields): what `obs.F` may name. */
export const KEYDOOR_FIELDS = ['hasKey', 'doorOpen', 'atGoal', 'distToKey', 'distToDoor', 'distToGoal'] as const;

/** The sparse task reward (1 on success) — the baseline Eureka must beat. */
export const SPARSE_REWARD = `function reward(obs, action) {\n  return obs.atGoal ? 1 : 0;\n}`;
/**
 * A human-written shaped reward, written before any result was seen: a goal bonus, small bonuses for
 * the subgoals, and a penalty on the distance to the next target (key, then door, then goal).
 */
export const HUMAN_REWARD = `function reward(obs, action) {
  const goalBonus = obs.atGoal ? 10.0 : 0;
  const keyBonus = obs.hasKey ? 0.1 : 0;
  const doorBonus = obs.doorOpen ? 0.1 : 0;
  const target = !obs.hasKey ? obs.distToKey : !obs.doorOpen ? obs.distToDoor : obs.distToGoal;
  const distPenalty = 0.05 * target;
  return goalBonus + keyBonus + doorBonus - distPenalty;
}`;

/**
 * Environment as context (Eureka §3.1). A 128-token model gets the corpus' own keydoor header: the
 * task line and the obs line naming the fields (72 tokens; with the function header that leaves room
 * for a line or two of the body before the oldest tokens are cut from the left). A model with ≥ 2048
 * tokens also gets the env source minus the lines that compute its reward.
 */
export function envContext(contextLength: number): string {
  if (contextLength < 2048) return `${TASK}\n${OBS_LINE}`;
  // @rlllm/env exports only src/*.ts, so locate the file through its resolved entry point.
  const entry = fileURLToPath(import.meta.resolve('@rlllm/env'));
  const src = readFileSync(join(dirname(entry), 'gridKeyDoor.ts'), 'utf8');
  const noReward = src.split('\n').filter((l) => !/reward/i.test(l)).join('\n');
  return `/* Environment source (reward removed):\n${noReward}\n*/\n${TASK}\n${OBS_LINE}`;
}

/** Where the reward code comes from: the LM, or a fixed list in tests. */
export interface RewardWriter {
  /** A reward function's full source, continuing `prefixLines` (lines of the body already fixed). */
  write(context: string, prefixLines: string[], seed: number): Promise<string>;
}

export interface Candidate {
  iteration: number;
  source: string;
  ran: boolean;
  error?: string;
  fitness: number;
  stats?: TrainStats;
  origin: 'restart' | 'mutation' | 'fixed';
}

export interface SearchConfig {
  iterations: number;
  samples: number;
  reflection: boolean;
  evolution: boolean;
  /** Share of samples in iterations ≥ 2 that restart from scratch instead of mutating the best. */
  restartShare: number;
  ppo: Partial<PpoConfig>;
  evalEpisodes: number;
  limits?: SandboxLimits;
  /**
   * Eureka from human initialization (Ma et al. §4.4): this reward is trained and scored first and is
   * the first "best so far" that mutations start from. Not counted among generated candidates.
   */
  init?: string;
  /**
   * Final selection (0 = off: the best single search run wins, as in Eureka). Otherwise the top
   * `finalists` distinct rewards by search fitness (runs of identical code pooled) are trained
   * `rescoreRuns` more times with fresh PPO seeds and the highest mean wins: with one short PPO run
   * per candidate the max of K×N noisy scores mostly picks luck (the winner's curse).
   */
  finalists?: number;
  rescoreRuns?: number;
}

export interface SearchResult {
  best: Candidate | null;
  candidates: Candidate[];
  /** Best fitness so far after each iteration (0 before any candidate ran). */
  bestPerIteration: number[];
  ranPerIteration: number[];
  /** The reflection texts that went into the prompts (for the report). */
  reflections: string[];
  /** Final selection (if on): each finalist's source and all its training runs' fitness, best first. */
  finalists: { source: string; runs: number[]; mean: number }[];
}

/** Reward reflection (Eureka §3.3): the tracked component values and the task outcome, as text. */
export function reflect(c: Candidate): string {
  if (!c.ran) return `Reward reflection: the code did not run (${(c.error ?? '').slice(0, 80)}). Use only obs and action and return a number.`;
  const s = c.stats!;
  const pct = (x: number) => `${Math.round(100 * x)} percent`;
  const parts = [`Reward reflection: the success rate was ${pct(c.fitness)}.`];
  if (s.keyRate < 0.5) parts.push('The agent often did not find the key. Add a key bonus and a distance penalty to the next target.');
  else if (s.doorRate < 0.5) parts.push('The agent found the key but rarely opened the door. Add a door bonus.');
  const comps = Object.entries(s.components).slice(0, 6).map(([k, v]) => `${k} mean ${v.mean.toFixed(2)} (nonzero ${pct(v.nonzero)})`);
  if (comps.length) parts.push(`Components: ${comps.join(', ')}.`);
  return parts.join(' ');
}


/**
 * One Eureka search. Candidate n is written and trained with the streams "write n" and "train n" of
 * `rng`, so searches that share `rng` (the ablations) draw the same numbers where their prompts agree.
 */
export async function eurekaSearch(writer: RewardWriter, context: string, cfg: SearchConfig, searchRng: Rng, onCandidate?: (c: Candidate) => void): Promise<SearchResult> {
  const rng = searchRng.fork('choices');
  const candidates: Candidate[] = [];
  const bestPerIteration: number[] = [];
  const ranPerIteration: number[] = [];
  const reflections: string[] = [];
  let best: Candidate | null = null;
  let feedback = ''; // reflection or error text from the last iteration
  // Without evolution, the same number of samples all come in round one (Eureka's no-evolution ablation).
  const rounds = cfg.evolution ? cfg.iterations : 1;
  const perRound = cfg.evolution ? cfg.samples : cfg.samples * cfg.iterations;
  let n = 0;
  const score = async (c: Candidate) => {
    try {
      const out = await trainAndScore(c.source, cfg.ppo, { seed: searchRng.fork(`train ${n}`).seed(), evalEpisodes: cfg.evalEpisodes, limits: cfg.limits });
      c.ran = true;
      c.fitness = out.fitness;
      c.stats = out.stats;
    } catch (e) {
      if (!(e instanceof CandidateFailure)) throw e;
      c.error = e.message;
    }
  };
  if (cfg.init) {
    const c: Candidate = { iteration: 0, source: cfg.init, ran: false, fitness: 0, origin: 'fixed' };
    await score(c);
    n++;
    candidates.push(c);
    if (c.ran) best = c;
    feedback = reflect(c);
    onCandidate?.(c);
  }
  for (let it = 0; it < rounds; it++) {
    const batch: Candidate[] = [];
    for (let k = 0; k < perRound; k++, n++) {
      const mutate = cfg.evolution && best !== null && rng.random() >= cfg.restartShare;
      let prefix: string[] = [];
      if (mutate) {
        // Mutation: keep the first j body lines of the best reward, let the LM rewrite the rest.
        const body = best!.source.split('\n').slice(1, -1).filter((l) => !/^\s*return\b/.test(l));
        prefix = body.slice(0, rng.int(body.length + 1));
      }
      const ctx = cfg.reflection && feedback ? `${feedback}\n${context}` : context;
      const source = await writer.write(ctx, prefix, searchRng.fork(`write ${n}`).seed());
      const c: Candidate = { iteration: it + 1, source, ran: false, fitness: 0, origin: mutate ? 'mutation' : 'restart' };
      await score(c);
      batch.push(c);
      candidates.push(c);
      onCandidate?.(c);
    }
    const ran = batch.filter((c) => c.ran);
    ranPerIteration.push(ran.length / batch.length);
    const iterBest = ran.reduce<Candidate | null>((b, c) => (b === null || c.fitness > b.fitness ? c : b), null);
    if (iterBest && (best === null || iterBest.fitness > best.fitness)) best = iterBest;
    // Feedback for the next prompt: the reflection on the best so far, or (nothing ran) the first error.
    feedback = best ? reflect(best) : batch[0] ? reflect(batch[0]) : '';
    reflections.push(feedback);
    bestPerIteration.push(best?.fitness ?? 0);
  }
  // Without evolution the curve is flat over the same sample budget: expand to `iterations` points.
  while (bestPerIteration.length < cfg.iterations) bestPerIteration.push(bestPerIteration.at(-1)!);
  // Final selection: the same extra training for every search variant, once, after the last round.
  const finalists: SearchResult['finalists'] = [];
  if ((cfg.finalists ?? 0) > 0 && best !== null) {
    const runs = new Map<string, number[]>();
    for (const c of candidates) if (c.ran) (runs.get(c.source) ?? runs.set(c.source, []).get(c.source)!).push(c.fitness);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const top = [...runs].sort((a, b) => avg(b[1]) - avg(a[1])).slice(0, cfg.finalists);
    for (const [source, rs] of top) {
      for (let r = 0; r < (cfg.rescoreRuns ?? 2); r++) {
        try {
          rs.push((await trainAndScore(source, cfg.ppo, { seed: searchRng.fork(`rescore ${n++}`).seed(), evalEpisodes: cfg.evalEpisodes, limits: cfg.limits })).fitness);
        } catch (e) {
          if (!(e instanceof CandidateFailure)) throw e;
          rs.push(0); // it ran before but failed on the states of this run (NaN, ∞): no policy
        }
      }
      finalists.push({ source, runs: rs, mean: avg(rs) });
    }
    finalists.sort((a, b) => b.mean - a.mean);
    best = candidates.find((c) => c.ran && c.source === finalists[0]!.source)!;
  }
  return { best, candidates, bestPerIteration, ranPerIteration, reflections, finalists };
}


// ── 4. The final policy: the chosen reward trained again with fresh PPO seeds ──────────────────
/**
 * The task fitness of the policy a reward trains, measured on runs that were not part of any search
 * (so a variant's number is not the max of its own noisy scores): the mean over `finalRuns` PPO runs
 * with the streams "run r" of `rng`, which every variant of a seed shares.
 */
export async function finalFitness(source: string, cfg: EurekaConfig, rng: Rng): Promise<number> {
  const fs: number[] = [];
  for (let r = 0; r < cfg.finalRuns; r++) fs.push((await trainAndScore(source, ppoOf(cfg), { seed: rng.fork(`run ${r}`).seed(), evalEpisodes: cfg.evalEpisodes, limits: limitsOf(cfg) })).fitness);
  return mean(fs);
}
