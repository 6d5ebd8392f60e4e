/**
 * The rlprompt-tiny leaf: learn a K-word discrete prompt for a frozen tiny LM with RLPrompt, and
 * compare its test accuracy with no prompt, a hand-written prompt and random prompts from the same
 * candidate words; then apply the learned prompts to a second LM (the paper's transfer finding).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { initTf, loadLanguageModel, mean, Rng, summarize, variantResult, UserError, type Curve, type Leaf, type LeafContext, type LanguageModel } from '@rlllm/core';
import { requireRole } from '@rlllm/core'; // capability check at load (issue #25)
import { VerbalizerClassifier, promptReward, predict, type Scored } from './classifier.ts';
import { DEV, TEST, TRAIN, type Example } from './data.ts';
import { candidateVocabulary } from './vocab.ts';
import { trainRLPrompt, type RLPromptResult } from './rlprompt.ts';

/** Written before any result was seen: the corpus's own review format starts with "Review:". */
export const MANUAL_PROMPT = 'Review:';

/** Default second LM for transfer (a different architecture, tokenizer and training corpus). */
export const DEFAULT_TRANSFER_MODEL = path.resolve(fileURLToPath(new URL('../../../../shared/models/karpathy/stories260K', import.meta.url)));

export const schema = z.object({
  promptLength: z.number().int().min(1).max(8).default(3).describe('K: words per learned prompt'),
  vocabSize: z.number().int().min(2).max(1000).default(200).describe('candidate words (most frequent corpus words)'),
  steps: z.number().int().min(1).default(50).describe('RL training steps'),
  promptsPerStep: z.number().int().min(2).default(16).describe('prompts sampled per step'),
  examplesPerStep: z.number().int().min(2).max(32).default(16).describe('training examples each prompt is scored on per step'),
  hidden: z.number().int().min(4).default(64).describe('hidden units of the policy MLP'),
  lr: z.number().gt(0).default(0.01).describe('Adam learning rate of the policy MLP'),
  sqlMode: z.enum(['single', 'multi', 'mixed']).default('mixed').describe('soft-Q loss: single-step, multi-step PCL, or their mean (RLPrompt)'),
  targetUpdate: z.number().gt(0).max(1).default(0.1).describe('Polyak rate of the target Q-network'),
  rewardScale: z.number().gt(0).default(10).describe('multiplier on the z-scored reward (inverse soft-Q temperature)'),
  entropyCoef: z.number().min(0).default(0.01).describe('entropy bonus (REINFORCE only)'),
  finalists: z.number().int().min(1).default(4).describe('prompts compared on dev at the end'),
  randomPrompts: z.number().int().min(1).default(8).describe('random K-word prompts per seed for the baseline'),
  reinforce: z.boolean().default(false).describe('also train with REINFORCE (variant rlprompt-reinforce)'),
});
export type Config = z.infer<typeof schema>;

interface PromptEval {
  prompt: string;
  accuracy: number;
  /** Share of test sentences called positive (the LM's " great" bias). */
  positiveRate: number;
  /** ROC AUC of the margin: how well the prompt lets the LM rank positives above negatives, at any threshold. */
  auc: number;
}

/** P(margin of a random positive > margin of a random negative): the ceiling any bias shift can reach. */
export function rocAuc(s: Scored[]): number {
  const pos = s.filter((x) => x.label === 'positive').map((x) => x.margin);
  const neg = s.filter((x) => x.label === 'negative').map((x) => x.margin);
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

async function evaluate(clf: VerbalizerClassifier, prompt: string, examples: Example[]): Promise<PromptEval> {
  const s = await clf.margins(prompt, examples);
  return { prompt, accuracy: promptReward(s).accuracy, positiveRate: mean(s.map((x) => (predict(x.margin) === 'positive' ? 1 : 0))), auc: rocAuc(s) };
}

function randomPrompt(vocab: string[], k: number, rng: Rng): string {
  return Array.from({ length: k }, () => vocab[rng.int(vocab.length)]!).join(' ');
}

/** Curves with a 95% band over seeds, per training step. */
function stepCurves(variant: string, runs: RLPromptResult[]): Curve[] {
  const x = runs[0]!.history.map((h) => h.step);
  const band = (get: (r: RLPromptResult, i: number) => number) => x.map((_, i) => summarize(runs.map((r) => get(r, i))));
  const rw = band((r, i) => r.history[i]!.reward);
  const acc = band((r, i) => r.history[i]!.trainAccuracy);
  return [
    { variant, x, y: rw.map((s) => s.mean), lo: rw.map((s) => s.ci95[0]), hi: rw.map((s) => s.ci95[1]), xLabel: 'training step', yLabel: 'mean reward of sampled prompts (train batch)', title: 'RLPrompt reward' },
    { variant, x, y: acc.map((s) => s.mean), lo: acc.map((s) => s.ci95[0]), hi: acc.map((s) => s.ci95[1]), xLabel: 'training step', yLabel: 'train accuracy of sampled prompts', title: 'RLPrompt train accuracy' },
  ];
}

async function run(config: Config, ctx: LeafContext) {
  await initTf();
  const lm = await loadLanguageModel(ctx.model);
  requireRole(lm, { flag: '--model', role: "RLPrompt's frozen LM (verbalizer scoring, prompt embeddings)", needs: ['logProb', 'embed'], minContext: 128 });
  // --transfer-model is used at the end: check it now, before training (loadLanguageModel caches it).
  const transferSpec = ctx.extra['transfer-model'];
  if (transferSpec && transferSpec !== 'none') requireRole(await loadLanguageModel(transferSpec).catch((e) => Promise.reject(e instanceof UserError ? new UserError(`--transfer-model: ${e.message}`) : e)), TRANSFER_ROLE);
  const clf = new VerbalizerClassifier(lm);
  const vocab = candidateVocabulary(config.vocabSize);
  const data = { train: TRAIN, dev: DEV };
  const t0 = performance.now();

  // Baselines that do not depend on the seed: no prompt, the manual prompt.
  const none = await evaluate(clf, '', TEST);
  const manual = await evaluate(clf, MANUAL_PROMPT, TEST);
  ctx.log.log('baseline', { none, manual });

  const algos: ('sql' | 'reinforce')[] = config.reinforce ? ['sql', 'reinforce'] : ['sql'];
  const results: Record<string, RLPromptResult[]> = { sql: [], reinforce: [] };
  const learned: Record<string, PromptEval[]> = { sql: [], reinforce: [] };
  const random: PromptEval[][] = [];
  for (const seed of ctx.seeds) {
    // Random K-word prompts from the same candidate words (a different draw per seed).
    const rng = new Rng(seed * 104729 + 3);
    const rs: PromptEval[] = [];
    for (let i = 0; i < config.randomPrompts; i++) rs.push(await evaluate(clf, randomPrompt(vocab, config.promptLength, rng), TEST));
    random.push(rs);
    for (const algo of algos) {
      const bar = ctx.progress(`seed ${seed} ${algo}`, config.steps);
      const res = await trainRLPrompt(lm, clf, vocab, data, { ...config, algo }, seed, (r) => {
        bar.update(r.step, `reward ${r.reward.toFixed(1)} acc ${r.trainAccuracy.toFixed(2)} H ${r.entropy.toFixed(2)}`);
        ctx.log.log('step', { seed, algo, ...r });
      });
      const ev = await evaluate(clf, res.prompt, TEST);
      bar.finish(`prompt "${res.prompt}" test acc ${ev.accuracy.toFixed(3)}`);
      ctx.log.log('learned', { seed, algo, ...ev, finalists: res.finalists });
      results[algo]!.push(res);
      learned[algo]!.push(ev);
    }
  }

  const variants: Record<string, ReturnType<typeof variantResult>> = {
    'no-prompt': variantResult(ctx.seeds.map(() => none.accuracy)),
    manual: variantResult(ctx.seeds.map(() => manual.accuracy)),
    random: variantResult(random.map((rs) => mean(rs.map((r) => r.accuracy)))),
    rlprompt: variantResult(learned.sql!.map((e) => e.accuracy)),
  };
  if (config.reinforce) variants['rlprompt-reinforce'] = variantResult(learned.reinforce!.map((e) => e.accuracy));
  const curves = [...stepCurves('rlprompt', results.sql!), ...(config.reinforce ? stepCurves('rlprompt-reinforce', results.reinforce!) : [])];
  const trainSeconds = (performance.now() - t0) / 1000;

  // Transfer (RLPrompt §3.1, "prompts transfer across LMs"): the same prompt texts on a second LM.
  const transfer = await transferTo(ctx, { none: '', manual: MANUAL_PROMPT, random: random.map((rs) => rs.map((r) => r.prompt)), learned: learned.sql!.map((e) => e.prompt) });

  const promptsTable = ctx.seeds.map((seed, i) => ({ seed, prompt: learned.sql![i]!.prompt, testAccuracy: learned.sql![i]!.accuracy, positiveRate: learned.sql![i]!.positiveRate, greedy: results.sql![i]!.greedyPrompt, finalists: results.sql![i]!.finalists }));
  for (const p of promptsTable) console.log(`seed ${p.seed}: learned prompt "${p.prompt}" → test accuracy ${p.testAccuracy.toFixed(3)}`);

  return {
    model: lm.info.name,
    variants,
    curves,
    extra: {
      learnedPrompts: promptsTable,
      reinforcePrompts: config.reinforce ? learned.reinforce : undefined,
      manualPrompt: MANUAL_PROMPT,
      positiveRate: { 'no-prompt': none.positiveRate, manual: manual.positiveRate, random: mean(random.flat().map((r) => r.positiveRate)), rlprompt: mean(learned.sql!.map((e) => e.positiveRate)) },
      testAuc: { 'no-prompt': none.auc, manual: manual.auc, random: mean(random.flat().map((r) => r.auc)), rlprompt: mean(learned.sql!.map((e) => e.auc)) },
      randomPrompts: random.map((rs) => rs.map((r) => ({ prompt: r.prompt, accuracy: r.accuracy }))),
      transfer,
      data: { train: TRAIN.length, dev: DEV.length, test: TEST.length },
      candidateWords: { count: vocab.length, first: vocab.slice(0, 30) },
      lmCalls: clf.calls,
      trainSeconds,
    },
  };
}

const TRANSFER_ROLE = { flag: '--transfer-model', role: "RLPrompt's transfer target (verbalizer scoring)", needs: ['logProb' as const], minContext: 128 };

async function transferTo(ctx: LeafContext, prompts: { none: string; manual: string; random: string[][]; learned: string[] }): Promise<Record<string, unknown>> {
  const flag = ctx.extra['transfer-model'];
  if (flag === 'none') return { skipped: 'disabled with --transfer-model none' };
  const spec = flag ?? DEFAULT_TRANSFER_MODEL;
  if (!flag && !existsSync(spec)) return { skipped: `default transfer model ${spec} not found; pass --transfer-model SPEC` };
  let lm: LanguageModel;
  try {
    lm = await loadLanguageModel(spec);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`--transfer-model: ${e.message}`);
    throw e;
  }
  requireRole(lm, TRANSFER_ROLE);
  const clf = new VerbalizerClassifier(lm);
  const none = await evaluate(clf, prompts.none, TEST);
  const manual = await evaluate(clf, prompts.manual, TEST);
  const random: number[] = [];
  for (const rs of prompts.random) random.push(mean(await Promise.all(rs.map(async (p) => (await evaluate(clf, p, TEST)).accuracy))));
  const learned: PromptEval[] = [];
  for (const p of prompts.learned) learned.push(await evaluate(clf, p, TEST));
  return {
    model: lm.info.name,
    variants: {
      'no-prompt': variantResult(prompts.learned.map(() => none.accuracy)),
      manual: variantResult(prompts.learned.map(() => manual.accuracy)),
      random: variantResult(random),
      rlprompt: variantResult(learned.map((e) => e.accuracy)),
    },
    positiveRate: { 'no-prompt': none.positiveRate, manual: manual.positiveRate, rlprompt: mean(learned.map((e) => e.positiveRate)) },
    testAuc: { 'no-prompt': none.auc, manual: manual.auc, rlprompt: mean(learned.map((e) => e.auc)) },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'rlprompt-tiny',
    taxonomy: 'RL4LLM / Prompt',
    paper: 'Deng et al. 2022 (RLPrompt)',
    description: 'RLPrompt: soft Q-learning of a K-word discrete prompt for a frozen LM (few-shot sentiment), vs no/manual/random prompts, with cross-LM transfer',
    metric: { name: 'test accuracy', higherIsBetter: true },
    method: 'rlprompt',
  },
  schema,
  presets: {
    quick: { steps: 20, promptsPerStep: 8, randomPrompts: 4, finalists: 3 },
    full: { steps: 50, promptsPerStep: 16, randomPrompts: 8, reinforce: true },
  },
  extraFlags: { '--transfer-model': `SPEC: second LM the learned prompts are applied to (default ${path.relative(process.cwd(), DEFAULT_TRANSFER_MODEL) || DEFAULT_TRANSFER_MODEL} when present; "none" to skip)` },
  run,
};
