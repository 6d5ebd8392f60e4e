/**
 * The ellm-tiny leaf: the variants and what each measures on one seed — reward-free pretraining in
 * TinyCrafter (ellm.ts §4) with one exploration signal each, scored by the ground-truth achievements
 * unlocked per episode late in pretraining (ELLM Fig. 3).
 */
import { initTf, loadModelFor, mean, type Leaf, type RoleNeeds, type SeedContext, type StatTree, type Variant } from '@rlllm/core';
import { CRAFTER_ACHIEVEMENTS, CRAFTER_NOOP_CAPTIONS } from '@rlllm/env';
import { EllmConfig, EmbeddingSimilarity, embeddingSimilarity, GoalGenerator, GoalSuggester, likelihoodSimilarity, pretrain, randomPolicyScore, similarityProbe, type EpisodeLog, type Shared, type Variant as Signal } from './ellm.ts';

export const schema = EllmConfig;
export type Config = EllmConfig;

/** What ELLM's goal suggester needs from --model: scoring (ellm's ranked goals) and generation (ellm-open's). */
const SUGGESTER: RoleNeeds = { flag: '--model', role: "ELLM's goal suggester", needs: ['logProb', 'generate'], minContext: 128 };
/** What its sentence encoder needs from --embedder (the paper embeds goals and captions with SentenceBERT). */
const EMBEDDER: RoleNeeds = { flag: '--embedder', role: "ELLM's sentence encoder", needs: ['embed'] };
export const DEFAULT_EMBEDDER = 'rlllm/tiny-encoder';
/** The --embedder spec: a model, or "lm" for --model's own mean-pooled hidden states. */
const embedderOf = (flags: Record<string, string>) => flags.embedder ?? DEFAULT_EMBEDDER;

const GOALS = CRAFTER_ACHIEVEMENTS.map((a) => a.goal);
const CAPTIONS = [...CRAFTER_ACHIEVEMENTS.map((a) => a.caption), ...CRAFTER_NOOP_CAPTIONS];
const SUGGESTION_PROBES = ['You see grass and a tree. You have nothing.', 'You see grass, a tree and a table. You have wood.', 'You see grass, stone and a table. You have wood and a wood pickaxe.', 'You see grass and water. You have nothing.', 'You see grass and a cow. You have a sapling.'];

/**
 * What every seed shares (ellm.ts §3): the goal × caption similarity and the goal embeddings, computed
 * once from the LM, and the suggester (its cache is a pure function of the observation text). How well
 * each similarity separates matching pairs, and a few suggestions, are recorded with every seed.
 */
async function llmPieces(config: Config, ctx: SeedContext): Promise<Shared> {
  const shared = await ctx.shared('llm', async () => {
    const lm = await loadModelFor(ctx.model, SUGGESTER);
    const spec = embedderOf(ctx.flags);
    // "lm": the suggester's own pooled states (check() made sure it can embed) — the same loaded model.
    const embedder = spec === 'lm' ? lm : await loadModelFor(spec, EMBEDDER);
    const sim = await likelihoodSimilarity(lm, GOALS, CAPTIONS);
    const embSim = await embeddingSimilarity(embedder, GOALS, CAPTIONS);
    // The open variant's threshold is set a priori; the probe shows how it separates true matches, and which threshold would separate them best.
    const probe = { likelihood: similarityProbe(sim, config.threshold), embeddingCosine: similarityProbe(embSim, config.openThreshold) };
    const pieces: Shared = { sim, captions: CAPTIONS, goalEmb: await embedder.embed(GOALS), suggester: new GoalSuggester(lm, GOALS), generator: new GoalGenerator(lm, config.suggestionTokens), embeddings: new EmbeddingSimilarity(embedder) };
    const examples = Object.fromEntries(await Promise.all(SUGGESTION_PROBES.map(async (o) => [o, (await pieces.suggester!.rank(o)).slice(0, config.goalsPerStep).map((g) => GOALS[g]!)])));
    return { pieces, probe, examples, embedder: spec === 'lm' ? `${ctx.model} (mean-pooled hidden states)` : spec };
  });
  ctx.record({ stats: { similarity: shared.probe as unknown as Record<string, Record<string, number>> }, details: { suggestionExamples: shared.examples, embedder: shared.embedder } });
  return shared.pieces;
}

const lateOf = (eps: EpisodeLog[], config: Config) => eps.slice(-Math.max(1, Math.round(eps.length * config.finalFraction)));

/** Pretrain with one exploration signal; the late-episode achievements, and the learning curve. */
function signal(name: Signal, role: Variant<Config>['role'], about: string, group: Pick<Variant<Config>, 'group' | 'compareTo'> = {}): Variant<Config> {
  return {
    name,
    role,
    about,
    ...group,
    run: async (seed, config, ctx) => {
      await initTf();
      const shared = await llmPieces(config, ctx);
      const bar = ctx.progress(name, config.totalSteps);
      const eps = await pretrain(name, config, ctx.rng(`agent ${name}`), ctx.rng('worlds').seed(), shared, (s) => bar.update(s));
      const late = lateOf(eps, config);
      const score = mean(late.map((e) => e.unlocked.length));
      bar.finish(`${score.toFixed(2)} achievements/episode`);
      ctx.log.log('pretrain', { seed, variant: name, episodes: eps.length, score });
      const edges = Array.from({ length: config.curvePoints }, (_, i) => Math.round(((i + 1) * config.totalSteps) / config.curvePoints));
      const y = edges.map((hi, i) => {
        const lo = i === 0 ? 0 : edges[i - 1]!;
        const sel = eps.filter((e) => e.step > lo && e.step <= hi);
        return sel.length ? mean(sel.map((e) => e.unlocked.length)) : NaN;
      });
      const usesGoals = name === 'ellm' || name === 'ellm-open' || name === 'oracle';
      const credited: Record<string, number> = {};
      for (const e of late) for (const g of e.credited) credited[g] = (credited[g] ?? 0) + 1 / late.length;
      const sum = (f: (e: EpisodeLog) => number) => eps.reduce((s, e) => s + f(e), 0);
      // Open-ended suggestions, over all of pretraining: per active goal, which named no achievement; and unparsable pieces per suggestion step.
      const open: StatTree = name === 'ellm-open' ? { suggestions: { unknownShare: sum((e) => e.suggestionsUnknown) / Math.max(1, sum((e) => e.goalsActive)), unparsablePerStep: sum((e) => e.suggestionsUnparsable) / Math.max(1, eps.length * config.episodeSteps) } } : {};
      return {
        metric: score,
        stats: {
          successRates: Object.fromEntries(CRAFTER_ACHIEVEMENTS.map((a) => [a.id, mean(late.map((e) => (e.unlocked.includes(a.id) ? 1 : 0)))])),
          ...(usesGoals ? { creditedPerEpisode: credited, goalFeasibility: sum((e) => e.goalsFeasible) / Math.max(1, sum((e) => e.goalsActive)) } : {}),
          ...open,
        },
        curves: [{ title: 'Achievements unlocked during reward-free pretraining', x: edges, y, xLabel: 'env steps (pretraining)', yLabel: 'distinct achievements per episode' }],
      };
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'ellm-tiny',
    paper: 'Du et al. 2023 (ELLM)',
    description: 'ELLM in a small text Crafter: LLM-suggested goals as intrinsic reward for a goal-conditioned DQN, vs no reward, count novelty, oracle goals',
    metric: { name: 'achievements unlocked per episode', higherIsBetter: true },
  },
  module: import.meta.url,
  schema,
  presets: {
    quick: { totalSteps: 5000, learningStarts: 500 },
    full: { totalSteps: 20_000 },
  },
  extraFlags: { '--embedder': `SPEC: the sentence encoder for goals and captions (the agent's goal input; ellm-open's matching): any model that can embed (default ${DEFAULT_EMBEDDER}); "lm" = --model's mean-pooled hidden states` },
  async check(_config, ctx) {
    // A model that cannot suggest, or an embedder that cannot embed, fails here, before any training.
    await loadModelFor(ctx.model, embedderOf(ctx.flags) === 'lm' ? { ...SUGGESTER, needs: [...SUGGESTER.needs, 'embed'] } : SUGGESTER);
    if (embedderOf(ctx.flags) !== 'lm') await loadModelFor(embedderOf(ctx.flags), EMBEDDER);
  },
  variants: () => [
    signal('none', 'baseline', 'ε-greedy DQN with no reward at all'),
    signal('novelty', 'baseline', 'count-based novelty bonus β/√N(s) on the text observation'),
    signal('ellm', 'method', 'LLM-ranked goals among the 12 achievement phrases, likelihood similarity (the privileged closed-set form)'),
    signal('ellm-open', 'method', "the paper's open-ended form: LLM-generated goal text, embedding cosine with a threshold set a priori", { group: 'open-ended', compareTo: ['none', 'novelty'] }),
    signal('oracle', 'upper-bound', 'the true feasible next achievements as goals (ELLM with oracle goals)'),
    {
      name: 'random-policy',
      role: 'reference',
      about: 'uniformly random actions over as many episodes as the metric averages',
      run: async (_seed, config, ctx) => ({ metric: randomPolicyScore(ctx.rng('agent random-policy'), ctx.rng('worlds').seed(), Math.max(1, Math.round(Math.floor(config.totalSteps / config.episodeSteps) * config.finalFraction)), config.episodeSteps) }),
    },
  ],
};
