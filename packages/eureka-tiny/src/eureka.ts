/**
 * The Eureka loop (Ma et al. 2023; survey §5.1), its three components:
 *  1. environment as context — `envContext`: the env's observation interface (the source minus its
 *     reward; the whole file when the model's context allows) and the task text start every prompt;
 *  2. evolutionary search — `eurekaSearch`: K candidates per iteration; from iteration 2 on, most are
 *     mutations of the best reward so far (its first lines kept in the prompt, the rest resampled),
 *     some are random restarts; code that does not run gets its error fed back and is counted;
 *  3. reward reflection — `reflect`: per reward component, the values tracked during training,
 *     summarized as text for the next prompt.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Rng, type LanguageModel, type PpoConfig } from '@rlllm/core';
import { RewardSandbox, type SandboxLimits } from './sandbox.ts';
import { CandidateFailure, trainAndScore, type TrainStats } from './train.ts';

export const TASK = '// Task: GridKeyDoor. Pick up the key, open the door and reach the goal.';
// The corpus' keydoor field line: the observation interface the reward sees.
export const OBS_LINE = '// obs: hasKey (true when the agent holds the key), doorOpen (true when the door is open), atGoal (true when the agent is on the goal), distToKey (steps to the key), distToDoor (steps to the door), distToGoal (steps to the goal)';
export const HEADER = 'function reward(obs, action) {';

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
 * Environment as context (Eureka §3.1). The env file minus the lines that compute its reward; a
 * 128-token model sees only the task line and the observation line (a longer prompt would be cut
 * from the left), a model with ≥ 2048 tokens gets the source too.
 */
export function envContext(contextLength: number): string {
  if (contextLength < 2048) return TASK;
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

/**
 * The LM writes the body one line at a time (stop at newline): a line after which the body so far
 * does not parse (syntax, a redeclared name) is resampled up to 5 times (a syntax filter at decoding time, like constrained decoding;
 * it is the only help the tiny model gets). It stops at a `return` line or after `maxLines`; the
 * assembled function can still fail at run time (undefined names, NaN), which counts as not running.
 */
export class LmRewardWriter implements RewardWriter {
  constructor(private readonly lm: LanguageModel, private readonly opts = { temperature: 0.6, topK: 10, maxLines: 14 }) {}
  async write(context: string, prefixLines: string[], seed: number): Promise<string> {
    const lines = [...prefixLines];
    let s = seed * 7919;
    for (let i = 0; i < this.opts.maxLines && !lines.some((l) => /^\s*return\b/.test(l)); i++) {
      let line: string | null = null;
      for (let attempt = 0; attempt < 6 && line === null; attempt++) {
        // The prompt ends right after the last line, without its newline: the BPE merges a newline with
        // the next line's indentation, so the model continues best from there; we keep its first line.
        const prompt = `${context}\n${HEADER}${lines.map((l) => `\n${l}`).join('')}`;
        const gen = await this.lm.generate(prompt, { maxNewTokens: 40, temperature: this.opts.temperature, topK: this.opts.topK, seed: s++ });
        const out = (gen.split('\n').find((l) => l.trim() !== '') ?? '').trimEnd();
        if (out.trim() === '}') break;
        // Empty lines, a repeated obs header or a new function are not part of a body: resample.
        if (out.trim() === '' || /^\s*(\/\/ obs:|function\b)/.test(out)) continue;
        if (await bodyParses([...lines, out.trim()])) line = `  ${out.trim()}`;
      }
      if (line === null) break;
      lines.push(line);
    }
    // Eureka's prompt tells the model that the function must return the reward; a 128-token model
    // cannot hold such instructions, so the format is imposed: if the body has no `return`, the LM
    // writes the return expression after a forced "  return".
    for (let attempt = 0; attempt < 6 && !lines.some((l) => /^\s*return\b/.test(l)); attempt++) {
      const prompt = `${context}\n${HEADER}${lines.map((l) => `\n${l}`).join('')}\n  return`;
      const gen = await this.lm.generate(prompt, { maxNewTokens: 30, temperature: this.opts.temperature, topK: this.opts.topK, seed: s++ });
      const ret = `return${gen.split('\n')[0]!.trimEnd()}`;
      if (await bodyParses([...lines, ret])) lines.push(`  ${ret}`);
    }
    return `${HEADER}\n${lines.join('\n')}\n}`;
  }
}

/** Compile-only check of the body so far inside the sandbox (nothing runs): syntax and redeclarations. */
function bodyParses(lines: string[]): Promise<boolean> {
  return RewardSandbox.parses(`(function (obs, action) {\n${lines.join('\n')}\n})`);
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
}

export interface SearchResult {
  best: Candidate | null;
  candidates: Candidate[];
  /** Best fitness so far after each iteration (0 before any candidate ran). */
  bestPerIteration: number[];
  ranPerIteration: number[];
  /** The reflection texts that went into the prompts (for the report). */
  reflections: string[];
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

/** One Eureka search on one seed. */
export async function eurekaSearch(writer: RewardWriter, context: string, cfg: SearchConfig, seed: number, onCandidate?: (c: Candidate) => void): Promise<SearchResult> {
  const rng = new Rng(seed * 104729 + 17);
  const candidates: Candidate[] = [];
  const bestPerIteration: number[] = [];
  const ranPerIteration: number[] = [];
  const reflections: string[] = [];
  let best: Candidate | null = null;
  let feedback = ''; // reflection or error text from the last iteration
  // Without evolution, the same number of samples all come in round one (the issue's ablation).
  const rounds = cfg.evolution ? cfg.iterations : 1;
  const perRound = cfg.evolution ? cfg.samples : cfg.samples * cfg.iterations;
  let n = 0;
  const score = async (c: Candidate) => {
    try {
      const out = await trainAndScore(c.source, cfg.ppo, { seed: seed * 7907 + n, evalEpisodes: cfg.evalEpisodes, limits: cfg.limits });
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
      const source = await writer.write(ctx, prefix, seed * 100_003 + n);
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
  return { best, candidates, bestPerIteration, ranPerIteration, reflections };
}

