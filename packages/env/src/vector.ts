/**
 * A synchronous vector of environments with same-step autoreset (the convention of gym < 1.0,
 * CleanRL and SB3): when an episode ends, `step` returns the first obs of the next episode and
 * keeps the last obs of the finished one in `finalObs[i]`, so a learner can bootstrap a
 * truncated episode from V(final obs). Observations are packed into one Float32Array (nEnvs × dim).
 */
import type { Env } from './env.ts';

export interface VectorStep {
  obs: Float32Array;
  rewards: Float32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** Final observation of the episode that ended at this step, for envs that ended. */
  finalObs: (Float32Array | null)[];
  /** Returns and lengths of episodes that ended at this step (in env order). */
  episodes: { env: number; return: number; length: number }[];
}

export class SyncVectorEnv {
  readonly n: number;
  readonly obsDim: number;
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;

  constructor(readonly envs: Env<Float32Array, number>[]) {
    if (envs.length === 0) throw new Error('SyncVectorEnv needs at least one env');
    this.n = envs.length;
    const space = envs[0]!.observationSpace as unknown as { size?: number };
    if (typeof space.size !== 'number') throw new Error('SyncVectorEnv needs Box observation spaces');
    this.obsDim = space.size;
    this.returns = new Float64Array(this.n);
    this.lengths = new Int32Array(this.n);
  }

  /** Reset env i with seed + i (Gymnasium's vector seeding). */
  reset(seed?: number): Float32Array {
    const out = new Float32Array(this.n * this.obsDim);
    this.envs.forEach((env, i) => {
      const { obs } = env.reset(seed === undefined ? {} : { seed: seed + i });
      out.set(obs, i * this.obsDim);
    });
    this.returns.fill(0);
    this.lengths.fill(0);
    return out;
  }

  step(actions: ArrayLike<number>): VectorStep {
    const res: VectorStep = {
      obs: new Float32Array(this.n * this.obsDim),
      rewards: new Float32Array(this.n),
      terminated: new Uint8Array(this.n),
      truncated: new Uint8Array(this.n),
      finalObs: new Array(this.n).fill(null),
      episodes: [],
    };
    for (let i = 0; i < this.n; i++) {
      const env = this.envs[i]!;
      const r = env.step(actions[i]!);
      this.returns[i]! += r.reward;
      this.lengths[i]!++;
      res.rewards[i] = r.reward;
      res.terminated[i] = r.terminated ? 1 : 0;
      res.truncated[i] = r.truncated ? 1 : 0;
      let obs = r.obs;
      if (r.terminated || r.truncated) {
        res.finalObs[i] = r.obs;
        res.episodes.push({ env: i, return: this.returns[i]!, length: this.lengths[i]! });
        this.returns[i] = 0;
        this.lengths[i] = 0;
        obs = env.reset().obs;
      }
      res.obs.set(obs, i * this.obsDim);
    }
    return res;
  }
}
