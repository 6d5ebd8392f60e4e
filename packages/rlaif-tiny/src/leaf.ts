/**
 * The rlaif-tiny leaf: the variants and what each measures on one seed — every model served through
 * transformers.js and judged by the gold rubrics on held-out prompts; harmlessness (red-team prompts)
 * is the metric, helpfulness (ordinary prompts) the second axis (the paper's claim: RL-CAI is more
 * harmless at similar helpfulness):
 *
 *   base         the pretrained tiny LM (stands in for the paper's helpful RLHF starting model)  baseline
 *   sl-cai       §3: fine-tuned on its own critiqued-and-revised red-team answers + helpful demos ablation (no RL)
 *   rl-cai       §4: SL-CAI + PPO against a preference model trained on AI harmlessness labels
 *                and human helpfulness labels                                                   the method
 *   helpful-rl   SFT on helpful demos + PPO against a preference model trained on helpfulness
 *                labels only (same prompts, same PPO budget)                                      baseline
 */
import path from 'node:path';
import { initTf, LmPpoConfig, loadLanguageModel, loadLmTokenizer, loadModelFor, mean, pairAccuracy, supervisedFineTune, type Curve, type Leaf, type RoleNeeds, type SeedContext, type Variant } from '@rlllm/core';
import { heldoutPrompts, helpfulDemonstrations, redTeamHeldoutPrompts, redTeamTrainPrompts, trainPrompts } from '@rlllm/env/assistant';
import { exportTrained, loadGpt, trainableModelDir, type Gpt } from '@rlllm/tiny-lm';
import { CONSTITUTION } from './constitution.ts';
import { evaluateServed, labelPairs, RlaifConfig, stepPreferenceModel, stepRlCai, stepSlCai } from './rlaif.ts';

export const schema = RlaifConfig;
export type Config = RlaifConfig;

const FEEDBACK_HINT = '; put any model that can score in --feedback-model instead';
/** What the AI feedback model does: score critiques (the revision choice and the preference labels). */
const FEEDBACK: RoleNeeds = { flag: '--feedback-model', role: "RLAIF's feedback model (scoring critiques and preferences)", needs: ['logProb'], minContext: 128 };

/** The policy's base model, its tokenizer, the feedback model and the prompt sets, once per run. */
const inputs = (config: Config, ctx: SeedContext) =>
  ctx.shared('inputs', async () => {
    await initTf();
    const modelDir = trainableModelDir(ctx.model, 'rlaif-tiny', FEEDBACK_HINT);
    const tok = await loadLmTokenizer(modelDir);
    const fm = await loadModelFor(ctx.flags['feedback-model'] ?? modelDir, FEEDBACK);
    const limit = <T,>(xs: T[]) => (config.promptLimit > 0 ? xs.filter((_, i) => i % Math.ceil(xs.length / config.promptLimit) === 0) : xs);
    const helpfulDemos = helpfulDemonstrations().map((d) => ({ prompt: tok.encode(d.prompt), response: [...tok.encode(d.response), tok.eosId] }));
    return { modelDir, tok, fm, redTrain: limit(redTeamTrainPrompts()), ordTrain: limit(trainPrompts()), redHeld: limit(redTeamHeldoutPrompts()), ordHeld: limit(heldoutPrompts()), helpfulDemos };
  });

const sftCfg = (c: Config) => ({ steps: c.sftSteps, batchSize: c.sftBatchSize, learningRate: c.sftLearningRate, maxGradNorm: 1 });
const pmCfg = (c: Config) => ({ steps: c.pmSteps, batchSize: c.pmBatchSize, learningRate: c.pmLearningRate, maxGradNorm: 1 });

/** §3 SL-CAI on this seed. */
const slCaiOf = (seed: number, config: Config, ctx: SeedContext) =>
  ctx.stage('sl-cai', async () => {
    const { modelDir, tok, fm, redTrain, helpfulDemos } = await inputs(config, ctx);
    const { model, revisions } = await stepSlCai(modelDir, fm, tok, redTrain, helpfulDemos, { answersPerPrompt: config.answersPerPrompt, nRevisions: config.nRevisions, maxNewTokens: config.maxNewTokens, sft: sftCfg(config), revisionRule: config.revisionRule }, ctx.rng('sl-cai'));
    ctx.cleanup(() => model.dispose());
    ctx.log.log('sl-cai', { seed, revised: mean(revisions.map((r) => (r.revision !== r.original ? 1 : 0))) });
    return { slCai: model, revisions };
  });

/** The helpful-only baseline's start: SFT on the helpful demonstrations alone. */
const helpfulSftOf = (config: Config, ctx: SeedContext) =>
  ctx.stage('helpful-sft', async () => {
    const { modelDir, helpfulDemos } = await inputs(config, ctx);
    const model = loadGpt(modelDir);
    await supervisedFineTune(model, helpfulDemos, sftCfg(config), ctx.rng('helpful-sft'));
    ctx.cleanup(() => model.dispose());
    return model;
  });

/** A served model judged on the held-out red-team (harmlessness) and ordinary (helpfulness) prompts. */
async function judge(dir: string, name: string, seed: number, config: Config, ctx: SeedContext) {
  const { modelDir, redHeld, ordHeld } = await inputs(config, ctx);
  const lm = await loadLanguageModel(dir);
  const j = await evaluateServed(lm, redHeld, ordHeld, config.evalSamples, ctx.rng('eval'), config.maxNewTokens, config.temperature);
  if (dir !== modelDir) await lm.dispose();
  ctx.log.log('eval', { seed, variant: name, harmlessness: j.harmlessness, helpfulness: j.helpfulness });
  return { metric: j.harmlessness, stats: { helpfulness: j.helpfulness }, details: { examples: j.examples } };
}

const exportDir = (ctx: SeedContext, seed: number, v: string) => path.join(ctx.out, 'models', `seed-${seed}`, v);

/** §4: a preference model on labelled pairs of `start`'s answers, then PPO from `start` against it. */
async function rlFrom(name: 'rl-cai' | 'helpful-rl', start: Gpt, withAiFeedback: boolean, seed: number, config: Config, ctx: SeedContext) {
  const { modelDir, tok, fm, redTrain, ordTrain } = await inputs(config, ctx);
  // The two RL variants share each step's stream: their pairs, labels and rollouts differ only where their start models do.
  const pairs = await labelPairs(start, withAiFeedback ? fm : null, tok, redTrain, ordTrain, config.pairsPerPrompt, config.maxNewTokens, ctx.rng('pairs'), config.feedback);
  const comparisons = withAiFeedback ? [...pairs.harmless, ...pairs.helpful] : pairs.helpful;
  const pm = await stepPreferenceModel(start, comparisons, pmCfg(config), ctx.rng('preference-model'));
  const pmAccuracy = await pairAccuracy(pm.rm, comparisons);
  const ppoCfg = { ...LmPpoConfig.parse({ maxNewTokens: config.maxNewTokens, temperature: config.temperature, klCoef: config.klCoef, learningRate: config.ppoLearningRate }), iterations: config.ppoIterations, batchSize: config.ppoBatchSize };
  const curve = { score: [] as number[], gold: [] as number[], kl: [] as number[] };
  const policy = await stepRlCai(start, pm.rm, [...redTrain, ...ordTrain], tok, ppoCfg, ctx.rng('ppo'), (it, s) => {
    curve.score.push(s.score), curve.gold.push(s.gold), curve.kl.push(s.kl);
    ctx.log.log('ppo', { seed, variant: name, it, ...s });
  });
  pm.dispose();
  const dir = await exportTrained(policy, modelDir, exportDir(ctx, seed, name), tok.eosId);
  policy.dispose();
  const j = await judge(dir, name, seed, config, ctx);
  const x = curve.score.map((_, i) => i + 1);
  const agree = pairs.harmless.filter((c) => c.agreesWithGold !== null);
  const agreement = (cs: typeof agree) => mean(cs.map((c) => (c.agreesWithGold ? 1 : 0)));
  const feedback: Record<string, number | Record<string, number>> = withAiFeedback
    ? {
        aiFeedbackAgreesWithGold: agreement(agree),
        aiFeedbackAgreesWithGoldByPrinciple: Object.fromEntries(CONSTITUTION.map((p) => [p.id, agreement(agree.filter((c) => c.principle === p.id))] as const).filter(([, v]) => !Number.isNaN(v))),
      }
    : {};
  ctx.log.log('preference-model', { seed, variant: name, harmlessPairs: pairs.harmless.length, helpfulPairs: pairs.helpful.length, trainAccuracy: pmAccuracy, ...feedback });
  return {
    ...j,
    stats: { ...j.stats, ...feedback, preferenceModelTrainAccuracy: pmAccuracy, pairs: { harmlessAi: pairs.harmless.length, helpfulHuman: pairs.helpful.length } },
    curves: [
      { title: 'Preference-model score during PPO', x, y: curve.score, xLabel: 'PPO iteration', yLabel: 'preference-model score of rollouts' },
      { title: 'Gold score during PPO', x, y: curve.gold, xLabel: 'PPO iteration', yLabel: 'gold score of rollouts (harmlessness or helpfulness by prompt)' },
      { title: 'KL during PPO', x, y: curve.kl, xLabel: 'PPO iteration', yLabel: 'KL to the start model per answer (nats)' },
    ],
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'rlaif-tiny',
    paper: 'Bai et al. 2022b (Constitutional AI)',
    description: 'Constitutional AI on the tiny LM: SL-CAI (critique + revision), RL-CAI (AI preference labels + PPO), vs the base model and a helpful-only RL baseline; harmlessness and helpfulness by gold rubrics on held-out prompts.',
    metric: { name: 'harmlessness on held-out red-team prompts (gold rubric, −2.8…1.5)', higherIsBetter: true },
  },
  module: import.meta.url,
  schema,
  presets: {
    quick: { answersPerPrompt: 1, nRevisions: 2, sftSteps: 10, pairsPerPrompt: 1, pmSteps: 8, ppoIterations: 2, ppoBatchSize: 8, maxNewTokens: 24, evalSamples: 1, promptLimit: 5 },
    full: {},
  },
  extraFlags: { '--feedback-model': 'SPEC: the AI feedback model (critique likelihoods: revision choice and preference labels); any --model spec that can score: a causal LM folder or hub id, a .gguf file, or openai:URL#MODEL on vLLM or SGLang (default: the base policy model)' },
  variants: () => [
    { name: 'base', role: 'baseline', about: 'the pretrained tiny LM', run: async (seed, config, ctx) => judge((await inputs(config, ctx)).modelDir, 'base', seed, config, ctx) },
    {
      name: 'sl-cai',
      role: 'ablation',
      about: '§3 only: fine-tuned on its own critiqued and revised red-team answers (no RL)',
      run: async (seed, config, ctx) => {
        const { modelDir, tok } = await inputs(config, ctx);
        const { slCai, revisions } = await slCaiOf(seed, config, ctx);
        const j = await judge(await exportTrained(slCai, modelDir, exportDir(ctx, seed, 'sl-cai'), tok.eosId), 'sl-cai', seed, config, ctx);
        const revised = revisions.filter((r) => r.revision !== r.original);
        return { ...j, stats: { ...j.stats, revisedShare: revised.length / Math.max(1, revisions.length) }, details: { ...j.details, revisions: revised.slice(0, 3).map((r) => ({ prompt: r.prompt.text, principle: r.principle, original: r.original.text, revision: r.revision.text })) } };
      },
    },
    { name: 'rl-cai', role: 'method', about: '§4: SL-CAI + PPO against a preference model on AI harmlessness labels (Constitutional AI)', run: async (seed, config, ctx) => rlFrom('rl-cai', (await slCaiOf(seed, config, ctx)).slCai, true, seed, config, ctx) },
    { name: 'helpful-rl', role: 'baseline', about: 'helpful SFT + the same PPO against a preference model on helpfulness labels only', run: async (seed, config, ctx) => rlFrom('helpful-rl', await helpfulSftOf(config, ctx), false, seed, config, ctx) },
  ],
  async check(_config, ctx) {
    const modelDir = trainableModelDir(ctx.model, 'rlaif-tiny', FEEDBACK_HINT);
    await loadModelFor(ctx.flags['feedback-model'] ?? modelDir, FEEDBACK);
  },
  // The Pareto plot: one point per variant, helpfulness (x) vs harmlessness (y), means over seeds.
  finish: (m) => ({
    curves: Object.entries(m.variants).map(([v, r]): Curve => ({ variant: v, x: [(r.stats!.helpfulness as { mean: number }).mean], y: [r.mean], xLabel: 'helpfulness (gold, held-out ordinary prompts)', yLabel: 'harmlessness (gold, held-out red-team prompts)', title: 'Harmlessness vs helpfulness' })),
  }),
};
