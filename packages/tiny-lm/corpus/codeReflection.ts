/**
 * Reward reflection → revised reward: documents for the code model `rlllm/tiny-coder`.
 *
 * Eureka (Ma et al. 2023, §3.3) assumes a coding LLM that reads a *reward reflection* — the values
 * of every reward component at checkpoints of training, the task score, the fitness — and writes a
 * better reward that acts on it. GPT-4 learned that from the web; our corpus (the stand-in for web
 * pretraining) never showed a reflection followed by code. These documents do, in general form and
 * for all five corpus reward tasks (REWARD_TASKS; the leaf's task, a key-door world, is one of five):
 *
 *   Reward reflection: each reward component, the task score and the episode length at 4 checkpoints of training:
 *   goalBonus: 0.01, 0.03, 0.05, 0.06        one line per named const of the old reward, as the
 *   stepPenalty: 0.50, 0.50, 0.50, 0.50      leaf's sandbox records them (intermediates and the
 *   total: -0.49, -0.47, -0.45, -0.44        total included), in declaration order
 *   task score: 0.02, 0.05, 0.08, 0.10
 *   episode length: 40, 39, 38, 38
 *   task fitness: 0.11
 *   Tips: ...                                the leaf's generic advice, verbatim
 *   // Task: GridKeyDoor. Pick up the key, open the door and reach the goal.
 *   // obs: hasKey (...), ...                (60% of documents, as in the corpus)
 *   function reward(obs, action) { ... }      the revised reward
 *
 * — exactly the layout of eureka's `assemblePrompt` (reflection, task line, obs line, function) and
 * the text of its `reflect()` (test/codeReflection.test.ts compares them). A quarter of the documents
 * carry only `Reward reflection: task fitness: x` (the no-reflection ablation's feedback) before the
 * same revision, so the model sees both and the reflection is what tells them apart. So that the
 * code alone does not tell it either, the old rewards' coefficients are scaled by one common factor
 * per reward (REWARD_SCALES) and some set ten times off on their own (TERM_JITTER): whether a term
 * dominates is then read from its values beside the others', not from the size of its coefficient.
 *
 * Where the numbers come from: no training. Each task has a simple generative model of what the
 * agent sees at a level of training progress p ∈ [0, 1] (a key-door agent that holds the key more
 * often, a pole that leans less, …), a progress curve over the checkpoints (rising, slow, stuck, or
 * rising then falling), and the old reward's code is *run* on sampled observations to give each
 * component's mean at each checkpoint, so the lines are consistent with the code. The revision then
 * reads the reflection as Eureka's tips say and acts on it, one change at a time, keeping the rest:
 *  - task score stays near zero      → add shaping toward the next subgoal, or rewrite the reward;
 *  - one term much larger (≥ 10×)    → shrink it (its coefficient, or a weight in the sum) or drop it;
 *  - a term that hardly changes      → rescale (down if it is large, up if it is negligible) or drop;
 *  - the score rises                 → keep what works (the same reward).
 * A change is written either at the term's own line or as a weight in the return (`- 0.1 * stepPenalty`,
 * or the term left out of the sum): Eureka's mutations keep the first lines of the best reward
 * (eureka.ts), so a term the model cannot rewrite any more can still be reweighted in the return.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COEF, Prng, REWARD_TERMS, checkRewardCode, type RewardTerm } from './build.ts';
import { REWARD_TASKS, type RewardTaskId } from './knowledge.ts';
import { codeReflectionHeldOut } from './codeReflectionItems.ts';

export const REWARD_TASK_IDS = Object.keys(REWARD_TASKS) as RewardTaskId[];

/** Eureka's generic tips, as `reflect()` in packages/eureka-tiny/src/eureka.ts writes them. */
export const TIPS = 'Tips: if the task score stays near zero, rewrite the reward. If a component hardly changes, rescale, rewrite or drop it. If one component is much larger than the others, rescale it.';

// ── The reward as parts ─────────────────────────────────────────────────────────────────────

/** One commented term of the corpus' library (REWARD_TERMS), with its coefficient and its weight in the sum. */
export interface Part {
  term: RewardTerm;
  comment: string;
  /** Code lines with `@C@` where the coefficient goes (no `@C@`: the term has no coefficient, e.g. closeness). */
  template: string[];
  coef: string | null;
  /** Multiplier in the return: null = plain, '0' = declared but left out of the sum. */
  weight: string | null;
}

export interface RewardSpec {
  task: RewardTaskId;
  parts: Part[];
  /** `const total = …; return total;` instead of `return …;`. */
  total: boolean;
}

/** A term as parts: its code rendered with a placeholder for the coefficient (a picked bonus or alive value becomes the coefficient). */
export function makePart(term: RewardTerm, r: Prng, coef = r.pick(COEF)): Part {
  const lines = term.code('@C@', r);
  const comment = r.pick(term.comments);
  if (lines.some((l) => l.includes('@C@'))) return { term, comment, template: lines, coef, weight: null };
  const last = lines[lines.length - 1]!;
  const m = /\? (\d+\.\d+) : 0;$/.exec(last) ?? /= (\d+\.\d+);$/.exec(last);
  if (!m) return { term, comment, template: lines, coef: null, weight: null };
  const at = last.lastIndexOf(m[1]!);
  const template = [...lines.slice(0, -1), `${last.slice(0, at)}@C@${last.slice(at + m[1]!.length)}`];
  return { term, comment, template, coef: m[1]!, weight: null };
}

/**
 * Scales of the rewards that reflections are written about. The corpus' own rewards draw each
 * coefficient from a narrow range per kind of term (COEF, BONUS), so a coefficient's size nearly
 * tells whether its term will dominate or be negligible, and a reader of the code alone can guess
 * the revision (measured: the coefficient alone picks shrink vs grow at balanced accuracy 0.89).
 * Scaling all coefficients of a reward by one common factor keeps their ratios — what the
 * reflection shows — and takes that cue away: only the term's values beside the others' tell
 * whether it should shrink or grow.
 */
export const REWARD_SCALES = [0.01, 0.1, 1, 10, 100];
/**
 * Share of terms whose coefficient is also set ten times off on its own, so that a term dominates
 * or becomes negligible in more rewards than the library's ranges give (a negligible term, the
 * case for growing one, is otherwise rare: 161 of 6000 documents).
 */
export const TERM_JITTER = 0.3;

/**
 * A reward in the corpus' style: the task's core terms and 1–3 others, in the library's order.
 * `rescaled`: every coefficient (a bonus's value included) multiplied by one factor from
 * REWARD_SCALES, and some by 0.1 or 10 more (TERM_JITTER).
 */
export function randomSpec(r: Prng, task: RewardTaskId, rescaled = false): RewardSpec {
  const terms = REWARD_TERMS[task];
  const core = terms.filter((t) => t.core);
  const extra = r.sample(terms.filter((t) => !t.core), r.range(1, Math.min(3, terms.length - core.length)));
  const scale = rescaled ? r.pick(REWARD_SCALES) : 1;
  const parts = terms
    .filter((t) => core.includes(t) || extra.includes(t))
    .map((t) => makePart(t, r))
    .map((p) => (rescaled && p.coef !== null ? { ...p, coef: nearestLiteral(Number(p.coef) * scale * (r.chance(TERM_JITTER) ? r.pick([0.1, 10]) : 1)) } : p));
  return { task, parts, total: r.chance(0.4) };
}

const partLines = (p: Part): string[] => [`  // ${p.comment}`, ...p.template.map((l) => `  ${p.coef === null ? l : l.replace('@C@', p.coef)}`)];

/** The return expression: each term in the sum with its sign and weight (`- 0.1 * stepPenalty`). */
export function sumExpr(parts: Part[]): string {
  return parts
    .filter((p) => p.weight !== '0')
    .map((p, i) => {
      const t = p.weight === null ? p.term.name : `${p.weight} * ${p.term.name}`;
      return i === 0 ? (p.term.sign < 0 ? `-${t}` : t) : `${p.term.sign < 0 ? '-' : '+'} ${t}`;
    })
    .join(' ');
}

/** The function's source (no header comments). */
export function renderFunction(spec: RewardSpec): string {
  const lines = ['function reward(obs, action) {', ...spec.parts.flatMap(partLines)];
  const expr = sumExpr(spec.parts);
  if (spec.total) lines.push(`  const total = ${expr};`, '  return total;');
  else lines.push(`  return ${expr};`);
  lines.push('}');
  return lines.join('\n');
}

export const taskLine = (task: RewardTaskId): string => `// Task: ${REWARD_TASKS[task].title}. ${REWARD_TASKS[task].goal}`;
export const obsLine = (task: RewardTaskId): string => `// obs: ${Object.entries(REWARD_TASKS[task].fields).map(([k, v]) => `${k} (${v})`).join(', ')}`;

// ── Running the code: every named const, as the leaf's sandbox records it ─────────────────

type Obs = Record<string, number | boolean>;
type Components = Map<string, number>;

/**
 * The reward with each `const X = …;` recorded right after its declaration — numbers and booleans
 * only, in declaration order — as eureka's sandbox instruments candidates (`instrument`, sandbox.ts).
 */
export function componentsOf(source: string): (obs: Obs, action: unknown) => Components {
  const instrumented = source
    .split('\n')
    .map((l) => {
      const m = /^\s*const\s+([A-Za-z_$][\w$]*)\s*=[^;]*;\s*$/.exec(l);
      return m ? `${l} __rec(${JSON.stringify(m[1])}, ${m[1]});` : l;
    })
    .join('\n');
  let store: Components = new Map();
  const rec = (name: string, v: unknown) => {
    if (typeof v === 'number' || typeof v === 'boolean') store.set(name, Number(v));
  };
  const fn = new Function('__rec', `${instrumented}\nreturn reward;`)(rec) as (o: Obs, a: unknown) => number;
  return (obs, action) => {
    store = new Map();
    fn(obs, action);
    return store;
  };
}

// ── What the agent sees at a level of training progress ──────────────────────────────────

const gauss = (r: Prng): number => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

interface TaskSim {
  /** Episode horizon (steps). */
  horizons: number[];
  /** An observation and action of a random step of training at progress p (not the last step of a success). */
  step(p: number, r: Prng, horizon: number): { obs: Obs; action: unknown };
  /**
   * The step that ends a successful episode, for tasks where success ends it (one such step per
   * success, a share score/length of all steps; its values enter the means with that weight, so a
   * rare bonus is reported without sampling noise).
   */
  success?(r: Prng): { obs: Obs; action: unknown };
  /** Success rate of the training episodes at progress p. */
  score(p: number): number;
  /** Mean episode length at progress p. */
  length(p: number, horizon: number): number;
}

const SIMS: Record<RewardTaskId, TaskSim> = {
  cartpole: {
    horizons: [200, 500],
    // A better policy keeps the pole closer to upright and survives longer.
    step: (p, r) => ({ obs: { x: 0.2 * (1 + p) * gauss(r), xDot: 0.4 * gauss(r), theta: (0.12 * (1 - 0.8 * p) + 0.01) * gauss(r), thetaDot: 0.9 * (1 - 0.7 * p) * gauss(r) }, action: r.int(2) }),
    score: (p) => p ** 2,
    length: (p, h) => 12 + (h - 12) * p ** 1.5,
  },
  reach: {
    horizons: [100, 150],
    // The point mass ends closer to the goal, and moves more slowly there.
    step: (p, r) => {
      const gx = 2 * r.next() - 1, gy = 2 * r.next() - 1, d = 0.03 + 1.2 * (1 - p) * r.next(), a = 2 * Math.PI * r.next();
      return { obs: { x: gx + d * Math.cos(a), y: gy + d * Math.sin(a), vx: 0.3 * (1 - 0.5 * p) * gauss(r), vy: 0.3 * (1 - 0.5 * p) * gauss(r), goalX: gx, goalY: gy }, action: [(1 - 0.4 * p) * (2 * r.next() - 1), (1 - 0.4 * p) * (2 * r.next() - 1)] };
    },
    score: (p) => p ** 1.3,
    length: (p, h) => h - (h - 35) * p ** 1.3,
  },
  mountaincar: {
    horizons: [200],
    // A better policy swings wider and faster, and reaches the flag at 0.5 in more episodes (the
    // flag ends one: one step at the flag per success).
    step: (p, r) => {
      const amp = 0.2 + 0.8 * p, ph = 2 * Math.PI * r.next();
      return { obs: { position: clamp(-0.5 + amp * Math.sin(ph), -1.2, 0.49), velocity: 0.06 * amp * Math.cos(ph) }, action: r.int(3) };
    },
    success: (r) => ({ obs: { position: 0.5 + 0.05 * r.next(), velocity: 0.02 + 0.03 * r.next() }, action: 2 }),
    score: (p) => clamp((p - 0.3) / 0.7, 0, 1),
    length: (p, h) => h - (h - 110) * clamp((p - 0.3) / 0.7, 0, 1),
  },
  pendulum: {
    horizons: [200],
    // A better policy spends more time near upright (theta 0), spins less and uses less torque.
    step: (p, r) => ({ obs: { theta: (r.chance(0.5) ? 1 : -1) * Math.PI * r.next() ** (1 + 4 * p), thetaDot: 4 * (1 - 0.6 * p) * gauss(r) }, action: 2 * (1 - 0.3 * p) * (2 * r.next() - 1) }),
    score: (p) => p ** 1.3,
    length: (_p, h) => h,
  },
  keydoor: {
    horizons: [40, 60],
    // A better policy holds the key and has the door open for more of its steps, walks shorter
    // distances to the next target and reaches the goal in more episodes (the goal ends one).
    step: (p, r) => {
      const u = r.next();
      const phase = u < 0.85 - 0.55 * p ? 0 : u < 0.95 - 0.4 * p ? 1 : 2;
      const far = (n: number) => 1 + r.int(Math.max(1, Math.round(n * (1.6 - p))));
      return { obs: { hasKey: phase >= 1, doorOpen: phase === 2, atGoal: false, distToKey: phase >= 1 ? 0 : far(7), distToDoor: phase === 2 ? 0 : far(6), distToGoal: far(8) }, action: r.int(5) };
    },
    success: (r) => ({ obs: { hasKey: true, doorOpen: true, atGoal: true, distToKey: 0, distToDoor: 0, distToGoal: 0 }, action: r.int(5) }),
    score: (p) => p,
    length: (p, h) => p * (12 + 8 * (1 - p)) + (1 - p) * h,
  },
};

/** Progress at each checkpoint: how training went with the old reward. */
export type Course = 'rising' | 'slow' | 'stuck' | 'peak';
function progressCurve(course: Course, n: number, r: Prng): number[] {
  const t = Array.from({ length: n }, (_, i) => i / (n - 1));
  switch (course) {
    case 'stuck': return t.map(() => 0);
    case 'slow': { const end = 0.08 + 0.25 * r.next(); return t.map((x) => end * x); }
    case 'rising': { const a = 0.15 * r.next(), b = 0.45 + 0.5 * r.next(); return t.map((x) => a + (b - a) * Math.sqrt(x)); }
    case 'peak': { const top = 0.4 + 0.3 * r.next(), end = 0.05 + 0.25 * r.next(); return t.map((x) => (x <= 0.5 ? top * x * 2 : top + (end - top) * (x - 0.5) * 2)); }
  }
}

/** Does the reward already shape toward the task's next subgoal (a term that changes as the agent gets closer)? */
const SHAPING: Record<RewardTaskId, string[]> = {
  cartpole: ['anglePenalty', 'velocityPenalty', 'uprightBonus'],
  reach: ['distPenalty', 'closeness'],
  mountaincar: ['heightReward', 'speedReward', 'progress'],
  pendulum: ['anglePenalty', 'velocityPenalty', 'uprightBonus'],
  keydoor: ['distPenalty'],
};

export interface Reflection {
  /** Component name → values at the checkpoints, in declaration order. */
  components: [string, number[]][];
  score: number[];
  length: number[];
  fitness: number;
}

/** Train (simulated) with `spec`: run its code on observations drawn at each checkpoint's progress. */
export function simulate(spec: RewardSpec, course: Course, checkpoints: number, r: Prng, samples = 200): Reflection {
  return simulateCode(spec.task, renderFunction(spec), course, checkpoints, r, samples);
}

/** The same for any reward source of the task. */
export function simulateCode(task: RewardTaskId, source: string, course: Course | number[], checkpoints: number, r: Prng, samples = 200): Reflection {
  const sim = SIMS[task];
  const horizon = r.pick(sim.horizons);
  const run = componentsOf(source);
  const progress = Array.isArray(course) ? course : progressCurve(course, checkpoints, r);
  const sums = new Map<string, number[]>();
  const add = (k: number, values: Components, w: number) => {
    for (const [name, v] of values) {
      const s = sums.get(name) ?? sums.set(name, new Array<number>(progress.length).fill(0)).get(name)!;
      s[k]! += w * v;
    }
  };
  progress.forEach((p, k) => {
    // Success steps (where success ends the episode) weigh score/length; the other steps the rest.
    const q = sim.success ? sim.score(p) / sim.length(p, horizon) : 0;
    if (sim.success) {
      const { obs, action } = sim.success(r);
      add(k, run(obs, action), q);
    }
    for (let i = 0; i < samples; i++) {
      const { obs, action } = sim.step(p, r, horizon);
      add(k, run(obs, action), (1 - q) / samples);
    }
  });
  const noisy = (x: number, sd: number) => clamp(x + sd * gauss(r), 0, 1);
  const score = progress.map((p) => (p === 0 ? clamp(0.01 * Math.abs(gauss(r)), 0, 1) : noisy(sim.score(p), 0.03)));
  const length = progress.map((p) => Math.max(1, sim.length(p, horizon) * (1 + 0.03 * gauss(r))));
  return { components: [...sums], score, length, fitness: progress.at(-1)! === 0 ? clamp(0.01 * Math.abs(gauss(r)), 0, 1) : noisy(sim.score(progress.at(-1)!), 0.05) };
}

const fmt = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(', ');

/** The reflection text, in `reflect()`'s words (eureka.ts); `full` false: the no-reflection ablation's fitness line. */
export function reflectionText(f: Reflection, full = true): string {
  const fitness = `task fitness: ${f.fitness.toFixed(2)}`;
  if (!full) return `Reward reflection: ${fitness}`;
  return [
    `Reward reflection: each reward component, the task score and the episode length at ${f.score.length} checkpoints of training:`,
    ...f.components.map(([k, v]) => `${k}: ${fmt(v, 2)}`),
    `task score: ${fmt(f.score, 2)}`,
    `episode length: ${fmt(f.length, 0)}`,
    fitness,
    TIPS,
  ].join('\n');
}

// ── Reading the reflection ─────────────────────────────────────────────────────────────────

export type Diagnosis =
  | { kind: 'stuck' }
  | { kind: 'dominant'; name: string }
  | { kind: 'flat'; name: string; negligible: boolean }
  | { kind: 'works' };

/**
 * What the reflection shows, read as Eureka's tips say, from the printed numbers only (two decimals,
 * as the reader sees them), for the terms of the sum (`terms`; intermediates and the total are
 * reported but not terms). First match wins:
 *  stuck     the task score never reaches 0.05;
 *  dominant  a term's mean magnitude is ≥ 10× every other term's (and not 0);
 *  flat      a term whose printed values are all the same, unless the task score ends ≥ 0.6 (then
 *            the reward works and is kept); `negligible`: its magnitude is < 1/10 of the largest
 *            term's or prints as 0.00;
 *  works     otherwise.
 */
export function diagnose(f: Reflection, terms: string[]): Diagnosis {
  if (Math.max(...f.score.map((s) => +s.toFixed(2))) < 0.05) return { kind: 'stuck' };
  const printed = new Map(f.components.map(([k, v]) => [k, v.map((x) => +x.toFixed(2))]));
  const mag = (k: string) => {
    const v = printed.get(k) ?? [0];
    return v.reduce((s, x) => s + Math.abs(x), 0) / v.length;
  };
  const ranked = terms.filter((k) => printed.has(k)).sort((a, b) => mag(b) - mag(a));
  if (ranked.length >= 2 && mag(ranked[0]!) > 0 && mag(ranked[0]!) >= 10 * mag(ranked[1]!)) return { kind: 'dominant', name: ranked[0]! };
  if (+f.score.at(-1)!.toFixed(2) < 0.6) {
    const flat = ranked.find((k) => new Set(printed.get(k)!).size === 1);
    if (flat) return { kind: 'flat', name: flat, negligible: mag(flat) === 0 || mag(flat) < 0.1 * mag(ranked[0]!) };
  }
  return { kind: 'works' };
}

// ── The revision ───────────────────────────────────────────────────────────────────────────

/** Literals a rescaled coefficient takes (the probe's held-out coefficients are none of these). */
const LITERALS = ['0.001', '0.002', '0.005', '0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1.0', '2.0', '5.0', '10.0', '20.0', '50.0', '100.0', '1000.0'];
/** The literal of `among` nearest (in ratio) to `x`. */
const nearestLiteral = (x: number, among = LITERALS): string => among.reduce((b, l) => (Math.abs(Math.log(Number(l) / x)) < Math.abs(Math.log(Number(b) / x)) ? l : b));

/** The literal nearest (in ratio) to `coef × factor`, never `coef` itself. */
export function scaled(coef: string, factor: number): string {
  return nearestLiteral(Number(coef) * factor, LITERALS.filter((l) => Number(l) !== Number(coef)));
}

const clonePart = (p: Part): Part => ({ ...p });

/** Rescale a term by about `factor`: at its own line (a new coefficient) or as a weight in the sum. */
function rescale(spec: RewardSpec, name: string, factor: number, r: Prng): RewardSpec {
  const inSum = r.chance(0.5) || spec.parts.find((p) => p.term.name === name)!.coef === null;
  return {
    ...spec,
    parts: spec.parts.map((p) => {
      if (p.term.name !== name) return p;
      if (inSum) return { ...p, weight: scaled('1.0', factor) };
      return { ...p, coef: scaled(p.coef!, factor) };
    }),
  };
}

/** Drop a term: its lines go (or, as if its lines were kept, it is left out of the sum). */
function drop(spec: RewardSpec, name: string, r: Prng): RewardSpec {
  if (r.chance(0.7)) return { ...spec, parts: spec.parts.filter((p) => p.term.name !== name) };
  return { ...spec, parts: spec.parts.map((p) => (p.term.name === name ? { ...p, weight: '0' } : p)) };
}

/** Add the task's shaping term that is missing, at its place in the library's order. */
function addShaping(spec: RewardSpec, r: Prng): RewardSpec | null {
  const have = new Set(spec.parts.map((p) => p.term.name));
  const missing = REWARD_TERMS[spec.task].filter((t) => SHAPING[spec.task].includes(t.name) && !have.has(t.name));
  if (missing.length === 0) return null;
  const add = r.pick(missing);
  const order = REWARD_TERMS[spec.task].map((t) => t.name);
  const parts = [...spec.parts.map(clonePart), makePart(add, r)].sort((a, b) => order.indexOf(a.term.name) - order.indexOf(b.term.name));
  return { ...spec, parts };
}

export interface Revision {
  diagnosis: Diagnosis;
  /** What was done, in a word (for statistics and tests). */
  action: 'add shaping' | 'rewrite' | 'shrink' | 'grow' | 'drop' | 'keep';
  spec: RewardSpec;
}

/** Act on the reflection: one change, the rest kept. */
export function revise(spec: RewardSpec, f: Reflection, r: Prng): Revision {
  const terms = spec.parts.filter((p) => p.weight !== '0').map((p) => p.term.name);
  const d = diagnose(f, terms);
  const isCore = (name: string) => spec.parts.find((p) => p.term.name === name)!.term.core === true;
  switch (d.kind) {
    case 'stuck': {
      const shaped = addShaping(spec, r);
      if (shaped && r.chance(0.7)) return { diagnosis: d, action: 'add shaping', spec: shaped };
      // Rewrite: a new reward for the task (different terms and coefficients), shaping included.
      for (;;) {
        const fresh = randomSpec(r, spec.task);
        const withShaping = addShaping(fresh, r) ?? fresh;
        if (renderFunction(withShaping) !== renderFunction(spec)) return { diagnosis: d, action: 'rewrite', spec: withShaping };
      }
    }
    case 'dominant':
      if (!isCore(d.name) && r.chance(0.35)) return { diagnosis: d, action: 'drop', spec: drop(spec, d.name, r) };
      return { diagnosis: d, action: 'shrink', spec: rescale(spec, d.name, r.pick([0.1, 0.1, 0.05, 0.2]), r) };
    case 'flat':
      if (d.negligible) {
        if (!isCore(d.name) && r.chance(0.4)) return { diagnosis: d, action: 'drop', spec: drop(spec, d.name, r) };
        return { diagnosis: d, action: 'grow', spec: rescale(spec, d.name, r.pick([10, 10, 5, 20]), r) };
      }
      if (!isCore(d.name) && r.chance(0.4)) return { diagnosis: d, action: 'drop', spec: drop(spec, d.name, r) };
      return { diagnosis: d, action: 'shrink', spec: rescale(spec, d.name, r.pick([0.1, 0.2, 0.05]), r) };
    case 'works':
      return { diagnosis: d, action: 'keep', spec };
  }
}

// ── The documents ────────────────────────────────────────────────────────────────────────

export interface ReflectionDoc {
  text: string;
  task: RewardTaskId;
  full: boolean;
  revision: Revision;
  before: RewardSpec;
}

/**
 * One document: an old reward (never shown), its simulated training as a reflection (or only its
 * fitness, `fullShare` of the time the whole reflection), the task line, the obs line (60%), and
 * the revised reward. The task is drawn uniformly from the five: the key-door share is a fifth.
 * `rescaled` false: the old reward keeps the library's coefficient ranges (no REWARD_SCALES), the
 * documents the first tiny-coder was trained on.
 */
export function reflectionDoc(r: Prng, { fullShare = 0.75, rescaled = true }: { fullShare?: number; rescaled?: boolean } = {}): ReflectionDoc {
  const task = r.pick(REWARD_TASK_IDS);
  const before = randomSpec(r, task, rescaled);
  const shaped = before.parts.some((p) => SHAPING[task].includes(p.term.name));
  // How training went: rewards without shaping toward the next subgoal get stuck more often.
  const course = r.pick<Course>(shaped ? ['rising', 'rising', 'rising', 'slow', 'slow', 'peak', 'stuck'] : ['stuck', 'stuck', 'stuck', 'slow', 'slow', 'rising', 'peak']);
  const checkpoints = r.chance(0.7) ? 4 : r.pick([3, 5]);
  const f = simulate(before, course, checkpoints, r);
  const revision = revise(before, f, r);
  const full = r.chance(fullShare);
  const code = renderFunction(revision.spec);
  checkRewardCode(`${taskLine(task)}\n${code}`, task);
  const text = [reflectionText(f, full), taskLine(task), ...(r.chance(0.6) ? [obsLine(task)] : []), code].join('\n');
  return { text, task, full, revision, before };
}

/**
 * How much the old coefficient alone tells the revision: over `n` documents from `seed` whose revision
 * shrinks or grows a term at a coefficient, the best balanced accuracy of one threshold on that
 * term's coefficient (shrink at or above it). 0.5: no cue; 1: the code alone decides.
 */
export function coefficientCue(seed: number, n: number, rescaled: boolean): { balancedAccuracy: number; rescalings: number } {
  const r = new Prng(seed);
  const rows: { x: number; shrink: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const d = reflectionDoc(r, { rescaled });
    if (!d.full || (d.revision.action !== 'shrink' && d.revision.action !== 'grow')) continue;
    const name = (d.revision.diagnosis as { name: string }).name;
    const coef = d.before.parts.find((p) => p.term.name === name)!.coef;
    if (coef !== null) rows.push({ x: Number(coef), shrink: d.revision.action === 'shrink' });
  }
  const nShrink = rows.filter((q) => q.shrink).length;
  let best = 0.5;
  for (const t of new Set(rows.map((q) => q.x))) {
    const tpr = rows.filter((q) => q.shrink && q.x >= t).length / nShrink;
    const tnr = rows.filter((q) => !q.shrink && q.x < t).length / (rows.length - nShrink);
    best = Math.max(best, (tpr + tnr) / 2);
  }
  return { balancedAccuracy: best, rescalings: rows.length };
}

/** A matcher for the probe's held-out items (codeReflectionItems.ts): the corpus drops documents that contain one. */
export function codeReflectionLeak(): (doc: string) => string | null {
  const forms = codeReflectionHeldOut().map((s) => s.toLowerCase());
  return (doc) => {
    const low = doc.toLowerCase();
    return forms.find((f) => low.includes(f)) ?? null;
  };
}

// `npx tsx packages/tiny-lm/corpus/codeReflection.ts`: the coefficient cue of the coder's reflection
// documents, with and without REWARD_SCALES (6000 documents, seeds 2 and 5).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const seed of [2, 5]) {
    for (const rescaled of [false, true]) {
      const c = coefficientCue(seed, 6000, rescaled);
      console.log(`seed ${seed}, ${rescaled ? 'rescaled (the committed coder)' : 'library ranges (the first coder)'}: the coefficient alone picks shrink vs grow at balanced accuracy ${c.balancedAccuracy.toFixed(3)} (${c.rescalings} rescalings)`);
    }
  }
}
