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
 */
import { type Env, type StepResult, envRandom } from './env.ts';
import { Box, Discrete } from './spaces.ts';

export const KEYDOOR = { width: 11, height: 7, wallX: 5, door: [5, 3] as const, goal: [9, 1] as const, maxSteps: 40 };

/** What a reward function sees (names as in the tiny LM corpus' keydoor task). */
export interface KeyDoorObs {
  hasKey: boolean;
  doorOpen: boolean;
  atGoal: boolean;
  distToKey: number;
  distToDoor: number;
  distToGoal: number;
}

const MOVES: [number, number][] = [[0, -1], [1, 0], [0, 1], [-1, 0]]; // up, right, down, left
const { width: W, height: H } = KEYDOOR;

function isWall(x: number, y: number): boolean {
  if (x <= 0 || y <= 0 || x >= W - 1 || y >= H - 1) return true;
  return x === KEYDOOR.wallX && y !== KEYDOOR.door[1];
}

/** BFS step distances to (tx, ty) through the open door (walls block). */
function bfs(tx: number, ty: number): Int32Array {
  const d = new Int32Array(W * H).fill(-1);
  d[ty * W + tx] = 0;
  const q = [[tx, ty] as [number, number]];
  for (let i = 0; i < q.length; i++) {
    const [x, y] = q[i]!;
    for (const [dx, dy] of MOVES) {
      const nx = x + dx, ny = y + dy;
      if (isWall(nx, ny) || d[ny * W + nx]! >= 0) continue;
      d[ny * W + nx] = d[y * W + x]! + 1;
      q.push([nx, ny]);
    }
  }
  return d;
}
const DIST_DOOR = bfs(KEYDOOR.door[0], KEYDOOR.door[1]);
const DIST_GOAL = bfs(KEYDOOR.goal[0], KEYDOOR.goal[1]);
const LEFT_CELLS: [number, number][] = [];
for (let y = 1; y < H - 1; y++) for (let x = 1; x < KEYDOOR.wallX; x++) LEFT_CELLS.push([x, y]);

export class GridKeyDoor implements Env<Float32Array, number> {
  readonly id = 'GridKeyDoor-v0';
  // [agentX, agentY, keyX, keyY] / size, hasKey, doorOpen
  readonly observationSpace = new Box(0, 1, [6]);
  readonly actionSpace = new Discrete(4);
  x = 1; y = 1; keyX = 1; keyY = 1; hasKey = false; doorOpen = false; t = 0;
  private random = envRandom(0);
  private distKey = bfs(1, 1);

  reset(options?: { seed?: number }) {
    if (options?.seed !== undefined) this.random = envRandom(options.seed);
    const pick = () => LEFT_CELLS[Math.floor(this.random() * LEFT_CELLS.length)]!;
    [this.keyX, this.keyY] = pick();
    do [this.x, this.y] = pick();
    while (this.x === this.keyX && this.y === this.keyY);
    this.hasKey = false; this.doorOpen = false; this.t = 0;
    this.distKey = bfs(this.keyX, this.keyY);
    return { obs: this.obs(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const [dx, dy] = MOVES[action]!;
    const nx = this.x + dx, ny = this.y + dy;
    const isDoor = nx === KEYDOOR.door[0] && ny === KEYDOOR.door[1];
    if (isDoor && !this.doorOpen && this.hasKey) this.doorOpen = true;
    if (!isWall(nx, ny) && (!isDoor || this.doorOpen)) { this.x = nx; this.y = ny; }
    if (!this.hasKey && this.x === this.keyX && this.y === this.keyY) this.hasKey = true;
    this.t++;
    const atGoal = this.x === KEYDOOR.goal[0] && this.y === KEYDOOR.goal[1];
    // The task's own (sparse) reward; Eureka's fitness is this success, see packages/eureka-tiny.
    return { obs: this.obs(), reward: atGoal ? 1 : 0, terminated: atGoal, truncated: !atGoal && this.t >= KEYDOOR.maxSteps, info: { success: atGoal } };
  }

  /** The named fields a reward function gets (the corpus' keydoor fields). */
  rewardObs(): KeyDoorObs {
    const i = this.y * W + this.x;
    return {
      hasKey: this.hasKey, doorOpen: this.doorOpen, atGoal: this.x === KEYDOOR.goal[0] && this.y === KEYDOOR.goal[1],
      distToKey: this.hasKey ? 0 : this.distKey[i]!, distToDoor: DIST_DOOR[i]!, distToGoal: DIST_GOAL[i]!,
    };
  }

  private obs(): Float32Array {
    return Float32Array.from([this.x / (W - 1), this.y / (H - 1), this.keyX / (W - 1), this.keyY / (H - 1), this.hasKey ? 1 : 0, this.doorOpen ? 1 : 0]);
  }
}
