/** Summary statistics over seeds: mean, sample std, and a 95% confidence interval (Student t). */

// Two-sided 97.5% quantiles of Student's t for df = 1..30; beyond 30 the normal 1.96 is within 2%.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12,
  2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function std(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

export function median(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  const a = Array.from(xs).sort((p, q) => p - q);
  const h = a.length >> 1;
  return a.length % 2 ? a[h]! : (a[h - 1]! + a[h]!) / 2;
}

export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  return df <= 30 ? T975[df - 1]! : 1.96;
}

/** 95% CI of the mean: mean ± t(0.975, n-1) · s/√n. With one value the interval is the point. */
export function ci95(xs: ArrayLike<number>): [number, number] {
  const m = mean(xs);
  if (xs.length < 2) return [m, m];
  const h = (tQuantile975(xs.length - 1) * std(xs)) / Math.sqrt(xs.length);
  return [m - h, m + h];
}

export interface Summary {
  mean: number;
  std: number;
  ci95: [number, number];
  perSeed: number[];
}

export function summarize(perSeed: number[]): Summary {
  return { mean: mean(perSeed), std: std(perSeed), ci95: ci95(perSeed), perSeed: [...perSeed] };
}


/**
 * Paired bootstrap of a mean difference over items (e.g. instructions): resample the items with
 * replacement `resamples` times and take the 2.5th and 97.5th percentiles of mean(a_i − b_i). The
 * uncertainty that matters when a few items decide a comparison and seeds barely vary.
 */
export function bootstrapPairedMean(a: number[], b: number[], rng: { int(n: number): number }, resamples = 10_000): { mean: number; ci95: [number, number]; items: number } {
  const d = a.map((x, i) => x - b[i]!);
  const n = d.length;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += d[rng.int(n)]!;
    means[r] = s / n;
  }
  means.sort();
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { mean: mean(d), ci95: [at(0.025), at(0.975)], items: n };
}

/**
 * max |a − b| / max(max |b|, 1e-6), b the reference: how far one computation is from another,
 * relative to the reference's scale (the trainer-parity tests' measure). Arrays of different lengths
 * are infinitely far apart.
 */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let md = 0;
  let mb = 0;
  for (let i = 0; i < b.length; i++) {
    md = Math.max(md, Math.abs(a[i]! - b[i]!));
    mb = Math.max(mb, Math.abs(b[i]!));
  }
  return md / Math.max(mb, 1e-6);
}
