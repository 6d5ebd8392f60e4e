/**
 * The numbers the summary table and the page headline show: the paper's method against each of
 * its ablations and baselines, Δ = method − variant paired by seed, its CI and verdict, and whether
 * Δ goes the good way for the metric.
 */
import type { Report, VariantComparison, VariantResult } from '@rlllm/core/report';

export interface Comparison {
  ablation: string;
  /** What the compared variant is: an ablation of the method or a baseline. */
  role: 'ablation' | 'baseline';
  /** The compared variant's mean and CI. */
  mean: number;
  ci95: [number, number];
  /** method − variant, paired by seed, and its 95% CI. */
  delta: number;
  deltaCi: [number, number];
  /** What the CI of the paired difference says (experiment runner's verdict). */
  verdict: VariantComparison['verdict'];
  /** Δ points the way the metric wants (up when higher is better, down otherwise). */
  better: boolean;
}

export interface LeafSummary {
  method: string;
  mean: number;
  ci95: [number, number];
  comparisons: Comparison[];
}

/**
 * The method against its ablations and baselines only (never upper bounds or references), in the
 * main comparison, on the leaf's metric: the report's paired differences.
 */
export function summarizeReport(r: Report): LeafSummary {
  const m = r.variants[r.method]!;
  const comparisons = r.comparisons
    .filter((c) => c.group === 'main' && c.measure === 'metric' && c.method === r.method)
    .map((c) => {
      const v = r.variants[c.variant]!;
      const delta = c.diff.mean ?? NaN;
      return { ablation: c.variant, role: c.role, mean: v.mean, ci95: v.ci95, delta, deltaCi: [c.diff.ci95[0] ?? NaN, c.diff.ci95[1] ?? NaN] as [number, number], verdict: c.verdict, better: r.metric.higherIsBetter ? delta > 0 : delta < 0 };
    });
  return { method: r.method, mean: m.mean, ci95: m.ci95, comparisons };
}

/** Variant names with the method first, then the others in the leaf's own order. */
export function variantOrder(r: Report): string[] {
  return [r.method, ...Object.keys(r.variants).filter((v) => v !== r.method)];
}

/**
 * A number at a sensible precision for metrics of any scale (success rates ~0.8, returns ~200):
 * three decimals below 10, fewer above, exponent notation only for the very large or very small.
 */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(2);
  return x.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : 3);
}

export const fmtDelta = (d: number): string => (d > 0 ? '+' : d < 0 ? '-' : '±') + fmt(Math.abs(d));

/** "0.800 ± 0.100": the mean and the half-width of its 95% CI (Student t, symmetric). */
export function fmtMeanCi(v: Pick<VariantResult, 'mean' | 'ci95'>): string {
  return `${fmt(v.mean)} ± ${fmt((v.ci95[1] - v.ci95[0]) / 2)}`;
}

/** "0.555 [0.110, 1.001]": the mean and its 95% CI, as docs/results.md writes them. */
export function fmtCi(v: Pick<VariantResult, 'mean' | 'ci95'>): string {
  return `${fmt(v.mean)} [${fmt(v.ci95[0])}, ${fmt(v.ci95[1])}]`;
}

/** "+0.310 [-0.110, +0.730]": a paired difference and its 95% CI, signed. */
export function fmtDeltaCi(c: Pick<Comparison, 'delta' | 'deltaCi'>): string {
  return `${fmtDelta(c.delta)} [${fmtDelta(c.deltaCi[0])}, ${fmtDelta(c.deltaCi[1])}]`;
}
