/**
 * The leaf contract: every leaf package exports a `Leaf` — its metadata, a zod config schema with
 * `quick` and `full` presets, and the list of its variants, each `(seed, config, ctx) → measurements`
 * with its role (method, ablation, baseline, upper bound, reference) — and a bin that calls
 * `leafMain`. The experiment runner (experiment.ts) does the rest: seeds (in parallel worker
 * processes), aggregation, CIs, paired differences, the report. The showcase runs leaves through the
 * same `runLeaf`, so a leaf behaves identically from its CLI and from the showcase.
 *
 *   npx <leaf> [--quick|--full] [--seed N | --seeds N] [--workers N] [--trainer ort|tfjs] [--model SPEC] [--out DIR] [--config FILE]
 *
 * writes DIR/report.json (validated, atomic) and DIR/events.jsonl.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseCli, runMain, UserError, type CliSpec } from './config.ts';
import { EventLog } from './events.ts';
import { aggregate, MAIN_GROUP, runSeeds, type MeasuredReport, type Variant } from './experiment.ts';
import { writeReport, type Report } from './report.ts';
import { taxonomyOf } from './taxonomy.ts';
import { defaultTrainer, type TrainerName } from './trainer.ts';

export interface LeafMeta {
  /** Package name without scope, e.g. "saycan-tiny" (its tree path comes from taxonomy.ts). */
  leaf: string;
  /** The tree path, for leaves that are not in taxonomy.ts (test doubles). */
  taxonomy?: string;
  paper: string;
  description: string;
  metric: { name: string; higherIsBetter: boolean };
  /** The language model without --model (default: 'default', the baked rlllm/tiny-gpt). */
  defaultModel?: string;
  /** Stats (dotted paths into each variant's stats) that are also compared method − ablation/baseline, in the metric's direction. */
  pairedStats?: string[];
  /**
   * Seed worker processes when --workers is not given (default: one per core). A leaf whose variants
   * spread their own work over the cores (a JobPool, pool.ts) sets 1, so seeds do not compete with it.
   */
  workers?: number;
}

/** What `check` gets: enough to validate inputs before any work starts. */
export interface CheckContext {
  model: string;
  flags: Record<string, string>;
}

export interface Leaf<S extends z.ZodObject<z.ZodRawShape>> {
  meta: LeafMeta;
  /**
   * `import.meta.url` of the module that exports this leaf as `leaf` — or `<url>#<name>` when the
   * export has another name (worker processes import it).
   */
  module: string;
  schema: S;
  presets: { quick: Partial<z.input<S>>; full: Partial<z.input<S>> };
  /** Leaf-specific flags beyond the config fields, with help text (e.g. "--instructions FILE.json"). */
  extraFlags?: Record<string, string>;
  /** The variants, in the order they run on each seed; optional ones may depend on the config and the extra flags. */
  variants(config: z.infer<S>, flags: Record<string, string>): Variant<z.infer<S>>[];
  /** Validate inputs (model roles, user files) before any work: throw a UserError. */
  check?(config: z.infer<S>, ctx: CheckContext): Promise<void> | void;
  /** Cross-seed additions computed from the aggregated numbers (e.g. a plot of two means). */
  finish?(measured: MeasuredReport, config: z.infer<S>): Partial<MeasuredReport>;
}

export interface RunLeafOptions {
  preset?: 'quick' | 'full';
  seeds?: number[];
  model?: string;
  out: string;
  /** Overrides on top of the preset. */
  config?: Record<string, unknown>;
  extra?: Record<string, string>;
  /** Worker processes for the seeds (default: the cores; 1 = this process). */
  workers?: number;
  /** The training backend (default: this process's, 'ort' unless set; trainer.ts). */
  trainer?: TrainerName;
  quiet?: boolean;
}

/** The name a report gives a model spec. */
export function modelName(spec: string): string {
  if (spec === 'default') return 'rlllm/tiny-gpt';
  return existsSync(spec) ? resolve(spec) : spec;
}

/** Make the output folder, or say in one line why it cannot be (before any work). */
function prepareOut(out: string): boolean {
  const existed = existsSync(out);
  if (existed && !statSync(out).isDirectory()) throw new UserError(`--out ${out}: is a file. Fix: pass a folder path.`);
  for (let d = dirname(out); d !== dirname(d); d = dirname(d)) {
    if (existsSync(d)) {
      if (!statSync(d).isDirectory()) throw new UserError(`--out ${out}: ${d} is a file, so no folder can be made under it. Fix: pass a path under a folder.`);
      break;
    }
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new UserError(`--out ${out}: cannot create it (${(e as Error).message.split('\n')[0]}). Fix: pass a writable folder path.`);
  }
  return existed;
}

/** The main comparison's method: the variant with role 'method' and no group. */
export function methodOf<C>(variants: Variant<C>[]): string {
  const m = variants.filter((v) => v.role === 'method' && (v.group ?? MAIN_GROUP) === MAIN_GROUP);
  if (m.length !== 1) throw new Error(`a leaf needs exactly one variant with role 'method' in its main comparison, found ${m.length}`);
  return m[0]!.name;
}

/** Run a leaf programmatically: validate config and inputs, run every seed, write report.json + events.jsonl. */
export async function runLeaf<S extends z.ZodObject<z.ZodRawShape>>(leaf: Leaf<S>, opts: RunLeafOptions): Promise<Report> {
  const preset = opts.preset ?? 'quick';
  const config = leaf.schema.strict().parse({ ...leaf.presets[preset], ...(opts.config ?? {}) }) as z.infer<S>;
  const out = resolve(opts.out);
  const model = opts.model ?? leaf.meta.defaultModel ?? 'default';
  const flags = opts.extra ?? {};
  const seeds = opts.seeds ?? [1];
  const trainer = opts.trainer ?? defaultTrainer();
  const variants = leaf.variants(config, flags);
  const method = methodOf(variants);
  const outExisted = prepareOut(out);
  const log = new EventLog(join(out, 'events.jsonl'));
  const t0 = performance.now();
  log.log('start', { leaf: leaf.meta.leaf, preset, seeds, model, workers: opts.workers ?? leaf.meta.workers ?? null, trainer });
  let measured: MeasuredReport;
  try {
    await leaf.check?.(config, { model, flags });
    const outcomes = await runSeeds(leaf, config, { seeds, model, out, flags, workers: opts.workers ?? leaf.meta.workers, trainer, quiet: opts.quiet, log });
    measured = aggregate(variants, outcomes, leaf.meta.metric.higherIsBetter, leaf.meta.pairedStats);
    const more = leaf.finish?.(measured, config) ?? {};
    measured = { ...measured, curves: [...measured.curves, ...(more.curves ?? [])], extra: { ...(Object.keys(flags).length ? { flags } : {}), ...measured.extra, ...(more.extra ?? {}) } };
  } catch (e) {
    // Bad input (a model folder, a user file) leaves no output behind; a failed variant keeps its
    // events.jsonl (which holds the stack); neither writes a report.
    if (e instanceof UserError) rmSync(outExisted ? join(out, 'events.jsonl') : out, { recursive: true, force: true });
    throw e;
  }
  const { leaf: name, paper, metric } = leaf.meta;
  const report: Report = { leaf: name, taxonomy: leaf.meta.taxonomy ?? taxonomyOf(name), paper, model: modelName(model), metric, method, ...measured, seeds, config: { ...config }, trainer, seconds: (performance.now() - t0) / 1000 };
  writeReport(out, report);
  log.log('end', { seconds: report.seconds });
  return report;
}

/** The bin of a leaf: parse the standard flags, run, write, print a short summary. */
export function leafMain<S extends z.ZodObject<z.ZodRawShape>>(leaf: Leaf<S>, argv = process.argv.slice(2)): Promise<void> {
  return runMain(async () => {
    const spec: CliSpec<S> = { name: leaf.meta.leaf, description: leaf.meta.description, schema: leaf.schema, presets: leaf.presets, extraFlags: leaf.extraFlags, defaultModel: leaf.meta.defaultModel, variants: (c) => leaf.variants(c as z.infer<S>, {}) };
    const cli = parseCli(spec, argv);
    if (!cli) return; // --help
    const out = cli.out ?? join('runs', `${leaf.meta.leaf}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const report = await runLeaf(leaf, { preset: cli.preset as 'quick' | 'full', seeds: cli.seeds, model: cli.model, out, config: cli.config as Record<string, unknown>, extra: cli.extra, workers: cli.workers, trainer: cli.trainer });
    console.log(formatReportSummary(report));
    console.log(`wrote ${join(out, 'report.json')}`);
  });
}

const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);

/** A few lines: metric per variant with its role, mean and 95% CI; then the method's paired differences. */
export function formatReportSummary(r: Report): string {
  const lines = [`${r.leaf} — ${r.paper} — ${r.metric.name} (${r.metric.higherIsBetter ? 'higher' : 'lower'} is better), seeds ${r.seeds.join(',')}, model ${r.model}${r.trainer ? `, trainer ${r.trainer}` : ''}`];
  for (const [name, v] of Object.entries(r.variants)) {
    lines.push(`  ${(name === r.method ? '* ' : '  ') + name.padEnd(30)} ${v.role.padEnd(11)} ${v.mean.toFixed(3)}  [${v.ci95[0].toFixed(3)}, ${v.ci95[1].toFixed(3)}]`);
  }
  for (const c of r.comparisons.filter((c) => c.measure === 'metric')) {
    const d = c.diff;
    lines.push(`  ${c.method} − ${c.variant} (${c.role}): ${d.mean === null ? 'n/a' : signed(d.mean)}${d.n > 1 ? ` [${signed(d.ci95[0]!)}, ${signed(d.ci95[1]!)}]` : ''} → ${c.verdict}`);
  }
  lines.push(`  (${r.seconds.toFixed(1)} s)`);
  return lines.join('\n');
}
