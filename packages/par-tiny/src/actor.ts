/**
 * The Actor (Dasgupta et al. 2023 §3; taxonomy paper §6.2): an RL agent that follows *primitive*
 * instructions — "go to X", "examine X", "pick up X" — pre-trained on those simple tasks in the
 * same world, before and independently of the planner.
 *
 * The paper's actor is a conv-vision + LSTM-language network trained with V-trace. Here the state is
 * small enough for **tabular Q-learning**: the instruction's verb and the target object's offset from
 * the agent, (verb, dx, dy) — 3 × 9 × 9 = 243 states, 6 actions. The "language encoder" is the lookup
 * of the instruction's colour + shape among the visible objects (the grounding is given, the control
 * is learned). A primitive ends when the actor arrives (go to) or uses its interaction action
 * (examine / pick up), succeeding or not; the planner then hears about it.
 */
import { linearSchedule, mean, TabularQ, type Rng } from '@rlllm/core';
import { PAR_ACTIONS, ParGrid, parObjectName, sampleParState, type ParState } from '@rlllm/env';

export type Verb = 'go' | 'examine' | 'pick';
export const VERBS: Verb[] = ['go', 'examine', 'pick'];
export interface Instruction {
  verb: Verb;
  object: number;
}

/** The instruction in the planner's words (tiny-lm corpus phrasing: "examine the grey ball"). */
export function instructionText(ins: Instruction, s: Pick<ParState, 'objects'>): string {
  const name = parObjectName(s.objects[ins.object]!);
  return ins.verb === 'go' ? `go to the ${name}` : ins.verb === 'examine' ? `examine the ${name}` : `pick up the ${name}`;
}

const R = 4; // offsets are clipped to [-R, R] (the 5×5 room needs no more)
const SIDE = 2 * R + 1;
export const ACTOR_STATES = VERBS.length * SIDE * SIDE;
const N_ACTIONS = 6;

/** The actor's state index: (verb, clipped dx, clipped dy) of the instructed object. */
export function actorState(s: ParState, ins: Instruction): number {
  const o = s.objects[ins.object]!;
  const clip = (d: number) => Math.max(-R, Math.min(R, d)) + R;
  return (VERBS.indexOf(ins.verb) * SIDE + clip(o.x - s.x)) * SIDE + clip(o.y - s.y);
}

export interface PrimitiveResult {
  /** Did the primitive do what it said (arrived / revealed the secret / picked up that object)? */
  success: boolean;
  /** What the actor saw: the secret revealed by an examine, if any. */
  secret: 'good' | 'bad' | null;
  /** The env ended the episode (an object was picked up). */
  terminated: boolean;
  /** Task reward from the env (1 when the right object was picked up). */
  reward: number;
  steps: number;
  /** Disturbances met during the primitive. */
  failed: boolean;
  moved: boolean;
}

export interface ActorConfig {
  episodes: number;
  /** Q-learning step size α. */
  learningRate: number;
  gamma: number;
  epsStart: number;
  epsEnd: number;
  /** ε decays from epsStart to epsEnd over this fraction of the episodes. */
  explorationFraction: number;
  /** Steps a primitive may take before it gives up. */
  horizon: number;
}

export class Actor {
  constructor(
    readonly q: TabularQ,
    readonly horizon: number,
  ) {}

  /** The greedy action (ties: the first). */
  act(s: ParState, ins: Instruction): number {
    return this.q.greedy(actorState(s, ins));
  }

  /** Run one primitive greedily on `env` (which holds the task episode's state). */
  execute(env: ParGrid, ins: Instruction): PrimitiveResult {
    return runPrimitive(env, ins, this.horizon, () => this.act(env.state, ins));
  }
}

/** Step `env` with `policy` until the primitive ends; shared by training and execution. */
export function runPrimitive(env: ParGrid, ins: Instruction, horizon: number, policy: () => number, onStep?: (a: number, r: number, done: boolean, sBefore: number, sAfter: number) => void): PrimitiveResult {
  const res: PrimitiveResult = { success: false, secret: null, terminated: false, reward: 0, steps: 0, failed: false, moved: false };
  for (let t = 0; t < horizon; t++) {
    const before = actorState(env.state, ins);
    const a = policy();
    const r = env.step(a);
    res.steps++;
    res.reward += r.reward;
    if (r.info.failed) res.failed = true;
    if (r.info.moved !== undefined) res.moved = true;
    let done = false;
    if (a === PAR_ACTIONS.examine || a === PAR_ACTIONS.pickUp) {
      // The interaction ends the primitive whether or not it worked (the success detector judges).
      done = true;
      if (a === PAR_ACTIONS.examine && r.info.examined === ins.object) {
        res.secret = r.info.secret as 'good' | 'bad';
        res.success = ins.verb === 'examine';
      }
      if (a === PAR_ACTIONS.pickUp && r.info.picked === ins.object) res.success = ins.verb === 'pick';
    } else if (ins.verb === 'go' && env.objectHere() === ins.object) {
      done = true;
      res.success = true;
    }
    if (r.terminated) res.terminated = true;
    onStep?.(a, res.success ? 1 : 0, done || r.terminated || r.truncated, before, actorState(env.state, ins));
    if (done || r.terminated || r.truncated) break;
  }
  return res;
}

export interface ActorTraining {
  actor: Actor;
  /** Per training episode: 1 if the primitive succeeded (ε-greedy). */
  successes: Uint8Array;
  envSteps: number;
  /** Greedy success on fresh rooms, per verb. */
  evalSuccess: Record<Verb, number>;
}

/**
 * Pre-train the actor on random primitive instructions in random rooms (Dasgupta et al.: "trained
 * on simple tasks in the same environment"), with ε-greedy tabular Q-learning (core's TabularQ),
 * reward 1 on success. Its greedy success per verb is then measured on fresh rooms.
 */
export function trainActor(cfg: ActorConfig, rng: Rng, size = 5): ActorTraining {
  const q = new TabularQ(ACTOR_STATES, N_ACTIONS, { learningRate: cfg.learningRate, gamma: cfg.gamma });
  const actor = new Actor(q, cfg.horizon);
  const env = new ParGrid({ size, maxSteps: 1000 });
  const successes = new Uint8Array(cfg.episodes);
  let envSteps = 0;
  const random = () => rng.random();
  for (let ep = 0; ep < cfg.episodes; ep++) {
    const eps = linearSchedule(cfg.epsStart, cfg.epsEnd, cfg.explorationFraction * cfg.episodes, ep);
    const ins = randomInstruction(env, rng, random, size);
    const res = runPrimitive(
      env,
      ins,
      cfg.horizon,
      () => q.act(actorState(env.state, ins), eps, rng, false),
      (a, r, done, s, s2) => q.update(s, a, r, s2, done),
    );
    envSteps += res.steps;
    successes[ep] = res.success ? 1 : 0;
  }
  const evalRng = rng.fork('eval');
  const evalSuccess = Object.fromEntries(
    VERBS.map((verb) => {
      const wins: number[] = [];
      for (let k = 0; k < 100; k++) {
        const ins = randomInstruction(env, evalRng, () => evalRng.random(), size, verb);
        wins.push(actor.execute(env, ins).success ? 1 : 0);
      }
      return [verb, mean(wins)];
    }),
  ) as Record<Verb, number>;
  return { actor, successes, envSteps, evalSuccess };
}

/** A random room and a random primitive instruction whose target is not under the agent. */
function randomInstruction(env: ParGrid, rng: Rng, random: () => number, size: number, verb?: Verb): Instruction {
  for (;;) {
    env.reset({ state: sampleParState(random, size, 'mixed') });
    const ins: Instruction = { verb: verb ?? rng.choice(VERBS), object: rng.int(4) };
    if (env.objectHere() !== ins.object) return ins;
  }
}
