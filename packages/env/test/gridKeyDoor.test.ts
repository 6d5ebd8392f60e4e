import { describe, it, expect } from 'vitest';
import { GridKeyDoor, KEYDOOR, KEYDOOR_LAYOUT, checkEnv } from '../src/index.ts';

describe('GridKeyDoor-v0', () => {
  it('passes checkEnv', () => {
    expect(checkEnv(new GridKeyDoor(), { steps: 300 })).toEqual([]);
  });
  it('the door needs the key; a scripted walk reaches the goal with reward 1', () => {
    const env = new GridKeyDoor();
    env.reset({ seed: 3 });
    env.x = 4; env.y = 3; env.keyX = 1; env.keyY = 1; env.hasKey = false;
    expect(env.step(1).obs[0]).toBeCloseTo(4 / 10); // blocked: no key
    expect(env.doorOpen).toBe(false);
    env.hasKey = true;
    env.step(1); // into the door
    expect(env.doorOpen).toBe(true);
    expect(env.rewardObs().distToGoal).toBe(6);
    // (5,3) → (6,3) … (9,3) → up, up to the goal (9,1)
    for (const a of [1, 1, 1, 1, 0]) expect(env.step(a).reward).toBe(0);
    const r = env.step(0);
    expect([env.x, env.y]).toEqual([...KEYDOOR.goal]);
    expect(r.reward).toBe(1);
    expect(r.terminated).toBe(true);
  });
});

describe('GridKeyDoor with another layout', () => {
  it('the default layout is GridKeyDoor-v0 (the grid drawn in the source)', () => {
    expect(KEYDOOR).toEqual({ width: 11, height: 7, wallX: 5, door: [5, 3], goal: [9, 1], maxSteps: 40 });
    expect(new GridKeyDoor(KEYDOOR_LAYOUT).id).toBe('GridKeyDoor-v0');
  });
  it('wider, taller rooms: checkEnv passes, the door is mid-wall, the goal in the far corner, the horizon as given', () => {
    const env = new GridKeyDoor({ roomWidth: 6, roomHeight: 7, maxSteps: 50 });
    expect(env.id).toBe('GridKeyDoor-6x7-50steps');
    expect(checkEnv(env, { steps: 300 })).toEqual([]);
    env.reset({ seed: 1 });
    env.x = 6; env.y = 4; env.hasKey = true; // next to the door at (7, 4)
    env.step(1);
    expect(env.doorOpen).toBe(true);
    // (7,4) → goal (13,1): 6 right, 3 up
    expect(env.rewardObs()).toMatchObject({ distToDoor: 0, distToGoal: 9, atGoal: false });
    let last;
    for (const a of [1, 1, 1, 1, 1, 1, 0, 0, 0]) last = env.step(a);
    expect(last!.terminated).toBe(true);
    const walk = new GridKeyDoor({ roomWidth: 6, roomHeight: 7, maxSteps: 50 });
    walk.reset({ seed: 2 });
    let t = 0;
    for (let r = walk.step(3); !r.truncated && !r.terminated; r = walk.step(3)) t++;
    expect(t + 1).toBe(50);
  });
  it('refuses a layout with no room', () => {
    expect(() => new GridKeyDoor({ roomWidth: 1, roomHeight: 5, maxSteps: 40 })).toThrow(/layout.roomWidth = 1: must be an integer ≥ 2/);
  });
});
