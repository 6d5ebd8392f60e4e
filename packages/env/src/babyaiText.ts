/**
 * BabyAI-Text, small: the text world of GLAM (Carta et al. 2023, "Grounding Large Language Models in
 * Interactive Environments with Online Reinforcement Learning"). GLAM wraps BabyAI
 * (Chevalier-Boisvert et al. 2019) so that an LLM reads the agent's partial view as sentences
 * ("You see a red ball 2 steps forward and 1 step left.") and scores each of the six action names.
 *
 * One room (default 6×6 inside the walls), the agent has a cell and a facing direction; 1–4 objects
 * (colour × ball/box/key, all distinct, never on the agent) are placed at random. Missions, as in
 * BabyAI GoToLocal / PickupDist:
 *   goto    "go to the red ball"    success once the object is in the cell directly in front (BabyAI's
 *                                   GoToInstr checks the front cell after every action);
 *   pickup  "pick up the red ball"  success when `pick up` lifts that object (a wrong pick-up just
 *                                   carries the other object; drop it to free the hands);
 *   open    "open the red door"     optional (`missions`): 1–2 closed doors sit in the walls, success
 *                                   when `toggle` opens the named one. Doors always block movement —
 *                                   there is only one room, so an open door leads nowhere.
 * Reward as in BabyAI: 1 − 0.9·(steps/maxSteps) on success (which terminates), else 0; truncated at
 * maxSteps. The target never starts directly in front of the agent, and every object can be reached
 * (BabyAI's check_objs_reachable).
 *
 * View: BabyAI's 7×7 egocentric window — f = 0..6 cells forward (f = 0 is the agent's own row),
 * s = −3..3 to the side (negative = left); nothing behind the agent is seen. Objects do not occlude
 * (as in MiniGrid), and cells beyond the grid read as wall (as MiniGrid's Grid.slice does).
 * The text lists every object in that window, a wall straight ahead when one is in view, and what the
 * agent carries — in exactly the tiny-lm corpus' wording (packages/tiny-lm/corpus/build.ts: posText,
 * glamPromptDoc; constants from knowledge.ts, re-declared here so env does not depend on tiny-lm).
 * The text is decoded from the numeric observation, so a symbolic agent sees at least what the LM sees.
 *
 * Generalisation split (in the spirit of GLAM's generalisation tests: unseen compositions): `targets: 'train'` never draws a
 * target in BABYAI_HELDOUT, `'heldout'` draws only those; distractors may be any pair. Door missions
 * are not split (they have no held-out pairs), so `'heldout'` leaves them out.
 */
import { Box, Discrete } from './spaces.ts';
import { envRandom, type Info, type StepResult, type TextEnv } from './env.ts';

export const BABYAI_COLORS = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'] as const;
export const BABYAI_OBJECTS = ['ball', 'box', 'key', 'door'] as const;
/** GLAM's six actions in the corpus' order (index = action). */
export const BABYAI_ACTIONS = ['turn left', 'turn right', 'go forward', 'pick up', 'drop', 'toggle'] as const;
export const BABYAI_ACTION = { left: 0, right: 1, forward: 2, pickup: 3, drop: 4, toggle: 5 } as const;
export const BABYAI_KINDS = ['goto', 'pickup', 'open'] as const;

export type BabyaiColor = (typeof BABYAI_COLORS)[number];
export type BabyaiObjectType = (typeof BABYAI_OBJECTS)[number];
export type BabyaiKind = (typeof BABYAI_KINDS)[number];
export type BabyaiSplit = 'train' | 'heldout' | 'all';
export type BabyaiPair = readonly [BabyaiColor, Exclude<BabyaiObjectType, 'door'>];

/**
 * Held-out targets: one pair per type plus a second ball, so every colour still appears with two
 * types in training and every type with at least four colours (the composition is new, not the words).
 */
export const BABYAI_HELDOUT: readonly BabyaiPair[] = [['purple', 'ball'], ['yellow', 'box'], ['grey', 'key'], ['green', 'ball']];

export interface BabyaiMission { kind: BabyaiKind; color: BabyaiColor; type: BabyaiObjectType }
export interface BabyaiObject { type: BabyaiObjectType; color: BabyaiColor; x: number; y: number; open: boolean }
export interface BabyaiState {
  x: number;
  y: number;
  /** 0 east, 1 south, 2 west, 3 north (MiniGrid's order; y grows downwards). */
  dir: number;
  objects: BabyaiObject[];
  carrying: BabyaiObject | null;
  mission: BabyaiMission;
  steps: number;
}

export interface BabyAITextOptions {
  /** Interior side of the room (walls around it). Default 6. */
  size?: number;
  maxSteps?: number;
  /** Ball/box/key objects per room, drawn from 1..maxObjects (open missions: 0..maxObjects-1). Default 4. */
  maxObjects?: number;
  /** Mission kinds to draw from. Default ['goto', 'pickup']; add 'open' for doors. */
  missions?: BabyaiKind[];
  /** Which (colour, type) targets goto/pickup missions use. Default 'all'. */
  targets?: BabyaiSplit;
}

const DIRS: readonly (readonly [number, number])[] = [[1, 0], [0, 1], [-1, 0], [0, -1]];
const VIEW_DEPTH = 7; // f = 0..6
const VIEW_HALF = 3; // s = -3..3
/** Per view cell: [wall, ball, box, key, door, 6 colours, door open]. */
const CELL = 12;
const M0 = VIEW_DEPTH * (2 * VIEW_HALF + 1) * CELL; // 588: mission [kind 3, colour 6, type 4]
const C0 = M0 + 3 + 6 + 4; // 601: carrying [type ball/box/key 3, colour 6]
export const BABYAI_OBS_SIZE = C0 + 3 + 6; // 610
const cellBase = (f: number, s: number) => (f * (2 * VIEW_HALF + 1) + s + VIEW_HALF) * CELL;

export const babyaiMissionText = (m: BabyaiMission): string =>
  m.kind === 'goto' ? `go to the ${m.color} ${m.type}` : m.kind === 'pickup' ? `pick up the ${m.color} ${m.type}` : `open the ${m.color} door`;

/** The corpus' posText: f steps forward (>= 0), s steps to the side (negative = left). */
export function babyaiPosText(f: number, s: number): string {
  const parts: string[] = [];
  if (f > 0) parts.push(`${f} ${f === 1 ? 'step' : 'steps'} forward`);
  if (s !== 0) parts.push(`${Math.abs(s)} ${Math.abs(s) === 1 ? 'step' : 'steps'} ${s < 0 ? 'left' : 'right'}`);
  return parts.join(' and ');
}

/**
 * The corpus' GLAM prompt (glamPromptDoc); the LM scores " <action name>." after it. `actions = null`
 * drops the header, the corpus' other variant.
 */
export function babyaiPrompt(mission: string, sentences: readonly string[], actions: readonly string[] | null = BABYAI_ACTIONS): string {
  const header = actions ? [`Possible actions of the agent: ${actions.join(', ')}.`] : [];
  return [...header, `Goal of the agent: ${mission}.`, 'Observation:', ...sentences, 'Next action:'].join(' ');
}

/** The (colour, type) pairs goto/pickup targets are drawn from under a split. */
export function babyaiTargets(split: BabyaiSplit): BabyaiPair[] {
  const held = (c: string, t: string) => BABYAI_HELDOUT.some(([hc, ht]) => hc === c && ht === t);
  const all = BABYAI_COLORS.flatMap((c) => (['ball', 'box', 'key'] as const).map((t) => [c, t] as const));
  return split === 'all' ? all : all.filter(([c, t]) => held(c, t) === (split === 'heldout'));
}

/** Egocentric coordinates [f, s] of cell (x, y) for the agent in `st` (f < 0 = behind). */
export function babyaiEgo(st: Pick<BabyaiState, 'x' | 'y' | 'dir'>, x: number, y: number): [number, number] {
  const [dx, dy] = DIRS[st.dir]!;
  const ox = x - st.x, oy = y - st.y;
  return [ox * dx + oy * dy, ox * -dy + oy * dx]; // right = forward rotated clockwise: (-dy, dx)
}

const isMissionObject = (o: BabyaiObject, m: BabyaiMission) => o.color === m.color && o.type === m.type;

/** The text parts, decoded from a numeric observation: mission text and the observation sentences. */
export function babyaiTextParts(obs: Float32Array): { mission: string; sentences: string[] } {
  const argmax = (from: number, n: number) => Array.from(obs.subarray(from, from + n)).indexOf(1);
  const mission = babyaiMissionText({ kind: BABYAI_KINDS[argmax(M0, 3)]!, color: BABYAI_COLORS[argmax(M0 + 3, 6)]!, type: BABYAI_OBJECTS[argmax(M0 + 9, 4)]! });
  const sentences: string[] = [];
  let wallAhead = 0;
  let aheadBlocked = false; // the first wall or door straight ahead hides the ones "behind" it
  for (let f = 0; f < VIEW_DEPTH; f++) {
    for (let s = -VIEW_HALF; s <= VIEW_HALF; s++) {
      const b = cellBase(f, s);
      const type = argmax(b + 1, 4);
      if (s === 0 && !aheadBlocked && (obs[b] === 1 || type === 3)) {
        aheadBlocked = true;
        if (obs[b] === 1) wallAhead = f;
      }
      if (type >= 0) sentences.push(`You see a ${BABYAI_COLORS[argmax(b + 5, 6)]} ${BABYAI_OBJECTS[type]} ${babyaiPosText(f, s)}.`);
    }
  }
  if (wallAhead > 0) sentences.push(`You see a wall ${babyaiPosText(wallAhead, 0)}.`);
  const carried = argmax(C0, 3);
  if (carried >= 0) sentences.push(`You are carrying the ${BABYAI_COLORS[argmax(C0 + 3, 6)]} ${BABYAI_OBJECTS[carried]}.`);
  return { mission, sentences };
}

/** Draw a room for one episode (see the top comment for the rules). */
export function sampleBabyaiState(random: () => number, opts: Required<Pick<BabyAITextOptions, 'size' | 'maxObjects' | 'missions' | 'targets'>>): BabyaiState {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const { size, maxObjects } = opts;
  const pairs = babyaiTargets(opts.targets);
  const kinds = opts.missions.filter((k) => (k === 'open' ? opts.targets !== 'heldout' : pairs.length > 0));
  if (kinds.length === 0) throw new Error(`BabyAIText: no missions of ${opts.missions.join('/')} under targets=${opts.targets}`);
  const kind = pick(kinds);
  const [color, type]: readonly [BabyaiColor, BabyaiObjectType] = kind === 'open' ? [pick(BABYAI_COLORS), 'door'] : pick(pairs);
  const mission: BabyaiMission = { kind, color, type };
  for (;;) {
    const st: BabyaiState = { x: 1 + int(size), y: 1 + int(size), dir: int(4), objects: [], carrying: null, mission, steps: 0 };
    const used = new Set([`${st.x},${st.y}`]);
    const doorFronts = new Set<string>(); // keep the cell inside each door free, so it can be toggled
    if (opts.missions.includes('open')) {
      const nDoors = 1 + int(2);
      while (st.objects.length < nDoors) {
        const c = st.objects.length === 0 && kind === 'open' ? color : pick(BABYAI_COLORS);
        const side = int(4), k = 1 + int(size);
        const [x, y, ix, iy] = [[k, 0, k, 1], [size + 1, k, size, k], [k, size + 1, k, size], [0, k, 1, k]][side]!;
        if (st.objects.some((o) => o.color === c) || doorFronts.has(`${ix},${iy}`)) continue;
        doorFronts.add(`${ix},${iy}`);
        st.objects.push({ type: 'door', color: c, x: x!, y: y!, open: false });
      }
    }
    const n = kind === 'open' ? int(maxObjects) : 1 + int(maxObjects);
    const placed: BabyaiObject[] = [];
    while (placed.length < n) {
      const [c, t] = placed.length === 0 && kind !== 'open' ? [color, type] : pick(babyaiTargets('all'));
      const x = 1 + int(size), y = 1 + int(size);
      // All objects distinct (so the mission names exactly one), none on the agent or in a doorway.
      if (st.objects.concat(placed).some((o) => o.color === c && o.type === t) || used.has(`${x},${y}`) || doorFronts.has(`${x},${y}`)) continue;
      used.add(`${x},${y}`);
      placed.push({ type: t, color: c, x, y, open: false });
    }
    st.objects.push(...placed);
    const [dx, dy] = DIRS[st.dir]!;
    if (st.objects.some((o) => isMissionObject(o, mission) && o.x === st.x + dx && o.y === st.y + dy)) continue;
    if (allReachable(st, size)) return st;
  }
}

/** BabyAI's check_objs_reachable: every object has a neighbouring cell the agent can walk to. */
function allReachable(st: BabyaiState, size: number): boolean {
  const key = (x: number, y: number) => `${x},${y}`;
  const occupied = new Set(st.objects.map((o) => key(o.x, o.y)));
  const seen = new Set([key(st.x, st.y)]);
  const queue: [number, number][] = [[st.x, st.y]];
  for (let i = 0; i < queue.length; i++) {
    for (const [dx, dy] of DIRS) {
      const [x, y] = [queue[i]![0] + dx, queue[i]![1] + dy];
      if (x < 1 || y < 1 || x > size || y > size || occupied.has(key(x, y)) || seen.has(key(x, y))) continue;
      seen.add(key(x, y));
      queue.push([x, y]);
    }
  }
  return st.objects.every((o) => DIRS.some(([dx, dy]) => seen.has(key(o.x + dx, o.y + dy))));
}

export function cloneBabyaiState(s: BabyaiState): BabyaiState {
  return { ...s, mission: { ...s.mission }, objects: s.objects.map((o) => ({ ...o })), carrying: s.carrying && { ...s.carrying } };
}

export class BabyAIText implements TextEnv<Float32Array, number> {
  readonly id = 'BabyAIText-v0';
  readonly observationSpace = new Box(0, 1, [BABYAI_OBS_SIZE]);
  readonly actionSpace = new Discrete(6);
  readonly size: number;
  readonly maxSteps: number;
  readonly maxObjects: number;
  readonly missions: BabyaiKind[];
  readonly targets: BabyaiSplit;
  state: BabyaiState;
  private random: () => number = envRandom(0);

  constructor(opts: BabyAITextOptions = {}) {
    this.size = opts.size ?? 6;
    this.maxSteps = opts.maxSteps ?? 64;
    this.maxObjects = opts.maxObjects ?? 4;
    this.missions = opts.missions ?? ['goto', 'pickup'];
    this.targets = opts.targets ?? 'all';
    if (this.size < 3 || this.maxObjects < 1 || this.maxObjects > this.size) throw new Error('BabyAIText: need size >= 3 and 1 <= maxObjects <= size');
    this.state = this.sample();
  }

  private sample(): BabyaiState {
    return sampleBabyaiState(this.random, this);
  }

  /** `state` sets an explicit room (copied); otherwise one is drawn from the env's generator. */
  reset(options: { seed?: number; state?: BabyaiState } = {}): { obs: Float32Array; info: Info } {
    if (options.seed !== undefined) this.random = envRandom(options.seed);
    this.state = options.state ? cloneBabyaiState(options.state) : this.sample();
    this.state.steps = 0;
    return { obs: this.observe(), info: { mission: babyaiMissionText(this.state.mission) } };
  }

  /** The object at (x, y) (doors included), or undefined. */
  objectAt(x: number, y: number): BabyaiObject | undefined {
    return this.state.objects.find((o) => o.x === x && o.y === y);
  }

  /** Can the agent stand on (x, y)? Inside the walls and no object there. */
  isFree(x: number, y: number): boolean {
    return x >= 1 && y >= 1 && x <= this.size && y <= this.size && !this.objectAt(x, y);
  }

  front(): [number, number] {
    const [dx, dy] = DIRS[this.state.dir]!;
    return [this.state.x + dx, this.state.y + dy];
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new Error(`BabyAIText: invalid action ${action}`);
    const st = this.state;
    const m = st.mission;
    st.steps++;
    const [fx, fy] = this.front();
    const ahead = this.objectAt(fx, fy);
    let success = false;
    if (action === BABYAI_ACTION.left) st.dir = (st.dir + 3) % 4;
    else if (action === BABYAI_ACTION.right) st.dir = (st.dir + 1) % 4;
    else if (action === BABYAI_ACTION.forward) {
      if (this.isFree(fx, fy)) [st.x, st.y] = [fx, fy];
    } else if (action === BABYAI_ACTION.pickup) {
      if (!st.carrying && ahead && ahead.type !== 'door') {
        st.objects.splice(st.objects.indexOf(ahead), 1);
        st.carrying = ahead;
        success = m.kind === 'pickup' && isMissionObject(ahead, m);
      }
    } else if (action === BABYAI_ACTION.drop) {
      if (st.carrying && this.isFree(fx, fy)) {
        st.objects.push({ ...st.carrying, x: fx, y: fy });
        st.carrying = null;
      }
    } else if (ahead?.type === 'door') {
      ahead.open = !ahead.open; // toggle: MiniGrid doors open and close; balls, boxes, keys ignore it
      success = m.kind === 'open' && ahead.open && isMissionObject(ahead, m);
    }
    if (m.kind === 'goto') {
      const [gx, gy] = this.front();
      const target = this.objectAt(gx, gy);
      success = !!target && isMissionObject(target, m);
    }
    const reward = success ? 1 - 0.9 * (st.steps / this.maxSteps) : 0;
    return { obs: this.observe(), reward, terminated: success, truncated: !success && st.steps >= this.maxSteps, info: { success } };
  }

  /** Layout: 7×7 view cells (f-major, s = −3..3) × [wall, ball, box, key, door, 6 colours, open] · mission · carrying. */
  observe(): Float32Array {
    const st = this.state;
    const v = new Float32Array(BABYAI_OBS_SIZE);
    const [dx, dy] = DIRS[st.dir]!;
    for (let f = 0; f < VIEW_DEPTH; f++) {
      for (let s = -VIEW_HALF; s <= VIEW_HALF; s++) {
        const x = st.x + f * dx - s * dy, y = st.y + f * dy + s * dx;
        const b = cellBase(f, s);
        const o = this.objectAt(x, y);
        if (o) {
          v[b + 1 + BABYAI_OBJECTS.indexOf(o.type)] = 1;
          v[b + 5 + BABYAI_COLORS.indexOf(o.color)] = 1;
          v[b + 11] = o.open ? 1 : 0;
        } else if (x < 1 || y < 1 || x > this.size || y > this.size) v[b] = 1; // wall (or beyond it)
      }
    }
    v[M0 + BABYAI_KINDS.indexOf(st.mission.kind)] = 1;
    v[M0 + 3 + BABYAI_COLORS.indexOf(st.mission.color)] = 1;
    v[M0 + 9 + BABYAI_OBJECTS.indexOf(st.mission.type)] = 1;
    if (st.carrying) {
      v[C0 + BABYAI_OBJECTS.indexOf(st.carrying.type)] = 1;
      v[C0 + 3 + BABYAI_COLORS.indexOf(st.carrying.color)] = 1;
    }
    return v;
  }

  /** Mission text and observation sentences of the current state (GLAM's prompt material). */
  textParts(): { mission: string; sentences: string[] } {
    return babyaiTextParts(this.observe());
  }

  /** "Goal of the agent: … Observation: …" — the prompt without the action header and "Next action:". */
  describe(obs: Float32Array): string {
    const { mission, sentences } = babyaiTextParts(obs);
    return [`Goal of the agent: ${mission}.`, 'Observation:', ...sentences].join(' ');
  }

  /** The full GLAM prompt for the current state. */
  prompt(): string {
    const { mission, sentences } = this.textParts();
    return babyaiPrompt(mission, sentences);
  }

  actionNames(): string[] {
    return [...BABYAI_ACTIONS];
  }
}

/**
 * The corpus' simple policy (gridAction in tiny-lm's corpus): close the forward gap, then turn, then
 * act; null when a goto is already complete. Extended to targets behind the agent (f < 0), which the
 * corpus never shows: turn towards their side, or turn right if straight behind.
 */
export function babyaiCorpusAction(kind: BabyaiKind, f: number, s: number): number | null {
  if (f > 0 && s !== 0) return BABYAI_ACTION.forward;
  if (f <= 0 && s < 0) return BABYAI_ACTION.left;
  if (f <= 0 && s > 0) return BABYAI_ACTION.right;
  if (f < 0) return BABYAI_ACTION.right;
  if (f > 1) return BABYAI_ACTION.forward;
  return kind === 'goto' ? null : kind === 'pickup' ? BABYAI_ACTION.pickup : BABYAI_ACTION.toggle;
}

/**
 * Scripted expert with full state: the corpus rule whenever it is on a shortest path, otherwise a step
 * of a shortest path over (cell, direction) poses around the objects (BFS back from the poses that
 * face the target). Drops a wrongly carried object first on pickup missions.
 */
export function babyaiExpert(env: BabyAIText): number {
  const st = env.state;
  const m = st.mission;
  const [fx, fy] = env.front();
  // Hands full on a pickup mission, or holding the goto target (dropping it ahead completes the goto).
  if (st.carrying && (m.kind === 'pickup' || isMissionObject(st.carrying, m))) return env.isFree(fx, fy) ? BABYAI_ACTION.drop : BABYAI_ACTION.left;
  const target = st.objects.find((o) => isMissionObject(o, m))!;
  const W = env.size + 2;
  const pose = (x: number, y: number, d: number) => (y * W + x) * 4 + d;
  const dist = new Int32Array(W * W * 4).fill(-1);
  const queue: number[] = [];
  for (let d = 0; d < 4; d++) {
    const [x, y] = [target.x - DIRS[d]![0], target.y - DIRS[d]![1]];
    if (env.isFree(x, y)) (dist[pose(x, y, d)] = 0), queue.push(pose(x, y, d));
  }
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!;
    const d = p % 4, c = (p - d) / 4, x = c % W, y = (c - x) / W;
    // Predecessors: turning left from d+1 or right from d−1 gives d; a step forward from the cell behind.
    const [bx, by] = [x - DIRS[d]![0], y - DIRS[d]![1]];
    for (const q of [pose(x, y, (d + 1) % 4), pose(x, y, (d + 3) % 4), env.isFree(bx, by) ? pose(bx, by, d) : -1]) {
      if (q >= 0 && dist[q] === -1) (dist[q] = dist[p]! + 1), queue.push(q);
    }
  }
  const [f, s] = babyaiEgo(st, target.x, target.y);
  const rule = babyaiCorpusAction(m.kind, f, s) ?? BABYAI_ACTION.forward;
  const here = dist[pose(st.x, st.y, st.dir)]!;
  if (here <= 0) return rule; // at the target (act) or no path (the rule is as good a guess as any)
  const after = (a: number) =>
    a === BABYAI_ACTION.left ? dist[pose(st.x, st.y, (st.dir + 3) % 4)] : a === BABYAI_ACTION.right ? dist[pose(st.x, st.y, (st.dir + 1) % 4)] : env.isFree(fx, fy) ? dist[pose(fx, fy, st.dir)] : here;
  if (rule <= BABYAI_ACTION.forward && after(rule) === here - 1) return rule;
  return [BABYAI_ACTION.forward, BABYAI_ACTION.left, BABYAI_ACTION.right].find((a) => after(a) === here - 1)!;
}
