/**
 * The Reporter (Dasgupta et al. 2023 §3 and §5 "Training the Reporter"; taxonomy paper §6.2): it
 * watches what the actor did and saw and chooses what to tell the planner. In the paper it has a
 * vision + language encoder, a memory and a *binary classifier head that chooses one of two possible
 * reports*, and is trained with RL, the planner inside the loop, from the end-of-episode task reward
 * alone — so it learns to report truthful, relevant information.
 *
 * Here the reporter observes (what the actor saw after an examine: the secret, good or bad) and picks
 * one of four candidate reports:
 *   0 truthful-relevant    "Reporter: the red ball is bad."     (the secret, as it is)
 *   1 truthful-irrelevant  "Reporter: the red ball is red."     (true, but no use to the task)
 *   2 nothing              (no line is appended)
 *   3 misleading           "Reporter: the red ball is good."    (the secret, flipped)
 * Its policy is a tabular softmax π(report | seen secret), 2 × 4 logits, trained by REINFORCE with a
 * running-mean baseline; the return of every report in an episode is the episode's task outcome
 * (`reporterReward`) and nothing else — no label says which report is true.
 */
import { Rng } from '@rlllm/core';
import { PAR_COLORS, parObjectName, type ParState } from '@rlllm/env';

export const REPORT_KINDS = ['truthful-relevant', 'truthful-irrelevant', 'nothing', 'misleading'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The text of each candidate report about object `o` whose secret the actor saw (null = say nothing). */
export function candidateReports(s: ParState, o: number, secret: 'good' | 'bad'): (string | null)[] {
  const name = parObjectName(s.objects[o]!);
  const flip = secret === 'good' ? 'bad' : 'good';
  return [`Reporter: the ${name} is ${secret}.`, `Reporter: the ${name} is ${PAR_COLORS[s.objects[o]!.color]}.`, null, `Reporter: the ${name} is ${flip}.`];
}

/** The reporter's observation: which secret the actor saw (0 good, 1 bad). */
export const reporterState = (secret: 'good' | 'bad'): number => (secret === 'good' ? 0 : 1);
export const REPORTER_STATES = 2;

/** The reporter's reward: the final task outcome, and only that (the paper's training signal). */
export function reporterReward(outcome: { success: boolean }): number {
  return outcome.success ? 1 : 0;
}

export interface Reporter {
  readonly name: string;
  /** Choose a report kind (index into REPORT_KINDS) in reporter state `state`. */
  choose(state: number, rng: Rng): number;
}

/** The hand-written oracle: always the truthful, relevant report. */
export const oracleReporter: Reporter = { name: 'oracle', choose: () => 0 };
/** Open loop: the planner hears nothing. */
export const silentReporter: Reporter = { name: 'silent', choose: () => 2 };

export class SoftmaxReporter implements Reporter {
  readonly logits: Float32Array;
  constructor(
    readonly name: string,
    /** Act greedily (evaluation) instead of sampling (training). */
    public greedy = false,
  ) {
    this.logits = new Float32Array(REPORTER_STATES * REPORT_KINDS.length); // zeros = uniform = untrained
  }
  probs(state: number): number[] {
    const n = REPORT_KINDS.length;
    const row = Array.from(this.logits.subarray(state * n, (state + 1) * n));
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / z);
  }
  choose(state: number, rng: Rng): number {
    const p = this.probs(state);
    if (this.greedy) return p.indexOf(Math.max(...p));
    return rng.categorical(p);
  }
  /** REINFORCE: θ[s] += lr (G − b) ∇ log π(a|s) for every report (s, a) of the episode. */
  update(choices: { state: number; kind: number }[], ret: number, baseline: number, lr: number): void {
    const n = REPORT_KINDS.length;
    for (const { state, kind } of choices) {
      const p = this.probs(state);
      for (let k = 0; k < n; k++) {
        const i = state * n + k;
        this.logits[i] = this.logits[i]! + lr * (ret - baseline) * ((k === kind ? 1 : 0) - p[k]!);
      }
    }
  }
}

/** The noisy / untrained reporter: the trained reporter's initial policy, uniform over the 4 reports. */
export const noisyReporter = (): SoftmaxReporter => new SoftmaxReporter('noisy');
