/**
 * The Eureka loop (Ma et al. 2023; survey §5.1), top to bottom:
 *  1. environment as context — `envContext`: the task line and the observation interface (the env
 *     source minus its reward, when the model's context allows) start every prompt;
 *  2. evolutionary search — `eurekaSearch`: K candidates per iteration, written by the LM (writer.ts
 *     holds the decoding); from iteration 2 on, most are mutations of the best reward so far (its
 *     first lines kept in the prompt, the rest resampled), some are random restarts; each candidate is
 *     trained with PPO `searchRuns` times and scored by the mean task fitness (train.ts); the
 *     trainings of an iteration are independent jobs, run on a pool of worker processes;
 *  3. reward reflection — `reflect`: the values of every component the candidate defined at
 *     checkpoints of training, the task score and the fitness, with generic advice on reading them
 *     (Eureka's policy feedback and code-feedback tips), as text for the next prompt; code that did
 *     not run gets its error instead;
 *  4. the final policy — `finalFitness`: the chosen reward trained again with fresh PPO seeds.
 * and, not in the paper, an optional final selection (`finalists`): the top rewards are trained
 * again and the best mean wins, against the winner's curse of noisy PPO runs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { mean, PpoConfig, prefixed, unprefixed, withDefaults, type Rng } from '@rlllm/core';
import { KEYDOOR_LAYOUT, type KeyDoorLayout } from '@rlllm/env';
import type { SandboxLimits } from './sandbox.ts';
import { CandidateFailure, trainJob, type TrainJob, type TrainResult, type TrainStats } from './train.ts';

/**
 * The tasks: key-door worlds whose reward sees the corpus' keydoor fields. `wide` is the regime of
 * Eureka's own tasks (the sparse reward almost never succeeds at the budget, a good shaped reward
 * almost always does; README "The regime"); `two-rooms` is the original GridKeyDoor-v0, where a PPO
 * run with the sparse reward either finds the goal or not.
 */
export const TASKS = {
  wide: { layout: { roomWidth: 6, roomHeight: 7, maxSteps: 60 }, about: 'two 6×7 rooms, 60 steps' },
  'two-rooms': { layout: KEYDOOR_LAYOUT, about: 'GridKeyDoor-v0: two 4×5 rooms, 40 steps' },
} as const satisfies Record<string, { layout: KeyDoorLayout; about: string }>;
export type TaskName = keyof typeof TASKS;

export const EurekaConfig = z.object({
  task: z.enum(Object.keys(TASKS) as [TaskName, ...TaskName[]]).default('wide').describe('the key-door world (wide: the regime where the reward decides the outcome; two-rooms: GridKeyDoor-v0)'),
  iterations: z.number().int().min(1).default(3).describe('Eureka iterations (rounds of sampling)'),
  samples: z.number().int().min(1).default(4).describe('candidate reward functions per iteration (K)'),
  ...withDefaults(prefixed('ppo', PpoConfig.pick({ totalSteps: true, learningRate: true, nEnvs: true, nSteps: true, hidden: true })), { ppoTotalSteps: 8192, ppoLearningRate: 2.5e-3, ppoHidden: [32, 32] }),
  searchRuns: z.number().int().min(1).default(2).describe('PPO runs per candidate in the search (fresh seeds); its search fitness is their mean'),
  checkpoints: z.number().int().min(2).default(4).describe('points of training at which the reflection reports each reward component, the task score and the episode length'),
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
  interruptBudget: z.number().int().min(1).default(100).describe('sandbox work budget per reward call: QuickJS interrupt polls (about 10 000 bytecode steps each), independent of the clock'),
  backstopMs: z.number().int().min(1).default(2000).describe('sandbox wall-clock backstop per call, for work the poll counter cannot see'),
  memoryMb: z.number().int().min(1).default(8).describe('sandbox memory limit'),
  trainProcesses: z.number().int().min(0).default(0).describe('worker processes for candidate trainings (0: the cores the seed workers leave, core poolSize; 1: in this process); the numbers do not depend on it'),
});
export type EurekaConfig = z.infer<typeof EurekaConfig>;

/** The PPO settings every reward is trained with (core's trainPpo). */
export const ppoOf = (c: EurekaConfig): Partial<PpoConfig> => unprefixed('ppo', PpoConfig.pick({ totalSteps: true, learningRate: true, nEnvs: true, nSteps: true, hidden: true }), c);
export const limitsOf = (c: EurekaConfig): SandboxLimits => ({ interruptBudget: c.interruptBudget, backstopMs: c.backstopMs, memoryBytes: c.memoryMb * 1024 * 1024 });
/** Everything a training job of this config shares (the reward source and the seed vary). */
export const trainingOf = (c: EurekaConfig): Omit<TrainJob, 'source' | 'seed'> => ({ ppo: ppoOf(c), evalEpisodes: c.evalEpisodes, limits: limitsOf(c), layout: TASKS[c.task].layout, checkpoints: c.checkpoints });

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
 * What a prompt is made of. In the prompt they stand in this order (oldest first): the env source,
 * the reflection on the last round, the task line, the obs line, then the function being written;
 * when the model's context is short, `assemblePrompt` keeps them by priority instead (see there).
 */
export interface PromptSections {
  /** The env source minus its reward (environment as context), for long-context models. */
  envSource?: string;
  /** Reward reflection (or the error) of the last round; empty in round one. */
  reflection?: string;
  task: string;
  obs: string;
}

/**
 * Environment as context (Eureka §3.1). A 128-token model gets the corpus' own keydoor header: the
 * task line and the obs line naming the fields (72 tokens). A model with ≥ 2048 tokens also gets the
 * env source minus the lines that compute its reward, and the layout of this task.
 */
export function envContext(contextLength: number, layout: KeyDoorLayout = KEYDOOR_LAYOUT): PromptSections {
  if (contextLength < 2048) return { task: TASK, obs: OBS_LINE };
  // @rlllm/env exports only src/*.ts, so locate the file through its resolved entry point.
  const entry = fileURLToPath(import.meta.resolve('@rlllm/env'));
  const src = readFileSync(join(dirname(entry), 'gridKeyDoor.ts'), 'utf8');
  const noReward = src.split('\n').filter((l) => !/reward/i.test(l)).join('\n');
  return { envSource: `/* Environment source (reward removed):\n${noReward}\nThis task: new GridKeyDoor(${JSON.stringify(layout)})\n*/`, task: TASK, obs: OBS_LINE };
}

const DOCUMENT_ORDER = ['envSource', 'reflection', 'task', 'obs'] as const;
/** What survives a short context, first to last: the task line and the reflection before the obs line and the env source. */
const PRIORITY = ['task', 'reflection', 'obs', 'envSource'] as const;

/**
 * The prompt for the next line: the sections in document order, then `tail` (the function so far).
 * If it would exceed `budget` tokens (`count`), sections are kept whole in priority order — the task
 * line, the reflection, the obs line, the env source — and a section that does not fit is left out,
 * so a long-context model keeps the reflection while the env source is the first thing dropped, and a
 * short one never sees half a reflection. The tail is always kept (the LM cuts it from the left if it
 * alone is too long).
 */
export function assemblePrompt(sections: PromptSections, tail: string, budget: number, count: (text: string) => number): string {
  const kept = new Set<keyof PromptSections>();
  const text = () => [...DOCUMENT_ORDER.filter((k) => kept.has(k)).map((k) => sections[k]!), tail].join('\n');
  for (const k of PRIORITY) {
    if (!sections[k]) continue;
    kept.add(k);
    if (count(text()) > budget) kept.delete(k);
  }
  return text();
}

/** Where the reward code comes from: the LM, or a fixed list in tests. */
export interface RewardWriter {
  /** A reward function's full source, continuing `prefixLines` (lines of the body already fixed). */
  write(sections: PromptSections, prefixLines: string[], seed: number): Promise<string>;
}

/** Runs training jobs and gives their results in job order (a JobPool's map, or in this process). */
export type Trainer = (jobs: TrainJob[]) => Promise<TrainResult[]>;
/** The trainer without worker processes. */
export const trainHere: Trainer = async (jobs) => {
  const out: TrainResult[] = [];
  for (const j of jobs) out.push(await trainJob(j));
  return out;
};

export interface Candidate {
  iteration: number;
  source: string;
  ran: boolean;
  error?: string;
  /** Search fitness: the mean task fitness of its `runs`. */
  fitness: number;
  /** Task fitness of each search training run. */
  runs: number[];
  /** Training statistics, averaged over its runs (traces point by point). */
  stats?: TrainStats;
  origin: 'restart' | 'mutation' | 'fixed';
}

export interface SearchConfig {
  iterations: number;
  samples: number;
  /** Reward reflection in the prompt: component statistics and advice. Off: only the fitness (and errors). */
  reflection: boolean;
  evolution: boolean;
  /** Share of samples in iterations ≥ 2 that restart from scratch instead of mutating the best. */
  restartShare: number;
  /** PPO runs per candidate (fresh seeds); the search fitness is their mean. */
  runs: number;
  /** The training settings every job shares. */
  training: Omit<TrainJob, 'source' | 'seed'>;
  /** Where the trainings run (default: in this process). */
  train?: Trainer;
  /**
   * Eureka from human initialization (Ma et al. §4.4): this reward is trained and scored first and is
   * the first "best so far" that mutations start from. Not counted among generated candidates.
   */
  init?: string;
  /**
   * Final selection (0 = off: the best search fitness wins, as in Eureka). Otherwise the top
   * `finalists` distinct rewards by search fitness (runs of identical code pooled) are trained
   * `rescoreRuns` more times with fresh PPO seeds and the highest mean wins.
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

/** A tracked quantity: its values at the checkpoints of training. */
function traceLine(name: string, trace: number[], digits: number): string {
  return `${name}: ${trace.map((x) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a')).join(', ')}`;
}

/**
 * Reward reflection (Eureka §3.3), in the form of Eureka's policy feedback: one line per reward
 * component the candidate defined, with its values at the checkpoints of training, the same for the
 * task score (success rate of the training episodes) and the episode length, the task fitness of the
 * trained policy, and the generic advice of Eureka's code-feedback prompt on how to read them
 * (paraphrased). Nothing in it is specific to the task. Eureka adds each line's max, mean and min;
 * they follow from the values and are left out, as the wording is short, because every token counts
 * in a small model's context (≈ 260 tokens of the tiny coder's tokenizer for 5 components at 4
 * checkpoints). Without `components` (the no-reflection ablation) only the task fitness is given,
 * as in the paper's ablation. Code that did not run gets its error (Eureka's execution-error feedback).
 */
export function reflect(c: Candidate, components = true): string {
  if (!c.ran) return `Reward reflection: the reward code did not run: ${(c.error ?? '').slice(0, 120)}. Fix the error and write a new reward function.`;
  const fitness = `task fitness: ${c.fitness.toFixed(2)}`;
  if (!components) return `Reward reflection: ${fitness}`;
  const s = c.stats!;
  return [
    `Reward reflection: each reward component, the task score and the episode length at ${s.successTrace.length} checkpoints of training:`,
    ...Object.entries(s.components).map(([k, v]) => traceLine(k, v.trace, 2)),
    traceLine('task score', s.successTrace, 2),
    traceLine('episode length', s.lengthTrace, 0),
    fitness,
    'Tips: if the task score stays near zero, rewrite the reward. If a component hardly changes, rescale, rewrite or drop it. If one component is much larger than the others, rescale it.',
  ].join('\n');
}

/** Statistics of several runs of one reward: counts and rates averaged, traces averaged point by point. */
export function mergeStats(all: TrainStats[]): TrainStats {
  if (all.length === 1) return all[0]!;
  const avg = (f: (s: TrainStats) => number) => mean(all.map(f));
  const avgTrace = (traces: number[][]) => traces[0]!.map((_, i) => {
    const v = traces.map((t) => t[i]!).filter(Number.isFinite);
    return v.length ? mean(v) : NaN;
  });
  const names = [...new Set(all.flatMap((s) => Object.keys(s.components)))];
  const components = Object.fromEntries(names.map((k) => {
    const cs = all.map((s) => s.components[k]).filter((c) => c !== undefined);
    return [k, { mean: mean(cs.map((c) => c.mean)), min: Math.min(...cs.map((c) => c.min)), max: Math.max(...cs.map((c) => c.max)), nonzero: mean(cs.map((c) => c.nonzero)), trace: avgTrace(cs.map((c) => c.trace)) }];
  }));
  return {
    trainSuccess: avg((s) => s.trainSuccess), keyRate: avg((s) => s.keyRate), doorRate: avg((s) => s.doorRate), episodes: avg((s) => s.episodes), components,
    successTrace: avgTrace(all.map((s) => s.successTrace)), lengthTrace: avgTrace(all.map((s) => s.lengthTrace)), sandboxCalls: avg((s) => s.sandboxCalls),
  };
}

/**
 * One Eureka search. Candidate n is written with the stream "write n" of `searchRng` and its PPO run r
 * trained with "train n.r", so searches that share `searchRng` (the ablations) draw the same numbers
 * where their prompts agree, and no number depends on where a training ran. Within an iteration the
 * K candidates are written first (their prompts depend only on earlier iterations), then all their
 * runs are trained as one batch of independent jobs.
 */
export async function eurekaSearch(writer: RewardWriter, context: PromptSections, cfg: SearchConfig, searchRng: Rng, onCandidate?: (c: Candidate) => void): Promise<SearchResult> {
  const rng = searchRng.fork('choices');
  const train = cfg.train ?? trainHere;
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
  /** Train every candidate of a batch `cfg.runs` times (one batch of jobs) and record the outcome. */
  const score = async (batch: { c: Candidate; n: number }[]) => {
    const jobs = batch.flatMap(({ c, n }) => Array.from({ length: cfg.runs }, (_, r) => ({ ...cfg.training, source: c.source, seed: searchRng.fork(`train ${n}.${r}`).seed() })));
    const results = await train(jobs);
    batch.forEach(({ c }, i) => {
      const rs = results.slice(i * cfg.runs, (i + 1) * cfg.runs);
      const failed = rs.find((r) => !r.ok);
      if (failed && !failed.ok) {
        c.error = failed.error;
        return;
      }
      const ok = rs as Extract<TrainResult, { ok: true }>[];
      c.ran = true;
      c.runs = ok.map((r) => r.fitness);
      c.fitness = mean(c.runs);
      c.stats = mergeStats(ok.map((r) => r.stats));
    });
  };
  if (cfg.init) {
    const c: Candidate = { iteration: 0, source: cfg.init, ran: false, fitness: 0, runs: [], origin: 'fixed' };
    await score([{ c, n: n++ }]);
    candidates.push(c);
    if (c.ran) best = c;
    feedback = reflect(c, cfg.reflection);
    onCandidate?.(c);
  }
  for (let it = 0; it < rounds; it++) {
    const batch: { c: Candidate; n: number }[] = [];
    for (let k = 0; k < perRound; k++, n++) {
      const mutate = cfg.evolution && best !== null && rng.random() >= cfg.restartShare;
      let prefix: string[] = [];
      if (mutate) {
        // Mutation: keep the first j body lines of the best reward, let the LM rewrite the rest.
        const body = best!.source.split('\n').slice(1, -1).filter((l) => !/^\s*return\b/.test(l));
        prefix = body.slice(0, rng.int(body.length + 1));
      }
      const source = await writer.write({ ...context, reflection: feedback }, prefix, searchRng.fork(`write ${n}`).seed());
      batch.push({ c: { iteration: it + 1, source, ran: false, fitness: 0, runs: [], origin: mutate ? 'mutation' : 'restart' }, n });
    }
    await score(batch);
    for (const { c } of batch) {
      candidates.push(c);
      onCandidate?.(c);
    }
    const ran = batch.map((b) => b.c).filter((c) => c.ran);
    ranPerIteration.push(ran.length / batch.length);
    const iterBest = ran.reduce<Candidate | null>((b, c) => (b === null || c.fitness > b.fitness ? c : b), null);
    if (iterBest && (best === null || iterBest.fitness > best.fitness)) best = iterBest;
    // Feedback for the next prompt: the reflection on the best so far, or (nothing ran) the first error.
    feedback = best ? reflect(best, cfg.reflection) : batch[0] ? reflect(batch[0].c, cfg.reflection) : '';
    reflections.push(feedback);
    bestPerIteration.push(best?.fitness ?? 0);
  }
  // Without evolution the curve is flat over the same sample budget: expand to `iterations` points.
  while (bestPerIteration.length < cfg.iterations) bestPerIteration.push(bestPerIteration.at(-1)!);
  // Final selection: the same extra training for every search variant, once, after the last round.
  const finalists: SearchResult['finalists'] = [];
  if ((cfg.finalists ?? 0) > 0 && best !== null) {
    const runs = new Map<string, number[]>();
    for (const c of candidates) if (c.ran) (runs.get(c.source) ?? runs.set(c.source, []).get(c.source)!).push(...c.runs);
    const top = [...runs].sort((a, b) => mean(b[1]) - mean(a[1])).slice(0, cfg.finalists);
    const extra = cfg.rescoreRuns ?? 2;
    const jobs = top.flatMap(([source]) => Array.from({ length: extra }, () => ({ ...cfg.training, source, seed: searchRng.fork(`rescore ${n++}`).seed() })));
    const results = await train(jobs);
    top.forEach(([source, rs], i) => {
      // A run that fails on the states of this run (NaN, ∞) trained no policy: fitness 0.
      for (const r of results.slice(i * extra, (i + 1) * extra)) rs.push(r.ok ? r.fitness : 0);
      finalists.push({ source, runs: rs, mean: mean(rs) });
    });
    finalists.sort((a, b) => b.mean - a.mean);
    best = candidates.find((c) => c.ran && c.source === finalists[0]!.source)!;
  }
  return { best, candidates, bestPerIteration, ranPerIteration, reflections, finalists };
}


// ── 4. The final policy: the chosen reward trained again with fresh PPO seeds ──────────────────
/**
 * The task fitness of the policy a reward trains, measured on runs that were not part of any search
 * (so a variant's number is not the max of its own noisy scores): the mean over `finalRuns` PPO runs
 * with the streams "run r" of `rng`, which every variant of a seed shares. Throws if the reward fails.
 */
export async function finalFitness(source: string, cfg: EurekaConfig, rng: Rng, train: Trainer = trainHere): Promise<number> {
  const results = await train(Array.from({ length: cfg.finalRuns }, (_, r) => ({ ...trainingOf(cfg), source, seed: rng.fork(`run ${r}`).seed() })));
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) throw new CandidateFailure(failed.error);
  return mean(results.map((r) => (r.ok ? r.fitness : 0)));
}
