/**
 * Seeded randomness. All randomness in a run flows from one integer seed through `Rng`
 * (never `Math.random`), so the same seed and config give the same numbers.
 *
 * Generator: PCG32-free, dependency-free "sfc32" seeded through splitmix32 — small, fast,
 * passes PractRand to 2^40 bytes, and exactly reproducible across platforms in JS.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;
  /** The seed this generator was made from (named forks derive from it). */
  readonly initialSeed: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number, got ${seed}`);
    this.initialSeed = Math.trunc(seed) >>> 0;
    let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new Error(`Rng.int needs n > 0, got ${n}`);
    return Math.floor(this.random() * n);
  }

  /** Standard normal (Box-Muller, caches the second draw). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Pick one element uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.choice on an empty array');
    return items[this.int(items.length)]!;
  }

  /** Sample an index from unnormalized non-negative weights (or probabilities). */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    let r = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** In-place Fisher-Yates shuffle; returns the array. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = tmp;
    }
    return arr;
  }

  /** A permutation of 0..n-1 as an Int32Array. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /**
   * A child generator with an independent stream, derived deterministically.
   * - `fork()` draws the child's seed from this stream (so it advances it): children in call order.
   * - `fork(name)` derives the child from this generator's initial seed and the name alone, without
   *   touching this stream: a named stream is the same whatever was drawn before, so a step of an
   *   experiment (`rng.fork('sft')`) gets the same numbers whether or not other steps ran first.
   */
  fork(name?: string): Rng {
    if (name === undefined) return new Rng(this.nextUint32());
    // FNV-1a of the name, mixed with the initial seed through one splitmix round in the constructor.
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng((Math.imul(this.initialSeed ^ 0x5bd1e995, 0x9e3779b1) ^ h) >>> 0);
  }

  /** A fresh integer seed for APIs that take a number (tfjs initializers, env.reset). */
  seed(): number {
    return this.nextUint32() & 0x7fffffff;
  }
}
