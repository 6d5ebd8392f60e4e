/**
 * ParGrid — the Planner-Actor-Reporter world (Dasgupta et al. 2023; taxonomy paper §6.2, Table 7),
 * made small: a square room with 4 objects, each a unique colour × shape, and one hidden bit per
 * object, its *secret property* (good or bad). The secret is the partially observable part of the
 * world: it is not in the observation until the agent stands on the object and *examines* it.
 *
 * Tasks (the paper's two secret-property task families):
 *   search       "Task: pick up the good object. In the room there is a …"  exactly one object is good;
 *   conditional  "Task: if the red ball is good, pick it up, otherwise pick up the blue key. …"
 * Picking up any object ends the episode with reward 1 if it is the right one, else 0.
 *
 * Low-level actions: 0 up, 1 down, 2 left, 3 right, 4 examine, 5 pick up (examine and pick up act on
 * the object under the agent). Disturbances for Inner Monologue (Huang et al. 2022): `failProb` makes
 * an examine or pick-up do nothing, `moveProb` makes the object roll to a neighbouring free cell just
 * before the agent's examine/pick-up lands (so that action misses too).
 *
 * Simplified from the paper: the layout is fully visible (only the secrets are hidden), objects have
 * no texture, and the observation is a feature vector, not pixels.
 * Colour and shape words are the tiny-lm corpus' grid words (packages/tiny-lm/corpus/knowledge.ts).
 */
import { Box, Discrete } from './spaces.ts';
import { envRandom, type Info, type StepResult, type TextEnv } from './env.ts';

export const PAR_COLORS = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'] as const;
export const PAR_SHAPES = ['ball', 'box', 'key'] as const;
export const PAR_ACTIONS = { up: 0, down: 1, left: 2, right: 3, examine: 4, pickUp: 5 } as const;
export const PAR_ACTION_NAMES = ['move up', 'move down', 'move left', 'move right', 'examine', 'pick up'];
export const PAR_N_OBJECTS = 4;

export interface ParObject {
  color: number;
  shape: number;
  x: number;
  y: number;
  good: boolean;
  /** Has the secret been revealed (by a successful examine)? */
  revealed: boolean;
}

export type ParTask = { kind: 'search' } | { kind: 'conditional'; ifObject: number; elseObject: number };

export interface ParState {
  x: number;
  y: number;
  objects: ParObject[];
  task: ParTask;
  /** Index of the object picked up, or -1. */
  picked: number;
  steps: number;
}

export interface ParGridOptions {
  size?: number;
  maxSteps?: number;
  /** Probability that an examine or pick-up does nothing (Inner Monologue disturbance). */
  failProb?: number;
  /** Probability that the object rolls away just before an examine or pick-up (disturbance). */
  moveProb?: number;
  /** Task family drawn at reset when none is given: 'search', 'conditional' or 'mixed' (default). */
  taskKind?: 'search' | 'conditional' | 'mixed';
}

export const parObjectName = (o: Pick<ParObject, 'color' | 'shape'>): string => `${PAR_COLORS[o.color]} ${PAR_SHAPES[o.shape]}`;

/** The object that the task asks for: the good one (search) or the conditional's answer. */
export function parCorrectObject(s: Pick<ParState, 'objects' | 'task'>): number {
  if (s.task.kind === 'search') return s.objects.findIndex((o) => o.good);
  return s.objects[s.task.ifObject]!.good ? s.task.ifObject : s.task.elseObject;
}

function listAnd(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/** The task in the words of the tiny-lm corpus' planner–reporter dialogues. */
export function parTaskText(s: Pick<ParState, 'objects' | 'task'>): string {
  const room = `In the room there is ${listAnd(s.objects.map((o) => `a ${parObjectName(o)}`))}.`;
  if (s.task.kind === 'search') return `Task: pick up the good object. ${room}`;
  const a = parObjectName(s.objects[s.task.ifObject]!);
  const b = parObjectName(s.objects[s.task.elseObject]!);
  return `Task: if the ${a} is good, pick it up, otherwise pick up the ${b}. ${room}`;
}

/** Draw a room: 4 distinct colour × shape objects on distinct cells, secrets consistent with the task. */
export function sampleParState(random: () => number, size: number, taskKind: 'search' | 'conditional' | 'mixed'): ParState {
  const int = (n: number) => Math.floor(random() * n);
  const combos = new Set<number>();
  const cells = new Set<number>();
  const objects: ParObject[] = [];
  while (objects.length < PAR_N_OBJECTS) {
    const color = int(PAR_COLORS.length);
    const shape = int(PAR_SHAPES.length);
    const cell = int(size * size);
    if (combos.has(color * 10 + shape) || cells.has(cell)) continue;
    combos.add(color * 10 + shape);
    cells.add(cell);
    objects.push({ color, shape, x: cell % size, y: Math.floor(cell / size), good: false, revealed: false });
  }
  let agent = int(size * size);
  while (cells.has(agent)) agent = int(size * size);
  const kind = taskKind === 'mixed' ? (random() < 0.5 ? 'search' : 'conditional') : taskKind;
  let task: ParTask;
  if (kind === 'search') {
    objects[int(PAR_N_OBJECTS)]!.good = true; // exactly one good object
    task = { kind };
  } else {
    const ifObject = int(PAR_N_OBJECTS);
    let elseObject = int(PAR_N_OBJECTS);
    while (elseObject === ifObject) elseObject = int(PAR_N_OBJECTS);
    for (const o of objects) o.good = random() < 0.5;
    task = { kind, ifObject, elseObject };
  }
  return { x: agent % size, y: Math.floor(agent / size), objects, task, picked: -1, steps: 0 };
}

export function cloneParState(s: ParState): ParState {
  return { ...s, task: { ...s.task }, objects: s.objects.map((o) => ({ ...o })) };
}

/** Observation layout (all in [-1, 1]): see `observe`. */
export const PAR_OBS_SIZE = 2 + PAR_N_OBJECTS * (2 + PAR_COLORS.length + PAR_SHAPES.length + 2) + 2 + 2 * PAR_N_OBJECTS;

export class ParGrid implements TextEnv<Float32Array, number> {
  readonly id = 'ParGrid-v0';
  readonly observationSpace = new Box(-1, 1, [PAR_OBS_SIZE]);
  readonly actionSpace = new Discrete(6);
  readonly size: number;
  readonly maxSteps: number;
  failProb: number;
  moveProb: number;
  readonly taskKind: 'search' | 'conditional' | 'mixed';
  state: ParState;
  private random: () => number = envRandom(0);

  constructor(opts: ParGridOptions = {}) {
    this.size = opts.size ?? 5;
    this.maxSteps = opts.maxSteps ?? 50;
    this.failProb = opts.failProb ?? 0;
    this.moveProb = opts.moveProb ?? 0;
    this.taskKind = opts.taskKind ?? 'mixed';
    this.state = sampleParState(this.random, this.size, this.taskKind);
  }

  /** `state` sets an explicit room (copied); otherwise one is drawn from the env's generator. */
  reset(options: { seed?: number; state?: ParState } = {}): { obs: Float32Array; info: Info } {
    if (options.seed !== undefined) this.random = envRandom(options.seed);
    this.state = options.state ? cloneParState(options.state) : sampleParState(this.random, this.size, this.taskKind);
    this.state.picked = -1;
    this.state.steps = 0;
    return { obs: this.observe(), info: { task: parTaskText(this.state) } };
  }

  /** Index of the object under the agent, or -1. */
  objectHere(): number {
    return this.state.objects.findIndex((o) => o.x === this.state.x && o.y === this.state.y);
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new Error(`ParGrid: invalid action ${action}`);
    const s = this.state;
    s.steps++;
    const info: Info = {};
    let reward = 0;
    let terminated = false;
    if (action <= PAR_ACTIONS.right) {
      const [dx, dy] = [[0, -1], [0, 1], [-1, 0], [1, 0]][action]!;
      s.x = Math.min(this.size - 1, Math.max(0, s.x + dx!));
      s.y = Math.min(this.size - 1, Math.max(0, s.y + dy!));
    } else {
      let here = this.objectHere();
      if (here >= 0 && this.moveProb > 0 && this.random() < this.moveProb && this.roll(here)) {
        info.moved = here;
        here = -1;
      }
      if (here >= 0 && this.failProb > 0 && this.random() < this.failProb) {
        info.failed = true;
        here = -1;
      }
      if (here >= 0 && action === PAR_ACTIONS.examine) {
        // The only way a secret enters the observation (the paper's "examine" action).
        s.objects[here]!.revealed = true;
        info.examined = here;
        info.secret = s.objects[here]!.good ? 'good' : 'bad';
      } else if (here >= 0 && action === PAR_ACTIONS.pickUp) {
        s.picked = here;
        info.picked = here;
        terminated = true;
        reward = here === parCorrectObject(s) ? 1 : 0;
        info.success = reward === 1;
      }
    }
    const truncated = !terminated && s.steps >= this.maxSteps;
    return { obs: this.observe(), reward, terminated, truncated, info };
  }

  /** Move object i to a random free neighbouring cell; false if there is none. */
  private roll(i: number): boolean {
    const o = this.state.objects[i]!;
    const free = [[0, -1], [0, 1], [-1, 0], [1, 0]]
      .map(([dx, dy]) => [o.x + dx!, o.y + dy!] as const)
      .filter(([x, y]) => x >= 0 && y >= 0 && x < this.size && y < this.size && !this.state.objects.some((p) => p.x === x && p.y === y));
    if (free.length === 0) return false;
    const [x, y] = free[Math.floor(this.random() * free.length)]!;
    o.x = x;
    o.y = y;
    return true;
  }

  /**
   * [agent x, y] · per object [dx, dy, colour one-hot, shape one-hot, known good, known bad] ·
   * [task is search, task is conditional] · [is the "if" object (one-hot), is the "else" object].
   * Positions are scaled to [-1, 1]; the secret bits stay 0 until the object has been examined.
   */
  observe(): Float32Array {
    const s = this.state;
    const v = new Float32Array(PAR_OBS_SIZE);
    const scale = Math.max(1, this.size - 1);
    let k = 0;
    v[k++] = (2 * s.x) / scale - 1;
    v[k++] = (2 * s.y) / scale - 1;
    for (const o of s.objects) {
      v[k++] = (o.x - s.x) / scale;
      v[k++] = (o.y - s.y) / scale;
      v[k + o.color] = 1;
      k += PAR_COLORS.length;
      v[k + o.shape] = 1;
      k += PAR_SHAPES.length;
      v[k++] = o.revealed && o.good ? 1 : 0;
      v[k++] = o.revealed && !o.good ? 1 : 0;
    }
    v[k++] = s.task.kind === 'search' ? 1 : 0;
    v[k++] = s.task.kind === 'conditional' ? 1 : 0;
    if (s.task.kind === 'conditional') {
      v[k + s.task.ifObject] = 1;
      v[k + PAR_N_OBJECTS + s.task.elseObject] = 1;
    }
    return v;
  }

  describe(_obs?: Float32Array): string {
    const s = this.state;
    const seen = s.objects.filter((o) => o.revealed).map((o) => `The ${parObjectName(o)} is ${o.good ? 'good' : 'bad'}.`);
    return [parTaskText(s), `You are at column ${s.x + 1}, row ${s.y + 1}.`, ...seen].join(' ');
  }

  actionNames(): string[] {
    return [...PAR_ACTION_NAMES];
  }
}
