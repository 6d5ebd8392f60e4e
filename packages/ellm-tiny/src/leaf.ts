/**
 * The ellm-tiny leaf: reward-free pretraining in TinyCrafter with four exploration signals
 * (no intrinsic reward, count novelty, ELLM, ELLM with oracle goals), over seeds; the metric is the
 * number of distinct ground-truth achievements unlocked per episode late in pretraining (ELLM Fig. 3).
 */
import { z } from 'zod';
import { initTf, loadLanguageModel, mean, summarize, variantResult, type Curve, type Leaf, type LeafContext } from '@rlllm/core';
import { requireRole } from '@rlllm/core'; // capability check at load (issue #25)
import { CRAFTER_ACHIEVEMENTS, CRAFTER_NOOP_CAPTIONS } from '@rlllm/env';
import { pretrain, randomPolicyScore, VARIANTS, type AgentConfig, type EpisodeLog, type Shared, type Variant } from './agent.ts';
import { embeddingSimilarity, GoalSuggester, likelihoodSimilarity, similarityProbe } from './ellm.ts';

export const schema = z.object({
  steps: z.number().int().min(1000).default(30_000).describe('env steps of pretraining per variant and seed'),
  episodeSteps: z.number().int().min(10).default(100).describe('steps per episode (time limit)'),
  goalsPerStep: z.number().int().min(1).max(12).default(3).describe('k: suggested goals active at each step (ELLM)'),
  threshold: z.number().min(0).max(1).default(0.14).describe('similarity threshold for the goal-achieved reward (measured, see README)'),
  noveltyBeta: z.number().min(0).default(0.3).describe('count bonus scale β/√N(s)'),
  learningRate: z.number().positive().default(5e-4),
  gamma: z.number().gt(0).max(1).default(0.95),
  batchSize: z.number().int().positive().default(64),
  bufferSize: z.number().int().positive().default(20_000),
  learningStarts: z.number().int().nonnegative().default(1000),
  trainFrequency: z.number().int().positive().default(8),
  targetFrequency: z.number().int().positive().default(500),
  explorationFraction: z.number().min(0).max(1).default(0.5).describe('ε decays 1 → endEpsilon over this fraction of the steps'),
  endEpsilon: z.number().min(0).max(1).default(0.1),
  hidden: z.number().int().positive().default(128).describe('width of the two hidden layers'),
  finalFraction: z.number().gt(0).max(1).default(0.25).describe('the metric averages the last this fraction of episodes'),
  curvePoints: z.number().int().min(2).default(10),
});
export type Config = z.infer<typeof schema>;

const GOALS = CRAFTER_ACHIEVEMENTS.map((a) => a.goal);
const CAPTIONS = [...CRAFTER_ACHIEVEMENTS.map((a) => a.caption), ...CRAFTER_NOOP_CAPTIONS];

async function run(config: Config, ctx: LeafContext) {
  await initTf();
  const lm = await loadLanguageModel(ctx.model);
  requireRole(lm, { flag: '--model', role: "ELLM's goal suggester and embedder", needs: ['logProb', 'embed'], minContext: 128 });
  // The goal-achieved similarity: measured for both candidates on the env's own goal/caption pairs.
  const sim = await likelihoodSimilarity(lm, GOALS, CAPTIONS);
  const embSim = await embeddingSimilarity(lm, GOALS, CAPTIONS);
  const probe = { likelihood: similarityProbe(sim, config.threshold), embeddingCosine: similarityProbe(embSim, similarityProbe(embSim, 0).bestThreshold) };
  ctx.log.log('similarity', probe);
  const shared: Shared = { sim, captions: CAPTIONS, goalEmb: await lm.embed(GOALS), suggester: new GoalSuggester(lm, GOALS) };
  const agentCfg: AgentConfig = { ...config, hidden: [config.hidden, config.hidden] };

  const logs = new Map<Variant, EpisodeLog[][]>(VARIANTS.map((v) => [v, []]));
  for (const seed of ctx.seeds) {
    for (const v of VARIANTS) {
      const bar = ctx.progress(`seed ${seed} ${v}`, config.steps);
      const t0 = performance.now();
      const eps = await pretrain(v, agentCfg, seed, shared, (s) => bar.update(s));
      const late = eps.slice(-Math.max(1, Math.round(eps.length * config.finalFraction)));
      const score = mean(late.map((e) => e.unlocked.length));
      bar.finish(`${score.toFixed(2)} achievements/episode`);
      ctx.log.log('pretrain', { seed, variant: v, episodes: eps.length, score, seconds: (performance.now() - t0) / 1000 });
      logs.get(v)!.push(eps);
    }
  }

  const lateOf = (eps: EpisodeLog[]) => eps.slice(-Math.max(1, Math.round(eps.length * config.finalFraction)));
  const variants = Object.fromEntries(VARIANTS.map((v) => [v, variantResult(logs.get(v)!.map((eps) => mean(lateOf(eps).map((e) => e.unlocked.length))))]));
  // Success rate of each achievement: fraction of late episodes in which it was unlocked (mean over seeds).
  const successRates = Object.fromEntries(
    VARIANTS.map((v) => [v, Object.fromEntries(CRAFTER_ACHIEVEMENTS.map((a) => [a.id, mean(logs.get(v)!.map((eps) => mean(lateOf(eps).map((e) => (e.unlocked.includes(a.id) ? 1 : 0)))))]))]),
  );
  // How often a credited goal was the true achievement of that step is not observable from captions
  // alone; instead report what was credited and the intrinsic return.
  const credited = Object.fromEntries(
    (['ellm', 'oracle'] as const).map((v) => {
      const counts: Record<string, number> = {};
      for (const e of logs.get(v)!.flatMap(lateOf)) for (const g of e.credited) counts[g] = (counts[g] ?? 0) + 1;
      const n = logs.get(v)!.flatMap(lateOf).length;
      return [v, Object.fromEntries(Object.entries(counts).map(([g, c]) => [g, c / n]))];
    }),
  );

  // How often the active goals were achievable right now (ground truth), over all of pretraining.
  const goalFeasibility = Object.fromEntries(
    (['ellm', 'oracle'] as const).map((v) => {
      const all = logs.get(v)!.flat();
      return [v, all.reduce((s, e) => s + e.goalsFeasible, 0) / Math.max(1, all.reduce((s, e) => s + e.goalsActive, 0))];
    }),
  );

  // Reference, not a variant: a uniformly random policy over as many episodes as the metric averages.
  const nLate = Math.max(1, Math.round(Math.floor(config.steps / config.episodeSteps) * config.finalFraction));
  const randomPolicy = summarize(ctx.seeds.map((s) => randomPolicyScore(s, nLate, config.episodeSteps)));

  const curves: Curve[] = [];
  const P = config.curvePoints;
  const edges = Array.from({ length: P }, (_, i) => Math.round(((i + 1) * config.steps) / P));
  for (const v of VARIANTS) {
    const perSeed = logs.get(v)!.map((eps) => edges.map((hi, i) => {
      const lo = i === 0 ? 0 : edges[i - 1]!;
      const sel = eps.filter((e) => e.step > lo && e.step <= hi);
      return sel.length ? mean(sel.map((e) => e.unlocked.length)) : NaN;
    }));
    const stats = edges.map((_, i) => summarize(perSeed.map((r) => r[i]!).filter((x) => !Number.isNaN(x))));
    curves.push({ variant: v, x: edges, y: stats.map((s) => s.mean), lo: stats.map((s) => s.ci95[0]), hi: stats.map((s) => s.ci95[1]), xLabel: 'env steps (pretraining)', yLabel: 'distinct achievements per episode', title: 'Achievements unlocked during reward-free pretraining' });
  }

  // A few of the LM's goal suggestions, to read what it proposes.
  const examples: Record<string, string[]> = {};
  for (const obs of ['You see grass and a tree. You have nothing.', 'You see grass, a tree and a table. You have wood.', 'You see grass, stone and a table. You have wood and a wood pickaxe.', 'You see grass and water. You have nothing.', 'You see grass and a cow. You have a sapling.']) {
    examples[obs] = (await shared.suggester!.rank(obs)).slice(0, config.goalsPerStep).map((g) => GOALS[g]!);
  }

  return {
    model: lm.info.name,
    variants,
    curves,
    extra: {
      successRates,
      creditedPerEpisode: credited,
      goalFeasibility,
      randomPolicy: { mean: randomPolicy.mean, ci95: randomPolicy.ci95, perSeed: randomPolicy.perSeed },
      similarity: { chosen: 'likelihood: softmax over captions of log p(caption | "When you <goal>, the game says:")', threshold: config.threshold, ...probe },
      suggestionExamples: examples,
      llm: { suggestionCalls: shared.suggester!.calls, suggestionLookups: shared.suggester!.lookups, similarityCalls: GOALS.length },
      episodesPerRun: Math.floor(config.steps / config.episodeSteps),
      achievements: CRAFTER_ACHIEVEMENTS.map((a) => a.id),
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'ellm-tiny',
    taxonomy: 'LLM4RL / Goal',
    paper: 'Du et al. 2023 (ELLM)',
    description: 'ELLM in a small text Crafter: LLM-suggested goals as intrinsic reward for a goal-conditioned DQN, vs no reward, count novelty, oracle goals',
    metric: { name: 'achievements unlocked per episode', higherIsBetter: true },
    method: 'ellm',
  },
  schema,
  presets: {
    quick: { steps: 5000, learningStarts: 500 },
    full: { steps: 20_000 },
  },
  run,
};
