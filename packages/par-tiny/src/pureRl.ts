/**
 * The pure-RL baseline (Dasgupta et al. 2023 §5: the PAR scheme "is better at learning tasks that are
 * difficult to learn using pure RL baselines"; taxonomy paper §6.2): one PPO agent (core's
 * rl/ppo.ts) trained on the whole secret-property task from the env's own observation and reward,
 * with the same env-step budget the actor and the reporter used together. No LLM, no language.
 */
import { Rng, forward, sampleLogits, trainPpo, type EventLog } from '@rlllm/core';
import { ParGrid, type ParState } from '@rlllm/env';

export interface PureRlResult {
  /** Success per evaluation room (greedy policy). */
  successes: boolean[];
  envSteps: number;
  seconds: number;
  /** Training curve: (env step, mean episode return = success rate of recent training episodes). */
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

export async function trainPureRl(budget: number, seed: number, evalRooms: ParState[], cfg: PureRlConfig, log?: EventLog): Promise<PureRlResult> {
  const t0 = performance.now();
  const res = await trainPpo(
    () => new ParGrid({ taskKind: 'mixed', maxSteps: cfg.maxSteps }),
    { totalTimesteps: Math.max(512, budget), nEnvs: cfg.nEnvs, nSteps: cfg.nSteps, learningRate: cfg.learningRate, entCoef: cfg.entCoef, hidden: cfg.hidden, gamma: cfg.gamma },
    { seed, log },
  );
  // PPO's policy is stochastic: evaluate it by sampling (its greedy argmax often loops without ever
  // picking anything up, which would understate the baseline).
  const weights = res.agent.actor.snapshot();
  const rng = new Rng(seed * 7919 + 1);
  const act = (obs: Float32Array) => sampleLogits(forward(weights, obs, 1), 0, 6, rng)[0];
  const env = new ParGrid({ maxSteps: cfg.maxSteps });
  const successes = evalRooms.map((room, i) => {
    let { obs } = env.reset({ seed: seed * 7919 + i, state: room });
    for (;;) {
      const r = env.step(act(obs));
      obs = r.obs;
      if (r.terminated || r.truncated) return r.reward > 0;
    }
  });
  res.agent.dispose();
  // Block means of training-episode returns (return = 1 iff the right object was picked up).
  const eps = res.episodes;
  const blocks = 10;
  const size = Math.max(1, Math.floor(eps.length / blocks));
  const curve = { x: [] as number[], y: [] as number[] };
  for (let b = 0; b * size < eps.length && curve.x.length < blocks; b++) {
    const chunk = eps.slice(b * size, (b + 1) * size);
    curve.x.push(chunk.at(-1)!.step);
    curve.y.push(chunk.reduce((s, e) => s + e.return, 0) / chunk.length);
  }
  return { successes, envSteps: res.envSteps, seconds: (performance.now() - t0) / 1000, curve };
}
