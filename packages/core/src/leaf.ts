/**
 * The leaf contract (DESIGN.md): every leaf package exports a `Leaf` — a zod config schema with
 * `quick` and `full` presets and `run(config, ctx) → Report` — and a bin that calls `leafMain`.
 * The showcase runs leaves through the same `runLeaf`, so a leaf behaves identically from its CLI
 * and from the showcase.
 *
 *   npx <leaf> [--quick|--full] [--seed N | --seeds N] [--model SPEC] [--out DIR] [--config FILE]
 *
 * writes DIR/report.json (validated, atomic) and DIR/events.jsonl.
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseCli, runMain, UserError, type CliSpec } from './config.ts';
import { EventLog } from './events.ts';
import { Progress } from './progress.ts';
import { writeReport, type Report } from './report.ts';

export interface LeafMeta {
  /** Package name without scope, e.g. "saycan-tiny". */
  leaf: string;
  /** Path in the taxonomy tree, e.g. "RL+LLM / without language feedback". */
  taxonomy: string;
  paper: string;
  description: string;
  metric: { name: string; higherIsBetter: boolean };
  /** The variant that is the paper's method. */
  method: string;
  /** The language model without --model (default: 'default', the baked rlllm/tiny-gpt). */
  defaultModel?: string;
}

export interface LeafContext {
  seeds: number[];
  /** Language-model spec (--model, else the leaf's `meta.defaultModel`, else 'default'). */
  model: string;
  /** Output directory (exists when run is called). */
  out: string;
  log: EventLog;
  /** Make a progress display for a phase of the run (quiet under the showcase). */
  progress(label: string, total: number): Progress;
  /** Extra CLI flags the leaf declared (name → value). */
  extra: Record<string, string>;
}

/** What a leaf's run returns: the measurements. runLeaf adds the identity fields (from `meta`),
 *  the seeds and config it ran with, and the wall time. */
export type LeafResult = Omit<Report, 'leaf' | 'taxonomy' | 'paper' | 'metric' | 'method' | 'seeds' | 'config' | 'seconds'>;

export interface Leaf<S extends z.ZodObject<z.ZodRawShape>> {
  meta: LeafMeta;
  schema: S;
  presets: { quick: Partial<z.input<S>>; full: Partial<z.input<S>> };
  /** Leaf-specific flags beyond the config fields, with help text (e.g. "--instructions FILE.json"). */
  extraFlags?: Record<string, string>;
  /** Runs every variant over ctx.seeds and returns the measurements. */
  run(config: z.infer<S>, ctx: LeafContext): Promise<LeafResult>;
}

export interface RunLeafOptions {
  preset?: 'quick' | 'full';
  seeds?: number[];
  model?: string;
  out: string;
  /** Overrides on top of the preset. */
  config?: Record<string, unknown>;
  extra?: Record<string, string>;
  quiet?: boolean;
}

/** Run a leaf programmatically: validate config, run, write report.json + events.jsonl. */
export async function runLeaf<S extends z.ZodObject<z.ZodRawShape>>(leaf: Leaf<S>, opts: RunLeafOptions): Promise<Report> {
  const preset = opts.preset ?? 'quick';
  const config = leaf.schema.strict().parse({ ...leaf.presets[preset], ...(opts.config ?? {}) }) as z.infer<S>;
  const out = resolve(opts.out);
  const outExisted = existsSync(out);
  const log = new EventLog(join(out, 'events.jsonl'));
  const seeds = opts.seeds ?? [1];
  const t0 = performance.now();
  const model = opts.model ?? leaf.meta.defaultModel ?? 'default';
  log.log('start', { leaf: leaf.meta.leaf, preset, seeds, model });
  let result: LeafResult;
  try {
    result = await leaf.run(config, {
      seeds,
      model,
      out,
      log,
      extra: opts.extra ?? {},
      progress: (label, total) => new Progress({ label: `${leaf.meta.leaf} ${label}`, total, quiet: opts.quiet }),
    });
  } catch (e) {
    // Bad input (a model folder, a user file) leaves no half-written output behind; a crash keeps
    // its events.jsonl, which is the record of what happened.
    if (e instanceof UserError) rmSync(outExisted ? join(out, 'events.jsonl') : out, { recursive: true, force: true });
    throw e;
  }
  const { leaf: name, taxonomy, paper, metric, method } = leaf.meta;
  const report: Report = { ...result, leaf: name, taxonomy, paper, metric, method, seeds, config: { ...config }, seconds: (performance.now() - t0) / 1000 };
  writeReport(out, report);
  log.log('end', { seconds: report.seconds });
  return report;
}

/** The bin of a leaf: parse the standard flags, run, write, print a short summary. */
export function leafMain<S extends z.ZodObject<z.ZodRawShape>>(leaf: Leaf<S>, argv = process.argv.slice(2)): Promise<void> {
  return runMain(async () => {
    const spec: CliSpec<S> = { name: leaf.meta.leaf, description: leaf.meta.description, schema: leaf.schema, presets: leaf.presets, extraFlags: leaf.extraFlags, defaultModel: leaf.meta.defaultModel };
    const cli = parseCli(spec, argv);
    if (!cli) return; // --help
    const out = cli.out ?? join('runs', `${leaf.meta.leaf}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const report = await runLeaf(leaf, { preset: cli.preset as 'quick' | 'full', seeds: cli.seeds, model: cli.model, out, config: cli.config as Record<string, unknown>, extra: cli.extra });
    console.log(formatReportSummary(report));
    console.log(`wrote ${join(out, 'report.json')}`);
  });
}

/** A few lines: metric per variant, mean and 95% CI, the method marked. */
export function formatReportSummary(r: Report): string {
  const lines = [`${r.leaf} — ${r.paper} — ${r.metric.name} (${r.metric.higherIsBetter ? 'higher' : 'lower'} is better), seeds ${r.seeds.join(',')}, model ${r.model}`];
  for (const [name, v] of Object.entries(r.variants)) {
    lines.push(`  ${(name === r.method ? '* ' : '  ') + name.padEnd(24)} ${v.mean.toFixed(3)}  [${v.ci95[0].toFixed(3)}, ${v.ci95[1].toFixed(3)}]`);
  }
  lines.push(`  (${r.seconds.toFixed(1)} s)`);
  return lines.join('\n');
}
