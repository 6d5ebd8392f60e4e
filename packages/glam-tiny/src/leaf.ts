/**
 * The glam-tiny leaf (LLM4RL · Policy; Carta et al. 2023, GLAM): in BabyAI-Text, for every seed,
 *
 *   zero-shot         the pretrained tiny LM as the policy, no RL                    (GLAM's zero-shot Flan-T5)
 *   glam              the pretrained LM fine-tuned by PPO on the env's reward        (GLAM, "GFlan-T5")
 *   glam-random-init  the same architecture from random weights + the same PPO      (GLAM's "NPAE-Flan-T5")
 *   symbolic-ppo      PPO on the one-hot observation, same env steps                (GLAM's "Symbolic-PPO")
 *
 * The metric is the success rate on fresh episodes with training targets; `extra.heldout` is the same
 * on the held-out (colour, object) targets (generalization to new objects, GLAM §4), `extra.sampleEfficiency`
 * the success rate over all training episodes (the area under the success-vs-steps curve), and
 * `extra.transformersJs` the GLAM policy exported to ONNX and re-measured through transformers.js.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { initTf, loadLanguageModel, loadLmTokenizer, mean, summarize, UserError, variantResult, type Curve, type LanguageModel, type Leaf, type LeafContext, type VariantResult } from '@rlllm/core';
import { BABYAI_ACTIONS, BabyAIText, type BabyaiSplit } from '@rlllm/env';
import { copyTokenizerFiles, defaultModelDir, exportModel, Gpt, loadGpt } from '@rlllm/tiny-lm';
import { evaluateSuccess, tfjsPolicy, transformersPolicy, type EvalResult, type PolicyFn } from './evaluate.ts';
import { trainGlam, type GlamPpoConfig } from './glam.ts';
import { ActionScorer, GlamPolicy } from './policy.ts';
import { trainSymbolicPpo } from './symbolic.ts';

export const VARIANTS = ['zero-shot', 'glam', 'glam-random-init', 'symbolic-ppo'] as const;
export type Variant = (typeof VARIANTS)[number];
const TRAINED = ['glam', 'glam-random-init', 'symbolic-ppo'] as const;

export const schema = z.object({
  steps: z.number().int().min(16).default(1536).describe('env steps of training per trained variant and seed (glam, glam-random-init, symbolic-ppo)'),
  nEnvs: z.number().int().positive().default(16).describe('parallel envs of every PPO run'),
  nSteps: z.number().int().positive().default(8).describe('steps per env per PPO rollout'),
  updateEpochs: z.number().int().positive().default(1).describe('PPO epochs per rollout (LM agents)'),
  minibatchSize: z.number().int().positive().default(32).describe('transitions per PPO gradient step (LM agents)'),
  lr: z.number().positive().default(1e-4).describe('Adam learning rate of the LM agents (all LM weights + value head)'),
  entCoef: z.number().min(0).default(0.01).describe('entropy bonus (over the 6 actions)'),
  warmupIterations: z.number().int().min(0).default(0).describe('LM agents: ramp the learning rate up over the first N PPO iterations (0 = off; README: tried, no gain)'),
  targetKl: z.number().min(0).default(0).describe("LM agents: stop an iteration's updates once the approx KL exceeds this (0 = off; README: tried, no gain)"),
  symbolicLr: z.number().positive().default(2.5e-4).describe('Adam learning rate of symbolic PPO (CleanRL default)'),
  evalEpisodes: z.number().int().positive().default(48).describe('fresh episodes per split for the final success rates'),
  roomSize: z.number().int().min(3).max(10).default(4).describe('interior side of the BabyAI-Text room'),
  maxObjects: z.number().int().min(1).default(2).describe('objects per room (1..maxObjects)'),
  maxSteps: z.number().int().min(4).default(16).describe('episode time limit'),
  symbolicLongSteps: z.number().int().min(0).default(0).describe('also train symbolic PPO this long (a reference for its sample efficiency); 0 = off'),
  curvePoints: z.number().int().min(1).default(8).describe('bins of the success-vs-steps curves (at most steps / (nEnvs · maxSteps), see curveBins)'),
});
export type Config = z.infer<typeof schema>;

/** The LM must be trainable in tfjs: tiny-lm's own format (config.json + onnx/model.onnx from exportModel). */
function resolveModelDir(spec: string): string {
  if (spec === 'default' || spec === 'rlllm/tiny-gpt') return defaultModelDir();
  const dir = resolve(spec);
  if (!existsSync(join(dir, 'config.json')) || !existsSync(join(dir, 'onnx', 'model.onnx'))) {
    throw new UserError(`--model ${spec}: glam-tiny fine-tunes the LM in tfjs and needs a folder written by tiny-lm's exportModel (config.json, onnx/model.onnx, tokenizer files); pass such a folder or leave --model out`);
  }
  return dir;
}

function loadTrainableLm(dir: string): Gpt {
  try {
    return loadGpt(dir);
  } catch (e) {
    throw new UserError(`--model ${dir}: not a tiny-lm GPT (${String((e as Error).message).split('\n')[0]}); pass a folder written by tiny-lm's exportModel or leave --model out`);
  }
}

/** Fixed evaluation rooms per seed and split, disjoint from the training rooms' seeds. */
const evalSeed = (seed: number, split: BabyaiSplit) => 1_000_000 + seed * 10_000 + (split === 'heldout' ? 5_000 : 0);

/** Share of each action among all actions taken in `r`'s episodes. */
function actionShare(r: EvalResult): Record<string, number> {
  const counts = new Array<number>(BABYAI_ACTIONS.length).fill(0);
  for (const e of r.episodes) for (const a of e.actions) counts[a]!++;
  const n = counts.reduce((a, b) => a + b, 0);
  return Object.fromEntries(BABYAI_ACTIONS.map((name, a) => [name, counts[a]! / Math.max(1, n)]));
}

/**
 * How many curve bins a run of `steps` env steps gets: each bin spans at least nEnvs × maxSteps env
 * steps, so every env finishes an episode inside it. Narrower bins are biased: a timed-out episode
 * ends only after nEnvs·maxSteps global steps, so an early narrow bin would hold only the quick successes.
 */
function curveBins(config: Config, steps: number): number {
  return Math.max(1, Math.min(config.curvePoints, Math.floor(steps / (config.nEnvs * config.maxSteps))));
}

/** Success of the training episodes in `points` equal bins of env steps (NaN for an empty bin). */
function successCurve(episodes: { step: number; success: boolean }[], totalSteps: number, points: number): { x: number[]; y: number[] } {
  const x = Array.from({ length: points }, (_, i) => Math.round(((i + 1) * totalSteps) / points));
  const y = x.map((hi, i) => {
    const lo = i === 0 ? 0 : x[i - 1]!;
    const sel = episodes.filter((e) => e.step > lo && e.step <= hi);
    return sel.length ? sel.filter((e) => e.success).length / sel.length : NaN;
  });
  return { x, y };
}

function curveOverSeeds(variant: string, perSeed: { x: number[]; y: number[] }[], title: string): Curve {
  // A bin where no seed finished an episode has no success rate: the point is left out.
  const keep = perSeed[0]!.x.map((_, i) => i).filter((i) => perSeed.some((c) => !Number.isNaN(c.y[i]!)));
  const stats = keep.map((i) => summarize(perSeed.map((c) => c.y[i]!).filter((v) => !Number.isNaN(v))));
  return { variant, x: keep.map((i) => perSeed[0]!.x[i]!), y: stats.map((s) => s.mean), lo: stats.map((s) => s.ci95[0]), hi: stats.map((s) => s.ci95[1]), xLabel: 'env steps', yLabel: 'success rate (training episodes)', title };
}

/** Export a tfjs LM in Hugging Face layout (ONNX + tokenizer) and load it through transformers.js. */
async function exportForTransformersJs(lm: Gpt, eosId: number, modelDir: string, dir: string): Promise<LanguageModel> {
  exportModel(dir, lm.config, await lm.getWeights(), eosId);
  await copyTokenizerFiles(modelDir, dir);
  return loadLanguageModel(dir);
}

async function run(config: Config, ctx: LeafContext) {
  if (config.maxObjects > config.roomSize) throw new UserError(`--max-objects ${config.maxObjects} does not fit a room of side --room-size ${config.roomSize}: use at most ${config.roomSize} objects or a larger room`);
  await initTf();
  const modelDir = resolveModelDir(ctx.model);
  const tokenizer = await loadLmTokenizer(modelDir);
  const probe = loadTrainableLm(modelDir); // fails early, with a UserError, on a folder tfjs cannot train
  const lmConfig = probe.config;
  probe.dispose();
  const scorer = new ActionScorer(tokenizer, lmConfig.vocabSize, lmConfig.nPositions);
  const env = { size: config.roomSize, maxObjects: config.maxObjects, maxSteps: config.maxSteps };
  const ppo: Partial<GlamPpoConfig> = { totalSteps: config.steps, nEnvs: config.nEnvs, nSteps: config.nSteps, updateEpochs: config.updateEpochs, minibatchSize: config.minibatchSize, lr: config.lr, entCoef: config.entCoef, warmupIterations: config.warmupIterations, targetKl: config.targetKl > 0 ? config.targetKl : null };
  const evaluate = (policy: PolicyFn, seed: number, split: BabyaiSplit) => evaluateSuccess(policy, { split, episodes: config.evalEpisodes, seed: evalSeed(seed, split), env });
  // Throw-away exports (the ablation's weights) go to a temp folder; the GLAM policies stay in the run's out dir.
  const scratch = mkdtempSync(join(tmpdir(), 'glam-tiny-'));

  const finalTrain = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const finalHeldout = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const trainingSuccess = new Map<Variant, number[]>(TRAINED.map((v) => [v, []]));
  const curves = new Map<Variant, { x: number[]; y: number[] }[]>(TRAINED.map((v) => [v, []]));
  const shares = new Map<Variant, Record<string, number>[]>(VARIANTS.map((v) => [v, []]));
  const meanLength = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const seconds = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const crossCheck = { tfjs: [] as number[], transformersJs: [] as number[], sameTrajectories: [] as number[], policyDirs: [] as string[] };
  const uniform = { train: [] as number[], heldout: [] as number[] };
  const symbolicLong = { train: [] as number[], heldout: [] as number[], curves: [] as { x: number[]; y: number[] }[] };
  const record = (v: Variant, seed: number, train: EvalResult, heldout: EvalResult, t0: number) => {
    finalTrain.get(v)!.push(train.success);
    finalHeldout.get(v)!.push(heldout.success);
    shares.get(v)!.push(actionShare(train));
    meanLength.get(v)!.push(train.meanLength);
    seconds.get(v)!.push((performance.now() - t0) / 1000);
    ctx.log.log('evaluate', { seed, variant: v, train: train.success, heldout: heldout.success, meanLength: train.meanLength });
  };
  /** Every LM policy is measured through transformers.js on its exported weights (ONNX Runtime is ~3× faster than tfjs-wasm here). */
  const evaluateLm = async (lm: LanguageModel, seed: number) => {
    const out = { train: await evaluate(transformersPolicy(lm), seed, 'train'), heldout: await evaluate(transformersPolicy(lm), seed, 'heldout') };
    await lm.dispose();
    return out;
  };

  try {
    for (const seed of ctx.seeds) {
      // ── zero-shot: the pretrained LM as the policy, before any grounding ──────────────────────
      let t0 = performance.now();
      const zs = await evaluateLm(await loadLanguageModel(modelDir), seed);
      record('zero-shot', seed, zs.train, zs.heldout, t0);

      // ── glam and its non-pretrained ablation: the same PPO, the same budget ────────────────────
      for (const v of ['glam', 'glam-random-init'] as const) {
        t0 = performance.now();
        const lm = v === 'glam' ? loadGpt(modelDir) : new Gpt(lmConfig, seed);
        const policy = new GlamPolicy(lm, scorer, tokenizer);
        const bar = ctx.progress(`seed ${seed} ${v}`, config.steps);
        const res = await trainGlam(policy, () => new BabyAIText({ ...env, targets: 'train' }), ppo, { seed, log: ctx.log, progress: bar });
        trainingSuccess.get(v)!.push(mean(res.episodes.map((e) => (e.success ? 1 : 0))));
        curves.get(v)!.push(successCurve(res.episodes, config.steps, curveBins(config, config.steps)));
        const dir = v === 'glam' ? join(ctx.out, `glam-policy-seed${seed}`) : join(scratch, `${v}-seed${seed}`);
        const ev = await evaluateLm(await exportForTransformersJs(lm, tokenizer.eosId, modelDir, dir), seed);
        bar.finish(`success ${ev.train.success.toFixed(2)} train, ${ev.heldout.success.toFixed(2)} held-out`);
        if (v === 'glam') {
          // Cross-check: the tfjs policy (the weights as trained) on the same episodes with the same
          // per-episode action draws; the exported policy must give the same success and trajectories.
          const tfjs = await evaluate(tfjsPolicy(policy), seed, 'train');
          crossCheck.tfjs.push(tfjs.success);
          crossCheck.transformersJs.push(ev.train.success);
          crossCheck.sameTrajectories.push(tfjs.episodes.filter((e, i) => e.actions.join() === ev.train.episodes[i]!.actions.join()).length / tfjs.episodes.length);
          crossCheck.policyDirs.push(dir);
          ctx.log.log('cross-check', { seed, tfjs: tfjs.success, transformersJs: ev.train.success, sameTrajectories: crossCheck.sameTrajectories.at(-1) });
        }
        record(v, seed, ev.train, ev.heldout, t0);
        policy.dispose();
        lm.dispose();
      }

      // A reference, not a variant: actions drawn uniformly from the six, on the same episodes.
      const uniformPolicy: PolicyFn = async (envs) => envs.map(() => new Float64Array(BABYAI_ACTIONS.length).fill(-Math.log(BABYAI_ACTIONS.length)));
      uniform.train.push((await evaluate(uniformPolicy, seed, 'train')).success);
      uniform.heldout.push((await evaluate(uniformPolicy, seed, 'heldout')).success);

      // ── symbolic PPO on the one-hot observation, the same env steps ────────────────────────────
      t0 = performance.now();
      const bar = ctx.progress(`seed ${seed} symbolic-ppo`, config.steps);
      const symbolicPpo = { totalTimesteps: config.steps, nEnvs: config.nEnvs, nSteps: config.nSteps, learningRate: config.symbolicLr, entCoef: config.entCoef };
      const sym = await trainSymbolicPpo(env, symbolicPpo, { seed, log: ctx.log, progress: bar });
      trainingSuccess.get('symbolic-ppo')!.push(mean(sym.episodes.map((e) => (e.success ? 1 : 0))));
      curves.get('symbolic-ppo')!.push(successCurve(sym.episodes, config.steps, curveBins(config, config.steps)));
      const symTrain = await evaluate(sym.policy, seed, 'train');
      const symHeldout = await evaluate(sym.policy, seed, 'heldout');
      bar.finish(`success ${symTrain.success.toFixed(2)} train`);
      record('symbolic-ppo', seed, symTrain, symHeldout, t0);
      sym.dispose();

      if (config.symbolicLongSteps > 0) {
        // A reference, not a variant: how many steps symbolic PPO needs (GLAM Fig. 2's long x-axis).
        const longBar = ctx.progress(`seed ${seed} symbolic-ppo long`, config.symbolicLongSteps);
        const long = await trainSymbolicPpo(env, { ...symbolicPpo, totalTimesteps: config.symbolicLongSteps }, { seed, progress: longBar });
        symbolicLong.curves.push(successCurve(long.episodes, config.symbolicLongSteps, curveBins(config, config.symbolicLongSteps)));
        symbolicLong.train.push((await evaluate(long.policy, seed, 'train')).success);
        symbolicLong.heldout.push((await evaluate(long.policy, seed, 'heldout')).success);
        longBar.finish(`success ${symbolicLong.train.at(-1)!.toFixed(2)} train`);
        long.dispose();
      }
    }
  } finally {
    scorer.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }

  const byVariant = (m: Map<Variant, number[]>, vs: readonly Variant[]) => Object.fromEntries(vs.map((v) => [v, variantResult(m.get(v)!)])) as Record<string, VariantResult>;
  const paired = (a: number[], b: number[]) => variantResult(a.map((x, i) => x - b[i]!));
  const title = 'Success rate vs env steps (BabyAI-Text, training targets)';
  const curveList: Curve[] = TRAINED.map((v) => curveOverSeeds(v, curves.get(v)!, title));
  // The zero-shot LM does not learn: its measured success, drawn flat for reference.
  const zs = summarize(finalTrain.get('zero-shot')!);
  const nBins = curveBins(config, config.steps);
  const xs = Array.from({ length: nBins }, (_, i) => Math.round(((i + 1) * config.steps) / nBins));
  curveList.push({ variant: 'zero-shot', x: xs, y: xs.map(() => zs.mean), lo: xs.map(() => zs.ci95[0]), hi: xs.map(() => zs.ci95[1]), xLabel: 'env steps', yLabel: 'success rate (evaluation, no training)', title });
  if (config.symbolicLongSteps > 0) curveList.push(curveOverSeeds('symbolic-ppo (long run)', symbolicLong.curves, `Symbolic PPO over ${config.symbolicLongSteps} env steps`));

  return {
    model: modelDir === defaultModelDir() ? 'rlllm/tiny-gpt' : modelDir,
    variants: byVariant(finalTrain, VARIANTS),
    curves: curveList,
    extra: {
      metric: 'success rate of the sampled policy on fresh episodes with training targets, after training (LM policies measured through transformers.js on their exported weights); extra.heldout: the same with held-out targets',
      heldout: byVariant(finalHeldout, VARIANTS),
      sampleEfficiency: byVariant(trainingSuccess, TRAINED),
      glamMinusRandomInit: {
        sampleEfficiency: paired(trainingSuccess.get('glam')!, trainingSuccess.get('glam-random-init')!),
        finalTrain: paired(finalTrain.get('glam')!, finalTrain.get('glam-random-init')!),
        finalHeldout: paired(finalHeldout.get('glam')!, finalHeldout.get('glam-random-init')!),
      },
      glamMinusZeroShot: {
        finalTrain: paired(finalTrain.get('glam')!, finalTrain.get('zero-shot')!),
        finalHeldout: paired(finalHeldout.get('glam')!, finalHeldout.get('zero-shot')!),
      },
      transformersJsCrossCheck: {
        how: 'GLAM policy on the training-target evaluation episodes: tfjs (weights as trained) vs transformers.js (exported ONNX, lm.logProb of the six continuations → softmax); same per-episode action Rng',
        ...crossCheck,
      },
      uniformRandomPolicy: { train: variantResult(uniform.train), heldout: variantResult(uniform.heldout) },
      actionShare: Object.fromEntries(VARIANTS.map((v) => [v, Object.fromEntries(BABYAI_ACTIONS.map((a) => [a, mean(shares.get(v)!.map((s) => s[a]!))]))])),
      meanEpisodeLength: Object.fromEntries(VARIANTS.map((v) => [v, mean(meanLength.get(v)!)])),
      secondsPerSeed: Object.fromEntries(VARIANTS.map((v) => [v, mean(seconds.get(v)!)])),
      ...(config.symbolicLongSteps > 0 ? { symbolicLong: { steps: config.symbolicLongSteps, train: variantResult(symbolicLong.train), heldout: variantResult(symbolicLong.heldout) } } : {}),
      scoring: { rowsPerPrompt: scorer.rowsPerPrompt, rowResponses: scorer.rowResponses, actionTokens: scorer.actionIds },
      env: { ...env, missions: ['goto', 'pickup'], evalEpisodesPerSplit: config.evalEpisodes },
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'glam-tiny',
    taxonomy: 'LLM4RL / Policy',
    paper: 'Carta et al. 2023 (GLAM)',
    description: 'GLAM in BabyAI-Text: the tiny LM is the policy (action names scored by the LM) and PPO grounds it, vs the zero-shot LM, the same LM from random weights, and symbolic PPO',
    metric: { name: 'success rate (training targets)', higherIsBetter: true },
    method: 'glam',
  },
  schema,
  presets: {
    quick: { steps: 64, nEnvs: 4, nSteps: 16, evalEpisodes: 8 },
    full: { symbolicLongSteps: 15_360 },
  },
  run,
};
