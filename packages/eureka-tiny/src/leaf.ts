/**
 * The eureka-tiny leaf (survey §5.1, Ma et al. 2023): per seed, train PPO on GridKeyDoor with the
 * sparse task reward, with a human-written shaped reward, and with the reward Eureka's search finds
 * (plus ablations); every reward runs in the QuickJS sandbox. The metric is the task's own fitness,
 * the success rate, measured after final training runs with fresh PPO seeds (so Eureka's number
 * is not the max over its own search's noisy scores).
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadLanguageModel, mean, summarize, variantResult, UserError, type Curve, type Leaf, type LeafContext, type PpoConfig } from '@rlllm/core';
import { requireRole } from '@rlllm/core'; // capability check at load (issue #25)
import { eurekaSearch, envContext, HUMAN_REWARD, LmRewardWriter, SPARSE_REWARD, type SearchResult } from './eureka.ts';
import { CandidateFailure, trainAndScore } from './train.ts';

export const schema = z.object({
  iterations: z.number().int().min(1).default(3).describe('Eureka iterations (rounds of sampling)'),
  samples: z.number().int().min(1).default(4).describe('candidate reward functions per iteration (K)'),
  ppoSteps: z.number().int().min(512).default(8192).describe('PPO env steps per training run'),
  learningRate: z.number().positive().default(2.5e-3).describe('PPO learning rate'),
  evalEpisodes: z.number().int().min(5).default(200).describe('episodes to measure the success rate'),
  finalRuns: z.number().int().min(1).default(1).describe('final PPO runs per variant and seed (fresh seeds); the seed\'s value is their mean'),
  restartShare: z.number().min(0).max(1).default(0.25).describe('share of samples after round 1 that restart from scratch'),
  finalists: z.number().int().min(0).default(0).describe('final selection: the top N distinct rewards of a search are trained again and the best mean wins (0 = the best single search run, as in Eureka)'),
  rescoreRuns: z.number().int().min(1).default(2).describe('extra PPO runs per finalist'),
  ablations: z.boolean().default(true).describe('also run Eureka without reflection and without evolution'),
  humanInit: z.boolean().default(true).describe('also run Eureka from human initialization (the human reward is the first best)'),
  tokenMask: z.boolean().default(false).describe('token-level masking while a line is written (the static check as a mask); off: whole lines are sampled and rejected after (measured better, see README)'),
  timeLimitMs: z.number().int().min(1).default(50).describe('sandbox wall-clock limit per reward call'),
  memoryMb: z.number().int().min(1).default(8).describe('sandbox memory limit'),
});
export type Config = z.infer<typeof schema>;

async function run(config: Config, ctx: LeafContext) {
  const ppo: Partial<PpoConfig> = { totalTimesteps: config.ppoSteps, nEnvs: 4, nSteps: 128, learningRate: config.learningRate, hidden: [32, 32] };
  const limits = { timeLimitMs: config.timeLimitMs, memoryBytes: config.memoryMb * 1024 * 1024 };
  const lm = await loadLanguageModel(ctx.model);
  requireRole(lm, { flag: '--model', role: `Eureka's reward writer${config.tokenMask ? ' with --token-mask true' : ''}`, needs: ['generate', 'logProb', ...(config.tokenMask ? (['allow'] as const) : [])], minContext: 128 });
  // One writer per search variant (they share the model), so its decoding counters are per variant.
  const writers = new Map<string, LmRewardWriter>();
  const writerFor = (name: string) => writers.get(name) ?? writers.set(name, new LmRewardWriter(lm, { tokenMask: config.tokenMask })).get(name)!;
  const context = envContext(lm.info.contextLength);
  const rewardFile = ctx.extra['reward-file'];
  if (rewardFile !== undefined && (rewardFile === 'true' || !existsSync(rewardFile)))
    throw new UserError(`--reward-file: "${rewardFile}" is not a file. Fix: pass the path of a .js file holding \`function reward(obs, action) { ... }\`.`);
  const userReward = rewardFile ? readFileSync(rewardFile, 'utf8') : null;

  const searches: [string, { reflection: boolean; evolution: boolean; init?: string }][] = [['eureka', { reflection: true, evolution: true }]];
  if (config.ablations) searches.push(['eureka-no-reflection', { reflection: false, evolution: true }], ['eureka-no-evolution', { reflection: true, evolution: false }]);
  if (config.humanInit) searches.push(['eureka-human-init', { reflection: true, evolution: true, init: HUMAN_REWARD }]);
  const fixed: [string, string][] = [['sparse', SPARSE_REWARD], ['human', HUMAN_REWARD]];
  if (userReward) fixed.push(['user-reward', userReward]);

  const perSeed: Record<string, number[]> = {};
  const push = (k: string, v: number) => (perSeed[k] ??= []).push(v);
  const results: Record<string, SearchResult[]> = {};
  const finalScore = async (source: string, seed: number) => {
    // The final runs: fresh PPO seeds shared by every variant on this seed; the seed's value is their mean.
    try {
      const fs: number[] = [];
      for (let r = 0; r < config.finalRuns; r++) fs.push((await trainAndScore(source, ppo, { seed: seed * 31 + 999_983 + r * 7_777, evalEpisodes: config.evalEpisodes, limits })).fitness);
      return mean(fs);
    } catch (e) {
      if (e instanceof CandidateFailure && source === userReward) throw new UserError(`--reward-file: ${e.message}`);
      throw e;
    }
  };
  for (const seed of ctx.seeds) {
    for (const [name, src] of fixed) {
      const f = await finalScore(src, seed);
      push(name, f);
      ctx.log.log('fixed', { seed, variant: name, fitness: f });
    }
    for (const [name, opts] of searches) {
      const total = config.iterations * config.samples + (opts.init ? 1 : 0); // + final selection's re-runs (not counted)
      const bar = ctx.progress(`seed ${seed}: ${name}`, total);
      let done = 0;
      const res = await eurekaSearch(writerFor(name), context, { ...opts, iterations: config.iterations, samples: config.samples, restartShare: config.restartShare, finalists: config.finalists, rescoreRuns: config.rescoreRuns, ppo, evalEpisodes: config.evalEpisodes, limits }, seed, (c) => {
        ctx.log.log('candidate', { seed, variant: name, iteration: c.iteration, origin: c.origin, ran: c.ran, error: c.error, fitness: c.fitness, source: c.source });
        bar.update(++done, c.ran ? `fitness ${c.fitness.toFixed(2)}` : 'did not run');
      });
      bar.finish();
      (results[name] ??= []).push(res);
      // If no candidate ran, Eureka has no reward of its own: it falls back to the task's sparse reward.
      push(name, res.best ? await finalScore(res.best.source, seed) : perSeed['sparse']!.at(-1)!);
    }
  }

  const variants = Object.fromEntries(Object.entries(perSeed).map(([k, v]) => [k, variantResult(v)]));
  const curves: Curve[] = Object.entries(results).map(([name, rs]) => {
    const x = Array.from({ length: config.iterations }, (_, i) => i + 1);
    const stats = x.map((_, i) => summarize(rs.map((r) => r.bestPerIteration[i]!)));
    return { variant: name, x, y: stats.map((s) => s.mean), lo: stats.map((s) => s.ci95[0]), hi: stats.map((s) => s.ci95[1]), xLabel: 'Eureka iteration', yLabel: 'best fitness so far (success rate, search run)', title: 'Eureka search: best fitness per iteration' };
  });
  const searchExtra = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => {
      // Generated candidates only (a human initialization is not the LM's code).
      const all = rs.flatMap((r) => r.candidates.filter((c) => c.origin !== 'fixed'));
      const bestOverall = rs.map((r) => r.best).filter((b) => b !== null).sort((a, b) => b.fitness - a.fitness)[0] ?? null;
      return [
        name,
        {
          candidates: all.length,
          shareDidNotRun: all.length ? all.filter((c) => !c.ran).length / all.length : 0,
          shareRanPerIteration: Array.from({ length: Math.max(...rs.map((r) => r.ranPerIteration.length)) }, (_, i) => mean(rs.map((r) => r.ranPerIteration[i] ?? NaN).filter((v) => !Number.isNaN(v)))),
          seedsWithNoRunningCandidate: rs.filter((r) => r.best === null).length,
          seedsWhereBestIsTheInitialization: rs.filter((r) => r.best?.origin === 'fixed').length,
          topErrors: topErrors(all.map((c) => c.error).filter((e): e is string => !!e)),
          bestSourcePerSeed: rs.map((r) => r.best?.source ?? null),
          bestSearchFitnessPerSeed: rs.map((r) => r.best?.fitness ?? null),
          finalistsPerSeed: rs.map((r) => r.finalists.map((f) => ({ runs: f.runs, mean: f.mean, source: f.source }))),
          bestReward: bestOverall ? { source: bestOverall.source, searchFitness: bestOverall.fitness, components: bestOverall.stats?.components } : null,
          reflectionsSeed1: rs[0]?.reflections ?? [],
          decoding: writers.get(name)?.stats ?? null,
        },
      ];
    }),
  );
  return {
    model: lm.info.name,
    variants,
    curves,
    extra: {
      search: searchExtra,
      shareDidNotRun: searchExtra['eureka']?.shareDidNotRun ?? null,
      bestRewardSource: searchExtra['eureka']?.bestReward?.source ?? null,
      humanReward: HUMAN_REWARD,
      sparseReward: SPARSE_REWARD,
      promptContext: context,
      note: `Final fitness = success rate of the PPO policy (sampled actions, ${config.evalEpisodes} episodes), mean over ${config.finalRuns} fresh training run(s) per variant and seed; a search with no running candidate falls back to the sparse reward.`,
    },
  };
}

function topErrors(errors: string[]): { error: string; count: number }[] {
  const m = new Map<string, number>();
  for (const e of errors) {
    const k = e.replace(/'[^']*'/g, "'…'").slice(0, 90);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([error, count]) => ({ error, count }));
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'eureka-tiny',
    taxonomy: 'LLM4RL / reward',
    paper: 'Ma et al. 2023 (Eureka)',
    description: 'Eureka on a key-door gridworld: LLM-written reward code in a QuickJS sandbox, evolutionary search, reward reflection',
    metric: { name: 'task fitness (success rate)', higherIsBetter: true },
    method: 'eureka',
    // Eureka writes rewards with a coding LLM: the code model (tiny-gpt trained further on code).
    defaultModel: 'rlllm/tiny-coder',
  },
  schema,
  presets: {
    quick: { iterations: 2, samples: 3, ppoSteps: 4096, evalEpisodes: 30, ablations: false, humanInit: false },
    full: { iterations: 3, samples: 4, ppoSteps: 16384, evalEpisodes: 200, finalRuns: 3, finalists: 3, ablations: true, humanInit: false },
  },
  extraFlags: { '--reward-file': 'PATH.js: also train and score your own `function reward(obs, action)` through the same sandbox (variant "user-reward")' },
  run,
};
