/**
 * On-policy rollout collection shared by PPO and A2C: act for `buf.steps` steps in every env with
 * the policy's weight snapshot, store (obs, action, log π, V, reward, done), and record finished
 * episodes. A time-limit truncation is not a real end, so it is bootstrapped: r += γ V(final obs)
 * (as SB3; CleanRL treats it as terminal).
 */
import type { SyncVectorEnv } from '@rlllm/env';
import type { Rng } from '../rng.ts';
import type { EventLog } from '../events.ts';
import { forward, type MLPSnapshot } from '../nn/mlp.ts';
import { sampleLogits, type RolloutBuffer } from './buffers.ts';
import type { EpisodeRecord } from './common.ts';

export interface RolloutState {
  /** Current observations of all envs (nEnvs × obsDim), carried across rollouts. */
  obs: Float32Array;
  /** Env steps taken so far (all envs). */
  globalStep: number;
}

/** Fill `buf` (after resetting it); returns V(s_T) of the last observations for bootstrapping. */
export function collectRollout(
  envs: SyncVectorEnv,
  actor: MLPSnapshot,
  critic: MLPSnapshot,
  buf: RolloutBuffer,
  state: RolloutState,
  rng: Rng,
  gamma: number,
  episodes: EpisodeRecord[],
  log: EventLog,
): Float32Array {
  const n = envs.n;
  const nActions = actor.sizes[actor.sizes.length - 1]!;
  const actions = new Int32Array(n);
  const logProbs = new Float32Array(n);
  buf.reset();
  for (let t = 0; t < buf.steps; t++) {
    const logits = forward(actor, state.obs, n);
    const values = forward(critic, state.obs, n);
    for (let i = 0; i < n; i++) [actions[i], logProbs[i]] = sampleLogits(logits, i * nActions, nActions, rng);
    const step = envs.step(actions);
    state.globalStep += n;
    const dones = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      dones[i] = step.terminated[i]! | step.truncated[i]!;
      if (step.truncated[i] && !step.terminated[i]) step.rewards[i]! += gamma * forward(critic, step.finalObs[i]!, 1)[0]!;
    }
    buf.add(state.obs, actions, logProbs, values, step.rewards, dones);
    for (const ep of step.episodes) {
      episodes.push({ step: state.globalStep, return: ep.return, length: ep.length });
      log.log('episode', { step: state.globalStep, return: ep.return, length: ep.length });
    }
    state.obs = step.obs;
  }
  return forward(critic, state.obs, n);
}
