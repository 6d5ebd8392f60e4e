/**
 * The rlhf-tiny leaf: the variants and what each measures on one seed — InstructGPT's steps run once
 * per seed as shared stages (rlhf.ts), every model is served through transformers.js and judged by
 * the simulated human's rubric on held-out prompts:
 *
 *   sft         step 1 only                                                   baseline
 *   best-of-n   n samples of the SFT model, the RM picks (Bai et al. 2022)    baseline
 *   rlhf-ppo    steps 1–3, β = klCoef                                         the method
 *   ppo-no-kl   steps 1–3 with β = 0 (reward over-optimization)               ablation
 */
import path from 'node:path';
import { initTf, loadLmTokenizer, mean, pairAccuracy, type Leaf, type SeedContext, type Variant } from '@rlllm/core';
import { heldoutPrompts, trainPrompts } from '@rlllm/env/assistant';
import { exportTrained, trainableModelDir } from '@rlllm/tiny-lm';
import { loadHumanData, shippedDataDir } from './data.ts';
import { bestOfN, evaluate, modelDirFor, RlhfConfig, servedKl, stepPpo, stepRewardModel, stepSft, winRate, type Sample } from './rlhf.ts';

export const schema = RlhfConfig;
export type Config = RlhfConfig;

/** The base model, its tokenizer and the human data (demonstrations, comparisons), once per run. */
const inputs = (ctx: SeedContext) =>
  ctx.shared('inputs', async () => {
    await initTf();
    const modelDir = trainableModelDir(ctx.model, 'rlhf-tiny');
    const tok = await loadLmTokenizer(modelDir);
    const dataDir = ctx.flags.data ? path.resolve(ctx.flags.data) : shippedDataDir();
    return { modelDir, tok, data: loadHumanData(dataDir, tok) };
  });

/** Step 1 on this seed: the SFT model, exported for serving; its held-out samples are the win-rate reference. */
const sftOf = (seed: number, config: Config, ctx: SeedContext) =>
  ctx.stage('sft', async () => {
    const { modelDir, tok, data } = await inputs(ctx);
    const { sft, losses } = await stepSft(modelDir, data.demonstrations, config, ctx.rng('sft'));
    ctx.log.log('sft', { seed, firstLoss: losses[0], lastLoss: losses.at(-1) });
    ctx.cleanup(() => sft.dispose());
    const dir = await exportTrained(sft, modelDir, modelDirFor(ctx.out, seed, 'sft'), tok.eosId);
    const samples = await evaluate(dir, heldoutPrompts().slice(0, config.evalPrompts), config.evalSamples, ctx.rng('eval'), config.maxNewTokens, config.temperature);
    return { sft, dir, samples };
  });

/** Step 2 on this seed: the reward model, and its pair accuracy on the labelers' comparisons. */
const rmOf = (seed: number, config: Config, ctx: SeedContext) =>
  ctx.stage('rm', async () => {
    const { data } = await inputs(ctx);
    const { sft } = await sftOf(seed, config, ctx);
    const { rm, losses, dispose } = await stepRewardModel(sft, data.comparisons, config, ctx.rng('reward-model'));
    ctx.cleanup(dispose);
    // Its pair accuracy on held-out comparisons says how well it learned the labeler.
    const accuracy = { train: await pairAccuracy(rm, data.comparisons), heldout: await pairAccuracy(rm, data.heldoutComparisons) };
    ctx.log.log('reward-model', { seed, firstLoss: losses[0], lastLoss: losses.at(-1), ...accuracy });
    ctx.record({ stats: { rewardModelPairAccuracy: accuracy } });
    return rm;
  });

/** The numbers every variant reports: gold score on held-out prompts, win rate and KL against SFT, a few examples. */
async function judged(samples: Sample[], dir: string, seed: number, config: Config, ctx: SeedContext) {
  const sft = await sftOf(seed, config, ctx);
  return {
    metric: mean(samples.map((x) => x.gold)),
    stats: { winRateVsSft: winRate(samples, sft.samples), heldoutKlToSft: await servedKl(dir, sft.dir, samples) },
    details: { examples: samples.filter((_, i) => i % config.evalSamples === 0).slice(0, 4).map((x) => ({ prompt: x.prompt, answer: x.text, gold: x.gold })) },
  };
}

/** Step 3 with KL coefficient β, then the served policy judged. */
function ppoVariant(name: 'rlhf-ppo' | 'ppo-no-kl', role: Variant<Config>['role'], about: string, beta: (c: Config) => number): Variant<Config> {
  return {
    name,
    role,
    about,
    run: async (seed, config, ctx) => {
      const { modelDir, tok } = await inputs(ctx);
      const { sft } = await sftOf(seed, config, ctx);
      const rm = await rmOf(seed, config, ctx);
      const bar = ctx.progress(name, config.ppoIterations);
      // Both PPO variants draw the same prompts and samples where their policies agree (one stream).
      const { policy, curve } = await stepPpo(sft, rm, trainPrompts(), tok, config, beta(config), ctx.rng('ppo'), (p) => {
        bar.update(p.iteration, `RM ${p.rmScore.toFixed(2)} gold ${p.gold.toFixed(2)} KL ${p.kl.toFixed(1)}`);
        ctx.log.log('ppo', { seed, variant: name, ...p });
      });
      bar.finish();
      const dir = await exportTrained(policy, modelDir, modelDirFor(ctx.out, seed, name), tok.eosId);
      policy.dispose();
      const j = await judged(await evaluate(dir, heldoutPrompts().slice(0, config.evalPrompts), config.evalSamples, ctx.rng('eval'), config.maxNewTokens, config.temperature), dir, seed, config, ctx);
      const x = curve.map((p) => p.iteration);
      return {
        ...j,
        stats: { ...j.stats, finalRolloutKl: curve.at(-1)!.kl, finalRolloutRmScore: curve.at(-1)!.rmScore },
        curves: [
          { title: 'Reward-model score during PPO', x, y: curve.map((p) => p.rmScore), xLabel: 'PPO iteration', yLabel: 'RM score of rollouts' },
          { title: 'Gold (rubric) score during PPO', x, y: curve.map((p) => p.gold), xLabel: 'PPO iteration', yLabel: 'gold score of rollouts' },
          { title: 'KL to the SFT policy during PPO', x, y: curve.map((p) => p.kl), xLabel: 'PPO iteration', yLabel: 'KL(π ‖ π_SFT) per answer (nats)' },
        ],
      };
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'rlhf-tiny',
    paper: 'Ouyang et al. 2022 (InstructGPT); Bai et al. 2022 (HH-RLHF)',
    description: "InstructGPT's SFT -> reward model -> PPO with a KL penalty on the tiny LM, vs SFT, best-of-n and PPO without KL, judged on held-out prompts by the simulated labeler's rubric.",
    metric: { name: 'gold-judge score on held-out prompts (rubric, −2.6…1.2)', higherIsBetter: true },
    pairedStats: ['winRateVsSft'],
  },
  module: import.meta.url,
  schema,
  presets: {
    quick: { sftSteps: 12, rmSteps: 12, rmBatchSize: 8, ppoIterations: 2, ppoBatchSize: 8, maxNewTokens: 24, bestOfN: 2, evalSamples: 1, evalPrompts: 4 },
    full: {},
  },
  extraFlags: { '--data': 'DIR with demonstrations.jsonl, comparisons.jsonl, comparisons-heldout.jsonl (default: the shipped data/)' },
  variants: () => [
    {
      name: 'sft',
      role: 'baseline',
      about: 'step 1 only: supervised fine-tuning on the demonstrations',
      run: async (seed, config, ctx) => {
        const sft = await sftOf(seed, config, ctx);
        return judged(sft.samples, sft.dir, seed, config, ctx);
      },
    },
    {
      name: 'best-of-n',
      role: 'baseline',
      about: 'n samples of the SFT model, the reward model picks one',
      run: async (seed, config, ctx) => {
        const { tok } = await inputs(ctx);
        const sft = await sftOf(seed, config, ctx);
        const rm = await rmOf(seed, config, ctx);
        const samples = await bestOfN(sft.dir, rm, tok, heldoutPrompts().slice(0, config.evalPrompts), config.evalSamples, config.bestOfN, ctx.rng('eval'), config.maxNewTokens, config.temperature);
        return judged(samples, sft.dir, seed, config, ctx);
      },
    },
    ppoVariant('rlhf-ppo', 'method', 'steps 1–3: PPO against the reward model with a KL penalty β to SFT (InstructGPT)', (c) => c.klCoef),
    ppoVariant('ppo-no-kl', 'ablation', 'the same PPO with β = 0', () => 0),
  ],
  async check(_config, ctx) {
    const modelDir = trainableModelDir(ctx.model, 'rlhf-tiny'); // a folder tfjs cannot train fails here
    const dataDir = ctx.flags.data ? path.resolve(ctx.flags.data) : shippedDataDir();
    loadHumanData(dataDir, await loadLmTokenizer(modelDir)); // so does a bad --data folder
  },
};
