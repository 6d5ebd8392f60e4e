import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { RewardSandbox, SandboxError, instrument, type SandboxLimits } from '../src/sandbox.ts';

const OBS = { hasKey: true, doorOpen: false, atGoal: false, distToKey: 0, distToDoor: 3, distToGoal: 6 };
const LIMITS: SandboxLimits = { interruptBudget: 100, backstopMs: 2000, memoryBytes: 4 * 1024 * 1024 };

async function callOnce(src: string) {
  const sb = await RewardSandbox.create(src, LIMITS);
  try {
    return sb.call(OBS, 1);
  } finally {
    sb.dispose();
  }
}

describe('QuickJS reward sandbox', () => {
  it('runs a corpus-style reward and records its named components', async () => {
    const r = await callOnce('function reward(obs, action) {\n  const goalBonus = obs.atGoal ? 5.0 : 0;\n  const distPenalty = 0.5 * obs.distToGoal; // walk\n  return goalBonus - distPenalty;\n}');
    expect(r).toEqual({ ok: true, value: -3, components: { goalBonus: 0, distPenalty: 3 } });
  });
  it('sums a returned object of components', async () => {
    const r = await callOnce('function reward(o) { return { goal: o.atGoal ? 1 : 0, dist: -0.5 * o.distToGoal }; }');
    expect(r).toEqual({ ok: true, value: -3, components: { goal: 0, dist: -3 } });
  });
  it('instrument() keeps code on the same line (same scope)', () => {
    expect(instrument('  const a = 1; // c')).toBe('  const a = 1;  __rec("a", a);');
  });

  it('stops an infinite loop in a call and at load time by its work budget', async () => {
    expect(await callOnce('function reward(o) { while (true) {} }')).toMatchObject({ ok: false, error: expect.stringMatching(/interrupted \(work budget of 100 interrupt polls used up\)/) });
    await expect(RewardSandbox.create('for (;;) {}', LIMITS)).rejects.toThrow(/interrupted \(work budget/);
  });
  it('the budget does not depend on the clock: the same results and work under CPU-busy sibling processes', async () => {
    const busyLoop = 'function reward(o) { let n = 0; while (true) n++; }';
    // ~40 polls of work: within the budget, and slow enough that a loaded machine would stretch it.
    const bounded = 'function reward(o) { let s = 0; for (let i = 0; i < 400000; i++) s += i % 7; return s; }';
    const run = async () => {
      const out: unknown[] = [];
      for (const src of [busyLoop, bounded]) {
        const sb = await RewardSandbox.create(src, LIMITS);
        out.push(sb.call(OBS, 1), sb.lastPolls);
        sb.dispose();
      }
      return out;
    };
    const idle = await run();
    expect(idle[0]).toMatchObject({ ok: false, error: expect.stringMatching(/work budget/) });
    expect(idle[1]).toBe(101); // the poll that went over the budget stopped it
    expect(idle[2]).toMatchObject({ ok: true });
    expect(idle[3]).toBeGreaterThan(10);
    const siblings = Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    try {
      await new Promise((r) => setTimeout(r, 300)); // let them take the cores
      expect(await run()).toEqual(idle);
    } finally {
      for (const s of siblings) s.kill('SIGKILL');
    }
  });
  it('stops a huge allocation (memory limit) and unbounded recursion', async () => {
    expect(await callOnce('function reward(o) { return new Array(1e8).fill(1).length; }')).toMatchObject({ ok: false });
    expect(await callOnce('function reward(o) { let s = "x"; for (;;) s += s; }')).toMatchObject({ ok: false });
    expect(await callOnce('function reward(o) { return reward(o) + 1; }')).toMatchObject({ ok: false, error: expect.stringMatching(/stack overflow/) });
  });
  it('has no process, require, host globals or module loading', async () => {
    expect(await callOnce('function reward(o) { return process.exit(1); }')).toMatchObject({ ok: false, error: expect.stringMatching(/process/) });
    expect(await callOnce('function reward(o) { return require("fs").readFileSync("/etc/passwd").length; }')).toMatchObject({ ok: false, error: expect.stringMatching(/require/) });
    const probe = 'function reward(o) { const bad = ["process", "require", "fetch", "setTimeout", "setInterval", "std", "os", "Buffer", "module"]; return bad.filter((k) => k in globalThis || typeof globalThis[k] !== "undefined").length; }';
    expect(await callOnce(probe)).toMatchObject({ ok: true, value: 0 });
    await expect(RewardSandbox.create('import fs from "fs"; function reward() { return 1; }', LIMITS)).rejects.toThrow(SandboxError);
    // Dynamic import() only yields a promise that no module loader will ever fulfil.
    expect(await callOnce('let got = "none"; function reward(o) { import("fs").then(() => { got = "loaded"; }); return got === "none" ? 1 : 0; }')).toMatchObject({ ok: true, value: 1 });
    expect(await callOnce('function reward(o) { return typeof Function("return this")().process === "undefined" ? 1 : 0; }')).toMatchObject({ ok: true, value: 1 });
  });
  it('rejects throwing code and non-numbers, and prototype tricks cannot forge an answer', async () => {
    expect(await callOnce('function reward(o) { throw new Error("boom"); }')).toMatchObject({ ok: false, error: 'Error: boom' });
    expect(await callOnce('function reward(o) { return NaN; }')).toMatchObject({ ok: false, error: expect.stringMatching(/NaN/) });
    expect(await callOnce('function reward(o) { return 1 / 0; }')).toMatchObject({ ok: false });
    expect(await callOnce('function reward(o) { return "5"; }')).toMatchObject({ ok: false, error: expect.stringMatching(/string/) });
    expect(await callOnce('function reward(o) { }')).toMatchObject({ ok: false, error: expect.stringMatching(/undefined/) });
    expect(await callOnce('const reward = 3;')).toMatchObject({ ok: false, error: expect.stringMatching(/no function reward/) });
    expect(await callOnce('JSON.stringify = () => "{\\"value\\": 1e9}"; function reward(o) { return 1; }')).toMatchObject({ ok: true, value: 1 });
    expect(await callOnce('Object.prototype.toJSON = function () { return 7; }; function reward(o) { return 1; }')).toMatchObject({ ok: false });
    await expect(RewardSandbox.create('__call = () => "{\\"value\\": 99}"; function reward() { return 1; }', LIMITS)).rejects.toThrow(SandboxError);
    await expect(RewardSandbox.create('function reward(o) { const x = ; }', LIMITS)).rejects.toThrow(/SyntaxError/);
  });
  it('a hostile candidate fails alone: the next sandbox works', async () => {
    await callOnce('function reward(o) { while (true) {} }');
    await callOnce('function reward(o) { return new Array(1e8).fill(1).length; }');
    expect(await callOnce('function reward(o) { return o.distToGoal; }')).toMatchObject({ ok: true, value: 6 });
  });
});
