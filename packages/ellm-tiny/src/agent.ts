/**
 * Reward-free pretraining of a goal-conditioned DQN in TinyCrafter (ELLM, Du et al. 2023 §3–4).
 *
 * Why a small loop of our own instead of core's `trainDqn` on an env wrapper: ELLM's reward and the
 * goal part of the input come from LLM calls, which are async, and `Env.step` is sync. So this file
 * is the same DQN as core's dqn.ts (ε-greedy → replay → double-DQN TD target with Huber loss → hard
 * target copy): the networks and the gradient step are core's `DqnLearner`; this loop only collects
 * experience, with:
 *   input  = state features ⊕ goal embedding (mean LM embedding of the active goals; zeros when the
 *            variant has no goals — same network for every variant),
 *   reward = the variant's intrinsic reward only; the env's own (achievement) reward is never used.
 *
 * Variants (the paper's pretraining comparison, Fig. 3):
 *   none     ε-greedy DQN with no reward at all (exploration is the ε schedule alone);
 *   novelty  count-based bonus β/√N(s) on the next state's text observation (what is in view + the
 *            inventory), standing in for the paper's novelty baselines (APT, RND);
 *   ellm     LLM-suggested goals (top k by log-probability), similarity reward, once per goal per episode;
 *   oracle   the true feasible next achievements as goals (the paper's "ELLM with oracle goals" upper bound),
 *            same reward machinery.
 */
import { DqnLearner, ReplayBuffer, Rng, argmaxRow, forward, linearSchedule, type MLPSnapshot } from '@rlllm/core';
import { CRAFTER_ACHIEVEMENTS, TinyCrafter } from '@rlllm/env';
import { intrinsicReward, topGoals, type GoalSuggester } from './ellm.ts';

export const VARIANTS = ['none', 'novelty', 'ellm', 'oracle'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface AgentConfig {
  steps: number;
  episodeSteps: number;
  goalsPerStep: number;
  threshold: number;
  noveltyBeta: number;
  learningRate: number;
  gamma: number;
  batchSize: number;
  bufferSize: number;
  learningStarts: number;
  trainFrequency: number;
  targetFrequency: number;
  explorationFraction: number;
  endEpsilon: number;
  hidden: number[];
}

export interface Shared {
  /** goal × caption similarity (ellm.ts). */
  sim: number[][];
  captions: string[];
  /** LM embedding of each goal phrase (the goal-conditioning input). */
  goalEmb: Float32Array[];
  suggester: GoalSuggester | null;
}

export interface EpisodeLog {
  /** Env steps at the end of the episode. */
  step: number;
  /** Achievement ids unlocked in the episode. */
  unlocked: string[];
  /** Intrinsic return. */
  intrinsic: number;
  /** Goals credited by the intrinsic reward this episode. */
  credited: string[];
  /** Goal-suggestion precision: active goals that were feasible (ground truth) / active goals. */
  goalsFeasible: number;
  goalsActive: number;
}

const ACH_IDS = CRAFTER_ACHIEVEMENTS.map((a) => a.id);

/** Reference: distinct achievements per episode of a uniformly random policy (no learning). */
export function randomPolicyScore(seed: number, episodes: number, episodeSteps: number): number {
  const rng = new Rng(seed * 7919 + 99);
  const env = new TinyCrafter({ maxSteps: episodeSteps });
  env.reset({ seed: seed * 1_000_003 });
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    if (e > 0) env.reset();
    for (let t = 0; t < episodeSteps; t++) env.step(rng.int(env.actionSpace.n));
    total += env.unlocked.size;
  }
  return total / episodes;
}

export async function pretrain(variant: Variant, cfg: AgentConfig, seed: number, shared: Shared, onProgress?: (step: number) => void): Promise<EpisodeLog[]> {
  const rng = new Rng(seed * 7919 + VARIANTS.indexOf(variant));
  const env = new TinyCrafter({ maxSteps: cfg.episodeSteps });
  const gDim = shared.goalEmb[0]!.length;
  const sDim = TinyCrafter.obsDim;
  const dim = sDim + gDim;
  const nA = env.actionSpace.n;
  const learner = new DqnLearner(dim, nA, { hidden: cfg.hidden, learningRate: cfg.learningRate, gamma: cfg.gamma, doubleDqn: true, huber: true, maxGradNorm: 10 }, rng, 'gq');
  let online: MLPSnapshot = learner.q.snapshot();
  const buffer = new ReplayBuffer(cfg.bufferSize, dim);
  const counts = new Map<string, number>();
  const episodes: EpisodeLog[] = [];
  const usesGoals = variant === 'ellm' || variant === 'oracle';

  // The env layout depends on the seed only (same worlds for every variant of a seed).
  let { obs } = env.reset({ seed: seed * 1_000_003 });
  let rewarded = new Set<number>();
  let credited: string[] = [];
  let intrinsic = 0;
  let goalsFeasible = 0;
  let goalsActive = 0;

  const goalsNow = async (): Promise<number[]> => {
    if (variant === 'ellm') return topGoals(await shared.suggester!.rank(env.text()), rewarded, cfg.goalsPerStep);
    if (variant === 'oracle') return topGoals(env.feasibleAchievements().map((id) => ACH_IDS.indexOf(id)), rewarded, cfg.goalsPerStep);
    return [];
  };
  const input = (o: Float32Array, goals: number[]): Float32Array => {
    const x = new Float32Array(dim);
    x.set(o, 0);
    for (const g of goals) {
      const e = shared.goalEmb[g]!;
      for (let i = 0; i < gDim; i++) x[sDim + i]! += e[i]! / goals.length;
    }
    return x;
  };
  let goals = await goalsNow();
  let x = input(obs, goals);

  for (let step = 1; step <= cfg.steps; step++) {
    const eps = linearSchedule(1, cfg.endEpsilon, cfg.explorationFraction * cfg.steps, step);
    if (usesGoals) {
      const feasible = env.feasibleAchievements();
      goalsActive += goals.length;
      goalsFeasible += goals.filter((g) => feasible.includes(ACH_IDS[g]!)).length;
    }
    const a = rng.random() < eps ? rng.int(nA) : argmaxRow(forward(online, x, 1), 0, nA);
    const r = env.step(a);
    let reward = 0;
    if (variant === 'novelty') {
      const key = env.text();
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      reward = cfg.noveltyBeta / Math.sqrt(n);
    } else if (usesGoals) {
      const res = intrinsicReward(shared.sim, goals, shared.captions.indexOf(r.info.caption as string), rewarded, cfg.threshold);
      reward = res.reward;
      if (res.goal !== null) {
        rewarded.add(res.goal);
        credited.push(CRAFTER_ACHIEVEMENTS[res.goal]!.goal);
      }
    }
    intrinsic += reward;
    obs = r.obs;
    const nextGoals = await goalsNow();
    const xNext = input(obs, nextGoals);
    // Truncation is not terminal: bootstrap through the time limit (as core's dqn.ts).
    buffer.add(x, a, reward, xNext, false);
    if (r.truncated) {
      episodes.push({ step, unlocked: [...env.unlocked], intrinsic, credited, goalsFeasible, goalsActive });
      obs = env.reset().obs;
      rewarded = new Set();
      credited = [];
      intrinsic = 0;
      goalsFeasible = 0;
      goalsActive = 0;
      goals = await goalsNow();
      x = input(obs, goals);
    } else {
      goals = nextGoals;
      x = xNext;
    }

    if (step > cfg.learningStarts && step % cfg.trainFrequency === 0) {
      learner.learn(buffer.sample(cfg.batchSize, rng));
      online = learner.q.snapshot();
    }
    if (step % cfg.targetFrequency === 0) learner.syncTarget();
    if (step % 1000 === 0) onProgress?.(step);
  }
  learner.disposeTraining();
  learner.q.dispose();
  return episodes;
}
