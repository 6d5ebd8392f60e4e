/**
 * Shared storage for the RL algorithms: a fixed-size on-policy rollout buffer (PPO, A2C) and a
 * circular replay buffer (DQN). Flat typed arrays, time-major, no tensors: the algorithms turn
 * minibatches into tensors only when they train.
 */
import type { Rng } from '../rng.ts';

export class RolloutBuffer {
  readonly obs: Float32Array;
  readonly actions: Int32Array;
  readonly logProbs: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Uint8Array;
  readonly values: Float32Array;
  readonly size: number;
  private t = 0;

  constructor(
    readonly steps: number,
    readonly nEnvs: number,
    readonly obsDim: number,
  ) {
    this.size = steps * nEnvs;
    this.obs = new Float32Array(this.size * obsDim);
    this.actions = new Int32Array(this.size);
    this.logProbs = new Float32Array(this.size);
    this.rewards = new Float32Array(this.size);
    this.dones = new Uint8Array(this.size);
    this.values = new Float32Array(this.size);
  }

  get full(): boolean {
    return this.t === this.steps;
  }

  /** Store one vector step (all N envs at time t). */
  add(obs: Float32Array, actions: ArrayLike<number>, logProbs: ArrayLike<number>, values: ArrayLike<number>, rewards: ArrayLike<number>, dones: ArrayLike<number>): void {
    if (this.t >= this.steps) throw new Error('RolloutBuffer is full; call reset()');
    const base = this.t * this.nEnvs;
    this.obs.set(obs, base * this.obsDim);
    for (let i = 0; i < this.nEnvs; i++) {
      this.actions[base + i] = actions[i]!;
      this.logProbs[base + i] = logProbs[i]!;
      this.values[base + i] = values[i]!;
      this.rewards[base + i] = rewards[i]!;
      this.dones[base + i] = dones[i]!;
    }
    this.t++;
  }

  reset(): void {
    this.t = 0;
  }
}

export class ReplayBuffer {
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  /** 1 when the next state is terminal (no bootstrap); truncation is stored as not terminal. */
  readonly terminals: Uint8Array;
  private pos = 0;
  private filled = 0;

  constructor(
    readonly capacity: number,
    readonly obsDim: number,
  ) {
    this.obs = new Float32Array(capacity * obsDim);
    this.nextObs = new Float32Array(capacity * obsDim);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminals = new Uint8Array(capacity);
  }

  get size(): number {
    return this.filled;
  }

  add(obs: ArrayLike<number>, action: number, reward: number, nextObs: ArrayLike<number>, terminal: boolean): void {
    const p = this.pos;
    this.obs.set(obs, p * this.obsDim);
    this.nextObs.set(nextObs, p * this.obsDim);
    this.actions[p] = action;
    this.rewards[p] = reward;
    this.terminals[p] = terminal ? 1 : 0;
    this.pos = (p + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
  }

  /** Uniform sample with replacement (as SB3/CleanRL). */
  sample(batch: number, rng: Rng) {
    if (this.filled === 0) throw new Error('ReplayBuffer.sample on an empty buffer');
    const d = this.obsDim;
    const out = {
      obs: new Float32Array(batch * d),
      nextObs: new Float32Array(batch * d),
      actions: new Int32Array(batch),
      rewards: new Float32Array(batch),
      terminals: new Float32Array(batch),
    };
    for (let b = 0; b < batch; b++) {
      const k = rng.int(this.filled);
      out.obs.set(this.obs.subarray(k * d, k * d + d), b * d);
      out.nextObs.set(this.nextObs.subarray(k * d, k * d + d), b * d);
      out.actions[b] = this.actions[k]!;
      out.rewards[b] = this.rewards[k]!;
      out.terminals[b] = this.terminals[k]!;
    }
    return out;
  }
}

/** Gather rows `idx` of a row-major [n, dim] array into a new [idx.length, dim] array. */
export function gatherRows(src: Float32Array, dim: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * dim);
  for (let b = 0; b < idx.length; b++) out.set(src.subarray(idx[b]! * dim, idx[b]! * dim + dim), b * dim);
  return out;
}

/** Sample a categorical action from logits (one row) with a seeded Rng; returns [action, log p]. */
export function sampleLogits(logits: Float32Array, offset: number, n: number, rng: Rng): [number, number] {
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, logits[offset + j]!);
  let z = 0;
  for (let j = 0; j < n; j++) z += Math.exp(logits[offset + j]! - max);
  let r = rng.random() * z;
  let a = n - 1;
  for (let j = 0; j < n; j++) {
    r -= Math.exp(logits[offset + j]! - max);
    if (r < 0) {
      a = j;
      break;
    }
  }
  return [a, logits[offset + a]! - max - Math.log(z)];
}

/** Index of the largest entry of one row. */
export function argmaxRow(x: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (x[offset + j]! > x[offset + best]!) best = j;
  return best;
}
