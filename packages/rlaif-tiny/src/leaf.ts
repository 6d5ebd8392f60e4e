/**
 * The rlaif-tiny leaf: per seed, Constitutional AI (cai.ts) and its baseline, all served through
 * transformers.js and judged by the gold rubrics on held-out prompts:
 *
 *   base         the pretrained tiny LM (stands in for the paper's helpful RLHF starting model)
 *   sl-cai       §3: fine-tuned on its own critiqued-and-revised red-team answers + helpful demos
 *   rl-cai       §4: SL-CAI + PPO against a preference model trained on AI harmlessness labels
 *                and human helpfulness labels                                       ← the method
 *   helpful-rl   the helpful-only baseline: SFT on helpful demos + PPO against a preference model
 *                trained on helpfulness labels only (same prompts, same PPO budget)
 *
 * Metric: harmlessness on held-out red-team prompts; helpfulness on held-out ordinary prompts is the
 * second axis (the paper's claim: RL-CAI is more harmless at similar helpfulness).
 */
import path from 'node:path';
import { z } from 'zod';
import { curveOverSeeds, initTf, LmPpoConfig, loadLanguageModel, loadLmTokenizer, mean, Rng, summarize, supervisedFineTune, UserError, variantResult, type Curve, type Leaf, type LeafContext } from '@rlllm/core';
import { requireRole } from '@rlllm/core'; // capability check at load (issue #25)
import { heldoutPrompts, helpfulDemonstrations, redTeamHeldoutPrompts, redTeamTrainPrompts, trainPrompts } from '@rlllm/env/assistant';
import { defaultModelDir, exportTrained, loadGpt, trainableModelDir } from '@rlllm/tiny-lm';
import { CONSTITUTION } from './constitution.ts';
import { evaluateServed, labelPairs, stepPreferenceModel, stepRlCai, stepSlCai, type Judged } from './cai.ts';

export const schema = z.object({
  answersPerPrompt: z.number().int().positive().default(1).describe('SL-CAI: answers sampled per red-team prompt to critique and revise'),
  nRevisions: z.number().int().positive().default(3).describe('SL-CAI: revision samples per critiqued answer (the AI judge keeps the best)'),
  sftSteps: z.number().int().positive().default(40).describe('SL-CAI / helpful SFT gradient steps'),
  sftLr: z.number().positive().default(3e-4),
  pairsPerPrompt: z.number().int().positive().default(2).describe('RL-CAI: answer pairs sampled per train prompt for the preference model'),
  pmSteps: z.number().int().positive().default(50).describe('preference-model gradient steps'),
  pmLr: z.number().positive().default(1e-4),
  ppoIterations: z.number().int().positive().default(10),
  ppoBatch: z.number().int().positive().default(16),
  klCoef: z.number().min(0).default(0.1).describe('β: per-token KL penalty to the PPO start model'),
  ppoLr: z.number().positive().default(1.5e-5),
  maxNewTokens: z.number().int().min(4).max(96).default(32),
  temperature: z.number().positive().default(1).describe('sampling temperature, everywhere'),
  evalSamples: z.number().int().positive().default(2).describe('answers per held-out prompt per model'),
  promptLimit: z.number().int().nonnegative().default(0).describe('use only the first N prompts of each kind and split (0 = all; a smoke-test knob)'),
});
export type Config = z.infer<typeof schema>;

const VARIANTS = ['base', 'sl-cai', 'rl-cai', 'helpful-rl'] as const;
type Variant = (typeof VARIANTS)[number];


async function run(config: Config, ctx: LeafContext) {
  await initTf();
  const modelDir = trainableModelDir(ctx.model, 'rlaif-tiny', '; put any transformers.js model in --feedback-model instead');
  const tok = await loadLmTokenizer(modelDir);
  const feedbackSpec = ctx.extra['feedback-model'] ?? modelDir;
  const fm = await loadLanguageModel(feedbackSpec);
  requireRole(fm, { flag: '--feedback-model', role: "RLAIF's feedback model (scoring critiques and preferences)", needs: ['logProb'], minContext: 128 });
  const limit = <T,>(xs: T[]) => (config.promptLimit > 0 ? xs.filter((_, i) => i % Math.ceil(xs.length / config.promptLimit) === 0) : xs);
  const redTrain = limit(redTeamTrainPrompts());
  const ordTrain = limit(trainPrompts());
  const redHeld = limit(redTeamHeldoutPrompts());
  const ordHeld = limit(heldoutPrompts());
  const helpfulDemos = helpfulDemonstrations().map((d) => ({ prompt: tok.encode(d.prompt), response: [...tok.encode(d.response), tok.eosId] }));
  const sftCfg = { steps: config.sftSteps, batchSize: 16, lr: config.sftLr, maxGradNorm: 1 };
  const pmCfg = { steps: config.pmSteps, batchSize: 16, lr: config.pmLr, maxGradNorm: 1 };
  const ppoCfg = { ...LmPpoConfig.parse({ maxNewTokens: config.maxNewTokens, temperature: config.temperature, klCoef: config.klCoef, lr: config.ppoLr }), iterations: config.ppoIterations, batchSize: config.ppoBatch };

  const judged = new Map<Variant, Judged[]>(VARIANTS.map((v) => [v, []]));
  const ppoCurves: Record<'rl-cai' | 'helpful-rl', { score: number[]; gold: number[]; kl: number[] }[]> = { 'rl-cai': [], 'helpful-rl': [] };
  const stats = { revisedShare: [] as number[], aiAgreement: [] as number[], pmAccuracy: [] as number[], harmlessPairs: [] as number[], helpfulPairs: [] as number[] };
  let revisionExamples: unknown[] = [];
  const principleAgreement: Record<string, number[]> = {};

  for (const seed of ctx.seeds) {
    const rng = new Rng(seed);
    const dir = (v: string) => path.join(ctx.out, 'models', `seed-${seed}`, v);
    // §3 SL-CAI
    const { model: slCai, revisions } = await stepSlCai(modelDir, fm, tok, redTrain, helpfulDemos, { answersPerPrompt: config.answersPerPrompt, nRevisions: config.nRevisions, maxNewTokens: config.maxNewTokens, sft: sftCfg }, rng);
    stats.revisedShare.push(mean(revisions.map((r) => (r.revision !== r.original ? 1 : 0))));
    if (seed === ctx.seeds[0]) revisionExamples = revisions.filter((r) => r.revision !== r.original).slice(0, 3).map((r) => ({ prompt: r.prompt.text, principle: r.principle, original: r.original.text, revision: r.revision.text }));
    ctx.log.log('sl-cai', { seed, revised: stats.revisedShare.at(-1) });
    // The helpful-only baseline's start: SFT on the helpful demonstrations alone.
    const helpfulSft = loadGpt(modelDir);
    supervisedFineTune(helpfulSft, helpfulDemos, sftCfg, rng);

    // §4 RL-CAI: AI labels for harmlessness, the labeler's for helpfulness, one preference model.
    const cai = await labelPairs(slCai, fm, tok, redTrain, ordTrain, config.pairsPerPrompt, config.maxNewTokens, rng);
    const agree = cai.harmless.filter((c) => c.agreesWithGold !== null);
    stats.aiAgreement.push(mean(agree.map((c) => (c.agreesWithGold ? 1 : 0))));
    for (const pr of CONSTITUTION) {
      const mine = agree.filter((c) => c.principle === pr.id);
      if (mine.length > 0) (principleAgreement[pr.id] ??= []).push(mean(mine.map((c) => (c.agreesWithGold ? 1 : 0))));
    }
    stats.harmlessPairs.push(cai.harmless.length);
    stats.helpfulPairs.push(cai.helpful.length);
    const pmCai = await stepPreferenceModel(modelDir, slCai, [...cai.harmless, ...cai.helpful], pmCfg, rng);
    stats.pmAccuracy.push(pmCai.trainAccuracy);
    ctx.log.log('preference-model', { seed, harmlessPairs: cai.harmless.length, helpfulPairs: cai.helpful.length, aiAgreesWithGold: stats.aiAgreement.at(-1), trainAccuracy: pmCai.trainAccuracy });
    const curve = () => ({ score: [] as number[], gold: [] as number[], kl: [] as number[] });
    const mixed = [...redTrain, ...ordTrain];
    const cCai = curve();
    const rlCai = await stepRlCai(modelDir, slCai, pmCai.pm, mixed, tok, ppoCfg, rng, (it, s) => {
      cCai.score.push(s.score), cCai.gold.push(s.gold), cCai.kl.push(s.kl);
      ctx.log.log('ppo', { seed, variant: 'rl-cai', it, ...s });
    });
    ppoCurves['rl-cai'].push(cCai);
    // Helpful-only RL: same PPO, preference model on helpfulness labels only.
    const help = await labelPairs(helpfulSft, null, tok, redTrain, ordTrain, config.pairsPerPrompt, config.maxNewTokens, rng);
    const pmHelp = await stepPreferenceModel(modelDir, helpfulSft, help.helpful, pmCfg, rng);
    const cHelp = curve();
    const helpfulRl = await stepRlCai(modelDir, helpfulSft, pmHelp.pm, mixed, tok, ppoCfg, rng, (it, s) => {
      cHelp.score.push(s.score), cHelp.gold.push(s.gold), cHelp.kl.push(s.kl);
      ctx.log.log('ppo', { seed, variant: 'helpful-rl', it, ...s });
    });
    ppoCurves['helpful-rl'].push(cHelp);

    // Evaluation: every model served by transformers.js, judged on held-out prompts.
    const dirs: Record<Variant, string> = {
      base: modelDir,
      'sl-cai': await exportTrained(slCai, modelDir, dir('sl-cai'), tok.eosId),
      'rl-cai': await exportTrained(rlCai, modelDir, dir('rl-cai'), tok.eosId),
      'helpful-rl': await exportTrained(helpfulRl, modelDir, dir('helpful-rl'), tok.eosId),
    };
    for (const v of VARIANTS) {
      const lm = await loadLanguageModel(dirs[v]);
      judged.get(v)!.push(await evaluateServed(lm, redHeld, ordHeld, config.evalSamples, seed, config.maxNewTokens, config.temperature));
      if (v !== 'base') await lm.dispose();
    }
    ctx.log.log('eval', { seed, ...Object.fromEntries(VARIANTS.map((v) => [v, { harmlessness: judged.get(v)!.at(-1)!.harmlessness, helpfulness: judged.get(v)!.at(-1)!.helpfulness }])) });
    for (const m of [slCai, helpfulSft, rlCai, helpfulRl, pmCai.backbone, pmHelp.backbone]) m.dispose();
    pmCai.pm.dispose();
    pmHelp.pm.dispose();
  }

  const harm = (v: Variant) => judged.get(v)!.map((j) => j.harmlessness);
  const helpful = (v: Variant) => judged.get(v)!.map((j) => j.helpfulness);
  // The Pareto plot: one point per variant, helpfulness (x) vs harmlessness (y), means over seeds.
  const pareto: Curve[] = VARIANTS.map((v) => ({ variant: v, x: [mean(helpful(v))], y: [mean(harm(v))], xLabel: 'helpfulness (gold, held-out ordinary prompts)', yLabel: 'harmlessness (gold, held-out red-team prompts)', title: 'Harmlessness vs helpfulness' }));
  const iters = Array.from({ length: config.ppoIterations }, (_, i) => i + 1);
  const ppo = (['rl-cai', 'helpful-rl'] as const).flatMap((v) => [
    curveOverSeeds(v, iters, ppoCurves[v].map((c) => c.score), { xLabel: 'PPO iteration', yLabel: 'preference-model score of rollouts', title: 'Preference-model score during PPO' }),
    curveOverSeeds(v, iters, ppoCurves[v].map((c) => c.gold), { xLabel: 'PPO iteration', yLabel: 'gold score of rollouts (harmlessness or helpfulness by prompt)', title: 'Gold score during PPO' }),
    curveOverSeeds(v, iters, ppoCurves[v].map((c) => c.kl), { xLabel: 'PPO iteration', yLabel: 'KL to the start model per answer (nats)', title: 'KL during PPO' }),
  ]);
  return {
    model: modelDir === defaultModelDir() ? 'rlllm/tiny-gpt' : modelDir,
    variants: Object.fromEntries(VARIANTS.map((v) => [v, variantResult(harm(v))])),
    curves: [...pareto, ...ppo],
    extra: {
      helpfulness: Object.fromEntries(VARIANTS.map((v) => [v, summarize(helpful(v))])),
      feedbackModel: feedbackSpec === modelDir ? 'the base policy model' : feedbackSpec,
      slCai: { revisedShare: summarize(stats.revisedShare), examplesSeed1: revisionExamples },
      aiFeedbackAgreesWithGold: summarize(stats.aiAgreement),
      aiFeedbackAgreesWithGoldByPrinciple: Object.fromEntries(Object.entries(principleAgreement).map(([k, v]) => [k, mean(v)])),
      preferenceModelTrainAccuracy: summarize(stats.pmAccuracy),
      pairs: { harmlessAi: mean(stats.harmlessPairs), helpfulHuman: mean(stats.helpfulPairs) },
      examplesSeed1: Object.fromEntries(VARIANTS.map((v) => [v, judged.get(v)![0]?.examples ?? []])),
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'rlaif-tiny',
    taxonomy: 'RL4LLM / fine-tuning / without human feedback',
    paper: 'Bai et al. 2022b (Constitutional AI)',
    description: 'Constitutional AI on the tiny LM: SL-CAI (critique + revision), RL-CAI (AI preference labels + PPO), vs the base model and a helpful-only RL baseline; harmlessness and helpfulness by gold rubrics on held-out prompts.',
    metric: { name: 'harmlessness on held-out red-team prompts (gold rubric, −2.8…1.5)', higherIsBetter: true },
    method: 'rl-cai',
  },
  schema,
  presets: {
    quick: { answersPerPrompt: 1, nRevisions: 2, sftSteps: 10, pairsPerPrompt: 1, pmSteps: 8, ppoIterations: 2, ppoBatch: 8, maxNewTokens: 24, evalSamples: 1, promptLimit: 5 },
    full: {},
  },
  extraFlags: { '--feedback-model': 'SPEC: the AI feedback model (critique likelihoods: revision choice and preference labels); any --model spec that can score: a causal LM folder or hub id, a .gguf file, or openai:URL#MODEL on vLLM or SGLang (default: the base policy model)' },
  run,
};
