import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Report, runLeaf } from '@rlllm/core';
import { leaf } from '../src/leaf.ts';

describe('ellm-tiny end to end', () => {
  it('a tiny run writes a valid report with all variants, curves and success rates', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ellm-'));
    const report = await runLeaf(leaf, { preset: 'quick', out, quiet: true, config: { totalSteps: 1000, learningStarts: 200, curvePoints: 2 } });
    const parsed = Report.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(Object.fromEntries(Object.entries(parsed.variants).map(([k, v]) => [k, v.role]))).toEqual({ none: 'baseline', novelty: 'baseline', ellm: 'method', 'ellm-open': 'method', oracle: 'upper-bound', 'random-policy': 'reference' });
    expect(parsed.method).toBe('ellm');
    // One curve per pretrained variant, on the promised 2 points.
    expect(parsed.curves.map((c) => c.variant)).toEqual(['none', 'novelty', 'ellm', 'ellm-open', 'oracle']);
    // The open-ended form is its own comparison, against the same baselines.
    expect(parsed.comparisons.filter((c) => c.measure === 'metric').map((c) => `${c.method}-${c.variant}`)).toEqual(['ellm-none', 'ellm-novelty', 'ellm-open-none', 'ellm-open-novelty']);
    for (const c of parsed.curves) expect(c.x).toEqual([500, 1000]);
    const stats = (v: string) => report.variants[v]!.stats as { successRates: Record<string, { mean: number }>; goalFeasibility?: { mean: number } };
    expect(Object.keys(stats('ellm').successRates)).toHaveLength(12);
    // The metric is the mean number of distinct achievements per late episode: the sum of the achievements' success rates.
    for (const v of ['none', 'novelty', 'ellm', 'ellm-open', 'oracle']) expect(report.variants[v]!.mean).toBeCloseTo(Object.values(stats(v).successRates).reduce((a, r) => a + r.mean, 0), 10);
    expect(stats('oracle').goalFeasibility!.mean).toBe(1); // oracle goals are feasible by construction
    expect(stats('none').goalFeasibility).toBeUndefined();
  });

  it('a bad --embedder, or an embed-only model as --model, stops before any training with the flag named and no output', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ellm-bad-'));
    const missing = join(base, 'no-such-encoder');
    await expect(runLeaf(leaf, { preset: 'quick', out: join(base, 'a'), quiet: true, extra: { embedder: missing } })).rejects.toThrow(/^--embedder: .*no-such-encoder/);
    expect(existsSync(join(base, 'a'))).toBe(false);
    // The sentence encoder can embed but neither score nor generate: it cannot be the goal suggester.
    await expect(runLeaf(leaf, { preset: 'quick', out: join(base, 'b'), quiet: true, model: 'rlllm/tiny-encoder' })).rejects.toThrow(/--model/);
    expect(existsSync(join(base, 'b'))).toBe(false);
  });
});
