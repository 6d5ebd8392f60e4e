/**
 * GridKeyDoor: a two-room gridworld for reward design (Eureka, survey §5.1). The agent starts in the
 * left room, must walk onto the key (picked up automatically), walk into the door (opens only with the
 * key) and reach the goal in the far corner of the right room. The task's own reward is sparse (1 on
 * reaching the goal), so with a short training budget reward shaping matters. The fields a reward
 * function sees (`rewardObs`) are the ones of the tiny LM's corpus task "keydoor".
 *
 *   ###########
 *   #....#...G#   left room x 1..4, wall x = 5 with the door at (5, 3), right room x 6..9
 *   #....#....#   goal at (9, 1); key and start random in the left room; 40 steps per episode
 *   #....D....#
 *   #....#....#
 *   #....#....#
 *   ###########
 *
 * Other layouts (`KeyDoorLayout`: room width and height, horizon) keep the same plan — door in the
 * middle row of the wall, goal in the top-right corner — and the same reward fields.
 */
import { type Env, type StepResult, envRandom } from './env.ts';
import { Box, Discrete } from './spaces.ts';

const MOVES: [number, number][] = [[0, -1], [1, 0], [0, 1], [-1, 0]]; // up, right, down, left

/** The room sizes and the horizon of a key-door world (two rooms side by side, one door between them). */
export interface KeyDoorLayout {
  /** Inner width of each room (cells). */
  roomWidth: number;
  /** Inner height of the rooms (cells); the door is in the middle row of the wall. */
  roomHeight: number;
  /** Steps per episode (truncation). */
  maxSteps: number;
}
/** The default layout: two 4×5 rooms, 40 steps (the grid drawn above). */
export const KEYDOOR_LAYOUT: KeyDoorLayout = { roomWidth: 4, roomHeight: 5, maxSteps: 40 };

/** The geometry a layout gives: walls, door, goal, and BFS distances to the door and to the goal. */
interface Geometry {
  width: number;
  height: number;
  wallX: number;
  door: readonly [number, number];
  goal: readonly [number, number];
  maxSteps: number;
  leftCells: [number, number][];
  distDoor: Int32Array;
  distGoal: Int32Array;
}

function geometryOf(l: KeyDoorLayout): Geometry {
  const width = 2 * l.roomWidth + 3, height = l.roomHeight + 2, wallX = l.roomWidth + 1;
  const g: Geometry = { width, height, wallX, door: [wallX, Math.floor(height / 2)], goal: [width - 2, 1], maxSteps: l.maxSteps, leftCells: [], distDoor: new Int32Array(0), distGoal: new Int32Array(0) };
  for (let y = 1; y < height - 1; y++) for (let x = 1; x < wallX; x++) g.leftCells.push([x, y]);
  g.distDoor = bfs(g, g.door[0], g.door[1]);
  g.distGoal = bfs(g, g.goal[0], g.goal[1]);
  return g;
}

export const KEYDOOR = (() => {
  const g = geometryOf(KEYDOOR_LAYOUT);
  return { width: g.width, height: g.height, wallX: g.wallX, door: g.door, goal: g.goal, maxSteps: g.maxSteps };
})();

/** What a reward function sees (names as in the tiny LM corpus' keydoor task). */
export interface KeyDoorObs {
  hasKey: boolean;
  doorOpen: boolean;
  atGoal: boolean;
  distToKey: number;
  distToDoor: number;
  distToGoal: number;
}

function isWall(g: Geometry, x: number, y: number): boolean {
  if (x <= 0 || y <= 0 || x >= g.width - 1 || y >= g.height - 1) return true;
  return x === g.wallX && y !== g.door[1];
}

/** BFS step distances to (tx, ty) through the open door (walls block). */
function bfs(g: Geometry, tx: number, ty: number): Int32Array {
  const W = g.width;
  const d = new Int32Array(W * g.height).fill(-1);
  d[ty * W + tx] = 0;
  const q = [[tx, ty] as [number, number]];
  for (let i = 0; i < q.length; i++) {
    const [x, y] = q[i]!;
    for (const [dx, dy] of MOVES) {
      const nx = x + dx, ny = y + dy;
      if (isWall(g, nx, ny) || d[ny * W + nx]! >= 0) continue;
      d[ny * W + nx] = d[y * W + x]! + 1;
      q.push([nx, ny]);
    }
  }
  return d;
}
// One geometry per layout (the BFS tables are shared by every env of that layout).
const geometries = new Map<string, Geometry>();
const geometry = (l: KeyDoorLayout) => {
  const k = `${l.roomWidth}x${l.roomHeight}/${l.maxSteps}`;
  return geometries.get(k) ?? geometries.set(k, geometryOf(l)).get(k)!;
};

export class GridKeyDoor implements Env<Float32Array, number> {
  readonly id: string;
  // [agentX, agentY, keyX, keyY] / size, hasKey, doorOpen
  readonly observationSpace = new Box(0, 1, [6]);
  readonly actionSpace = new Discrete(4);
  x = 1; y = 1; keyX = 1; keyY = 1; hasKey = false; doorOpen = false; t = 0;
  private random = envRandom(0);
  private readonly g: Geometry;
  private distKey: Int32Array;

  /** `layout` (default `KEYDOOR_LAYOUT`): room sizes and horizon; any other layout gets its own id. */
  constructor(layout: KeyDoorLayout = KEYDOOR_LAYOUT) {
    for (const [k, min] of [['roomWidth', 2], ['roomHeight', 3], ['maxSteps', 1]] as const) {
      if (!Number.isInteger(layout[k]) || layout[k] < min) throw new Error(`GridKeyDoor layout.${k} = ${layout[k]}: must be an integer ≥ ${min}`);
    }
    this.g = geometry(layout);
    this.distKey = bfs(this.g, 1, 1);
    const isDefault = layout.roomWidth === KEYDOOR_LAYOUT.roomWidth && layout.roomHeight === KEYDOOR_LAYOUT.roomHeight && layout.maxSteps === KEYDOOR_LAYOUT.maxSteps;
    this.id = isDefault ? 'GridKeyDoor-v0' : `GridKeyDoor-${layout.roomWidth}x${layout.roomHeight}-${layout.maxSteps}steps`;
  }

  reset(options?: { seed?: number }) {
    if (options?.seed !== undefined) this.random = envRandom(options.seed);
    const cells = this.g.leftCells;
    const pick = () => cells[Math.floor(this.random() * cells.length)]!;
    [this.keyX, this.keyY] = pick();
    do [this.x, this.y] = pick();
    while (this.x === this.keyX && this.y === this.keyY);
    this.hasKey = false; this.doorOpen = false; this.t = 0;
    this.distKey = bfs(this.g, this.keyX, this.keyY);
    return { obs: this.obs(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const g = this.g;
    const [dx, dy] = MOVES[action]!;
    const nx = this.x + dx, ny = this.y + dy;
    const isDoor = nx === g.door[0] && ny === g.door[1];
    if (isDoor && !this.doorOpen && this.hasKey) this.doorOpen = true;
    if (!isWall(g, nx, ny) && (!isDoor || this.doorOpen)) { this.x = nx; this.y = ny; }
    if (!this.hasKey && this.x === this.keyX && this.y === this.keyY) this.hasKey = true;
    this.t++;
    const atGoal = this.x === g.goal[0] && this.y === g.goal[1];
    // The task's own (sparse) reward; Eureka's fitness is this success, see packages/eureka-tiny.
    return { obs: this.obs(), reward: atGoal ? 1 : 0, terminated: atGoal, truncated: !atGoal && this.t >= g.maxSteps, info: { success: atGoal } };
  }

  /** The named fields a reward function gets (the corpus' keydoor fields). */
  rewardObs(): KeyDoorObs {
    const g = this.g;
    const i = this.y * g.width + this.x;
    return {
      hasKey: this.hasKey, doorOpen: this.doorOpen, atGoal: this.x === g.goal[0] && this.y === g.goal[1],
      distToKey: this.hasKey ? 0 : this.distKey[i]!, distToDoor: g.distDoor[i]!, distToGoal: g.distGoal[i]!,
    };
  }

  private obs(): Float32Array {
    const W = this.g.width, H = this.g.height;
    return Float32Array.from([this.x / (W - 1), this.y / (H - 1), this.keyX / (W - 1), this.keyY / (H - 1), this.hasKey ? 1 : 0, this.doorOpen ? 1 : 0]);
  }
}
