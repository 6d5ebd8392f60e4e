/**
 * The rlhf-tiny leaf: per seed, InstructGPT's three steps (rlhf.ts) and the comparison the issue
 * asks for, all judged by the simulated human's rubric on held-out prompts through transformers.js:
 *
 *   sft         step 1 only
 *   best-of-n   n samples of the SFT model, the RM picks (Bai et al. 2022)
 *   rlhf-ppo    steps 1–3, β = klCoef                         ← the method
 *   ppo-no-kl   steps 1–3 with β = 0 (reward over-optimization)
 */
import path from 'node:path';
import { z } from 'zod';
import { curveOverSeeds, initTf, LmPpoConfig, loadLmTokenizer, mean, Rng, summarize, variantResult, type Leaf, type LeafContext } from '@rlllm/core';
import { defaultModelDir, exportTrained, trainableModelDir } from '@rlllm/tiny-lm';
import { loadHumanData, shippedDataDir } from './data.ts';
import { bestOfN, evaluate, modelDirFor, servedKl, stepPpo, stepRewardModel, stepSft, winRate, type PpoPoint, type Sample } from './rlhf.ts';
import { heldoutPrompts, trainPrompts } from '@rlllm/env/assistant';

export const schema = z.object({
  sftSteps: z.number().int().positive().default(60).describe('step 1: SFT gradient steps'),
  sftBatch: z.number().int().positive().default(16),
  sftLr: z.number().positive().default(3e-4),
  rmSteps: z.number().int().positive().default(80).describe('step 2: reward-model gradient steps'),
  rmBatch: z.number().int().positive().default(16).describe('comparisons per RM step'),
  rmLr: z.number().positive().default(1e-4),
  ppoIterations: z.number().int().positive().default(20).describe('step 3: PPO iterations (each samples ppoBatch prompts)'),
  ppoBatch: z.number().int().positive().default(32).describe('prompts (rollouts) per PPO iteration'),
  klCoef: z.number().min(0).default(0.1).describe('β: per-token KL penalty to the SFT policy (InstructGPT eq. 2)'),
  ppoLr: z.number().positive().default(3e-5),
  updateEpochs: z.number().int().positive().default(4),
  nMinibatches: z.number().int().positive().default(2),
  vfCoef: z.number().min(0).default(0.1),
  valueFromRm: z.boolean().default(true).describe('value function = a copy of the reward model (InstructGPT) instead of a zero head on the policy'),
  maxNewTokens: z.number().int().min(4).max(96).default(40).describe('answer length cap (tokens), rollouts and evaluation'),
  temperature: z.number().positive().default(1).describe('sampling temperature, rollouts and evaluation'),
  bestOfN: z.number().int().min(2).default(8).describe('n of the best-of-n baseline'),
  evalSamples: z.number().int().positive().default(3).describe('answers per held-out prompt per model'),
  evalPrompts: z.number().int().positive().default(20).describe('held-out prompts evaluated (of 20)'),
});
export type Config = z.infer<typeof schema>;

const VARIANTS = ['sft', 'best-of-n', 'rlhf-ppo', 'ppo-no-kl'] as const;
type Variant = (typeof VARIANTS)[number];


async function run(config: Config, ctx: LeafContext) {
  await initTf();
  const modelDir = trainableModelDir(ctx.model, 'rlhf-tiny');
  const tok = await loadLmTokenizer(modelDir);
  const dataDir = ctx.extra.data ? path.resolve(ctx.extra.data) : shippedDataDir();
  const data = loadHumanData(dataDir, tok);
  const train = trainPrompts();
  const heldout = heldoutPrompts().slice(0, config.evalPrompts);
  const ppoCfg = LmPpoConfig.parse({
    maxNewTokens: config.maxNewTokens,
    temperature: config.temperature,
    gamma: 1,
    lr: config.ppoLr,
    updateEpochs: config.updateEpochs,
    nMinibatches: config.nMinibatches,
    vfCoef: config.vfCoef,
  });

  const gold = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const win = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const kl = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const rmAcc = { train: [] as number[], heldout: [] as number[] };
  const curves = { 'rlhf-ppo': [] as PpoPoint[][], 'ppo-no-kl': [] as PpoPoint[][] };
  const examples: Record<string, { prompt: string; answer: string; gold: number }[]> = {};
  const seconds: Record<string, number[]> = { sft: [], rm: [], ppo: [], eval: [] };

  for (const seed of ctx.seeds) {
    const rng = new Rng(seed);
    let t = performance.now();
    const lap = (k: string) => {
      seconds[k]!.push((performance.now() - t) / 1000);
      t = performance.now();
    };
    // Step 1
    const { sft, losses: sftLosses } = stepSft(modelDir, data.demonstrations, { steps: config.sftSteps, batchSize: config.sftBatch, lr: config.sftLr, maxGradNorm: 1 }, rng);
    ctx.log.log('sft', { seed, firstLoss: sftLosses[0], lastLoss: sftLosses.at(-1) });
    const sftDir = await exportTrained(sft, modelDir, modelDirFor(ctx.out, seed, 'sft'), tok.eosId);
    lap('sft');
    // Step 2
    const rmOut = await stepRewardModel(modelDir, sft, data.comparisons, data.heldoutComparisons, { steps: config.rmSteps, batchSize: config.rmBatch, lr: config.rmLr, maxGradNorm: 1 }, rng);
    rmAcc.train.push(rmOut.trainAccuracy);
    rmAcc.heldout.push(rmOut.heldoutAccuracy);
    ctx.log.log('reward-model', { seed, firstLoss: rmOut.losses[0], lastLoss: rmOut.losses.at(-1), trainAccuracy: rmOut.trainAccuracy, heldoutAccuracy: rmOut.heldoutAccuracy });
    lap('rm');
    // Step 3, with and without the KL penalty
    const dirs: Partial<Record<Variant, string>> = { sft: sftDir };
    for (const [variant, beta] of [['rlhf-ppo', config.klCoef], ['ppo-no-kl', 0]] as const) {
      const bar = ctx.progress(`seed ${seed} ${variant}`, config.ppoIterations);
      const { policy, curve } = await stepPpo(modelDir, sft, rmOut.rm, train, tok, { ...ppoCfg, klCoef: beta, iterations: config.ppoIterations, batchSize: config.ppoBatch, valueFromRm: config.valueFromRm }, rng, (p) => {
        bar.update(p.iteration, `RM ${p.rmScore.toFixed(2)} gold ${p.gold.toFixed(2)} KL ${p.kl.toFixed(1)}`);
        ctx.log.log('ppo', { seed, variant, ...p });
      });
      bar.finish();
      curves[variant].push(curve);
      dirs[variant] = await exportTrained(policy, modelDir, modelDirFor(ctx.out, seed, variant), tok.eosId);
      policy.dispose();
    }
    lap('ppo');
    // Evaluation: served by transformers.js, judged by the rubric, on held-out prompts.
    const samples = new Map<Variant, Sample[]>();
    for (const v of ['sft', 'rlhf-ppo', 'ppo-no-kl'] as const) samples.set(v, await evaluate(dirs[v]!, heldout, config.evalSamples, seed, config.maxNewTokens, config.temperature));
    samples.set('best-of-n', await bestOfN(sftDir, rmOut.rm, tok, heldout, config.evalSamples, config.bestOfN, seed, config.maxNewTokens, config.temperature));
    for (const v of VARIANTS) {
      const s = samples.get(v)!;
      gold.get(v)!.push(mean(s.map((x) => x.gold)));
      win.get(v)!.push(winRate(s, samples.get('sft')!));
      kl.get(v)!.push(await servedKl(dirs[v] ?? sftDir, sftDir, s));
      if (seed === ctx.seeds[0]) examples[v] = s.filter((_, i) => i % config.evalSamples === 0).slice(0, 4).map((x) => ({ prompt: x.prompt, answer: x.text, gold: x.gold }));
    }
    ctx.log.log('eval', { seed, gold: Object.fromEntries(VARIANTS.map((v) => [v, gold.get(v)!.at(-1)])) });
    lap('eval');
    rmOut.rm.dispose();
    rmOut.backbone.dispose();
    sft.dispose();
  }

  const iters = Array.from({ length: config.ppoIterations }, (_, i) => i + 1);
  const ppoCurves = (['rlhf-ppo', 'ppo-no-kl'] as const).flatMap((v) => [
    curveOverSeeds(v, iters, curves[v].map((c) => c.map((p) => p.rmScore)), { xLabel: 'PPO iteration', yLabel: 'RM score of rollouts', title: 'Reward-model score during PPO' }),
    curveOverSeeds(v, iters, curves[v].map((c) => c.map((p) => p.gold)), { xLabel: 'PPO iteration', yLabel: 'gold score of rollouts', title: 'Gold (rubric) score during PPO' }),
    curveOverSeeds(v, iters, curves[v].map((c) => c.map((p) => p.kl)), { xLabel: 'PPO iteration', yLabel: 'KL(π ‖ π_SFT) per answer (nats)', title: 'KL to the SFT policy during PPO' }),
  ]);
  return {
    model: modelDir === defaultModelDir() ? 'rlllm/tiny-gpt' : modelDir,
    variants: Object.fromEntries(VARIANTS.map((v) => [v, variantResult(gold.get(v)!)])),
    curves: ppoCurves,
    extra: {
      rewardModelPairAccuracy: { heldout: summarize(rmAcc.heldout), train: summarize(rmAcc.train) },
      winRateVsSft: Object.fromEntries(VARIANTS.map((v) => [v, summarize(win.get(v)!)])),
      heldoutKlToSft: Object.fromEntries(VARIANTS.map((v) => [v, summarize(kl.get(v)!)])),
      finalRolloutKl: Object.fromEntries((['rlhf-ppo', 'ppo-no-kl'] as const).map((v) => [v, summarize(curves[v].map((c) => c.at(-1)!.kl))])),
      finalRolloutRmScore: Object.fromEntries((['rlhf-ppo', 'ppo-no-kl'] as const).map((v) => [v, summarize(curves[v].map((c) => c.at(-1)!.rmScore))])),
      data: { dir: dataDir, demonstrations: data.demonstrations.length, comparisons: data.comparisons.length, heldoutComparisons: data.heldoutComparisons.length, trainPrompts: train.length, heldoutPrompts: heldout.length },
      examplesSeed1: examples,
      secondsPerSeed: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, mean(v)])),
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'rlhf-tiny',
    taxonomy: 'RL4LLM / fine-tuning / with human feedback',
    paper: 'Ouyang et al. 2022 (InstructGPT); Bai et al. 2022 (HH-RLHF)',
    description: "InstructGPT's SFT -> reward model -> PPO with a KL penalty on the tiny LM, vs SFT, best-of-n and PPO without KL, judged on held-out prompts by the simulated labeler's rubric.",
    metric: { name: 'gold-judge score on held-out prompts (rubric, −2.6…1.2)', higherIsBetter: true },
    method: 'rlhf-ppo',
  },
  schema,
  presets: {
    quick: { sftSteps: 12, rmSteps: 12, rmBatch: 8, ppoIterations: 2, ppoBatch: 8, maxNewTokens: 24, bestOfN: 2, evalSamples: 1, evalPrompts: 4 },
    full: {},
  },
  extraFlags: { '--data': 'DIR with demonstrations.jsonl, comparisons.jsonl, comparisons-heldout.jsonl (default: the shipped data/)' },
  run,
};
