/**
 * GLAM's "Symbolic-PPO" baseline (Carta et al. 2023, §4): PPO on BabyAI's symbolic observation
 * instead of text. Here the observation is BabyAIText's 610-float one-hot vector (the 7×7 egocentric
 * view, the mission and what the agent carries — everything the text says), the agent core's
 * CleanRL-style PPO with a 64-64 tanh actor and critic.
 */
import { forward, trainPpo, type EpisodeRecord, type EventLog, type PpoConfig, type Progress } from '@rlllm/core';
import { BabyAIText, type BabyAITextOptions } from '@rlllm/env';
import { logSoftmax, type PolicyFn } from './evaluate.ts';

export interface SymbolicResult {
  /** `success` = the episode ended by reaching the goal (BabyAI pays > 0 only then). */
  episodes: (EpisodeRecord & { success: boolean })[];
  policy: PolicyFn;
  envSteps: number;
  seconds: number;
  dispose(): void;
}

export async function trainSymbolicPpo(
  env: Omit<BabyAITextOptions, 'targets'>,
  ppo: Partial<PpoConfig>,
  opts: { seed: number; log?: EventLog; progress?: Progress },
): Promise<SymbolicResult> {
  // trainPpo seeds the envs from opts.seed (SyncVectorEnv: reset seed + i).
  const res = await trainPpo(() => new BabyAIText({ ...env, targets: 'train' }), ppo, opts);
  const snapshot = res.agent.actor.snapshot();
  return {
    episodes: res.episodes.map((e) => ({ ...e, success: e.return > 0 })),
    // π(· | obs) = softmax of the actor's logits, sampled like the LM policies.
    policy: async (envs) => envs.map((e) => logSoftmax(forward(snapshot, e.observe(), 1))),
    envSteps: res.envSteps,
    seconds: res.seconds,
    dispose: () => res.agent.dispose(),
  };
}
