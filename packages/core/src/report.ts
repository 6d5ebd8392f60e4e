/**
 * The `report.json` every leaf writes (DESIGN.md, "Leaf contract"), validated by one zod schema
 * shared with the showcase, and written atomically (temp file + rename) so a crash never leaves a
 * half-written report.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { summarize } from './stats.ts';

export const VariantResult = z.object({
  mean: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  perSeed: z.array(z.number()),
  std: z.number().optional(),
});
export type VariantResult = z.infer<typeof VariantResult>;

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
    curves: z.array(Curve),
    extra: z.record(z.string(), z.unknown()),
    seeds: z.array(z.number().int()),
    config: z.record(z.string(), z.unknown()),
    seconds: z.number().nonnegative(),
  })
  .refine((r) => r.method in r.variants, { message: 'method must name one of the variants', path: ['method'] });
export type Report = z.infer<typeof Report>;

/** Build a variant entry from per-seed values. */
export function variantResult(perSeed: number[]): VariantResult {
  const s = summarize(perSeed);
  return { mean: s.mean, ci95: s.ci95, perSeed: s.perSeed, std: s.std };
}

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

/**
 * A curve over seeds: `perSeed[s][i]` is seed s's value at x[i]; y is the mean and lo/hi the 95% CI
 * band (Student t) at each point.
 */
export function curveOverSeeds(variant: string, x: number[], perSeed: number[][], labels: { xLabel: string; yLabel: string; title?: string }): Curve {
  const stats = x.map((_, i) => summarize(perSeed.map((ys) => ys[i]!)));
  return { variant, x, y: stats.map((s) => s.mean), lo: stats.map((s) => s.ci95[0]), hi: stats.map((s) => s.ci95[1]), ...labels };
}
