import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLeaf, Report } from '@rlllm/core';
import { leaf } from '../src/index.ts';

describe('end to end', () => {
  it('a small run with the code model, final selection and a --reward-file writes a valid report, with the same numbers on 1 and 2 training processes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eureka-e2e-'));
    const file = path.join(dir, 'mine.js');
    writeFileSync(file, 'function reward(obs, action) {\n  return (obs.atGoal ? 5 : 0) - 0.1 * obs.distToGoal;\n}\n');
    const config = { samples: 2, iterations: 2, searchRuns: 2, ppoTotalSteps: 1024, evalEpisodes: 10, finalRuns: 2, finalists: 2, rescoreRuns: 1 };
    const run = (trainProcesses: number, out: string) => runLeaf(leaf, { preset: 'quick', seeds: [1], out: path.join(dir, out), extra: { 'reward-file': file }, config: { ...config, trainProcesses }, quiet: true });
    const report = await run(2, 'two');
    const onDisk = Report.parse(JSON.parse(readFileSync(path.join(dir, 'two', 'report.json'), 'utf8')));
    expect(onDisk.method).toBe('eureka');
    expect(onDisk.model).toBe('rlllm/tiny-coder'); // the leaf's default: the code model
    expect(Object.fromEntries(Object.entries(onDisk.variants).map(([k, v]) => [k, v.role]))).toEqual({ sparse: 'baseline', human: 'baseline', 'user-reward': 'reference', eureka: 'method' });
    // Fitness is a mean of 2 success counts over 10 evaluation episodes.
    for (const v of Object.values(report.variants)) expect(Math.abs(v.perSeed[0]! * 20 - Math.round(v.perSeed[0]! * 20))).toBeLessThan(1e-9);
    const details = report.variants.eureka!.details!['1'] as { candidates: number; finalists: { runs: number[] }[]; reflections: string[] };
    expect(details.candidates).toBe(4);
    expect(Object.keys((report.variants.eureka!.stats as { shareRanPerIteration: object }).shareRanPerIteration)).toEqual(['1', '2']);
    // Final selection ran: each finalist has its 2 search runs (or more, pooled) + 1 re-run.
    expect(details.finalists.length).toBeGreaterThanOrEqual(1);
    for (const f of details.finalists) expect(f.runs.length).toBeGreaterThanOrEqual(3);
    expect(report.curves[0]!.x).toEqual([1, 2]);
    expect(readFileSync(path.join(dir, 'two', 'events.jsonl'), 'utf8')).toContain('"candidate"');
    // The trainings ran in 2 worker processes above; in this process the numbers are the same.
    const one = await run(1, 'one');
    const numbers = (r: typeof report) => JSON.stringify({ ...r, seconds: 0, config: { ...r.config, trainProcesses: 0 } });
    expect(numbers(one)).toBe(numbers(report));
  });
});
