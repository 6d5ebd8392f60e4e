import { describe, it, expect } from 'vitest';
import { CartPole, CARTPOLE, checkEnv, SyncVectorEnv, Discrete, Box, TimeLimit } from '../src/index.ts';

// Hand-computed Euler steps of Gymnasium's CartPole equations (Florian 2007), from a set state.
function handStep(s: number[], action: number): number[] {
  const [x, xd, th, thd] = s as [number, number, number, number];
  const force = action === 1 ? 10 : -10;
  const total = 1.1;
  const pml = 0.05;
  const temp = (force + pml * thd * thd * Math.sin(th)) / total;
  const thacc = (9.8 * Math.sin(th) - Math.cos(th) * temp) / (0.5 * (4 / 3 - (0.1 * Math.cos(th) ** 2) / total));
  const xacc = temp - (pml * thacc * Math.cos(th)) / total;
  return [x + 0.02 * xd, xd + 0.02 * xacc, th + 0.02 * thd, thd + 0.02 * thacc];
}

describe('CartPole-v1', () => {
  it('matches hand-computed transitions from the zero state', () => {
    const env = new CartPole();
    env.reset({ seed: 0 });
    env.state.set([0, 0, 0, 0]);
    // From rest, pushing right: temp = 10/1.1 = 9.0909; thetaacc = -9.0909/(0.5·(4/3 − 0.1/1.1)) = -14.6341;
    // xacc = 9.0909 − 0.05·(−14.6341)/1.1 = 9.7561. Euler updates velocities, positions use the old ones.
    const r = env.step(1);
    expect(r.obs[0]).toBe(0);
    expect(r.obs[1]).toBeCloseTo(0.02 * 9.756097, 5);
    expect(r.obs[2]).toBe(0);
    expect(r.obs[3]).toBeCloseTo(0.02 * -14.634146, 5);
    expect(r.reward).toBe(1);
    expect(r.terminated).toBe(false);
  });

  it('matches the equations over a sequence of steps from a tilted state', () => {
    const env = new CartPole();
    env.reset({ seed: 0 });
    let s = [0.01, -0.02, 0.03, 0.04];
    env.state.set(s);
    for (const a of [0, 1, 1, 0, 1]) {
      s = handStep(s, a);
      const r = env.step(a);
      for (let i = 0; i < 4; i++) expect(r.obs[i]).toBeCloseTo(s[i]!, 6);
    }
  });

  it('terminates past 12 degrees and past 2.4 m, with reward 1 on the terminating step', () => {
    const env = new CartPole();
    env.reset({ seed: 0 });
    env.state.set([0, 0, CARTPOLE.thetaThreshold - 1e-4, 1]);
    const r = env.step(1);
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(1);
    expect(env.step(1).reward).toBe(0); // stepping past the end gives 0, as Gymnasium
    env.reset({ seed: 0 });
    env.state.set([2.4 - 1e-3, 1, 0, 0]);
    expect(env.step(1).terminated).toBe(true);
  });

  it('truncates at 500 steps', () => {
    const env = new CartPole();
    env.reset({ seed: 3 });
    let r;
    for (let t = 0; t < 500; t++) {
      env.state.set([0, 0, 0, 0]); // hold it upright so only the time limit can end it
      r = env.step(t % 2);
    }
    expect(r!.truncated).toBe(true);
    expect(r!.terminated).toBe(false);
  });

  it('resets to U(-0.05, 0.05) and is reproducible by seed', () => {
    const env = new CartPole();
    const a = env.reset({ seed: 42 }).obs;
    const b = env.reset({ seed: 42 }).obs;
    const c = env.reset({ seed: 43 }).obs;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
  });

  it('passes the env checker', () => {
    expect(checkEnv(new CartPole(), { steps: 600 })).toEqual([]);
  });
});

describe('env checker', () => {
  it('catches a non-deterministic env and an out-of-space observation', () => {
    let calls = 0;
    const bad = {
      id: 'Bad-v0',
      observationSpace: new Box(-1, 1, [1]),
      actionSpace: new Discrete(2),
      reset: () => ({ obs: Float32Array.of((calls++ % 7) / 10), info: {} }),
      step: () => ({ obs: Float32Array.of(5), reward: 0, terminated: false, truncated: false, info: {} }),
    };
    const problems = checkEnv(bad, { steps: 5 });
    expect(problems.some((p) => p.includes('different observations'))).toBe(true);
    expect(problems.some((p) => p.includes('not in observationSpace'))).toBe(true);
  });

  it('catches wrong step types', () => {
    const env = new CartPole();
    const broken = Object.create(env) as CartPole;
    broken.step = (a: number) => ({ ...env.step(a), terminated: 0 as unknown as boolean });
    expect(checkEnv(broken, { steps: 3 }).some((p) => p.includes('booleans'))).toBe(true);
  });
});

describe('SyncVectorEnv', () => {
  it('autoresets and keeps the final observation', () => {
    const v = new SyncVectorEnv([new CartPole(), new CartPole()]);
    v.reset(1);
    let ended = null;
    for (let t = 0; t < 200 && !ended; t++) {
      const s = v.step([1, 1]); // always pushing right falls over quickly
      if (s.episodes.length) ended = s;
    }
    expect(ended).not.toBeNull();
    const i = ended!.episodes[0]!.env;
    expect(ended!.finalObs[i]).not.toBeNull();
    // The returned obs is a fresh reset state, within ±0.05.
    for (let k = 0; k < 4; k++) expect(Math.abs(ended!.obs[i * 4 + k]!)).toBeLessThanOrEqual(0.05);
  });

  it('TimeLimit truncates', () => {
    const env = new TimeLimit(new CartPole(), 3);
    env.reset({ seed: 1 });
    env.step(0);
    env.step(1);
    expect(env.step(0).truncated).toBe(true);
  });
});
