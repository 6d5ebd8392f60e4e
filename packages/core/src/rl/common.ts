/**
 * Small pieces the RL algorithms share: the per-run options every trainer takes, episode records,
 * and greedy evaluation of a trained policy.
 */
import type { Env } from '@rlllm/env';
import type { EventLog } from '../events.ts';
import type { Progress } from '../progress.ts';
import type { TrainerName } from '../trainer.ts';

export interface TrainOptions {
  seed: number;
  log?: EventLog;
  progress?: Progress;
  /** Called after every update/iteration with the env steps so far; return true to stop early. */
  onUpdate?: (info: { step: number; recentReturn: number }) => boolean | void;
  /** The training backend (default: the process's, trainer.ts). */
  trainer?: TrainerName;
}

export interface EpisodeRecord {
  /** Global env step at which the episode ended. */
  step: number;
  return: number;
  length: number;
}

/** Mean return of the last `k` episodes (NaN if none). */
export function recentMeanReturn(episodes: EpisodeRecord[], k = 20): number {
  if (episodes.length === 0) return NaN;
  const tail = episodes.slice(-k);
  return tail.reduce((s, e) => s + e.return, 0) / tail.length;
}

/** First env step at which the mean of the last `window` episode returns reaches `threshold`. */
export function stepsToThreshold(episodes: EpisodeRecord[], threshold: number, window = 20): number | null {
  let sum = 0;
  for (let i = 0; i < episodes.length; i++) {
    sum += episodes[i]!.return;
    if (i >= window) sum -= episodes[i - window]!.return;
    if (i >= window - 1 && sum / window >= threshold) return episodes[i]!.step;
  }
  return null;
}

/** Run `episodes` full episodes with a deterministic policy; returns their returns. */
export function evaluatePolicy(env: Env<Float32Array, number>, act: (obs: Float32Array) => number, episodes: number, seed: number): number[] {
  const returns: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset({ seed: seed + e });
    let total = 0;
    for (;;) {
      const r = env.step(act(obs));
      total += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    returns.push(total);
  }
  return returns;
}
