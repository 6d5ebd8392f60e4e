import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Report, runLeaf } from '@rlllm/core';
import { leaf } from '../src/leaf.ts';

describe('ellm-tiny end to end', () => {
  it('a tiny run writes a valid report with all variants, curves and success rates', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ellm-'));
    const report = await runLeaf(leaf, { preset: 'quick', out, quiet: true, config: { steps: 1000, learningStarts: 200, curvePoints: 2 } });
    const parsed = Report.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(Object.keys(parsed.variants).sort()).toEqual(['ellm', 'none', 'novelty', 'oracle']);
    expect(parsed.method).toBe('ellm');
    expect(parsed.curves).toHaveLength(4);
    for (const v of Object.values(parsed.variants)) expect(v.mean).toBeGreaterThanOrEqual(0);
    const extra = report.extra as { successRates: Record<string, Record<string, number>>; similarity: { likelihood: { bestBalancedAccuracy: number } } };
    expect(Object.keys(extra.successRates.ellm!)).toHaveLength(12);
    expect(extra.similarity.likelihood.bestBalancedAccuracy).toBeGreaterThan(0.5);
    const more = report.extra as { goalFeasibility: Record<string, number>; randomPolicy: { mean: number } };
    expect(more.goalFeasibility.oracle).toBe(1); // oracle goals are feasible by construction
    expect(more.randomPolicy.mean).toBeGreaterThan(0);
  }, 90_000);
});
