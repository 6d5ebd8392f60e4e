/**
 * The glam-tiny leaf (LLM4RL · Policy; Carta et al. 2023, GLAM): the variants and what each measures
 * on one seed in BabyAI-Text (GLAM against its non-pretrained ablation NPAE — random weights with
 * action heads — the zero-shot LM and symbolic PPO) — the success rate of its policy on fresh episodes with training targets
 * (LM policies measured through transformers.js on their exported weights), with held-out targets
 * (generalization to new objects, GLAM §4) and, for trained variants, the success over all training
 * episodes (sample efficiency, the area under the success-vs-steps curve) beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTf, loadLanguageModel, loadLmTokenizer, mean, UserError, type LanguageModel, type Leaf, type SeedContext, type Variant } from '@rlllm/core';
import { BABYAI_ACTIONS, BabyAIText, type BabyaiSplit } from '@rlllm/env';
import { exportTrained, Gpt, loadGpt, trainableModelDir } from '@rlllm/tiny-lm';
import { evaluateSuccess, tfjsPolicy, transformersPolicy, type EvalResult, type PolicyFn } from './evaluate.ts';
import { GlamConfig, trainGlam, type GlamPpoConfig } from './glam.ts';
import { ActionHeadPolicy, ActionScorer, GlamPolicy } from './policy.ts';
import { trainSymbolicPpo } from './symbolic.ts';

export const schema = GlamConfig;
export type Config = GlamConfig;

const envOf = (c: Config) => ({ size: c.roomSize, maxObjects: c.maxObjects, maxSteps: c.maxSteps });


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

/** Success of the training episodes in equal bins of env steps (NaN for an empty bin). */
function successCurve(title: string, episodes: { step: number; success: boolean }[], totalSteps: number, points: number) {
  const x = Array.from({ length: points }, (_, i) => Math.round(((i + 1) * totalSteps) / points));
  const y = x.map((hi, i) => {
    const lo = i === 0 ? 0 : x[i - 1]!;
    const sel = episodes.filter((e) => e.step > lo && e.step <= hi);
    return sel.length ? sel.filter((e) => e.success).length / sel.length : NaN;
  });
  return { title, x, y, xLabel: 'env steps', yLabel: 'success rate (training episodes)' };
}
const CURVE_TITLE = 'Success rate vs env steps (BabyAI-Text, training targets)';

/** The seed's evaluation rooms per split (every policy meets the same ones): the first of their seeds. */
const evalSeed = (ctx: SeedContext, split: BabyaiSplit) => ctx.rng(`eval ${split}`).seed();

/** The seed's final measure of a policy: success with training and held-out targets, action shares, episode length. */
async function measure(name: string, policy: PolicyFn, seed: number, config: Config, ctx: SeedContext) {
  const evaluate = (split: BabyaiSplit) => evaluateSuccess(policy, { split, episodes: config.evalEpisodes, seed: evalSeed(ctx, split), env: envOf(config) });
  const train = await evaluate('train');
  const heldout = await evaluate('heldout');
  ctx.log.log('evaluate', { seed, variant: name, train: train.success, heldout: heldout.success, meanLength: train.meanLength });
  return { train, metric: train.success, stats: { heldout: heldout.success, actionShare: actionShare(train), meanEpisodeLength: train.meanLength } };
}

/** An LM policy measured through transformers.js (ONNX Runtime is ~3× faster than tfjs-wasm here). */
async function measureLm(name: string, lm: LanguageModel, seed: number, config: Config, ctx: SeedContext) {
  const out = await measure(name, transformersPolicy(lm), seed, config, ctx);
  await lm.dispose();
  return out;
}

const modelDirOf = (ctx: SeedContext) => trainableModelDir(ctx.model, 'glam-tiny');

/** What every seed shares: the tokenizer, the action scorer over it, and the LM's shape. */
const lmPieces = (ctx: SeedContext) =>
  ctx.shared('lm', async () => {
    const modelDir = modelDirOf(ctx);
    const tokenizer = await loadLmTokenizer(modelDir);
    const probe = loadGpt(modelDir);
    const lmConfig = probe.config;
    probe.dispose();
    return { modelDir, tokenizer, lmConfig, scorer: new ActionScorer(tokenizer, lmConfig.vocabSize, lmConfig.nPositions) };
  });

/** GLAM (pretrained LM) or its random-init ablation: PPO on every LM weight, then the exported policy measured. */
function lmAgent(name: 'glam' | 'glam-random-init', role: Variant<Config>['role'], about: string): Variant<Config> {
  return {
    name,
    role,
    about,
    run: async (seed, config, ctx) => {
      await initTf();
      const { modelDir, tokenizer, lmConfig, scorer } = await lmPieces(ctx);
      const lm = name === 'glam' ? loadGpt(modelDir) : new Gpt(lmConfig, ctx.rng('random init').seed());
      const policy = new GlamPolicy(lm, scorer, tokenizer);
      const ppo: Partial<GlamPpoConfig> = { totalSteps: config.totalSteps, nEnvs: config.nEnvs, nSteps: config.nSteps, updateEpochs: config.updateEpochs, minibatchSize: config.minibatchSize, learningRate: config.learningRate, entCoef: config.entCoef, warmupIterations: config.warmupIterations, targetKl: config.targetKl };
      const bar = ctx.progress(name, config.totalSteps);
      // GLAM and its ablation meet the same rooms and draws (one stream), so they differ by the weights they start from.
      const res = await trainGlam(policy, () => new BabyAIText({ ...envOf(config), targets: 'train' }), ppo, { seed: ctx.rng('ppo').seed(), log: ctx.log, progress: bar });
      // The GLAM policy stays in the run's folder; the ablation's weights are thrown away after measuring.
      const scratch = name === 'glam' ? null : mkdtempSync(join(tmpdir(), 'glam-tiny-'));
      const dir = scratch ? join(scratch, `${name}-seed${seed}`) : join(ctx.out, `glam-policy-seed${seed}`);
      try {
        const m = await measureLm(name, await loadLanguageModel(await exportTrained(lm, modelDir, dir, tokenizer.eosId)), seed, config, ctx);
        bar.finish(`success ${m.metric.toFixed(2)} train, ${m.stats.heldout.toFixed(2)} held-out`);
        const stats: Record<string, number | Record<string, number>> = { ...m.stats, sampleEfficiency: mean(res.episodes.map((e) => (e.success ? 1 : 0))) };
        let details: unknown;
        if (name === 'glam') {
          // Cross-check: the tfjs policy (the weights as trained) on the same episodes with the same
          // per-episode action draws; the exported policy must give the same success and trajectories.
          const tfjs = await evaluateSuccess(tfjsPolicy(policy), { split: 'train', episodes: config.evalEpisodes, seed: evalSeed(ctx, 'train'), env: envOf(config) });
          const same = tfjs.episodes.filter((e, i) => e.actions.join() === m.train.episodes[i]!.actions.join()).length / tfjs.episodes.length;
          stats.transformersJsCrossCheck = { tfjs: tfjs.success, transformersJs: m.metric, sameTrajectories: same };
          details = { policyDir: dir };
          ctx.log.log('cross-check', { seed, tfjs: tfjs.success, transformersJs: m.metric, sameTrajectories: same });
        }
        return { metric: m.metric, stats, curves: [successCurve(CURVE_TITLE, res.episodes, config.totalSteps, curveBins(config, config.totalSteps))], details };
      } finally {
        policy.dispose();
        lm.dispose();
        if (scratch) rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

/**
 * GLAM's non-pretrained ablation as the paper builds it (NPAE): the same network from random
 * weights with an action head over the six actions (policy.ts ActionHeadPolicy), the same PPO and
 * budget; measured through tfjs (the head is not part of an exported LM).
 */
const npae: Variant<Config> = {
  name: 'glam-npae',
  role: 'ablation',
  about: "the same network from random weights with an action head over the six actions, the same PPO (GLAM's NPAE)",
  run: async (seed, config, ctx) => {
    await initTf();
    const { tokenizer, lmConfig } = await lmPieces(ctx);
    const lm = new Gpt(lmConfig, ctx.rng('random init').seed());
    const policy = new ActionHeadPolicy(lm, tokenizer, BABYAI_ACTIONS.length, ctx.rng('action head'));
    try {
      const ppo: Partial<GlamPpoConfig> = { totalSteps: config.totalSteps, nEnvs: config.nEnvs, nSteps: config.nSteps, updateEpochs: config.updateEpochs, minibatchSize: config.minibatchSize, learningRate: config.learningRate, entCoef: config.entCoef, warmupIterations: config.warmupIterations, targetKl: config.targetKl };
      const bar = ctx.progress('glam-npae', config.totalSteps);
      const res = await trainGlam(policy, () => new BabyAIText({ ...envOf(config), targets: 'train' }), ppo, { seed: ctx.rng('ppo').seed(), log: ctx.log, progress: bar });
      const m = await measure('glam-npae', tfjsPolicy(policy), seed, config, ctx);
      bar.finish(`success ${m.metric.toFixed(2)} train, ${m.stats.heldout.toFixed(2)} held-out`);
      return { metric: m.metric, stats: { ...m.stats, sampleEfficiency: mean(res.episodes.map((e) => (e.success ? 1 : 0))) }, curves: [successCurve(CURVE_TITLE, res.episodes, config.totalSteps, curveBins(config, config.totalSteps))] };
    } finally {
      policy.dispose();
      lm.dispose();
    }
  },
};

/** Symbolic PPO on the one-hot observation (GLAM's "Symbolic-PPO"), `steps` env steps. */
function symbolic(name: string, role: Variant<Config>['role'], about: string, steps: (c: Config) => number): Variant<Config> {
  return {
    name,
    role,
    about,
    run: async (seed, config, ctx) => {
      await initTf();
      const total = steps(config);
      const bar = ctx.progress(name, total);
      const sym = await trainSymbolicPpo(envOf(config), { totalSteps: total, nEnvs: config.nEnvs, nSteps: config.nSteps, learningRate: config.symbolicLearningRate, entCoef: config.entCoef }, { seed: ctx.rng('symbolic').seed(), log: name === 'symbolic-ppo' ? ctx.log : undefined, progress: bar });
      const m = await measure(name, sym.policy, seed, config, ctx);
      bar.finish(`success ${m.metric.toFixed(2)} train`);
      sym.dispose();
      const title = name === 'symbolic-ppo' ? CURVE_TITLE : `Symbolic PPO over ${total} env steps`;
      return { metric: m.metric, stats: { ...m.stats, sampleEfficiency: mean(sym.episodes.map((e) => (e.success ? 1 : 0))) }, curves: [successCurve(title, sym.episodes, total, curveBins(config, total))] };
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'glam-tiny',
    paper: 'Carta et al. 2023 (GLAM)',
    description: 'GLAM in BabyAI-Text: the tiny LM is the policy (action names scored by the LM) and PPO grounds it, vs the zero-shot LM, the same LM from random weights, and symbolic PPO',
    metric: { name: 'success rate (training targets)', higherIsBetter: true },
    pairedStats: ['sampleEfficiency', 'heldout'],
  },
  module: import.meta.url,
  schema,
  presets: {
    quick: { totalSteps: 64, nEnvs: 4, nSteps: 16, evalEpisodes: 8 },
    full: { symbolicLongSteps: 15_360 },
  },
  variants: (config) => [
    {
      name: 'zero-shot',
      role: 'baseline',
      about: 'the pretrained LM as the policy, no RL',
      run: async (seed, config, ctx) => {
        const m = await measureLm('zero-shot', await loadLanguageModel(modelDirOf(ctx)), seed, config, ctx);
        // It does not learn: its measured success, drawn flat on the training curve's x.
        const n = curveBins(config, config.totalSteps);
        const x = Array.from({ length: n }, (_, i) => Math.round(((i + 1) * config.totalSteps) / n));
        return { metric: m.metric, stats: m.stats, curves: [{ title: CURVE_TITLE, x, y: x.map(() => m.metric), xLabel: 'env steps', yLabel: 'success rate (evaluation, no training)' }] };
      },
    },
    lmAgent('glam', 'method', 'the pretrained LM fine-tuned by PPO on the env reward (GLAM)'),
    npae,
    lmAgent('glam-random-init', 'reference', 'random weights scoring the action names (not the paper\'s ablation: a random LM prefers one-token names)'),
    symbolic('symbolic-ppo', 'baseline', 'PPO on the one-hot observation, the same env steps', (c) => c.totalSteps),
    {
      name: 'uniform-random',
      role: 'reference',
      about: 'actions drawn uniformly from the six, on the same episodes',
      run: async (seed, config, ctx) => {
        const uniform: PolicyFn = async (envs) => envs.map(() => new Float64Array(BABYAI_ACTIONS.length).fill(-Math.log(BABYAI_ACTIONS.length)));
        const m = await measure('uniform-random', uniform, seed, config, ctx);
        return { metric: m.metric, stats: m.stats };
      },
    },
    ...(config.symbolicLongSteps > 0 ? [symbolic('symbolic-ppo-long', 'reference', 'symbolic PPO trained far longer (how many steps it needs)', (c) => c.symbolicLongSteps)] : []),
  ],
  async check(config, ctx) {
    if (config.maxObjects > config.roomSize) throw new UserError(`--max-objects ${config.maxObjects} does not fit a room of side --room-size ${config.roomSize}: use at most ${config.roomSize} objects or a larger room`);
    const dir = trainableModelDir(ctx.model, 'glam-tiny');
    await initTf();
    try {
      loadGpt(dir).dispose(); // a folder tfjs cannot train fails here, before any work
    } catch (e) {
      throw new UserError(`--model ${dir}: not a tiny-lm GPT (${String((e as Error).message).split('\n')[0]}); pass a folder written by tiny-lm's exportModel or leave --model out`);
    }
  },
};
