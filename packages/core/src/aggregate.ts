/**
 * From per-seed measurements to the numbers a report shows — the arithmetic the experiment runner
 * (experiment.ts) does once for every leaf, kept here as pure functions so each rule has a hand-case
 * test:
 *
 *   summarizeStats      nested per-seed numbers → the same tree of {mean, 95% CI, per seed}
 *   aggregateCurves     per-seed curves → one curve per title with a 95% band; a point a seed lacks
 *                       (or holds as NaN) is left out of that point's statistics, and a point no seed
 *                       has is dropped
 *   pairedDifference    method − other on the same seeds, and the verdict its CI supports
 *
 * The unit of every CI is the seed (Student t over seeds, stats.ts).
 */
import { ci95, mean, std } from './stats.ts';

/** What a variant plays in its leaf's comparison (the report and the showcase say it). */
export const ROLES = ['method', 'ablation', 'baseline', 'upper-bound', 'reference'] as const;
export type Role = (typeof ROLES)[number];
/** The roles a method is judged against: verdicts, summary tables and the showcase use only these. */
export const COMPARED_ROLES: readonly Role[] = ['ablation', 'baseline'];

/** Numbers measured on one seed, nested by name (e.g. `{ heldout: 0.4, perFamily: { search: 0.5 } }`). */
export type StatTree = { [key: string]: number | StatTree };

/** Statistics over seeds of one number. `perSeed` is aligned with the run's seeds (NaN: that seed had none). */
export interface SeedSummary {
  mean: number;
  std: number;
  ci95: [number, number];
  perSeed: number[];
  /** Seeds with a value. */
  n: number;
}
export type SummaryTree = { [key: string]: SeedSummary | SummaryTree };

/** Mean, std and CI over the finite values; the per-seed list keeps NaN where a seed had no value. */
export function summarizeSeeds(values: number[]): SeedSummary {
  const ok = values.filter((v) => Number.isFinite(v));
  return { mean: mean(ok), std: std(ok), ci95: ci95(ok), perSeed: [...values], n: ok.length };
}

/** Summarize a tree of numbers over seeds, key by key (keys in first-seen order; a missing key is NaN for that seed). */
export function summarizeStats(perSeed: (StatTree | undefined)[]): SummaryTree {
  const keys: string[] = [];
  for (const t of perSeed) for (const k of Object.keys(t ?? {})) if (!keys.includes(k)) keys.push(k);
  const out: SummaryTree = {};
  for (const k of keys) {
    const vals = perSeed.map((t) => t?.[k]);
    const kinds = new Set(vals.filter((v) => v !== undefined).map((v) => typeof v));
    if (kinds.size > 1) throw new Error(`stat "${k}" is a number on some seeds and a group on others`);
    if (kinds.has('number')) out[k] = summarizeSeeds(vals.map((v) => (v === undefined ? NaN : (v as number))));
    else out[k] = summarizeStats(vals.map((v) => v as StatTree | undefined));
  }
  return out;
}

/** One seed's curve: y at each x (NaN where the seed has no value, e.g. an empty bin). */
export interface SeedCurve {
  title: string;
  x: number[];
  y: number[];
  xLabel: string;
  yLabel: string;
}

/** A curve over seeds, as the report stores it: the mean at each x and its 95% band. */
export interface AggregatedCurve {
  variant: string;
  title: string;
  x: number[];
  y: number[];
  lo: number[];
  hi: number[];
  xLabel: string;
  yLabel: string;
}

/**
 * Per title, the seeds' curves on the union of their x values: at each x, the statistics over the
 * seeds that have a finite y there; x values no seed has a finite y for are dropped.
 */
export function aggregateCurves(variant: string, perSeed: SeedCurve[][]): AggregatedCurve[] {
  const titles: string[] = [];
  for (const cs of perSeed) for (const c of cs) if (!titles.includes(c.title)) titles.push(c.title);
  return titles.map((title) => {
    const curves = perSeed.map((cs) => cs.find((c) => c.title === title));
    const first = curves.find((c) => c !== undefined)!;
    const xs = [...new Set(curves.flatMap((c) => c?.x ?? []))].sort((a, b) => a - b);
    const out: AggregatedCurve = { variant, title, x: [], y: [], lo: [], hi: [], xLabel: first.xLabel, yLabel: first.yLabel };
    for (const x of xs) {
      const ys = curves.map((c) => (c ? c.y[c.x.indexOf(x)] : undefined)).filter((y): y is number => y !== undefined && Number.isFinite(y));
      if (ys.length === 0) continue;
      const [lo, hi] = ci95(ys);
      out.x.push(x);
      out.y.push(mean(ys));
      out.lo.push(lo);
      out.hi.push(hi);
    }
    return out;
  });
}

/** What the paired difference's 95% CI says about the method against another variant. */
export type Verdict = 'better' | 'worse' | 'no difference shown' | 'one seed';

/** method − other on each seed where both have a value. */
export function pairedDifference(method: number[], other: number[]): SeedSummary {
  return summarizeSeeds(method.map((m, i) => m - other[i]!));
}

/** 'better' / 'worse' when the CI of the paired difference excludes 0 (in the metric's direction). */
export function verdictOf(diff: SeedSummary, higherIsBetter: boolean): Verdict {
  if (diff.n < 2) return 'one seed';
  const [lo, hi] = higherIsBetter ? diff.ci95 : [-diff.ci95[1], -diff.ci95[0]];
  if (lo > 0) return 'better';
  if (hi < 0) return 'worse';
  return 'no difference shown';
}

/** Mean of consecutive blocks of `xs` (the last block may be shorter): x = the index after each block. */
export function blockMeans(xs: ArrayLike<number>, blocks: number): { x: number[]; y: number[] } {
  const size = Math.max(1, Math.floor(xs.length / blocks));
  const out = { x: [] as number[], y: [] as number[] };
  for (let b = 0; b * size < xs.length && out.x.length < blocks; b++) {
    const end = Math.min(xs.length, (b + 1) * size);
    out.x.push(end);
    out.y.push(mean(Array.from(xs).slice(b * size, end)));
  }
  return out;
}

/** Mean y of the points whose x falls in each bin (edges[i−1], edges[i]] (edges[−1] = −∞); NaN for an empty bin. */
export function binMeans(points: { x: number; y: number }[], edges: number[]): number[] {
  return edges.map((hi, i) => {
    const lo = i === 0 ? -Infinity : edges[i - 1]!;
    const sel = points.filter((p) => p.x > lo && p.x <= hi);
    return sel.length ? mean(sel.map((p) => p.y)) : NaN;
  });
}
