/**
 * Kitchen — a small symbolic kitchen for SayCan-style skill learning (Ahn et al. 2022; taxonomy
 * paper §6.1/§6.2). Nine places on a line, twelve objects, three places that open and close, and a
 * robot that holds at most one thing. Low-level actions are motor primitives (move, open, close,
 * release, grasp one object); skills such as "pick up the apple" are learned on top of them.
 *
 * Some skills are impossible in some states, which is what SayCan's affordances must detect:
 * nothing can be grasped from or put into a closed drawer/cabinet/fridge, a full hand cannot grasp,
 * and an object is only graspable where it is. Moving and grasping are noisy (they fail with a small
 * probability), so a skill's chance of success is a real probability and not just 0 or 1.
 *
 * The names of places and objects are the tiny-lm corpus' kitchen words (packages/tiny-lm/corpus/
 * knowledge.ts), so the language model and the environment speak about the same things.
 */
import { Box, Discrete } from './spaces.ts';
import { envRandom, type Info, type StepResult, type TextEnv } from './env.ts';

/** Places, in their order along the kitchen (moving left/right goes one place at a time). */
export const KITCHEN_PLACES = ['user', 'table', 'counter', 'sink', 'shelf', 'cabinet', 'drawer', 'fridge', 'trash can'] as const;
export type KitchenPlace = (typeof KITCHEN_PLACES)[number];
export const KITCHEN_OPENABLE: readonly KitchenPlace[] = ['cabinet', 'drawer', 'fridge'];

export const KITCHEN_OBJECTS = ['apple', 'banana', 'orange', 'energy bar', 'coke can', 'water bottle', 'sponge', 'towel', 'napkin', 'bowl', 'cup', 'spoon'] as const;
export type KitchenObject = (typeof KITCHEN_OBJECTS)[number];

/** Where each object usually is (as in the corpus, which teaches the model these homes). */
export const KITCHEN_HOMES: Record<KitchenObject, KitchenPlace> = {
  apple: 'counter',
  banana: 'counter',
  orange: 'fridge',
  'energy bar': 'drawer',
  'coke can': 'fridge',
  'water bottle': 'fridge',
  sponge: 'sink',
  towel: 'drawer',
  napkin: 'table',
  bowl: 'cabinet',
  cup: 'shelf',
  spoon: 'drawer',
};

/** Low-level actions: 0 stay, 1 move left, 2 move right, 3 open, 4 close, 5 release, 6+i grasp object i. */
export const KITCHEN_ACTIONS = { stay: 0, left: 1, right: 2, open: 3, close: 4, release: 5, grasp0: 6 } as const;
export const graspAction = (object: number): number => KITCHEN_ACTIONS.grasp0 + object;

/** Object location index meaning "in the robot's hand". */
export const HELD = KITCHEN_PLACES.length;

export interface KitchenState {
  /** Place index of the robot. */
  robot: number;
  /** Object index held, or -1. */
  holding: number;
  /** Per place index: open (only openable places can be true). */
  open: boolean[];
  /** Per object index: place index, or HELD. */
  objects: number[];
}

/** A scene by name, for users' files: every field optional, the rest from the default scene. */
export interface KitchenScene {
  robot?: KitchenPlace;
  holding?: KitchenObject | null;
  open?: KitchenPlace[];
  objects?: Partial<Record<KitchenObject, KitchenPlace>>;
}

export interface KitchenOptions {
  /** Probability that a move or a grasp does nothing (default 0.1). */
  slip?: number;
  /** Truncate after this many low-level steps (default 200). */
  maxSteps?: number;
  /** Optional task: reward 1 and terminate once it holds. Without it the reward is always 0. */
  goal?: (s: KitchenState) => boolean;
}

export const placeIndex = (p: string): number => {
  const i = (KITCHEN_PLACES as readonly string[]).indexOf(p);
  if (i < 0) throw new Error(`unknown kitchen place "${p}"`);
  return i;
};
export const objectIndex = (o: string): number => {
  const i = (KITCHEN_OBJECTS as readonly string[]).indexOf(o);
  if (i < 0) throw new Error(`unknown kitchen object "${o}"`);
  return i;
};
export const isOpenable = (place: number): boolean => KITCHEN_OPENABLE.includes(KITCHEN_PLACES[place]!);

/** An object can be seen and grasped unless it is held or inside a closed place. */
export function isVisible(s: KitchenState, object: number): boolean {
  const at = s.objects[object]!;
  return at !== HELD && !(isOpenable(at) && !s.open[at]);
}

export function cloneKitchenState(s: KitchenState): KitchenState {
  return { robot: s.robot, holding: s.holding, open: s.open.slice(), objects: s.objects.slice() };
}

/** The default scene: everything at home, everything closed, robot at the counter, hands empty. */
export function kitchenScene(scene: KitchenScene = {}): KitchenState {
  const objects = KITCHEN_OBJECTS.map((o) => placeIndex(scene.objects?.[o] ?? KITCHEN_HOMES[o]));
  const holding = scene.holding ? objectIndex(scene.holding) : -1;
  if (holding >= 0) objects[holding] = HELD;
  const open = KITCHEN_PLACES.map(() => false);
  for (const p of scene.open ?? []) {
    const i = placeIndex(p);
    if (!isOpenable(i)) throw new Error(`the ${p} cannot be open`);
    open[i] = true;
  }
  return { robot: placeIndex(scene.robot ?? 'counter'), holding, open, objects };
}

export class Kitchen implements TextEnv<Float32Array, number> {
  readonly id = 'Kitchen-v0';
  readonly actionSpace = new Discrete(KITCHEN_ACTIONS.grasp0 + KITCHEN_OBJECTS.length);
  /** [robot place, held object + 1, open flags of the openable places, place of each object (HELD = 9)]. */
  readonly observationSpace = new Box(
    0,
    [KITCHEN_PLACES.length - 1, KITCHEN_OBJECTS.length, ...KITCHEN_OPENABLE.map(() => 1), ...KITCHEN_OBJECTS.map(() => HELD)],
    [2 + KITCHEN_OPENABLE.length + KITCHEN_OBJECTS.length],
  );
  state: KitchenState = kitchenScene();
  readonly slip: number;
  readonly maxSteps: number;
  private readonly goal?: (s: KitchenState) => boolean;
  private random = envRandom(0);
  private steps = 0;

  constructor(opts: KitchenOptions = {}) {
    this.slip = opts.slip ?? 0.1;
    this.maxSteps = opts.maxSteps ?? 200;
    this.goal = opts.goal;
  }

  /**
   * Without a scene: a random kitchen from the seed (objects anywhere but with the user, places open
   * or closed at random, sometimes something in hand) — the start distribution skills train on.
   * With a scene: exactly that state (the env's noise is still seeded by `seed`).
   */
  reset(options: { seed?: number; scene?: KitchenScene | KitchenState } = {}): { obs: Float32Array; info: Info } {
    if (options.seed !== undefined) this.random = envRandom(options.seed);
    this.steps = 0;
    const sc = options.scene;
    if (sc && 'objects' in sc && Array.isArray(sc.objects)) this.state = cloneKitchenState(sc as KitchenState);
    else if (sc) this.state = kitchenScene(sc as KitchenScene);
    else this.state = this.randomState();
    return { obs: this.observe(), info: {} };
  }

  private randomState(): KitchenState {
    const r = this.random;
    const n = KITCHEN_PLACES.length;
    const objects = KITCHEN_OBJECTS.map(() => 1 + Math.floor(r() * (n - 1))); // never with the user
    const open = KITCHEN_PLACES.map((_, i) => isOpenable(i) && r() < 0.5);
    let holding = -1;
    if (r() < 0.3) {
      holding = Math.floor(r() * KITCHEN_OBJECTS.length);
      objects[holding] = HELD;
    }
    return { robot: Math.floor(r() * n), holding, open, objects };
  }

  observe(): Float32Array {
    const s = this.state;
    return Float32Array.from([s.robot, s.holding + 1, ...KITCHEN_OPENABLE.map((p) => (s.open[placeIndex(p)] ? 1 : 0)), ...s.objects]);
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new Error(`Kitchen: invalid action ${action}`);
    const s = this.state;
    const slipped = this.random() < this.slip;
    const here = s.robot;
    if (action === KITCHEN_ACTIONS.left) {
      if (!slipped) s.robot = Math.max(0, here - 1);
    } else if (action === KITCHEN_ACTIONS.right) {
      if (!slipped) s.robot = Math.min(KITCHEN_PLACES.length - 1, here + 1);
    } else if (action === KITCHEN_ACTIONS.open) {
      if (isOpenable(here)) s.open[here] = true;
    } else if (action === KITCHEN_ACTIONS.close) {
      if (isOpenable(here)) s.open[here] = false;
    } else if (action === KITCHEN_ACTIONS.release) {
      // Nothing goes into a closed place.
      if (s.holding >= 0 && !(isOpenable(here) && !s.open[here])) {
        s.objects[s.holding] = here;
        s.holding = -1;
      }
    } else if (action >= KITCHEN_ACTIONS.grasp0) {
      const o = action - KITCHEN_ACTIONS.grasp0;
      // A full hand cannot grasp; the object must be here and visible; grasps slip too.
      if (!slipped && s.holding < 0 && s.objects[o] === here && isVisible(s, o)) {
        s.objects[o] = HELD;
        s.holding = o;
      }
    }
    this.steps++;
    const reached = this.goal ? this.goal(s) : false;
    return { obs: this.observe(), reward: reached ? 1 : 0, terminated: reached, truncated: !reached && this.steps >= this.maxSteps, info: {} };
  }

  describe(obs: Float32Array): string {
    const robot = KITCHEN_PLACES[obs[0]!]!;
    const holding = obs[1]! > 0 ? `the ${KITCHEN_OBJECTS[obs[1]! - 1]}` : 'nothing';
    const parts = [`The robot is ${robot === 'user' ? 'with you' : `at the ${robot}`} and holds ${holding}.`];
    KITCHEN_OPENABLE.forEach((p, k) => parts.push(`The ${p} is ${obs[2 + k] ? 'open' : 'closed'}.`));
    KITCHEN_PLACES.forEach((p, i) => {
      const here = KITCHEN_OBJECTS.filter((_, o) => obs[2 + KITCHEN_OPENABLE.length + o] === i).map((o) => `the ${o}`);
      if (here.length) parts.push(`${p === 'user' ? 'With you' : `${isOpenable(i) || p === 'sink' || p === 'trash can' ? 'In' : 'On'} the ${p}`}: ${here.join(', ')}.`);
    });
    return parts.join(' ');
  }

  actionNames(): string[] {
    return ['stay', 'move left', 'move right', 'open', 'close', 'release', ...KITCHEN_OBJECTS.map((o) => `grasp the ${o}`)];
  }
}
