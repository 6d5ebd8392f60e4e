/**
 * TinyCrafter — a small text Crafter-like world for ELLM (Du et al. 2023; taxonomy paper §5.2).
 * Crafter (Hafner 2021) made small: a 9×9 grid of grass with trees, a stone patch, a pond and cows;
 * an inventory; the Text-Crafter action set (move/do/sleep/place/make) and 12 achievements of the
 * first tech tiers: collect wood → place table → make wood pickaxe/sword → collect stone → place
 * stone, make stone pickaxe/sword; plus drink water, eat cow, collect sapling, place plant.
 *
 * The agent faces the direction it last moved; `do` acts on the facing cell (chop a tree, mine stone
 * with a wood pickaxe, drink water, eat a cow, pick a sapling from grass with prob. 0.2); `place_*`
 * puts an item on the facing cell; `make_*` needs a table within the 5×5 view (Crafter's "nearby").
 * Costs follow Crafter: table 1 wood, wood tools 1 wood, stone tools 1 wood + 1 stone.
 *
 * The environment's reward is the number of new achievements unlocked in the step (Crafter's
 * reward without the health term). ELLM ignores it during pretraining; it is here for the checker.
 *
 * Observations: numeric = 5×5 local view one-hot over materials ⊕ facing (4) ⊕ inventory counts
 * (clipped, /3); text (`describe`) uses the tiny-lm corpus phrasing ("You see a tree and water. You
 * have wood."), and every step's `info.caption` says what happened ("You collected wood.").
 * Simplified from Crafter: no health/food/thirst/energy, no day/night, no zombies, static cows.
 */
import { Box, Discrete } from './spaces.ts';
import { envRandom, type Info, type StepResult, type TextEnv } from './env.ts';

export const CRAFTER_MATERIALS = ['grass', 'tree', 'stone', 'water', 'cow', 'table', 'plant', 'path'] as const;
export type CrafterMaterial = (typeof CRAFTER_MATERIALS)[number];
const MAT: Record<CrafterMaterial, number> = Object.fromEntries(CRAFTER_MATERIALS.map((m, i) => [m, i])) as Record<CrafterMaterial, number>;

export const CRAFTER_ITEMS = ['wood', 'sapling', 'stone', 'wood pickaxe', 'stone pickaxe', 'wood sword', 'stone sword'] as const;
export type CrafterItem = (typeof CRAFTER_ITEMS)[number];

export const CRAFTER_ACTION_NAMES = [
  'noop', 'move left', 'move right', 'move up', 'move down', 'do', 'sleep',
  'place stone', 'place table', 'place plant', 'make wood pickaxe', 'make stone pickaxe', 'make wood sword', 'make stone sword',
];

export interface CrafterAchievement {
  id: string;
  /** Goal phrase as in the tiny-lm corpus (ACHIEVEMENTS[].goal). */
  goal: string;
  /** Caption printed when it happens (ACHIEVEMENTS[].caption). */
  caption: string;
}

export const CRAFTER_ACHIEVEMENTS: CrafterAchievement[] = [
  { id: 'collect_wood', goal: 'collect wood', caption: 'You collected wood.' },
  { id: 'place_table', goal: 'place a table', caption: 'You placed a table.' },
  { id: 'make_wood_pickaxe', goal: 'make a wood pickaxe', caption: 'You made a wood pickaxe.' },
  { id: 'make_wood_sword', goal: 'make a wood sword', caption: 'You made a wood sword.' },
  { id: 'collect_stone', goal: 'collect stone', caption: 'You collected stone.' },
  { id: 'place_stone', goal: 'place stone', caption: 'You placed stone.' },
  { id: 'make_stone_pickaxe', goal: 'make a stone pickaxe', caption: 'You made a stone pickaxe.' },
  { id: 'make_stone_sword', goal: 'make a stone sword', caption: 'You made a stone sword.' },
  { id: 'collect_drink', goal: 'drink water', caption: 'You drank water.' },
  { id: 'eat_cow', goal: 'eat a cow', caption: 'You ate a cow.' },
  { id: 'collect_sapling', goal: 'collect a sapling', caption: 'You collected a sapling.' },
  { id: 'place_plant', goal: 'place a plant', caption: 'You placed a plant.' },
];
/** Mixed into the seed of the in-episode event stream (the layout stream uses the seed as it is). */
const EVENT_STREAM = 0x5bd1e995;

const ACH = Object.fromEntries(CRAFTER_ACHIEVEMENTS.map((a) => [a.id, a])) as Record<string, CrafterAchievement>;

/** Captions of steps that unlock nothing (the corpus' CRAFT_NOOP_CAPTIONS style). */
export const CRAFTER_NOOP_CAPTIONS = ['You moved left.', 'You moved right.', 'You moved up.', 'You moved down.', 'You did nothing.', 'You hit the tree.', 'You walked into the water.', 'You slept.'];

export interface CrafterOptions {
  size?: number;
  maxSteps?: number;
  saplingProb?: number;
}

const VIEW = 2; // radius: 5×5 view
const DIRS: [number, number][] = [[-1, 0], [1, 0], [0, -1], [0, 1]]; // left right up down

export class TinyCrafter implements TextEnv<Float32Array, number> {
  readonly id = 'TinyCrafter-v0';
  readonly size: number;
  readonly maxSteps: number;
  readonly saplingProb: number;
  readonly actionSpace = new Discrete(CRAFTER_ACTION_NAMES.length);
  readonly observationSpace: Box;
  static readonly obsDim = (2 * VIEW + 1) ** 2 * (CRAFTER_MATERIALS.length + 1) + 4 + CRAFTER_ITEMS.length;
  grid: number[] = [];
  x = 0;
  y = 0;
  facing = 3;
  inventory: Record<CrafterItem, number> = emptyInventory();
  /** Achievements unlocked in this episode. */
  unlocked = new Set<string>();
  t = 0;
  /**
   * Two streams from one seed: layouts (one draw sequence per reset) and events inside an episode
   * (the sapling draw). So the k-th world after `reset({ seed })` is the same whatever the agent did
   * in the episodes before it — every variant of an experiment plays the same worlds.
   */
  private layoutRandom: () => number = envRandom(0);
  private random: () => number = envRandom(0 ^ EVENT_STREAM);

  constructor(opts: CrafterOptions = {}) {
    this.size = opts.size ?? 9;
    this.maxSteps = opts.maxSteps ?? 100;
    this.saplingProb = opts.saplingProb ?? 0.2;
    this.observationSpace = new Box(0, 1, [TinyCrafter.obsDim]);
  }

  reset(options?: { seed?: number }): { obs: Float32Array; info: Info } {
    if (options?.seed !== undefined) {
      this.layoutRandom = envRandom(options.seed);
      this.random = envRandom(options.seed ^ EVENT_STREAM);
    }
    const n = this.size;
    const r = this.layoutRandom;
    this.grid = new Array(n * n).fill(MAT.grass);
    const cx = Math.floor(n / 2);
    const free = () => {
      for (;;) {
        const x = Math.floor(r() * n), y = Math.floor(r() * n);
        if (this.grid[y * n + x] === MAT.grass && !(Math.abs(x - cx) <= 1 && Math.abs(y - cx) <= 1)) return [x, y] as const;
      }
    };
    // A stone patch and a pond (2×2 blobs, as Crafter's terrain is clustered), trees and cows.
    const blob = (m: number) => {
      const [x, y] = free();
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const xx = x + dx, yy = y + dy;
        if (xx < n && yy < n && !(Math.abs(xx - cx) <= 1 && Math.abs(yy - cx) <= 1)) this.grid[yy * n + xx] = m;
      }
    };
    blob(MAT.stone);
    blob(MAT.stone);
    blob(MAT.water);
    for (let i = 0; i < 7; i++) { const [x, y] = free(); this.grid[y * n + x] = MAT.tree; }
    for (let i = 0; i < 2; i++) { const [x, y] = free(); this.grid[y * n + x] = MAT.cow; }
    this.x = cx;
    this.y = cx;
    this.facing = 3;
    this.inventory = emptyInventory();
    this.unlocked = new Set();
    this.t = 0;
    return { obs: this.observe(), info: { caption: 'You woke up in a new world.', text: this.text(), unlocked: [] } };
  }

  at(x: number, y: number): number {
    return x < 0 || y < 0 || x >= this.size || y >= this.size ? -1 : this.grid[y * this.size + x]!;
  }

  private set(x: number, y: number, m: number) {
    this.grid[y * this.size + x] = m;
  }

  /** Is a material within the 5×5 view (Crafter's "nearby")? */
  near(m: CrafterMaterial): boolean {
    for (let dy = -VIEW; dy <= VIEW; dy++) for (let dx = -VIEW; dx <= VIEW; dx++) if (this.at(this.x + dx, this.y + dy) === MAT[m]) return true;
    return false;
  }

  step(action: number): StepResult<Float32Array> {
    const inv = this.inventory;
    const [fx, fy] = [this.x + DIRS[this.facing]![0], this.y + DIRS[this.facing]![1]];
    const target = this.at(fx, fy);
    let caption = 'You did nothing.';
    let ach: string | null = null;
    const name = CRAFTER_ACTION_NAMES[action]!;
    if (action >= 1 && action <= 4) {
      this.facing = action - 1;
      const nx = this.x + DIRS[this.facing]![0], ny = this.y + DIRS[this.facing]![1];
      const m = this.at(nx, ny);
      if (m === MAT.grass || m === MAT.path) {
        this.x = nx;
        this.y = ny;
        caption = `You ${name.replace('move', 'moved')}.`;
      } else if (m === MAT.water) caption = 'You walked into the water.';
    } else if (name === 'do') {
      if (target === MAT.tree) { inv.wood++; ach = 'collect_wood'; }
      else if (target === MAT.stone && inv['wood pickaxe'] > 0) { inv.stone++; this.set(fx, fy, MAT.path); ach = 'collect_stone'; }
      else if (target === MAT.water) ach = 'collect_drink';
      else if (target === MAT.cow) { this.set(fx, fy, MAT.grass); ach = 'eat_cow'; }
      else if (target === MAT.grass && this.random() < this.saplingProb) { inv.sapling++; ach = 'collect_sapling'; }
      else if (target === MAT.tree) caption = 'You hit the tree.';
    } else if (name === 'sleep') caption = 'You slept.';
    else if (name === 'place stone') {
      if (inv.stone > 0 && (target === MAT.grass || target === MAT.water || target === MAT.path)) { inv.stone--; this.set(fx, fy, MAT.stone); ach = 'place_stone'; }
    } else if (name === 'place table') {
      if (inv.wood > 0 && (target === MAT.grass || target === MAT.path)) { inv.wood--; this.set(fx, fy, MAT.table); ach = 'place_table'; }
    } else if (name === 'place plant') {
      if (inv.sapling > 0 && target === MAT.grass) { inv.sapling--; this.set(fx, fy, MAT.plant); ach = 'place_plant'; }
    } else if (name.startsWith('make ') && this.near('table')) {
      const item = name.slice(5) as CrafterItem;
      const needStone = item.startsWith('stone');
      if (inv.wood > 0 && (!needStone || inv.stone > 0)) {
        inv.wood--;
        if (needStone) inv.stone--;
        inv[item]++;
        ach = `make_${item.replace(' ', '_')}`;
      }
    }
    if (ach) caption = ACH[ach]!.caption;
    const isNew = ach !== null && !this.unlocked.has(ach);
    if (ach) this.unlocked.add(ach);
    this.t++;
    const obs = this.observe();
    return {
      obs,
      reward: isNew ? 1 : 0,
      terminated: false,
      truncated: this.t >= this.maxSteps,
      info: { caption, achievement: ach, text: this.text(), unlocked: [...this.unlocked] },
    };
  }

  private observe(): Float32Array {
    const nm = CRAFTER_MATERIALS.length + 1; // + out of bounds
    const o = new Float32Array(TinyCrafter.obsDim);
    let k = 0;
    for (let dy = -VIEW; dy <= VIEW; dy++) {
      for (let dx = -VIEW; dx <= VIEW; dx++) {
        const m = this.at(this.x + dx, this.y + dy);
        o[k * nm + (m < 0 ? nm - 1 : m)] = 1;
        k++;
      }
    }
    let off = k * nm;
    o[off + this.facing] = 1;
    off += 4;
    CRAFTER_ITEMS.forEach((it, i) => (o[off + i] = Math.min(3, this.inventory[it]) / 3));
    return o;
  }

  /** The text observation: what is in view, and the inventory (tiny-lm corpus phrasing). */
  text(): string {
    const seen = CRAFTER_MATERIALS.filter((m) => m !== 'path' && this.near(m));
    const items = CRAFTER_ITEMS.filter((i) => this.inventory[i] > 0);
    const see = seen.length ? `You see ${listAnd(seen.map(thingPhrase))}.` : 'You see nothing.';
    const have = items.length ? `You have ${listAnd(items.map(itemPhrase))}.` : 'You have nothing.';
    return `${see} ${have}`;
  }

  describe(_obs: Float32Array): string {
    return this.text();
  }

  actionNames(): string[] {
    return [...CRAFTER_ACTION_NAMES];
  }

  /** Ground truth: achievements whose preconditions hold right now (used for ELLM's oracle goals). */
  feasibleAchievements(): string[] {
    const inv = this.inventory;
    const out: string[] = [];
    const table = this.near('table');
    if (this.near('tree')) out.push('collect_wood');
    if (inv.wood > 0 && !table) out.push('place_table');
    if (table && inv.wood > 0 && inv['wood pickaxe'] === 0) out.push('make_wood_pickaxe');
    if (table && inv.wood > 0 && inv['wood sword'] === 0) out.push('make_wood_sword');
    if (this.near('stone') && inv['wood pickaxe'] > 0) out.push('collect_stone');
    if (inv.stone > 0) out.push('place_stone');
    if (table && inv.wood > 0 && inv.stone > 0 && inv['stone pickaxe'] === 0) out.push('make_stone_pickaxe');
    if (table && inv.wood > 0 && inv.stone > 0 && inv['stone sword'] === 0) out.push('make_stone_sword');
    if (this.near('water')) out.push('collect_drink');
    if (this.near('cow')) out.push('eat_cow');
    if (this.near('grass')) out.push('collect_sapling');
    if (inv.sapling > 0 && this.near('grass')) out.push('place_plant');
    return out;
  }
}

function emptyInventory(): Record<CrafterItem, number> {
  return Object.fromEntries(CRAFTER_ITEMS.map((i) => [i, 0])) as Record<CrafterItem, number>;
}

function listAnd(xs: readonly string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
const thingPhrase = (t: string): string => (['grass', 'water', 'stone'].includes(t) ? t : `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`);
const itemPhrase = (i: string): string => (/(pickaxe|sword|sapling)$/.test(i) ? `a ${i}` : i);
