import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTf, loadLmTokenizer, Report, runLeaf } from '@rlllm/core';
import { BabyAIText } from '@rlllm/env';
import { defaultModelDir, loadGpt } from '@rlllm/tiny-lm';
import { leaf } from '../src/leaf.ts';
import { trainGlam } from '../src/glam.ts';
import { ActionScorer, GlamPolicy, glamPrompt } from '../src/policy.ts';

describe('glam-tiny end to end', () => {
  it('a quick run writes a valid report: every variant with its role, curves, held-out, transformers.js re-measurement', async () => {
    // Proves the whole pipeline runs and reports what the README reads: every variant on both splits,
    // the training curves, and the exported GLAM policy re-measured through transformers.js on the
    // same episodes (same per-episode action draws), agreeing with the tfjs policy.
    const out = mkdtempSync(join(tmpdir(), 'glam-'));
    const report = await runLeaf(leaf, { preset: 'quick', out, quiet: true });
    const parsed = Report.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(Object.fromEntries(Object.entries(parsed.variants).map(([k, v]) => [k, v.role]))).toEqual({ 'zero-shot': 'baseline', glam: 'method', 'glam-npae': 'ablation', 'glam-random-init': 'reference', 'symbolic-ppo': 'baseline', 'uniform-random': 'reference' });
    expect(parsed.method).toBe('glam');
    expect(parsed.curves.map((c) => c.variant)).toEqual(['zero-shot', 'glam', 'glam-npae', 'glam-random-init', 'symbolic-ppo']);
    // 8 evaluation episodes per split: every success rate is a count out of 8.
    for (const v of Object.values(parsed.variants)) {
      expect(Number.isInteger(v.perSeed[0]! * 8)).toBe(true);
      expect(Number.isInteger((v.stats!.heldout as { perSeed: number[] }).perSeed[0]! * 8)).toBe(true);
    }
    const cc = (report.variants.glam!.stats as { transformersJsCrossCheck: Record<string, { mean: number }> }).transformersJsCrossCheck;
    const dir = (report.variants.glam!.details!['1'] as { policyDir: string }).policyDir;
    expect(existsSync(join(dir, 'onnx', 'model.onnx'))).toBe(true);
    expect(cc.transformersJs!.mean).toBe(cc.tfjs!.mean);
    expect(cc.sameTrajectories!.mean).toBe(1);
    expect(parsed.variants.glam!.mean).toBe(cc.transformersJs!.mean);
    const share = Object.values((report.variants['zero-shot']!.stats as { actionShare: Record<string, { mean: number }> }).actionShare).reduce((a, b) => a + b.mean, 0);
    expect(share).toBeCloseTo(1, 6);
    // The verdict's ablation is NPAE (the scoring random-init variant is a reference, never compared).
    expect(report.comparisons.filter((c) => c.variant === 'glam-npae').map((c) => c.measure)).toEqual(['metric', 'sampleEfficiency', 'heldout']);
    expect(report.comparisons.some((c) => c.variant === 'glam-random-init')).toBe(false);
  });

  it('the same seed gives the same training run', async () => {
    // Proves determinism of GLAM's PPO (env rooms, action sampling, minibatch order, updates): two
    // runs with seed 5 give identical episodes and identical final action probabilities.
    await initTf();
    const tok = await loadLmTokenizer(defaultModelDir());
    const runOnce = async () => {
      const lm = loadGpt(defaultModelDir());
      const scorer = new ActionScorer(tok, lm.config.vocabSize, lm.config.nPositions);
      const policy = new GlamPolicy(lm, scorer, tok);
      const res = await trainGlam(policy, () => new BabyAIText({ targets: 'train', size: 4, maxObjects: 2, maxSteps: 4 }), { totalSteps: 24, nEnvs: 4, nSteps: 6, minibatchSize: 12 }, { seed: 5 });
      const probe = new BabyAIText();
      probe.reset({ seed: 77 });
      const { logPi } = await policy.evaluate(policy.encode([glamPrompt(probe)]));
      policy.dispose();
      scorer.dispose();
      lm.dispose();
      return { episodes: res.episodes, logPi: Array.from(logPi) };
    };
    const a = await runOnce();
    const b = await runOnce();
    expect(a.episodes.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });
});
