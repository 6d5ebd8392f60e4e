import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLeaf, Report } from '@rlllm/core';
import { leaf } from '../src/index.ts';

describe('end to end', () => {
  it('a small run with the code model, final selection and a --reward-file writes a valid report', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eureka-e2e-'));
    const file = path.join(dir, 'mine.js');
    writeFileSync(file, 'function reward(obs, action) {\n  return (obs.atGoal ? 5 : 0) - 0.1 * obs.distToGoal;\n}\n');
    const report = await runLeaf(leaf, { preset: 'quick', seeds: [1], out: path.join(dir, 'out'), extra: { 'reward-file': file }, config: { samples: 2, iterations: 2, ppoTotalSteps: 1024, evalEpisodes: 10, finalists: 2, rescoreRuns: 1 }, quiet: true });
    const onDisk = Report.parse(JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')));
    expect(onDisk.method).toBe('eureka');
    expect(onDisk.model).toBe('rlllm/tiny-coder'); // the leaf's default: the code model
    expect(Object.fromEntries(Object.entries(onDisk.variants).map(([k, v]) => [k, v.role]))).toEqual({ sparse: 'baseline', human: 'baseline', 'user-reward': 'reference', eureka: 'method' });
    // Fitness is a success count over 10 evaluation episodes.
    for (const v of Object.values(report.variants)) expect(Math.abs(v.perSeed[0]! * 10 - Math.round(v.perSeed[0]! * 10))).toBeLessThan(1e-9);
    const details = report.variants.eureka!.details!['1'] as { candidates: number; finalists: { runs: number[] }[] };
    expect(details.candidates).toBe(4);
    expect(Object.keys((report.variants.eureka!.stats as { shareRanPerIteration: object }).shareRanPerIteration)).toEqual(['1', '2']);
    // Final selection ran: each finalist has its search run(s) + 1 re-run.
    expect(details.finalists.length).toBeGreaterThanOrEqual(1);
    for (const f of details.finalists) expect(f.runs.length).toBeGreaterThanOrEqual(2);
    expect(report.curves[0]!.x).toEqual([1, 2]);
    expect(readFileSync(path.join(dir, 'out', 'events.jsonl'), 'utf8')).toContain('"candidate"');
  });
});
