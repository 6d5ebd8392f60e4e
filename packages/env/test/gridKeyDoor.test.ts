import { describe, it, expect } from 'vitest';
import { GridKeyDoor, KEYDOOR, checkEnv } from '../src/index.ts';

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
