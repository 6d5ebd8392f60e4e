/**
 * The environment interface, Gymnasium semantics (so people from Python feel at home):
 *   reset({seed}) → {obs, info};  step(action) → {obs, reward, terminated, truncated, info}.
 * `terminated` = the MDP reached a terminal state (no bootstrapping past it);
 * `truncated` = a time limit or other cut (bootstrap from the value of the final obs).
 * Environments an LLM talks about also implement `TextEnv`: a text rendering of the observation
 * and a name in words for each action.
 */
import type { Space } from './spaces.ts';

export type Info = Record<string, unknown>;

export interface StepResult<O> {
  obs: O;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

export interface Env<O = Float32Array, A = number> {
  readonly id: string;
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  /** Seeding on reset re-seeds the env's own generator (Gymnasium: `reset(seed=...)`). */
  reset(options?: { seed?: number }): { obs: O; info: Info };
  step(action: A): StepResult<O>;
  close?(): void;
}

export interface TextEnv<O = Float32Array, A = number> extends Env<O, A> {
  /** What the agent perceives, in words. */
  describe(obs: O): string;
  /** The words naming each action (index = action). */
  actionNames(): string[];
}

export function isTextEnv<O, A>(env: Env<O, A>): env is TextEnv<O, A> {
  return typeof (env as Partial<TextEnv<O, A>>).describe === 'function' && typeof (env as Partial<TextEnv<O, A>>).actionNames === 'function';
}

/** A small deterministic generator for environments (mulberry32), seeded through reset(). */
export function envRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Gymnasium's TimeLimit: truncate after `maxSteps`. Envs with a built-in limit (CartPole-v1's 500)
 * apply it themselves; this wrapper is for the rest.
 */
export class TimeLimit<O, A> implements Env<O, A> {
  private t = 0;
  constructor(
    readonly env: Env<O, A>,
    readonly maxSteps: number,
  ) {}
  get id() {
    return this.env.id;
  }
  get observationSpace() {
    return this.env.observationSpace;
  }
  get actionSpace() {
    return this.env.actionSpace;
  }
  reset(options?: { seed?: number }) {
    this.t = 0;
    return this.env.reset(options);
  }
  step(action: A): StepResult<O> {
    const r = this.env.step(action);
    this.t++;
    if (this.t >= this.maxSteps && !r.terminated) return { ...r, truncated: true };
    return r;
  }
}
