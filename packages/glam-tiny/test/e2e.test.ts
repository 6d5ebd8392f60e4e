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
  it('a quick run writes a valid report: four variants, curves, held-out, transformers.js re-measurement', async () => {
    // Proves the whole pipeline runs and reports what the README reads: every variant on both splits,
    // the training curves, and the exported GLAM policy re-measured through transformers.js on the
    // same episodes (same per-episode action draws), agreeing with the tfjs policy.
    const out = mkdtempSync(join(tmpdir(), 'glam-'));
    const report = await runLeaf(leaf, { preset: 'quick', out, quiet: true });
    const parsed = Report.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(Object.keys(parsed.variants).sort()).toEqual(['glam', 'glam-random-init', 'symbolic-ppo', 'zero-shot']);
    expect(parsed.method).toBe('glam');
    expect(parsed.curves.map((c) => c.variant)).toEqual(['glam', 'glam-random-init', 'symbolic-ppo', 'zero-shot']);
    for (const v of Object.values(parsed.variants)) expect(v.mean).toBeGreaterThanOrEqual(0);
    const extra = report.extra as {
      heldout: Record<string, { mean: number }>;
      transformersJsCrossCheck: { tfjs: number[]; transformersJs: number[]; sameTrajectories: number[]; policyDirs: string[] };
      actionShare: Record<string, Record<string, number>>;
    };
    expect(Object.keys(extra.heldout).sort()).toEqual(['glam', 'glam-random-init', 'symbolic-ppo', 'zero-shot']);
    const cc = extra.transformersJsCrossCheck;
    expect(existsSync(join(cc.policyDirs[0]!, 'onnx', 'model.onnx'))).toBe(true);
    expect(cc.transformersJs).toEqual(cc.tfjs);
    expect(cc.sameTrajectories[0]).toBe(1);
    expect(parsed.variants.glam!.perSeed).toEqual(cc.transformersJs);
    const share = Object.values(extra.actionShare['zero-shot']!).reduce((a, b) => a + b, 0);
    expect(share).toBeCloseTo(1, 6);
  }, 180_000);

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
  }, 180_000);
});
