/**
 * The experiment runner: what every leaf needs around its method, written once.
 *
 *   1. the seed loop — every seed runs all of the leaf's variants, in the order the leaf lists them,
 *      in one process; steps several variants share (an SFT model, a skill library) run once per
 *      seed through `ctx.stage`;
 *   2. parallel seeds — with `workers` > 1 the seeds go to a pool of worker processes
 *      (experimentWorker.ts), each taking the next seed when it is free. A seed's numbers never
 *      depend on which process ran it or on the seeds before it there: randomness comes from
 *      `ctx.rng(name)`, named streams of the seed, and shared things (`ctx.shared`) are seed-free.
 *      Every process trains with the run's trainer (trainer.ts) and max(1, ⌊cores / workers⌋)
 *      onnxruntime threads, which give the same numbers as any other thread count;
 *   3. aggregation (aggregate.ts) — per variant the metric's mean and 95% CI over seeds, nested stats,
 *      curves with bands, and the paired difference of the method against each ablation and baseline
 *      with the verdict its CI supports;
 *   4. report assembly — the fields of `report.json` that come from measurements (runLeaf in leaf.ts
 *      adds the leaf's identity, config and wall time and writes it).
 *
 * A variant that throws stops the run: the other workers are stopped and the error is one line
 * naming the variant and the seed (its stack goes to events.jsonl).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { aggregateCurves, COMPARED_ROLES, pairedDifference, summarizeSeeds, summarizeStats, verdictOf, type Role, type SeedCurve, type StatTree } from './aggregate.ts';
import { UserError } from './config.ts';
import { EventLog } from './events.ts';
import { Progress } from './progress.ts';
import type { Curve, Report, VariantComparison, VariantResult } from './report.ts';
import { Rng } from './rng.ts';
import { SEED_WORKERS_ENV } from './pool.ts';
import type { Leaf } from './leaf.ts';
import { defaultTrainer, ortThreads, setDefaultTrainer, setOrtThreads, threadsPerWorker, type TrainerName } from './trainer.ts';

// ── What a leaf writes ───────────────────────────────────────────────────────────────────────────

/** What one variant measured on one seed. */
export interface VariantOutput {
  /** The leaf's metric (meta.metric) on this seed. */
  metric: number;
  /** Further numbers, nested by name; each becomes {mean, CI, per seed} in `variants[name].stats`. */
  stats?: StatTree;
  /** This seed's curves (x shared across seeds, or binned by the leaf; NaN = no value at that x). */
  curves?: SeedCurve[];
  /** Anything else worth reading (examples, traces), kept per seed in `variants[name].details`. */
  details?: unknown;
}

/** Seed-level measurements that belong to no single variant (a shared stage's accuracy, a skill curve). */
export interface SeedRecord {
  stats?: StatTree;
  curves?: (SeedCurve & { variant: string })[];
  details?: Record<string, unknown>;
}

export interface SeedContext {
  readonly seed: number;
  /** Language-model spec (--model, else the leaf's default). */
  readonly model: string;
  /** The run's output directory (exists). */
  readonly out: string;
  /** The leaf's extra flags as given (name without dashes → value). */
  readonly flags: Record<string, string>;
  readonly log: EventLog;
  progress(label: string, total: number): Progress;
  /** A named random stream of this seed: the same (seed, name) gives the same numbers in any process. */
  rng(name: string): Rng;
  /** A step shared by several variants of this seed (e.g. SFT, the reward model): made once, on first use. */
  stage<T>(name: string, make: () => Promise<T> | T): Promise<T>;
  /** Something every seed uses and no seed changes (a loaded model, a seed-free baseline): made once per process. */
  shared<T>(name: string, make: () => Promise<T> | T): Promise<T>;
  /** Record seed-level measurements (merged; curves appended). */
  record(r: SeedRecord): void;
  /** Run `fn` when the seed is done (free tfjs weights a stage made). */
  cleanup(fn: () => unknown): void;
}

/** One variant of a leaf: its role in the comparison and how to measure it on one seed. */
export interface Variant<C> {
  name: string;
  role: Role;
  /** One line: what this variant is (shown in --help-like listings and the report). */
  about: string;
  /** A second comparison in the same leaf (e.g. PAR's Inner Monologue pair) has its own group and method. */
  group?: string;
  /** For a method: the variants it is compared with, when they are not its group's ablations and baselines. */
  compareTo?: string[];
  run(seed: number, config: C, ctx: SeedContext): Promise<VariantOutput>;
}

/** The main comparison's group name (variants without `group`). */
export const MAIN_GROUP = 'main';

// ── 1. One seed, in this process ─────────────────────────────────────────────────────────────────

export interface SeedJob {
  seed: number;
  model: string;
  out: string;
  flags: Record<string, string>;
  quiet: boolean;
}

export interface SeedOutcome {
  seed: number;
  variants: Record<string, VariantOutput>;
  record: SeedRecord;
}

/** Thrown when a variant fails: the message is the one line the CLI prints. */
export class VariantFailure extends Error {
  override name = 'VariantFailure';
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/**
 * Run every variant of one seed. `shared` holds the run's `ctx.shared` values in this process (one map
 * per run, so two runs in one process — tests — never see each other's).
 */
export async function runOneSeed<S extends z.ZodObject<z.ZodRawShape>>(leaf: Leaf<S>, config: z.infer<S>, job: SeedJob, log: EventLog, shared: Map<string, Promise<unknown>>): Promise<SeedOutcome> {
  const stages = new Map<string, Promise<unknown>>();
  const cleanups: (() => unknown)[] = [];
  const record: SeedRecord = {};
  const root = new Rng(job.seed);
  const ctx: SeedContext = {
    seed: job.seed,
    model: job.model,
    out: job.out,
    flags: job.flags,
    log,
    progress: (label, total) => new Progress({ label: `${leaf.meta.leaf} seed ${job.seed} ${label}`, total, quiet: job.quiet }),
    rng: (name) => root.fork(name),
    stage: <T>(name: string, make: () => Promise<T> | T) => memo(stages, name, make),
    shared: <T>(name: string, make: () => Promise<T> | T) => memo(shared, name, make),
    record(r) {
      if (r.stats) record.stats = { ...record.stats, ...r.stats };
      if (r.curves) record.curves = [...(record.curves ?? []), ...r.curves];
      if (r.details) record.details = { ...record.details, ...r.details };
    },
    cleanup: (fn) => void cleanups.push(fn),
  };
  const variants: Record<string, VariantOutput> = {};
  try {
    for (const v of leaf.variants(config, job.flags)) {
      const t0 = performance.now();
      try {
        variants[v.name] = await v.run(job.seed, config, ctx);
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        log.log('error', { seed: job.seed, variant: v.name, message: err.message, stack: err.stack });
        if (e instanceof UserError) throw e; // bad input found late: its own one-line message
        throw new VariantFailure(`variant "${v.name}" failed on seed ${job.seed}: ${err.message.split('\n')[0]}`, err.stack);
      }
      log.log('variant', { seed: job.seed, variant: v.name, metric: variants[v.name]!.metric, seconds: (performance.now() - t0) / 1000 });
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
  // The same values whether they crossed a process boundary or not (structured clone both ways).
  return structuredClone({ seed: job.seed, variants, record });
}

function memo<T>(store: Map<string, Promise<unknown>>, name: string, make: () => Promise<T> | T): Promise<T> {
  let p = store.get(name) as Promise<T> | undefined;
  if (!p) {
    p = Promise.resolve().then(make);
    store.set(name, p);
  }
  return p;
}

// ── 2. All seeds: in this process, or in a pool of worker processes ──────────────────────────────

export interface RunSeedsOptions {
  seeds: number[];
  model: string;
  out: string;
  flags: Record<string, string>;
  /** Worker processes (default: the machine's cores); at most one per seed; 1 runs in this process. */
  workers?: number;
  /** The training backend of every process (default: this process's, trainer.ts). */
  trainer?: TrainerName;
  quiet?: boolean;
  log: EventLog;
}

export const defaultWorkers = (): number => availableParallelism();

const WORKER = fileURLToPath(new URL('./experimentWorker.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Outcomes in seed order, whatever order the workers finished in. */
export async function runSeeds<S extends z.ZodObject<z.ZodRawShape>>(leaf: Leaf<S>, config: z.infer<S>, o: RunSeedsOptions): Promise<SeedOutcome[]> {
  const workers = Math.max(1, Math.min(o.workers ?? defaultWorkers(), o.seeds.length));
  const job = (seed: number): SeedJob => ({ seed, model: o.model, out: o.out, flags: o.flags, quiet: !!o.quiet });
  const setup: WorkerSetup = { trainer: o.trainer ?? defaultTrainer(), threads: threadsPerWorker(workers) };
  o.log.log('trainer', { ...setup, workers });
  if (workers === 1) {
    // This process: the run's trainer and threads while it runs, then the process's own again.
    const before = { trainer: defaultTrainer(), threads: ortThreads() };
    setDefaultTrainer(setup.trainer);
    setOrtThreads(setup.threads);
    try {
      const out: SeedOutcome[] = [];
      const shared = new Map<string, Promise<unknown>>();
      for (const seed of o.seeds) out.push(await runOneSeed(leaf, config, job(seed), o.log, shared));
      return out;
    } finally {
      setDefaultTrainer(before.trainer);
      setOrtThreads(before.threads);
    }
  }
  return runPool(leaf, config, o, workers, job, setup);
}

/** What every process of a run trains with. */
export interface WorkerSetup {
  trainer: TrainerName;
  /** onnxruntime intra-op threads (trainer.ts `ortThreads`). */
  threads: number;
}

/** Messages between the runner and a worker (experimentWorker.ts). */
export type ToWorker = { type: 'init'; module: string; config: unknown; log: string | null; setup: WorkerSetup } | { type: 'seed'; job: SeedJob } | { type: 'exit' };
export type FromWorker = { type: 'ready' } | { type: 'done'; outcome: SeedOutcome } | { type: 'failed'; seed: number; message: string; detail?: string; user: boolean };

function runPool<S extends z.ZodObject<z.ZodRawShape>>(leaf: Leaf<S>, config: z.infer<S>, o: RunSeedsOptions, n: number, job: (seed: number) => SeedJob, setup: WorkerSetup): Promise<SeedOutcome[]> {
  return new Promise((resolve, reject) => {
    const queue = [...o.seeds];
    const results = new Map<number, SeedOutcome>();
    const children: ChildProcess[] = [];
    let failed = false;
    const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(e);
    };
    // Ctrl-C reaches the workers too (same process group); make sure none outlives the runner.
    const onExit = () => stopAll();
    process.once('exit', onExit);
    // A worker can close its channel between our check and the write (it was told to exit while a
    // message of its was still queued here); the write then fails with EPIPE. Nothing is lost: a
    // worker that leaves before its seed is done is reported by its 'exit' handler below.
    const send = (c: ChildProcess, m: ToWorker) => {
      if (c.connected) c.send(m, () => {});
    };
    const next = (c: ChildProcess) => {
      const seed = queue.shift();
      if (seed === undefined) return send(c, { type: 'exit' });
      send(c, { type: 'seed', job: job(seed) });
    };
    for (let i = 0; i < n; i++) {
      // Each worker learns how many seed workers share the machine, so the job pools it starts
      // (pool.ts poolSize) keep the busy processes within the cores.
      const c = fork(WORKER, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', env: { ...process.env, [SEED_WORKERS_ENV]: String(n) } });
      children.push(c);
      c.on('message', (m: FromWorker) => {
        if (failed) return;
        if (m.type === 'ready') next(c);
        else if (m.type === 'done') {
          results.set(m.outcome.seed, m.outcome);
          if (results.size === o.seeds.length) {
            process.off('exit', onExit);
            children.forEach((k) => send(k, { type: 'exit' }));
            resolve(o.seeds.map((s) => results.get(s)!));
          } else next(c);
        } else fail(m.user ? new UserError(m.message) : new VariantFailure(m.message, m.detail));
      });
      c.on('exit', (code, signal) => {
        if (!failed && results.size < o.seeds.length && (code !== 0 || signal)) fail(new VariantFailure(`a worker process exited (${signal ?? `code ${code}`}) before its seed was done`));
      });
      send(c, { type: 'init', module: leaf.module, config, log: o.log.file, setup });
    }
  });
}

// ── 3 + 4. Aggregation into the report's measured fields ─────────────────────────────────────────

export type MeasuredReport = Pick<Report, 'variants' | 'comparisons' | 'curves' | 'extra'>;

export function aggregate<C>(variants: Variant<C>[], outcomes: SeedOutcome[], higherIsBetter: boolean, pairedStats: string[] = []): MeasuredReport {
  const out: MeasuredReport = { variants: {}, comparisons: [], curves: [], extra: {} };
  for (const v of variants) {
    const per = outcomes.map((o) => o.variants[v.name]!);
    const s = summarizeSeeds(per.map((p) => p.metric));
    const r: VariantResult = { role: v.role, about: v.about, mean: s.mean, ci95: s.ci95, perSeed: s.perSeed, std: s.std };
    if (v.group) r.group = v.group;
    if (per.some((p) => p.stats)) r.stats = summarizeStats(per.map((p) => p.stats));
    if (per.some((p) => p.details !== undefined)) r.details = Object.fromEntries(outcomes.map((o, i) => [String(o.seed), per[i]!.details ?? null]));
    out.variants[v.name] = r;
    out.curves.push(...(aggregateCurves(v.name, per.map((p) => p.curves ?? [])) as Curve[]));
  }
  // Seed-level curves, by the variant label they carry.
  const labels = [...new Set(outcomes.flatMap((o) => (o.record.curves ?? []).map((c) => c.variant)))];
  for (const label of labels) out.curves.push(...(aggregateCurves(label, outcomes.map((o) => (o.record.curves ?? []).filter((c) => c.variant === label))) as Curve[]));
  if (outcomes.some((o) => o.record.stats)) out.extra.stats = summarizeStats(outcomes.map((o) => o.record.stats));
  if (outcomes.some((o) => o.record.details)) out.extra.details = Object.fromEntries(outcomes.map((o) => [String(o.seed), o.record.details ?? null]));
  // Paired differences: in each group, its method against that group's ablations and baselines.
  const groups = [...new Set(variants.map((v) => v.group ?? MAIN_GROUP))];
  for (const g of groups) {
    const inGroup = variants.filter((v) => (v.group ?? MAIN_GROUP) === g);
    const method = inGroup.find((v) => v.role === 'method');
    if (!method) continue;
    const measures: [string, (o: SeedOutcome, name: string) => number][] = [
      ['metric', (o, name) => o.variants[name]!.metric],
      ...pairedStats.map((path) => [path, (o: SeedOutcome, name: string) => statAt(o.variants[name]!.stats, path)] as [string, (o: SeedOutcome, name: string) => number]),
    ];
    const others = method.compareTo ? method.compareTo.map((n) => variants.find((v) => v.name === n)!).filter((v) => v && COMPARED_ROLES.includes(v.role)) : inGroup.filter((v) => COMPARED_ROLES.includes(v.role));
    for (const other of others) {
      for (const [measure, get] of measures) {
        const diff = pairedDifference(outcomes.map((o) => get(o, method.name)), outcomes.map((o) => get(o, other.name)));
        if (diff.n === 0) continue;
        out.comparisons.push({ group: g, method: method.name, variant: other.name, role: other.role as VariantComparison['role'], measure, diff, verdict: verdictOf(diff, higherIsBetter) });
      }
    }
  }
  return out;
}

/** A number in a stat tree by dotted path (NaN if absent). */
function statAt(t: StatTree | undefined, path: string): number {
  let cur: number | StatTree | undefined = t;
  for (const k of path.split('.')) cur = typeof cur === 'object' ? cur[k] : undefined;
  return typeof cur === 'number' ? cur : NaN;
}
