import { describe, it, expect } from 'vitest';
import { JobPool, poolSize, Rng, SEED_WORKERS_ENV } from '../src/index.ts';
import { defaultTrainer, setDefaultTrainer } from '../src/trainer.ts';

const jobs = new URL('./fixtures/jobs.ts', import.meta.url).href;

describe('JobPool', () => {
  it('gives the same results, in job order, with 1 and 2 processes (and really uses 2)', async () => {
    const args = Array.from({ length: 5 }, (_, i) => ({ seed: new Rng(7).fork(`job ${i}`).seed(), n: 3 }));
    const one = await new JobPool(`${jobs}#draws`, 1).map<typeof args[0], { values: number[]; pid: number }>(args);
    const pool = new JobPool(`${jobs}#draws`, 2);
    const two = await pool.map<typeof args[0], { values: number[]; pid: number }>(args);
    const again = await pool.map<typeof args[0], { values: number[]; pid: number }>(args.slice(0, 2));
    pool.close();
    expect(two.map((r) => r.values)).toEqual(one.map((r) => r.values));
    expect(again.map((r) => r.values)).toEqual(one.slice(0, 2).map((r) => r.values));
    expect(new Set(one.map((r) => r.pid))).toEqual(new Set([process.pid]));
    expect(new Set(two.map((r) => r.pid)).size).toBe(2);
    expect(two.every((r) => r.pid !== process.pid)).toBe(true);
  });

  it('a failing job rejects the map with its message, in a worker and in this process', async () => {
    for (const n of [1, 2]) {
      const pool = new JobPool(`${jobs}#boom`, n);
      await expect(pool.map([{ fail: false }, { fail: true }, { fail: false }])).rejects.toThrow('job boom');
      // The pool still works after a failed job.
      expect(await pool.map([{ fail: false }, { fail: false }])).toEqual(['ok', 'ok']);
      pool.close();
    }
    await expect(new JobPool(`${jobs}#nothing`, 1).map([{}])).rejects.toThrow(/exports no function `nothing`/);
  });

  it("the workers train with this process's trainer (--trainer reaches the jobs)", async () => {
    const before = defaultTrainer();
    try {
      for (const t of ['tfjs', 'ort'] as const) {
        setDefaultTrainer(t);
        const pool = new JobPool(`${jobs}#trainer`, 2);
        expect(await pool.map([{}, {}])).toEqual([t, t]);
        pool.close();
      }
    } finally {
      setDefaultTrainer(before);
    }
  });

  it('poolSize: the cores divided among the seed workers, at least 1', () => {
    expect(poolSize(2, {})).toBe(2);
    expect(poolSize(2, { [SEED_WORKERS_ENV]: '1' })).toBe(2);
    expect(poolSize(2, { [SEED_WORKERS_ENV]: '2' })).toBe(1);
    expect(poolSize(2, { [SEED_WORKERS_ENV]: '3' })).toBe(1);
    expect(poolSize(8, { [SEED_WORKERS_ENV]: '3' })).toBe(2);
    expect(poolSize(2, { [SEED_WORKERS_ENV]: 'x' })).toBe(2);
  });
});
