/**
 * Tabular Q-learning (Watkins 1989), the one copy the leaves share (SayCan's skills, PAR's actor):
 *
 *   Q(s, a) ← Q(s, a) + α_t [r + γ (1 − done) max_a' Q(s', a') − Q(s, a)]
 *
 * with either a constant step size α, or visit-count step sizes α = max(αmin, 1/n(s, a)) — the
 * running average of the targets seen, which estimates an expected outcome (e.g. a success
 * probability, SayCan's affordance) instead of tracking the latest targets. The episode loop stays
 * with the caller: what a state is, when an episode ends, and how exploring starts are made are the
 * environment's business. ε-greedy exploration uses `linearSchedule` (dqn.ts) for ε.
 */
import { z } from 'zod';
import type { Rng } from '../rng.ts';

export const TabularQConfig = z.object({
  learningRate: z.number().gt(0).max(1).default(0.5).describe('step size α (ignored with visit-count steps)'),
  visitCountSteps: z.boolean().default(false).describe('α = max(minLearningRate, 1/n(s,a)): average the targets instead of tracking them'),
  minLearningRate: z.number().min(0).max(1).default(0.05).describe('floor of the visit-count step size'),
  gamma: z.number().gt(0).max(1).default(0.99).describe('discount'),
});
export type TabularQConfig = z.infer<typeof TabularQConfig>;

export class TabularQ {
  /** Q[s · nActions + a]. */
  readonly q: Float64Array;
  private readonly visits: Uint32Array;
  private readonly cfg: TabularQConfig;

  constructor(
    readonly nStates: number,
    readonly nActions: number,
    cfg: Partial<TabularQConfig> = {},
  ) {
    this.cfg = TabularQConfig.parse(cfg);
    this.q = new Float64Array(nStates * Math.max(1, nActions));
    this.visits = new Uint32Array(this.q.length);
  }

  /** max_a Q(s, a). */
  maxQ(s: number): number {
    let m = -Infinity;
    for (let a = 0; a < this.nActions; a++) m = Math.max(m, this.q[s * this.nActions + a]!);
    return m;
  }

  /**
   * argmax_a Q(s, a). Ties (untrained states are all 0) go to a uniformly drawn one when `rng` is
   * given, else to the first.
   */
  greedy(s: number, rng?: Rng): number {
    const base = s * this.nActions;
    let best = -Infinity;
    let ties: number[] = [];
    for (let a = 0; a < this.nActions; a++) {
      const v = this.q[base + a]!;
      if (v > best + 1e-12) {
        best = v;
        ties = [a];
      } else if (Math.abs(v - best) <= 1e-12) ties.push(a);
    }
    return ties.length === 1 || !rng ? ties[0]! : ties[rng.int(ties.length)]!;
  }

  /** ε-greedy: a uniform action with probability ε, else greedy. */
  act(s: number, epsilon: number, rng: Rng, breakTies = true): number {
    return rng.random() < epsilon ? rng.int(this.nActions) : this.greedy(s, breakTies ? rng : undefined);
  }

  /** One Q-learning update from (s, a, r, s', done). */
  update(s: number, a: number, r: number, sNext: number, done: boolean): void {
    const i = s * this.nActions + a;
    const target = r + (done ? 0 : this.cfg.gamma * this.maxQ(sNext));
    this.visits[i]!++;
    const alpha = this.cfg.visitCountSteps ? Math.max(this.cfg.minLearningRate, 1 / this.visits[i]!) : this.cfg.learningRate;
    this.q[i]! += alpha * (target - this.q[i]!);
  }
}
