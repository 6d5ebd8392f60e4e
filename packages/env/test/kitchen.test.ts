import { describe, it, expect } from 'vitest';
import { Kitchen, checkEnv, kitchenScene, KITCHEN_ACTIONS, graspAction, objectIndex, placeIndex, HELD, isVisible } from '../src/index.ts';

describe('Kitchen-v0', () => {
  it('passes the env checker', () => {
    expect(checkEnv(new Kitchen(), { steps: 400 })).toEqual([]);
  });

  it('blocks grasping from a closed place and with full hands, and putting into a closed place', () => {
    const env = new Kitchen({ slip: 0 });
    const coke = objectIndex('coke can');
    env.reset({ seed: 1, scene: { robot: 'fridge' } });
    expect(isVisible(env.state, coke)).toBe(false);
    env.step(graspAction(coke));
    expect(env.state.holding).toBe(-1); // fridge closed
    env.step(KITCHEN_ACTIONS.open);
    env.step(graspAction(coke));
    expect(env.state.holding).toBe(coke);
    env.step(graspAction(objectIndex('orange')));
    expect(env.state.holding).toBe(coke); // hands full
    env.step(KITCHEN_ACTIONS.close);
    env.step(KITCHEN_ACTIONS.release);
    expect(env.state.objects[coke]).toBe(HELD); // cannot put into the closed fridge
    env.step(KITCHEN_ACTIONS.right); // to the trash can
    env.step(KITCHEN_ACTIONS.release);
    expect(env.state.objects[coke]).toBe(placeIndex('trash can'));
  });

  it('rewards and terminates on a goal, and describes the scene in words', () => {
    const env = new Kitchen({ slip: 0, goal: (s) => s.robot === placeIndex('table') });
    const { obs } = env.reset({ seed: 2, scene: kitchenScene({ robot: 'counter', holding: 'apple' }) });
    expect(env.describe(obs)).toContain('at the counter and holds the apple');
    const r = env.step(KITCHEN_ACTIONS.left);
    expect(r.reward).toBe(1);
    expect(r.terminated).toBe(true);
    expect(env.actionNames()).toHaveLength(env.actionSpace.n);
  });

  it('slips: with slip 1 nothing moves', () => {
    const env = new Kitchen({ slip: 1 });
    env.reset({ seed: 3, scene: { robot: 'sink' } });
    env.step(KITCHEN_ACTIONS.left);
    expect(env.state.robot).toBe(placeIndex('sink'));
  });
});
