/**
 * The rlprompt-tiny leaf: the variants and what each measures on one seed — the test accuracy of its
 * prompt(s) through the frozen LM (rlprompt.ts §3.1), with the same prompts' accuracy on a second LM
 * (transfer) beside it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { initTf, loadModelFor, mean, type LanguageModel, type Leaf, type RoleNeeds, type SeedContext, type Variant } from '@rlllm/core';
import { VerbalizerClassifier } from './classifier.ts';
import { DEV, TEST, TRAIN } from './data.ts';
import { DEFAULT_TRANSFER_MODEL, evaluatePrompt, MANUAL_PROMPT, randomPrompt, RLPromptConfig, trainRLPrompt, type PromptEval } from './rlprompt.ts';
import { candidateVocabulary } from './vocab.ts';

export const schema = RLPromptConfig;
export type Config = typeof schema._output;

/** What the frozen LM does: score the verbalizers, and embed prompt prefixes for the policy's features. */
const FROZEN_LM: RoleNeeds = { flag: '--model', role: "RLPrompt's frozen LM (verbalizer scoring, prompt embeddings)", needs: ['logProb', 'embed'], minContext: 128 };
const TRANSFER: RoleNeeds = { flag: '--transfer-model', role: "RLPrompt's transfer target (verbalizer scoring)", needs: ['logProb'], minContext: 128 };

/** The classifier over the main LM, shared by every seed of this process (its scores are a pure function of the text). */
const classifier = (ctx: SeedContext) => ctx.shared('classifier', async () => new VerbalizerClassifier(await loadModelFor(ctx.model, FROZEN_LM)));

/** The second LM of the transfer test, or null when it is off or (by default) absent. */
async function transferLm(flags: Record<string, string>): Promise<LanguageModel | null> {
  const flag = flags['transfer-model'];
  if (flag === 'none') return null;
  const spec = flag ?? DEFAULT_TRANSFER_MODEL;
  if (!flag && !existsSync(spec)) return null;
  return loadModelFor(spec, TRANSFER);
}
const transferClassifier = (ctx: SeedContext) => ctx.shared('transfer', async () => {
  const lm = await transferLm(ctx.flags);
  return lm ? new VerbalizerClassifier(lm) : null;
});

/** Test accuracy (and bias, AUC) of prompts on the main LM and, if on, on the transfer LM: the mean over the prompts. */
async function measurePrompts(prompts: string[], ctx: SeedContext) {
  const mainEvals: PromptEval[] = [];
  for (const p of prompts) mainEvals.push(await evaluatePrompt(await classifier(ctx), p, TEST));
  const summary = (es: PromptEval[]) => ({ accuracy: mean(es.map((e) => e.accuracy)), positiveRate: mean(es.map((e) => e.positiveRate)), auc: mean(es.map((e) => e.auc)) });
  const tc = await transferClassifier(ctx);
  const transfer: PromptEval[] = [];
  if (tc) for (const p of prompts) transfer.push(await evaluatePrompt(tc, p, TEST));
  const main = summary(mainEvals);
  return { metric: main.accuracy, stats: { positiveRate: main.positiveRate, auc: main.auc, ...(tc ? { transfer: summary(transfer) } : {}) }, evals: mainEvals };
}

/** RLPrompt on one seed (§2), then its chosen prompt on test (§3.1). */
async function learned(algo: 'sql' | 'reinforce', seed: number, config: Config, ctx: SeedContext) {
  await initTf();
  const clf = await classifier(ctx);
  const bar = ctx.progress(algo, config.steps);
  // Both training algorithms start from the same policy and draws (one stream).
  const res = await trainRLPrompt(clf.lm, clf, candidateVocabulary(config.vocabSize), { train: TRAIN, dev: DEV }, { ...config, algo }, ctx.rng('rlprompt'), (r) => {
    bar.update(r.step, `reward ${r.reward.toFixed(1)} acc ${r.trainAccuracy.toFixed(2)} H ${r.entropy.toFixed(2)}`);
    ctx.log.log('step', { seed, algo, ...r });
  });
  const m = await measurePrompts([res.prompt], ctx);
  bar.finish(`prompt "${res.prompt}" test acc ${m.metric.toFixed(3)}`);
  ctx.log.log('learned', { seed, algo, ...m.evals[0], finalists: res.finalists });
  const x = res.history.map((h) => h.step);
  return {
    metric: m.metric,
    stats: m.stats,
    curves: [
      { title: 'RLPrompt reward', x, y: res.history.map((h) => h.reward), xLabel: 'training step', yLabel: 'mean reward of sampled prompts (train batch)' },
      { title: 'RLPrompt train accuracy', x, y: res.history.map((h) => h.trainAccuracy), xLabel: 'training step', yLabel: 'train accuracy of sampled prompts' },
    ],
    details: { prompt: res.prompt, greedy: res.greedyPrompt, finalists: res.finalists },
  };
}

const fixed = (name: string, prompt: string, about: string): Variant<Config> => ({
  name,
  role: 'baseline',
  about,
  run: async (_seed, _config, ctx) => {
    const m = await ctx.shared(`fixed:${prompt}`, () => measurePrompts([prompt], ctx));
    return { metric: m.metric, stats: m.stats };
  },
});

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'rlprompt-tiny',
    paper: 'Deng et al. 2022 (RLPrompt)',
    description: 'RLPrompt: soft Q-learning of a K-word discrete prompt for a frozen LM (few-shot sentiment), vs no/manual/random prompts, with cross-LM transfer',
    metric: { name: 'test accuracy', higherIsBetter: true },
  },
  module: import.meta.url,
  schema,
  presets: {
    quick: { steps: 20, promptsPerStep: 8, randomPrompts: 4, finalists: 3 },
    full: { steps: 50, promptsPerStep: 16, randomPrompts: 8, reinforce: true },
  },
  extraFlags: { '--transfer-model': `SPEC: second LM the prompts are also measured on (default ${path.relative(process.cwd(), DEFAULT_TRANSFER_MODEL) || DEFAULT_TRANSFER_MODEL} when present; "none" to skip)` },
  variants: (config) => [
    fixed('no-prompt', '', 'the sentence alone'),
    fixed('manual', MANUAL_PROMPT, `the hand-written prompt "${MANUAL_PROMPT}"`),
    {
      name: 'random',
      role: 'baseline',
      about: 'random K-word prompts from the same candidate words (mean over them)',
      run: async (_seed, config, ctx) => {
        const rng = ctx.rng('random prompts');
        const vocab = candidateVocabulary(config.vocabSize);
        const prompts = Array.from({ length: config.randomPrompts }, () => randomPrompt(vocab, config.promptLength, rng));
        const m = await measurePrompts(prompts, ctx);
        return { metric: m.metric, stats: m.stats, details: { prompts: m.evals.map((e) => ({ prompt: e.prompt, accuracy: e.accuracy })) } };
      },
    },
    { name: 'rlprompt', role: 'method', about: 'the prompt learned by soft Q-learning (RLPrompt), chosen on dev', run: (seed, config, ctx) => learned('sql', seed, config, ctx) },
    ...(config.reinforce ? [{ name: 'rlprompt-reinforce', role: 'ablation', about: 'the same policy trained by REINFORCE instead of soft Q-learning', run: (seed: number, config: Config, ctx: SeedContext) => learned('reinforce', seed, config, ctx) } satisfies Variant<Config>] : []),
  ],
  async check(_config, ctx) {
    // A model that cannot serve either role fails here, before any training.
    await loadModelFor(ctx.model, FROZEN_LM);
    await transferLm(ctx.flags);
  },
};
