/**
 * The Eureka loop (Ma et al. 2023; survey §5.1), its three components:
 *  1. environment as context — `envContext`: the env's observation interface (the source minus its
 *     reward; the whole file when the model's context allows) and the task text start every prompt;
 *  2. evolutionary search — `eurekaSearch`: K candidates per iteration; from iteration 2 on, most are
 *     mutations of the best reward so far (its first lines kept in the prompt, the rest resampled),
 *     some are random restarts; code that does not run gets its error fed back and is counted;
 *  3. reward reflection — `reflect`: per reward component, the values tracked during training,
 *     summarized as text for the next prompt.
 * and, not in the paper, an optional final selection (`finalists`): the top rewards are trained
 * again and the best mean wins, against the winner's curse of one noisy PPO run per candidate.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Rng, type LanguageModel, type PpoConfig } from '@rlllm/core';
import { RewardSandbox, type SandboxLimits } from './sandbox.ts';
import { checkLine, checkPrefix, completeLine, declare, scopeOf, type LineCheck, type Scope } from './check.ts';
import { CandidateFailure, trainAndScore, type TrainStats } from './train.ts';

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

/** Counters of what the decoding aids did (reported in `extra.search.*.decoding`). */
export interface DecodingStats {
  /** Lines sampled from the LM (body lines and return expressions). */
  sampled: number;
  /** Rejected by the static name check, by reason (names of another task, `Math.x`, …). */
  rejectedNames: number;
  /** Rejected because the body no longer parsed. */
  rejectedSyntax: number;
  /** Body lines given up after all resamples failed (the body then ends). */
  droppedLines: number;
  /** Returns that came from the grammar-constrained fallback (the LM's free returns all failed). */
  grammarReturns: number;
  /** Most frequent rejection reasons (names replaced by …). */
  reasons: Record<string, number>;
}
export const emptyDecodingStats = (): DecodingStats => ({ sampled: 0, rejectedNames: 0, rejectedSyntax: 0, droppedLines: 0, grammarReturns: 0, reasons: {} });

export interface WriterOptions {
  temperature: number;
  topK: number;
  /** Body lines at most (comments included). */
  maxLines: number;
  /** Samples per body slot (a line, or a comment + its line) before the body ends there. */
  tries: number;
  /** Samples of the code line after a sampled comment before the comment is dropped. */
  codeTries: number;
  /** Samples of a forced return expression before the grammar fallback. */
  returnTries: number;
  /** New tokens per sampled line; the prompt gets the rest of the context. */
  lineTokens: number;
  /** The task's observation fields (the static check's `obs.F`). */
  fields: readonly string[];
  /**
   * Token-level masking: while a line is written, a token is drawable only if the line can still
   * pass the static check (`checkPrefix`). Off: whole lines are sampled freely and rejected after.
   */
  tokenMask: boolean;
}

/**
 * The LM writes the body one line at a time (stop at newline). Decoding aids keep it to the task, all
 * simplifications relative to Eureka's GPT-4 (which follows the instruction to use only the
 * environment's variables and to return the reward); they reject or complete, the LM picks the content:
 *  - a sampled line is accepted only if it passes the static check of `check.ts` (every name in scope:
 *    earlier locals, `obs.<task field>`, `action`, real `Math` members) and the body still parses
 *    (compile-only in QuickJS); otherwise it is resampled (seeded);
 *  - a slot is one line, or a comment and the code line after it: a comment whose code line fails
 *    `codeTries` times is dropped with it; after `tries` samples for one slot the body ends there;
 *  - the body ends with a `return`: if the LM wrote none, it writes the expression after a forced
 *    `  return`, checked the same way (`returnTries`); if all fail, the return is decoded under a
 *    grammar — a sum of the declared components (`return a + b - c;`), each next term (or the end)
 *    sampled from the LM's own probabilities of the allowed continuations (`logProb`).
 * The assembled function can still fail at run time (NaN, ∞), which counts as not running.
 */
export class LmRewardWriter implements RewardWriter {
  readonly stats = emptyDecodingStats();
  private readonly opts: WriterOptions;
  constructor(private readonly lm: LanguageModel, opts: Partial<WriterOptions> = {}) {
    this.opts = { temperature: 0.6, topK: 10, maxLines: 14, tries: 16, codeTries: 4, returnTries: 8, lineTokens: 32, fields: KEYDOOR_FIELDS, tokenMask: false, ...opts };
  }

  private reject(reason: string) {
    this.stats.rejectedNames++;
    const k = reason.replace(/^\S+ is not (defined|allowed)$/, '… is not $1').replace(/^obs\.\S+ is not a field/, 'obs.… is not a field').replace(/^Math\.\S+ does not exist/, 'Math.… does not exist');
    this.stats.reasons[k] = (this.stats.reasons[k] ?? 0) + 1;
  }

  /** Static check + parse check of `line` after `lines`; returns the check (with declarations) or null. */
  private async accept(lines: string[], scope: Scope, line: string): Promise<LineCheck | null> {
    const c = checkLine(line, scope);
    if (!c.ok) {
      this.reject(c.reason);
      return null;
    }
    if (!(await bodyParses([...lines, line]))) {
      this.stats.rejectedSyntax++;
      return null;
    }
    return c;
  }

  async write(context: string, prefixLines: string[], seed: number): Promise<string> {
    const { temperature, topK, tries, codeTries, lineTokens } = this.opts;
    const lines = [...prefixLines];
    // The kept lines of a mutation come from a reward that ran; their declarations are in scope.
    const scope = scopeOf(prefixLines, this.opts.fields).scope;
    // Too long for the model's context, the prompt is cut from the left by the LM (oldest first).
    const prompt = (extra: string[] = []) => [context, HEADER, ...lines, ...extra].join('\n');
    let s = seed * 7919;
    const hasReturn = () => lines.some((l) => /^\s*return\b/.test(l));
    // Token-level masking (`checkPrefix`): the line so far must still be completable into a line
    // that passes the static name check and has the shape of a statement (`statementShape`); `head`
    // is what precedes the generated text on that line. A token that ends the line (its newline)
    // must leave a complete, valid line; the end-of-text token is never drawn inside a body.
    const allow = (head: string) =>
      this.opts.tokenMask
        ? (cont: string, end: boolean) => {
            if (end) return false;
            const nl = cont.indexOf('\n');
            const line = `${head}${nl < 0 ? cont : cont.slice(0, nl)}`.trimStart();
            return nl < 0 ? checkPrefix(line, scope) : completeLine(line, scope);
          }
        : undefined;
    // The prompt ends with "\n " — one BPE token, the one that starts every body line in the corpus
    // (the second space of the indentation is part of the next token: " const", " //", " return") —
    // and generation stops at the end of the line.
    const sample = async (extra: string[]) => {
      this.stats.sampled++;
      const p = `${prompt(extra)}\n `;
      return (await this.lm.generate(p, { maxNewTokens: lineTokens, temperature, topK, seed: s++, stop: ['\n'], allow: allow('') })).trim();
    };
    const isComment = (l: string) => l.startsWith('//');
    while (lines.length < this.opts.maxLines && !hasReturn()) {
      // One slot: a code line, or (the corpus style) a comment and the code line it announces. A
      // comment whose code line fails `codeTries` times is dropped with it (the comment steers the
      // line: "// penalize the hill" leads to MountainCar code). At most `tries` samples per slot.
      let unit: string[] | null = null;
      for (let used = 0; used < tries && unit === null; ) {
        const first = await sample([]);
        used++;
        // Empty lines, a repeated obs header or a new function are not part of a body: resample.
        if (first === '' || /^(\/\/ obs:|function\b)/.test(first)) continue;
        if (!isComment(first)) {
          const c = await this.accept(lines, scope, first);
          if (c) { declare(scope, c); unit = [`  ${first}`]; }
          continue;
        }
        for (let j = 0; j < codeTries && used < tries && unit === null; j++) {
          const code = await sample([`  ${first}`]);
          used++;
          if (code === '' || isComment(code) || /^function\b/.test(code)) continue;
          const c = await this.accept([...lines, `  ${first}`], scope, code);
          if (c) { declare(scope, c); unit = [`  ${first}`, `  ${code}`]; }
        }
      }
      if (unit === null) {
        this.stats.droppedLines++;
        break;
      }
      lines.push(...unit);
    }
    // Eureka's prompt tells the model that the function must return the reward; a 128-token model
    // cannot hold such instructions, so the format is imposed: if the body has no `return`, the LM
    // writes the return expression after a forced "  return".
    for (let attempt = 0; attempt < this.opts.returnTries && !hasReturn(); attempt++) {
      const gen = await this.lm.generate(`${prompt()}\n  return`, { maxNewTokens: lineTokens, temperature, topK, seed: s++, stop: ['\n'], allow: allow('return') });
      this.stats.sampled++;
      const ret = `return${gen.trimEnd()}`;
      if (await this.accept(lines, scope, ret)) lines.push(`  ${ret}`);
    }
    if (!hasReturn()) {
      this.stats.grammarReturns++;
      lines.push(`  ${await this.grammarReturn(`${prompt()}\n  return`, scope, s)}`);
    }
    return `${HEADER}\n${lines.join('\n')}\n}`;
  }

  /**
   * Constrained decoding of `return t1 ± t2 ± …;` over the declared components (or, with none, the
   * task's fields): at each step the allowed continuations are scored by the LM and one is sampled
   * from their renormalized probabilities (temperature as above), until the LM picks the end `;`.
   */
  private async grammarReturn(prompt: string, scope: Scope, seed: number): Promise<string> {
    const rng = new Rng(seed);
    const terms = scope.locals.size > 0 ? [...scope.locals.keys()] : this.opts.fields.map((f) => `obs.${f}`);
    let expr = '';
    const used = new Set<string>();
    for (let step = 0; step < Math.min(6, terms.length); step++) {
      const free = terms.filter((t) => !used.has(t));
      const cands = step === 0 ? free.flatMap((t) => [` ${t}`, ` -${t}`]) : [';', ...free.flatMap((t) => [` + ${t}`, ` - ${t}`])];
      const lp = await this.lm.logProb(prompt + expr, cands);
      const m = Math.max(...lp);
      const pick = cands[rng.categorical(lp.map((v) => Math.exp((v - m) / this.opts.temperature)))]!;
      if (pick === ';') break;
      expr += pick;
      used.add(pick.replace(/^\s*[-+]?\s*/, ''));
    }
    return `return${expr};`;
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
          rs.push((await trainAndScore(source, cfg.ppo, { seed: seed * 7907 + 500_009 + n++, evalEpisodes: cfg.evalEpisodes, limits: cfg.limits })).fitness);
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

