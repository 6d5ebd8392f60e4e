/**
 * Weight initializers drawn from our seeded Rng (not tfjs's global seed), so a run is a pure
 * function of its seed.
 */
import type { Rng } from '../rng.ts';

/**
 * Orthogonal init (Saxe et al. 2014), as CleanRL/SB3 use for PPO: a Gaussian matrix made
 * orthonormal by Gram-Schmidt (on the shorter side), times `gain`. Row-major [rows, cols].
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const transpose = rows < cols; // orthonormalize the longer vectors
  const n = transpose ? rows : cols; // number of vectors
  const d = transpose ? cols : rows; // their length
  const vecs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(d);
    for (;;) {
      for (let i = 0; i < d; i++) v[i] = rng.normal();
      for (const u of vecs) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += v[i]! * u[i]!;
        for (let i = 0; i < d; i++) v[i]! -= dot * u[i]!;
      }
      let norm = 0;
      for (let i = 0; i < d; i++) norm += v[i]! * v[i]!;
      norm = Math.sqrt(norm);
      if (norm > 1e-6) {
        for (let i = 0; i < d; i++) v[i]! /= norm;
        break;
      }
    }
    vecs.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (transpose ? vecs[r]![c]! : vecs[c]![r]!);
  return out;
}

/** Glorot/Xavier uniform, fan-avg. */
export function glorotUniform(rows: number, cols: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

