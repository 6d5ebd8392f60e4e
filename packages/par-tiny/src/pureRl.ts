/**
 * The pure-RL baseline (Dasgupta et al. 2023 §5: the PAR scheme "is better at learning tasks that are
 * difficult to learn using pure RL baselines"; taxonomy paper §6.2): one PPO agent (core's
 * rl/ppo.ts) trained on the whole secret-property task from the env's own observation and reward,
 * with the same env-step budget the actor and the reporter used together. No LLM, no language.
 */
import { binMeans, forward, sampleLogits, trainPpo, type EventLog, type Rng } from '@rlllm/core';
import { ParGrid, type ParState } from '@rlllm/env';

export interface PureRlResult {
  /** Success per evaluation room (actions sampled from the policy). */
  successes: boolean[];
  envSteps: number;
  seconds: number;
  /** Training curve: (share of the budget, success rate of the training episodes that ended in that tenth). */
  curve: { x: number[]; y: number[] };
}

export interface PureRlConfig {
  learningRate: number;
  entCoef: number;
  gamma: number;
  hidden: number[];
  nEnvs: number;
  nSteps: number;
  /** Episode time limit. */
  maxSteps: number;
}

/**
 * One episode per room on the whole task, from the env's own observation: a success is the right
 * object picked up (the task's reward) within `maxSteps`; a wrong pick or the time limit is a failure.
 */
export function evaluateOnRooms(act: (obs: Float32Array) => number, rooms: ParState[], maxSteps: number, rng: Rng): boolean[] {
  const env = new ParGrid({ maxSteps });
  return rooms.map((room) => {
    let { obs } = env.reset({ seed: rng.seed(), state: room });
    for (;;) {
      const r = env.step(act(obs));
      obs = r.obs;
      if (r.terminated || r.truncated) return r.reward > 0;
    }
  });
}

export async function trainPureRl(budget: number, rng: Rng, evalRooms: ParState[], cfg: PureRlConfig, log?: EventLog): Promise<PureRlResult> {
  const t0 = performance.now();
  const res = await trainPpo(
    () => new ParGrid({ taskKind: 'mixed', maxSteps: cfg.maxSteps }),
    { totalSteps: Math.max(512, budget), nEnvs: cfg.nEnvs, nSteps: cfg.nSteps, learningRate: cfg.learningRate, entCoef: cfg.entCoef, hidden: cfg.hidden, gamma: cfg.gamma },
    { seed: rng.seed(), log },
  );
  // PPO's policy is stochastic: evaluate it by sampling (its greedy argmax often loops without ever
  // picking anything up, which would understate the baseline).
  const weights = res.agent.actor.snapshot();
  const evalRng = rng.fork('eval');
  const act = (obs: Float32Array) => sampleLogits(forward(weights, obs, 1), 0, 6, evalRng)[0];
  const successes = evaluateOnRooms(act, evalRooms, cfg.maxSteps, evalRng);
  res.agent.dispose();
  // Training success (return = 1 iff the right object was picked up) in ten bins of the budget, so
  // seeds with different budgets share the curve's x (the share of the budget spent).
  const x = Array.from({ length: 10 }, (_, i) => (i + 1) / 10);
  const curve = { x, y: binMeans(res.episodes.map((e) => ({ x: e.step / res.envSteps, y: e.return })), x) };
  return { successes, envSteps: res.envSteps, seconds: (performance.now() - t0) / 1000, curve };
}
