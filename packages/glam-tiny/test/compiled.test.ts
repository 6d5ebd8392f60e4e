/**
 * GLAM's PPO on the onnxruntime trainer (compiledPolicy.ts) against the tfjs trainer (policy.ts's
 * tfjs forward, glam.ts `ppoStep`), for both policies — the LM scoring the action names and the
 * action-head ablation — from the same weights: the rollout's log π and V, and three minibatch
 * steps (statistics, then what the trained policies compute), to 3e-5 relative (TOL)
 * ("relative" = max |a − b| / max |b|, b the tfjs value). As in tiny-lm's finetune.test.ts, the
 * trained weights themselves are not compared: Adam's √v normalization turns rounding noise in ~0
 * gradients into visible steps of single elements while the functions agree to rounding.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, loadLmTokenizer, relErr, Rng, tf, type LmTokenizer } from '@rlllm/core';
import { BabyAIText } from '@rlllm/env';
import { defaultModelDir, Gpt, loadGpt, WHOLE_MODEL_TOL as TOL } from '@rlllm/tiny-lm';
import { CompiledGlamPolicy } from '../src/compiledPolicy.ts';
import { ppoStep, type PpoStepStats } from '../src/glam.ts';
import { ActionHeadPolicy, ActionScorer, GlamPolicy, glamPrompt, type LmPolicy } from '../src/policy.ts';



let tok: LmTokenizer;
let scorer: ActionScorer;
/** Prompts of 11 env states (more than one evaluation chunk), of different lengths. */
let prompts: number[][];

beforeAll(async () => {
  await initTf();
  tok = await loadLmTokenizer(defaultModelDir());
  const lm = loadGpt(defaultModelDir());
  scorer = new ActionScorer(tok, lm.config.vocabSize, lm.config.nPositions);
  lm.dispose();
  const env = new BabyAIText();
  env.reset({ seed: 5 });
  prompts = Array.from({ length: 11 }, () => (env.reset(), tok.encode(glamPrompt(env))));
});

const cfg = { adamEps: 1e-5, clipCoef: 0.2, vfCoef: 0.5, entCoef: 0.01, maxGradNorm: 0.5 };
const kinds: [string, (lm: Gpt) => GlamPolicy | ActionHeadPolicy][] = [
  ['GLAM (the LM scores the action names)', (lm) => new GlamPolicy(lm, scorer, tok)],
  ['NPAE (action head)', (lm) => new ActionHeadPolicy(lm, tok, 6, new Rng(3))],
];

describe('GLAM PPO: the onnxruntime trainer against the tfjs trainer', () => {
  for (const [name, make] of kinds) {
    it(`${name}: the same rollout log π and V, and three minibatch steps give the same statistics and trained policy`, async () => {
      const policies = [0, 1].map(() => make(loadGpt(defaultModelDir())));
      // A non-zero value head, so V carries signal from the start.
      for (const p of policies) p.valueHead.w.assign(tf.randomNormal([p.lm.config.nEmbd, 1], 0, 0.1, 'float32', 4));
      const [ortPolicy, tfjsPolicy]: LmPolicy[] = policies;
      const compiled = new CompiledGlamPolicy(ortPolicy, cfg);
      const [o, t] = [await compiled.evaluate(prompts), await tfjsPolicy!.evaluate(prompts)];
      expect(relErr(o.logPi, t.logPi)).toBeLessThan(TOL);
      expect(relErr(o.values, t.values)).toBeLessThan(TOL);

      const rng = new Rng(6);
      const opt = tf.train.adam(1e-4, 0.9, 0.999, cfg.adamEps);
      const stats: [PpoStepStats, PpoStepStats][] = [];
      for (let k = 0; k < 3; k++) {
        const idx = Array.from({ length: 8 }, () => rng.int(prompts.length));
        const actions = idx.map(() => rng.int(6));
        const mb = { prompts: idx.map((i) => prompts[i]!), actions, oldLogp: idx.map((i, j) => t.logPi[i * 6 + actions[j]!]!), advantages: idx.map(() => rng.normal(0, 1)), returns: idx.map(() => rng.uniform(0, 1)) };
        stats.push([await compiled.update(mb, 1e-4), ppoStep(tfjsPolicy, opt, mb, cfg)]);
      }
      for (const [a, b] of stats)
        for (const k of ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFrac'] as const) expect(Math.abs(a[k] - b[k]), k).toBeLessThan(TOL * Math.max(1, Math.abs(b[k])));
      compiled.sync();
      await compiled.dispose();
      const [o2, t2] = [await ortPolicy.evaluate(prompts), await tfjsPolicy.evaluate(prompts)];
      expect(relErr(o2.logPi, o.logPi)).toBeGreaterThan(1e-5); // the steps moved π
      expect(relErr(o2.logPi, t2.logPi)).toBeLessThan(TOL);
      expect(relErr(o2.values, t2.values)).toBeLessThan(TOL);
      opt.dispose();
      for (const p of policies) (p.dispose(), (p.lm as Gpt).dispose());
    });
  }
});
