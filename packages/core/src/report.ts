/**
 * The `report.json` every leaf writes (docs/architecture.md, "Reports"), validated by one zod schema
 * shared with the showcase, and written atomically (temp file + rename) so a crash never leaves a
 * half-written report.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ROLES } from './aggregate.ts';
import { TRAINERS } from './trainer.ts';

// JSON writes NaN as null: a number that may be missing reads back as null.
const num = z.number().nullable();

export const VariantResult = z.object({
  /** What the variant plays: the method, an ablation or baseline it is judged against, an upper bound (oracle), a reference. */
  role: z.enum(ROLES),
  /** One line: what the variant is. */
  about: z.string().optional(),
  /** A second comparison in the same leaf (absent: the main one). */
  group: z.string().optional(),
  mean: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  perSeed: z.array(z.number()),
  std: z.number().optional(),
  /** Further numbers, each {mean, std, ci95, perSeed, n} over seeds, nested by name. */
  stats: z.record(z.string(), z.unknown()).optional(),
  /** Per seed (keyed by seed): examples, traces. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type VariantResult = z.infer<typeof VariantResult>;

/** The paired difference method − variant over seeds, and what its 95% CI says. */
export const VariantComparison = z.object({
  group: z.string(),
  method: z.string(),
  variant: z.string(),
  role: z.enum(['ablation', 'baseline']),
  /** 'metric', or the dotted path of a stat the leaf also compares. */
  measure: z.string(),
  diff: z.object({ mean: num, std: num, ci95: z.tuple([num, num]), perSeed: z.array(num), n: z.number().int() }),
  verdict: z.enum(['better', 'worse', 'no difference shown', 'one seed']),
});
export type VariantComparison = z.infer<typeof VariantComparison>;

export const Curve = z
  .object({
    variant: z.string(),
    x: z.array(z.number()),
    y: z.array(z.number()),
    /** Optional per-point 95% CI band over seeds. */
    lo: z.array(z.number()).optional(),
    hi: z.array(z.number()).optional(),
    xLabel: z.string(),
    yLabel: z.string(),
    title: z.string().optional(),
  })
  .refine((c) => c.x.length === c.y.length, { message: 'x and y must have the same length', path: ['y'] });
export type Curve = z.infer<typeof Curve>;

export const Report = z
  .object({
    leaf: z.string(),
    taxonomy: z.string(),
    paper: z.string(),
    model: z.string(),
    metric: z.object({ name: z.string(), higherIsBetter: z.boolean() }),
    method: z.string(),
    variants: z.record(z.string(), VariantResult),
    comparisons: z.array(VariantComparison),
    curves: z.array(Curve),
    extra: z.record(z.string(), z.unknown()),
    seeds: z.array(z.number().int()),
    config: z.record(z.string(), z.unknown()),
    /** The training backend the run used (trainer.ts; absent in reports written before it was recorded). */
    trainer: z.enum(TRAINERS).optional(),
    seconds: z.number().nonnegative(),
  })
  .refine((r) => r.method in r.variants, { message: 'method must name one of the variants', path: ['method'] })
  .refine((r) => r.variants[r.method]?.role === 'method', { message: "the method's variant must have role 'method'", path: ['method'] });
export type Report = z.infer<typeof Report>;

/** Write JSON atomically: a reader sees the old file or the whole new one, never a prefix. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Validate and write `<dir>/report.json`; returns the path. */
export function writeReport(dir: string, report: Report): string {
  const parsed = Report.safeParse(report);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`report for ${report.leaf} is invalid at "${i.path.join('.')}": ${i.message}`);
  }
  const file = join(dir, 'report.json');
  writeJsonAtomic(file, parsed.data);
  return file;
}
