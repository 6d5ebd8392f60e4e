/**
 * Train PPO (core) on GridKeyDoor with a reward function that runs in the sandbox, and score the
 * result by the task's fixed fitness: the success rate of the trained (sampled) policy (Eureka's "fitness F",
 * survey §5.1). While training we track every reward component's values, the task score (success
 * rate of the training episodes) and the episode length at `checkpoints` points of training — the
 * raw material of reward reflection. `trainJob` is the same as one job of a JobPool (core pool.ts),
 * so candidate trainings can run in worker processes.
 */
import { forward, PpoConfig, Rng, trainPpo } from '@rlllm/core';
import { GridKeyDoor, KEYDOOR_LAYOUT, type Env, type KeyDoorLayout, type StepResult } from '@rlllm/env';
import { RewardSandbox, type SandboxLimits } from './sandbox.ts';

export class CandidateFailure extends Error {}

export interface ComponentStats {
  mean: number;
  min: number;
  max: number;
  nonzero: number;
  /** The component's mean value in each of the `checkpoints` equal parts of training (NaN: not computed there). */
  trace: number[];
}
export interface TrainStats {
  /** Share of training episodes that reached the goal / got the key / opened the door. */
  trainSuccess: number;
  keyRate: number;
  doorRate: number;
  episodes: number;
  components: Record<string, ComponentStats>;
  /** Task score during training: the share of episodes ending in each part of training that reached the goal. */
  successTrace: number[];
  /** Mean length of the episodes ending in each part of training. */
  lengthTrace: number[];
  sandboxCalls: number;
}
export interface TrainOutcome { fitness: number; stats: TrainStats }

interface Acc { sum: number; n: number; min: number; max: number; nonzero: number; segSum: number[]; segN: number[] }

/** GridKeyDoor whose reward is the candidate's (the only training signal, as in Eureka). */
class ShapedKeyDoor implements Env<Float32Array, number> {
  readonly inner: GridKeyDoor;
  readonly id: string;
  readonly observationSpace;
  readonly actionSpace;
  constructor(private readonly shared: Shared, layout: KeyDoorLayout) {
    this.inner = new GridKeyDoor(layout);
    this.id = `${this.inner.id}+llm-reward`;
    this.observationSpace = this.inner.observationSpace;
    this.actionSpace = this.inner.actionSpace;
  }
  reset(options?: { seed?: number }) {
    return this.inner.reset(options);
  }
  step(action: number): StepResult<Float32Array> {
    const r = this.inner.step(action);
    const obs = this.inner.rewardObs();
    const value = this.shared.reward(obs as unknown as Record<string, number | boolean>, action);
    if (r.terminated || r.truncated) this.shared.episodeEnd(this.inner.hasKey, this.inner.doorOpen, r.terminated, this.inner.t);
    return { ...r, reward: value };
  }
}

class Shared {
  // The reward sees only (obs fields, action), which take few distinct values here, so calls are
  // memoized: generated rewards are treated as pure functions of their arguments, as in Eureka.
  private memo = new Map<string, { value: number; components: Record<string, number> }>();
  private acc = new Map<string, Acc>();
  episodes = 0; successes = 0; keys = 0; doors = 0;
  /** Reward calls so far (one per env step): which part of training a value belongs to. */
  private steps = 0;
  private readonly segEpisodes: number[];
  private readonly segSuccesses: number[];
  private readonly segLengths: number[];
  /** `stepsPerSegment` env steps make one of the `segments` parts of training (the last takes the rest). */
  constructor(private readonly sb: RewardSandbox, private readonly segments: number, private readonly stepsPerSegment: number) {
    this.segEpisodes = new Array<number>(segments).fill(0);
    this.segSuccesses = new Array<number>(segments).fill(0);
    this.segLengths = new Array<number>(segments).fill(0);
  }
  private segment(): number {
    return Math.min(this.segments - 1, Math.floor(this.steps / this.stepsPerSegment));
  }
  reward(obs: Record<string, number | boolean>, action: number): number {
    const key = `${JSON.stringify(obs)}|${action}`;
    let hit = this.memo.get(key);
    if (!hit) {
      const r = this.sb.call(obs, action);
      if (!r.ok) throw new CandidateFailure(`reward call failed: ${r.error}`);
      hit = { value: r.value, components: r.components };
      this.memo.set(key, hit);
    }
    const seg = this.segment();
    for (const [k, v] of Object.entries(hit.components)) {
      const a = this.acc.get(k) ?? { sum: 0, n: 0, min: Infinity, max: -Infinity, nonzero: 0, segSum: new Array<number>(this.segments).fill(0), segN: new Array<number>(this.segments).fill(0) };
      a.sum += v; a.n++; a.min = Math.min(a.min, v); a.max = Math.max(a.max, v); if (v !== 0) a.nonzero++;
      a.segSum[seg]! += v; a.segN[seg]!++;
      this.acc.set(k, a);
    }
    this.steps++;
    return hit.value;
  }
  episodeEnd(key: boolean, door: boolean, success: boolean, length: number) {
    this.episodes++; if (key) this.keys++; if (door) this.doors++; if (success) this.successes++;
    // The step that ended the episode was counted already: it belongs to the part it happened in.
    const seg = Math.min(this.segments - 1, Math.floor((this.steps - 1) / this.stepsPerSegment));
    this.segEpisodes[seg]!++; if (success) this.segSuccesses[seg]!++; this.segLengths[seg]! += length;
  }
  stats(): TrainStats {
    const e = Math.max(1, this.episodes);
    const per = (sums: number[], ns: number[]) => sums.map((x, i) => (ns[i]! > 0 ? x / ns[i]! : NaN));
    const components = Object.fromEntries([...this.acc].map(([k, a]) => [k, { mean: a.sum / a.n, min: a.min, max: a.max, nonzero: a.nonzero / a.n, trace: per(a.segSum, a.segN) }]));
    return {
      trainSuccess: this.successes / e, keyRate: this.keys / e, doorRate: this.doors / e, episodes: this.episodes, components,
      successTrace: per(this.segSuccesses, this.segEpisodes), lengthTrace: per(this.segLengths, this.segEpisodes), sandboxCalls: this.sb.calls,
    };
  }
}

/**
 * Success rate of the trained (stochastic) policy over `episodes` fresh layouts: the fixed task
 * fitness. Actions are sampled from π, not argmax: a greedy policy from a short budget often walks
 * into a wall forever, which would measure tie-breaking rather than the reward's effect.
 */
function fitnessOf(logits: (o: Float32Array) => Float32Array, episodes: number, rng: Rng, layout: KeyDoorLayout): number {
  const env = new GridKeyDoor(layout);
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

/** Everything one training needs (structured-cloneable: it crosses to a worker process as it is). */
export interface TrainJob {
  source: string;
  ppo: Partial<PpoConfig>;
  seed: number;
  evalEpisodes: number;
  limits?: SandboxLimits;
  layout?: KeyDoorLayout;
  /** Parts of training the statistics are reported in (Eureka's checkpoints). */
  checkpoints?: number;
}
export type TrainResult = ({ ok: true } & TrainOutcome) | { ok: false; error: string };

/** Load `source` in a fresh sandbox, train PPO on it, return fitness + component stats. Throws CandidateFailure. */
export async function trainAndScore(source: string, ppo: Partial<PpoConfig>, opts: Omit<TrainJob, 'source' | 'ppo'>): Promise<TrainOutcome> {
  let sb: RewardSandbox;
  try {
    sb = await RewardSandbox.create(source, opts.limits);
  } catch (e) {
    throw new CandidateFailure(String((e as Error).message ?? e));
  }
  try {
    const layout = opts.layout ?? KEYDOOR_LAYOUT;
    // The env steps PPO will take (whole rollouts), split into equal parts for the statistics.
    const p = PpoConfig.parse(ppo);
    const batch = p.nEnvs * p.nSteps;
    const steps = Math.max(1, Math.floor(p.totalSteps / batch)) * batch;
    const segments = opts.checkpoints ?? 5;
    const shared = new Shared(sb, segments, Math.ceil(steps / segments));
    const res = await trainPpo(() => new ShapedKeyDoor(shared, layout), ppo, { seed: opts.seed });
    const w = res.agent.actor.snapshot();
    const fitness = fitnessOf((o) => forward(w, o, 1), opts.evalEpisodes, new Rng(opts.seed).fork('fitness'), layout);
    res.agent.dispose();
    return { fitness, stats: shared.stats() };
  } finally {
    sb.dispose();
  }
}

/** One training as a pool job: a candidate that fails (does not load, throws, returns a non-number) is a result, not an error. */
export async function trainJob(job: TrainJob): Promise<TrainResult> {
  try {
    return { ok: true, ...(await trainAndScore(job.source, job.ppo, job)) };
  } catch (e) {
    if (e instanceof CandidateFailure) return { ok: false, error: e.message };
    throw e;
  }
}
/** The module reference a JobPool needs to run `trainJob` in its workers. */
export const TRAIN_JOB = `${import.meta.url}#trainJob`;
