import { describe, it, expect } from 'vitest';
import { TinyCrafter, checkEnv, CRAFTER_ACTION_NAMES, CRAFTER_MATERIALS } from '../src/index.ts';

const A = (name: string) => CRAFTER_ACTION_NAMES.indexOf(name);
const M = (m: (typeof CRAFTER_MATERIALS)[number]) => CRAFTER_MATERIALS.indexOf(m);

/** A hand-made 9×9 world: all grass, agent at (4,4) facing down, and the given cells. */
function world(cells: [number, number, (typeof CRAFTER_MATERIALS)[number]][]): TinyCrafter {
  const env = new TinyCrafter();
  env.reset({ seed: 1 });
  env.grid.fill(M('grass'));
  for (const [x, y, m] of cells) env.grid[y * env.size + x] = M(m);
  env.x = 4;
  env.y = 4;
  env.facing = 3;
  return env;
}

describe('TinyCrafter-v0', () => {
  it('passes the env checker', () => {
    expect(checkEnv(new TinyCrafter(), { steps: 400 })).toEqual([]);
  });

  it('the k-th world after reset({ seed }) does not depend on what the agent did before it', () => {
    // Two agents, one seed, different actions (one collects saplings, whose draws come from the
    // event stream): the fifth episode starts in the same world for both.
    const worlds = (policy: (t: number) => number) => {
      const env = new TinyCrafter({ maxSteps: 30 });
      env.reset({ seed: 17 });
      const grids: string[] = [];
      for (let e = 0; e < 5; e++) {
        if (e > 0) env.reset();
        grids.push(env.grid.join(''));
        for (let t = 0; t < 30; t++) env.step(policy(t));
      }
      return grids;
    };
    const a = worlds(() => A('do'));
    const b = worlds((t) => [A('move left'), A('move up'), A('do'), A('noop')][t % 4]!);
    expect(b[4]).toBe(a[4]);
    expect(new Set(a).size).toBe(5); // and the worlds do change from episode to episode
  });

  it('walks the tech tree with the crafting rules and captions', () => {
    const env = world([[4, 5, 'tree'], [3, 4, 'stone'], [4, 3, 'stone']]);
    // Making a pickaxe without a table does nothing.
    let r = env.step(A('make wood pickaxe'));
    expect(r.info.caption).toBe('You did nothing.');
    // Collecting stone without a pickaxe does nothing.
    env.facing = 0;
    expect(env.step(A('do')).info.achievement).toBe(null);
    env.facing = 3;
    for (let i = 0; i < 4; i++) {
      r = env.step(A('do'));
      expect(r.info.caption).toBe('You collected wood.');
    }
    expect(r.reward).toBe(0); // only the first unlock is rewarded by the env
    expect(env.inventory.wood).toBe(4);
    env.facing = 1; // right: grass
    r = env.step(A('place table'));
    expect(r.info.caption).toBe('You placed a table.');
    expect(env.grid[4 * 9 + 5]).toBe(M('table'));
    expect(env.step(A('make wood pickaxe')).info.caption).toBe('You made a wood pickaxe.');
    expect(env.step(A('make stone pickaxe')).info.caption).toBe('You did nothing.'); // no stone yet
    env.facing = 0;
    expect(env.step(A('do')).info.caption).toBe('You collected stone.');
    expect(env.grid[4 * 9 + 3]).toBe(M('path'));
    expect(env.step(A('make stone pickaxe')).info.caption).toBe('You made a stone pickaxe.');
    expect(env.inventory).toMatchObject({ wood: 1, stone: 0, 'wood pickaxe': 1, 'stone pickaxe': 1 });
    expect(env.text()).toBe('You see grass, a tree, stone and a table. You have wood, a wood pickaxe and a stone pickaxe.');
    expect([...env.unlocked].sort()).toEqual(['collect_stone', 'collect_wood', 'make_stone_pickaxe', 'make_wood_pickaxe', 'place_table']);
  });

  it('drinks, eats, and moves with captions', () => {
    const env = world([[4, 5, 'water'], [5, 4, 'cow']]);
    expect(env.text()).toBe('You see grass, water and a cow. You have nothing.');
    expect(env.step(A('do')).info.caption).toBe('You drank water.');
    expect(env.step(A('move down')).info.caption).toBe('You walked into the water.');
    expect(env.step(A('move right')).info.caption).toBe('You did nothing.'); // blocked by the cow, now facing it
    expect(env.step(A('do')).info.caption).toBe('You ate a cow.');
    expect(env.step(A('move right')).info.caption).toBe('You moved right.');
    expect(env.x).toBe(5);
  });

  it('collects a sapling from grass and plants it', () => {
    const env = new TinyCrafter({ saplingProb: 1 });
    env.reset({ seed: 2 });
    env.grid.fill(M('grass'));
    expect(env.step(A('do')).info.caption).toBe('You collected a sapling.');
    expect(env.step(A('place plant')).info.caption).toBe('You placed a plant.');
    expect(env.step(A('place plant')).info.caption).toBe('You did nothing.');
  });

  it('episodes truncate at maxSteps and feasible achievements follow the rules', () => {
    const env = new TinyCrafter({ maxSteps: 5 });
    env.reset({ seed: 3 });
    let r = env.step(0);
    for (let i = 0; i < 4; i++) r = env.step(0);
    expect(r.truncated).toBe(true);
    const w = world([[4, 5, 'tree']]);
    expect(w.feasibleAchievements()).toEqual(['collect_wood', 'collect_sapling']);
    w.step(A('do'));
    expect(w.feasibleAchievements()).toContain('place_table');
  });
});
