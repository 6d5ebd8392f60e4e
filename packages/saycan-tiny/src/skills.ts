/**
 * The skill library (SayCan §3 "Connecting large language models to robots", §4 "Training the
 * low-level skills"; taxonomy paper §6.1/§6.2): every skill is a short-horizon controller with a
 * language description ℓ, a policy π_ℓ(a|s) and a value function that doubles as its affordance,
 *
 *     p(c_ℓ | s, ℓ) ≈ V^{π_ℓ}(s)     with a sparse reward 1 on success, 0 otherwise,
 *
 * so V is (discounted) probability that running the skill from s succeeds. Skills are trained with
 * RL in the kitchen, independently of the language model, exactly as in SayCan (there with BC + MT-Opt
 * on real robots; here with tabular Q-learning, which is enough because each skill only looks at the
 * few state features it needs — see `features`).
 *
 * Skill texts are the tiny-lm corpus' skill vocabulary (`SKILLS` in packages/tiny-lm/corpus/
 * knowledge.ts): "find the X", "pick up the X", "go to the L", "put down the X", "open the L",
 * "close the L", "bring it to you", "done".
 */
import { linearSchedule, TabularQ, type Rng } from '@rlllm/core';
import {
  HELD,
  KITCHEN_ACTIONS,
  KITCHEN_OBJECTS,
  KITCHEN_OPENABLE,
  KITCHEN_PLACES,
  Kitchen,
  cloneKitchenState,
  graspAction,
  isOpenable,
  isVisible,
  placeIndex,
  type KitchenState,
} from '@rlllm/env';

export type SkillKind = 'find' | 'pick' | 'goTo' | 'putDown' | 'open' | 'close' | 'bring' | 'done';

export interface SkillSpec {
  text: string;
  kind: SkillKind;
  /** The motor primitives this controller may use (a skill is a specialised controller). */
  actions: number[];
  /** Low-level steps the controller gets before it gives up. */
  horizon: number;
  /** Number of abstract states, and the state → abstract-state map the policy and value see. */
  nStates: number;
  features(s: KitchenState): number;
  /** Did the step prev → next accomplish the skill? (the sparse success reward) */
  success(prev: KitchenState, next: KitchenState): boolean;
  /** Exploring starts for training: nudge a random scene towards states where the skill can work. */
  explore(s: KitchenState, rng: Rng): void;
}

const NP = KITCHEN_PLACES.length; // 9 places
const USER = placeIndex('user');
const NAV = [KITCHEN_ACTIONS.left, KITCHEN_ACTIONS.right, KITCHEN_ACTIONS.stay];
const NAV_HORIZON = 12; // the line is 9 places long; moves slip, so leave some slack
const noop = (): void => {};

function putInHand(s: KitchenState, o: number): void {
  if (s.holding >= 0) s.objects[s.holding] = s.robot;
  s.objects[o] = HELD;
  s.holding = o;
}

/** The fixed skill set: 12 objects × {find, pick up, put down} + 8 places × go to + 3 × {open, close} + bring + done. */
export function makeSkills(): SkillSpec[] {
  const skills: SkillSpec[] = [];
  KITCHEN_OBJECTS.forEach((name, o) => {
    // find the X: navigate to where X can be seen. Impossible if X is held or shut in a closed place.
    skills.push({
      text: `find the ${name}`,
      kind: 'find',
      actions: NAV,
      horizon: NAV_HORIZON,
      nStates: NP * (NP + 1) * 2,
      features: (s) => (s.robot * (NP + 1) + s.objects[o]!) * 2 + (isVisible(s, o) ? 1 : 0),
      success: (_p, n) => isVisible(n, o) && n.objects[o] === n.robot,
      explore: noop,
    });
    // pick up the X: choose the right grasp (one of 12) and retry if it slips. Needs X here, visible, empty hand.
    skills.push({
      text: `pick up the ${name}`,
      kind: 'pick',
      actions: KITCHEN_OBJECTS.map((_, k) => graspAction(k)),
      horizon: 3,
      nStates: NP * (NP + 1) * 2 * 2,
      features: (s) => ((s.robot * (NP + 1) + s.objects[o]!) * 2 + (isVisible(s, o) ? 1 : 0)) * 2 + (s.holding < 0 ? 1 : 0),
      success: (p, n) => p.holding !== o && n.holding === o,
      explore: (s, rng) => {
        if (s.objects[o] !== HELD && rng.random() < 0.6) s.robot = s.objects[o]!;
        if (rng.random() < 0.5 && s.holding >= 0 && s.holding !== o) {
          s.objects[s.holding] = s.robot;
          s.holding = -1;
        }
      },
    });
    // put down the X (here): release it. Needs X in hand and the place here not a closed one.
    skills.push({
      text: `put down the ${name}`,
      kind: 'putDown',
      actions: [KITCHEN_ACTIONS.release, KITCHEN_ACTIONS.stay],
      horizon: 2,
      nStates: 2 * NP * 2,
      features: (s) => ((s.holding === o ? 1 : 0) * NP + s.robot) * 2 + (isOpenable(s.robot) && !s.open[s.robot] ? 1 : 0),
      success: (p, n) => p.holding === o && n.holding !== o,
      explore: (s, rng) => {
        if (rng.random() < 0.6) putInHand(s, o);
      },
    });
  });
  KITCHEN_PLACES.forEach((name, l) => {
    if (l === USER) return; // "bring it to you" is the skill that goes to the user
    skills.push({
      text: `go to the ${name}`,
      kind: 'goTo',
      actions: NAV,
      horizon: NAV_HORIZON,
      nStates: NP,
      features: (s) => s.robot,
      success: (_p, n) => n.robot === l,
      explore: noop,
    });
  });
  for (const name of KITCHEN_OPENABLE) {
    const l = placeIndex(name);
    for (const kind of ['open', 'close'] as const) {
      skills.push({
        text: `${kind} the ${name}`,
        kind,
        actions: [KITCHEN_ACTIONS.open, KITCHEN_ACTIONS.close, KITCHEN_ACTIONS.stay],
        horizon: 2,
        nStates: NP * 2,
        features: (s) => s.robot * 2 + (s.open[l] ? 1 : 0),
        success: (_p, n) => n.robot === l && n.open[l] === (kind === 'open'),
        explore: (s, rng) => {
          if (rng.random() < 0.6) s.robot = l;
        },
      });
    }
  }
  // bring it to you: carry what is in hand to the user.
  skills.push({
    text: 'bring it to you',
    kind: 'bring',
    actions: NAV,
    horizon: NAV_HORIZON,
    nStates: NP * 2,
    features: (s) => s.robot * 2 + (s.holding >= 0 ? 1 : 0),
    success: (_p, n) => n.robot === USER && n.holding >= 0,
    explore: noop,
  });
  // done: SayCan's termination "skill"; no policy, always afforded.
  skills.push({ text: 'done', kind: 'done', actions: [], horizon: 0, nStates: 1, features: () => 0, success: () => true, explore: noop });
  return skills;
}

export interface QLearningConfig {
  /** Training episodes per skill. */
  episodes: number;
  /** Discount; close to 1 so V ≈ P(success). */
  gamma: number;
  /** ε-greedy exploration, linearly from epsStart to epsEnd over the episodes. */
  epsStart: number;
  epsEnd: number;
  /** Probability of an exploring start (SayCan collects data where skills can succeed). */
  exploreStart: number;
  /** Env noise: probability a move or grasp does nothing. */
  slip: number;
}

export interface TrainedSkill {
  spec: SkillSpec;
  /** Q over (abstract state, k-th of spec.actions). */
  q: TabularQ;
  /** Success (0/1) of each training episode, for the learning curve. */
  successes: Uint8Array;
}

/**
 * Tabular Q-learning of one skill (core's TabularQ; sparse 0/1 reward, terminal on success, bootstrap
 * on the time limit because the horizon is a cut, not an end of the task). Visit-count step sizes
 * α = max(0.05, 1/n(s,a)) average the noisy outcomes, so Q approaches the expected success.
 */
export function trainSkill(spec: SkillSpec, cfg: QLearningConfig, rng: Rng): TrainedSkill {
  const nA = spec.actions.length;
  const q = new TabularQ(spec.nStates, Math.max(1, nA), { visitCountSteps: true, minLearningRate: 0.05, gamma: cfg.gamma });
  const successes = new Uint8Array(cfg.episodes);
  if (spec.kind === 'done') return { spec, q, successes: successes.fill(1) };
  const env = new Kitchen({ slip: cfg.slip });
  for (let ep = 0; ep < cfg.episodes; ep++) {
    const eps = linearSchedule(cfg.epsStart, cfg.epsEnd, cfg.episodes - 1, ep);
    env.reset({ seed: rng.seed() });
    if (rng.random() < cfg.exploreStart) spec.explore(env.state, rng);
    for (let t = 0; t < spec.horizon; t++) {
      const s = spec.features(env.state);
      const k = q.act(s, eps, rng);
      const prev = cloneKitchenState(env.state);
      env.step(spec.actions[k]!);
      const ok = spec.success(prev, env.state);
      q.update(s, k, ok ? 1 : 0, spec.features(env.state), ok);
      if (ok) {
        successes[ep] = 1;
        break;
      }
    }
  }
  return { spec, q, successes };
}

/** The affordance: V(s) = max_a Q(s, a), clipped to [0, 1] — the skill's chance of success from s. */
export function affordance(skill: TrainedSkill, s: KitchenState): number {
  if (skill.spec.kind === 'done') return 1;
  return Math.min(1, Math.max(0, skill.q.maxQ(skill.spec.features(s))));
}

/**
 * Run a skill's greedy policy in the env until it succeeds or its horizon runs out (SayCan executes
 * the chosen skill's policy open-loop with respect to the planner: no success feedback to the LLM).
 */
export function executeSkill(skill: TrainedSkill, env: Kitchen, rng: Rng): { success: boolean; steps: number } {
  const spec = skill.spec;
  if (spec.kind === 'done') return { success: true, steps: 0 };
  for (let t = 0; t < spec.horizon; t++) {
    const prev = cloneKitchenState(env.state);
    env.step(spec.actions[skill.q.greedy(spec.features(env.state), rng)]!);
    if (spec.success(prev, env.state)) return { success: true, steps: t + 1 };
  }
  return { success: false, steps: spec.horizon };
}

/** Train the whole library (each skill gets its own stream of `rng`, named by the skill). */
export function trainSkills(cfg: QLearningConfig, rng: Rng, onSkill?: (i: number, n: number) => void): TrainedSkill[] {
  const specs = makeSkills();
  return specs.map((spec, i) => {
    const t = trainSkill(spec, cfg, rng.fork(spec.text));
    onSkill?.(i + 1, specs.length);
    return t;
  });
}
