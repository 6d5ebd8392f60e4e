/**
 * Spaces with Gymnasium semantics. Observations are plain arrays of numbers (Float32Array for
 * Box) so environments stay free of any tensor library.
 */
export interface Space<T> {
  readonly kind: string;
  /** Draw a random element using the given uniform source in [0, 1). */
  sample(random: () => number): T;
  contains(x: unknown): boolean;
}

/** {0, 1, ..., n-1} (Gymnasium's Discrete with start 0). */
export class Discrete implements Space<number> {
  readonly kind = 'Discrete';
  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Discrete needs a positive integer n, got ${n}`);
  }
  sample(random: () => number): number {
    return Math.floor(random() * this.n);
  }
  contains(x: unknown): boolean {
    return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < this.n;
  }
}

/** A box in R^shape with per-element bounds (±Infinity allowed, as in Gymnasium). */
export class Box implements Space<Float32Array> {
  readonly kind = 'Box';
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly size: number;
  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    readonly shape: number[],
  ) {
    this.size = shape.reduce((a, b) => a * b, 1);
    this.low = typeof low === 'number' ? new Float32Array(this.size).fill(low) : Float32Array.from(low);
    this.high = typeof high === 'number' ? new Float32Array(this.size).fill(high) : Float32Array.from(high);
    if (this.low.length !== this.size || this.high.length !== this.size) throw new Error('Box bounds do not match shape');
  }
  sample(random: () => number): Float32Array {
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      // Unbounded dims: sample a standard normal-ish value, as Gymnasium does.
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) out[i] = (random() - 0.5) * 2;
      else out[i] = lo + (hi - lo) * random();
    }
    return out;
  }
  contains(x: unknown): boolean {
    if (!(x instanceof Float32Array || Array.isArray(x)) || x.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = x[i] as number;
      // Compare in float32, as Gymnasium does with np.float32 bounds.
      if (!(v >= this.low[i]! && v <= this.high[i]!)) return false;
    }
    return true;
  }
}

/** A fixed set of strings (e.g. missions, goals). */
export class TextSpace implements Space<string> {
  readonly kind = 'Text';
  constructor(readonly maxLength: number) {}
  sample(random: () => number): string {
    return 'x'.repeat(Math.floor(random() * Math.min(8, this.maxLength)));
  }
  contains(x: unknown): boolean {
    return typeof x === 'string' && x.length <= this.maxLength;
  }
}
