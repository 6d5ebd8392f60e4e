/**
 * Train PPO (core) on GridKeyDoor with a reward function that runs in the sandbox, and score the
 * result by the task's fixed fitness: the success rate of the trained (sampled) policy (Eureka's "fitness F",
 * survey §5.1). While training we track every reward component's values — the raw material of
 * reward reflection.
 */
import { forward, Rng, trainPpo, type PpoConfig } from '@rlllm/core';
import { GridKeyDoor, type Env, type StepResult } from '@rlllm/env';
import { RewardSandbox, type SandboxLimits } from './sandbox.ts';

export class CandidateFailure extends Error {}

export interface ComponentStats { mean: number; min: number; max: number; nonzero: number }
export interface TrainStats {
  /** Share of training episodes that reached the goal / got the key / opened the door. */
  trainSuccess: number;
  keyRate: number;
  doorRate: number;
  episodes: number;
  components: Record<string, ComponentStats>;
  sandboxCalls: number;
}
export interface TrainOutcome { fitness: number; stats: TrainStats }

interface Acc { sum: number; n: number; min: number; max: number; nonzero: number }

/** GridKeyDoor whose reward is the candidate's (the only training signal, as in Eureka). */
class ShapedKeyDoor implements Env<Float32Array, number> {
  readonly inner = new GridKeyDoor();
  readonly id = 'GridKeyDoor-v0+llm-reward';
  readonly observationSpace = this.inner.observationSpace;
  readonly actionSpace = this.inner.actionSpace;
  constructor(private readonly shared: Shared) {}
  reset(options?: { seed?: number }) {
    return this.inner.reset(options);
  }
  step(action: number): StepResult<Float32Array> {
    const r = this.inner.step(action);
    const obs = this.inner.rewardObs();
    const value = this.shared.reward(obs as unknown as Record<string, number | boolean>, action);
    if (r.terminated || r.truncated) this.shared.episodeEnd(this.inner.hasKey, this.inner.doorOpen, r.terminated);
    return { ...r, reward: value };
  }
}

class Shared {
  // The reward sees only (obs fields, action), which take few distinct values here, so calls are
  // memoized: generated rewards are treated as pure functions of their arguments, as in Eureka.
  private memo = new Map<string, { value: number; components: Record<string, number> }>();
  private acc = new Map<string, Acc>();
  episodes = 0; successes = 0; keys = 0; doors = 0;
  constructor(private readonly sb: RewardSandbox) {}
  reward(obs: Record<string, number | boolean>, action: number): number {
    const key = `${JSON.stringify(obs)}|${action}`;
    let hit = this.memo.get(key);
    if (!hit) {
      const r = this.sb.call(obs, action);
      if (!r.ok) throw new CandidateFailure(`reward call failed: ${r.error}`);
      hit = { value: r.value, components: r.components };
      this.memo.set(key, hit);
    }
    for (const [k, v] of Object.entries(hit.components)) {
      const a = this.acc.get(k) ?? { sum: 0, n: 0, min: Infinity, max: -Infinity, nonzero: 0 };
      a.sum += v; a.n++; a.min = Math.min(a.min, v); a.max = Math.max(a.max, v); if (v !== 0) a.nonzero++;
      this.acc.set(k, a);
    }
    return hit.value;
  }
  episodeEnd(key: boolean, door: boolean, success: boolean) {
    this.episodes++; if (key) this.keys++; if (door) this.doors++; if (success) this.successes++;
  }
  stats(): TrainStats {
    const e = Math.max(1, this.episodes);
    const components = Object.fromEntries([...this.acc].map(([k, a]) => [k, { mean: a.sum / a.n, min: a.min, max: a.max, nonzero: a.nonzero / a.n }]));
    return { trainSuccess: this.successes / e, keyRate: this.keys / e, doorRate: this.doors / e, episodes: this.episodes, components, sandboxCalls: this.sb.calls };
  }
}

/**
 * Success rate of the trained (stochastic) policy over `episodes` fresh layouts: the fixed task
 * fitness. Actions are sampled from π, not argmax: a greedy policy from a short budget often walks
 * into a wall forever, which would measure tie-breaking rather than the reward's effect.
 */
function fitnessOf(logits: (o: Float32Array) => Float32Array, episodes: number, rng: Rng): number {
  const env = new GridKeyDoor();
  const act = (o: Float32Array) => {
    const l = logits(o);
    const m = Math.max(...l);
    return rng.categorical(Array.from(l, (v) => Math.exp(v - m)));
  };
  let ok = 0;
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset({ seed: rng.seed() });
    for (;;) {
      const r = env.step(act(obs));
      obs = r.obs;
      if (r.terminated) { ok++; break; }
      if (r.truncated) break;
    }
  }
  return ok / episodes;
}

/** Load `source` in a fresh sandbox, train PPO on it, return fitness + component stats. Throws CandidateFailure. */
export async function trainAndScore(source: string, ppo: Partial<PpoConfig>, opts: { seed: number; evalEpisodes: number; limits?: SandboxLimits }): Promise<TrainOutcome> {
  let sb: RewardSandbox;
  try {
    sb = await RewardSandbox.create(source, opts.limits);
  } catch (e) {
    throw new CandidateFailure(String((e as Error).message ?? e));
  }
  try {
    const shared = new Shared(sb);
    const res = await trainPpo(() => new ShapedKeyDoor(shared), ppo, { seed: opts.seed });
    const w = res.agent.actor.snapshot();
    const fitness = fitnessOf((o) => forward(w, o, 1), opts.evalEpisodes, new Rng(opts.seed).fork('fitness'));
    res.agent.dispose();
    return { fitness, stats: shared.stats() };
  } finally {
    sb.dispose();
  }
}
