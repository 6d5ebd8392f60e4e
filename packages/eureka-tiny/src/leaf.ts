/**
 * The eureka-tiny leaf: the variants and what each measures on one seed — the task fitness (success
 * rate) of PPO trained on a reward: the task's sparse reward, a human-written shaped one, and the one
 * Eureka's search finds (with its ablations). Every reward runs in the QuickJS sandbox; the final
 * number comes from fresh PPO runs (eureka.ts §4), not from the search's own scores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { JobPool, loadModelFor, poolSize, UserError, type Leaf, type RoleNeeds, type SeedContext, type Variant } from '@rlllm/core';
import { envContext, eurekaSearch, EurekaConfig, finalFitness, HUMAN_REWARD, SPARSE_REWARD, TASKS, trainingOf, type SearchResult, type Trainer } from './eureka.ts';
import { CandidateFailure, TRAIN_JOB } from './train.ts';
import { LmRewardWriter } from './writer.ts';

export const schema = EurekaConfig;
export type Config = EurekaConfig;

/** What Eureka's reward writer needs from --model (the token mask needs the whole next-token distribution). */
const writerRole = (c: Config): RoleNeeds => ({ flag: '--model', role: `Eureka's reward writer${c.tokenMask ? ' with --token-mask true' : ''}`, needs: ['generate', 'logProb', ...(c.tokenMask ? (['allow'] as const) : [])], minContext: 128 });

/**
 * Where PPO trainings run: a pool of worker processes, one per process of this leaf's run (its size
 * is `trainProcesses`, or the cores the seed workers leave: core's poolSize). Its jobs draw their seeds
 * from named streams and come back in job order, so no number depends on the pool's size.
 */
const trainerOf = async (config: Config, ctx: SeedContext): Promise<Trainer> => {
  const pool = await ctx.shared('train pool', () => new JobPool(TRAIN_JOB, config.trainProcesses || poolSize()));
  return (jobs) => pool.map(jobs);
};

/** The final fitness of a reward on this seed, computed once per distinct source (variants share it). */
const fitnessOf = (source: string, seed: number, config: Config, ctx: SeedContext) => ctx.stage(`final:${source}`, async () => finalFitness(source, config, ctx.rng('final'), await trainerOf(config, ctx)));

/** A fixed reward: its final fitness. */
const fixed = (name: string, role: Variant<Config>['role'], about: string, source: (ctx: SeedContext) => string): Variant<Config> => ({
  name,
  role,
  about,
  run: async (seed, config, ctx) => {
    const f = await fitnessOf(source(ctx), seed, config, ctx);
    ctx.log.log('fixed', { seed, variant: name, fitness: f });
    return { metric: f };
  },
});

/** One Eureka search on this seed, then its best reward's final fitness (the sparse reward's if nothing ran). */
function search(name: string, role: Variant<Config>['role'], about: string, opts: { reflection: boolean; evolution: boolean; init?: string }): Variant<Config> {
  return {
    name,
    role,
    about,
    run: async (seed, config, ctx) => {
      const lm = await ctx.shared('lm', () => loadModelFor(ctx.model, writerRole(config)));
      const writer = new LmRewardWriter(lm, { temperature: config.temperature, topK: config.topK, maxLines: config.maxLines, tries: config.lineTries, codeTries: config.codeTries, returnTries: config.returnTries, lineTokens: config.lineTokens, tokenMask: config.tokenMask });
      const context = envContext(lm.info.contextLength, TASKS[config.task].layout);
      const bar = ctx.progress(name, config.iterations * config.samples + (opts.init ? 1 : 0));
      let done = 0;
      const search = { ...opts, iterations: config.iterations, samples: config.samples, restartShare: config.restartShare, runs: config.searchRuns, finalists: config.finalists, rescoreRuns: config.rescoreRuns, training: trainingOf(config), train: await trainerOf(config, ctx) };
      const res: SearchResult = await eurekaSearch(writer, context, search, ctx.rng('search'), (c) => {
        ctx.log.log('candidate', { seed, variant: name, iteration: c.iteration, origin: c.origin, ran: c.ran, error: c.error, fitness: c.fitness, runs: c.runs, source: c.source });
        bar.update(++done, c.ran ? `fitness ${c.fitness.toFixed(2)}` : 'did not run');
      });
      bar.finish();
      // If no candidate ran, Eureka has no reward of its own: it falls back to the task's sparse reward.
      const metric = await fitnessOf(res.best?.source ?? SPARSE_REWARD, seed, config, ctx);
      // Generated candidates only (a human initialization is not the LM's code).
      const generated = res.candidates.filter((c) => c.origin !== 'fixed');
      const { reasons, ...counters } = writer.stats;
      return {
        metric,
        stats: {
          shareDidNotRun: generated.length ? generated.filter((c) => !c.ran).length / generated.length : 0,
          shareRanPerIteration: Object.fromEntries(res.ranPerIteration.map((r, i) => [String(i + 1), r])),
          bestSearchFitness: res.best?.fitness ?? NaN,
          noRunningCandidate: res.best === null ? 1 : 0,
          bestIsTheInitialization: res.best?.origin === 'fixed' ? 1 : 0,
          decoding: { ...counters, reasons },
        },
        curves: [{ title: 'Eureka search: best fitness per iteration', x: res.bestPerIteration.map((_, i) => i + 1), y: res.bestPerIteration, xLabel: 'Eureka iteration', yLabel: 'best fitness so far (success rate, search run)' }],
        details: {
          candidates: generated.length,
          topErrors: topErrors(generated.map((c) => c.error).filter((e): e is string => !!e)),
          bestSource: res.best?.source ?? null,
          bestComponents: res.best?.stats?.components ?? null,
          bestRuns: res.best?.runs ?? null,
          finalists: res.finalists.map((f) => ({ runs: f.runs, mean: f.mean, source: f.source })),
          reflections: res.reflections,
          promptContext: context,
        },
      };
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

const userReward = (flags: Record<string, string>): string | null => {
  const file = flags['reward-file'];
  if (file === undefined) return null;
  if (file === 'true' || !existsSync(file)) throw new UserError(`--reward-file: "${file}" is not a file. Fix: pass the path of a .js file holding \`function reward(obs, action) { ... }\`.`);
  return readFileSync(file, 'utf8');
};

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'eureka-tiny',
    paper: 'Ma et al. 2023 (Eureka)',
    description: 'Eureka on a key-door gridworld: LLM-written reward code in a QuickJS sandbox, evolutionary search, reward reflection',
    metric: { name: 'task fitness (success rate)', higherIsBetter: true },
    // Eureka writes rewards with a coding LLM: the code model (tiny-gpt trained further on code).
    defaultModel: 'rlllm/tiny-coder',
    // One seed at a time by default: each seed's PPO trainings already use the cores (a JobPool of
    // poolSize() processes). With --workers N the seeds run in N processes and each pool shrinks.
    workers: 1,
  },
  module: import.meta.url,
  schema,
  presets: {
    quick: { iterations: 2, samples: 2, searchRuns: 1, ppoTotalSteps: 4096, evalEpisodes: 30, finalRuns: 2, ablations: false, humanInit: false },
    full: { iterations: 3, samples: 3, searchRuns: 2, ppoTotalSteps: 49152, evalEpisodes: 200, finalRuns: 2, finalists: 0, ablations: true, humanInit: false },
  },
  extraFlags: { '--reward-file': 'PATH.js: also train and score your own `function reward(obs, action)` through the same sandbox (variant "user-reward")' },
  variants: (config, flags) => [
    fixed('sparse', 'baseline', 'the task reward: 1 at the goal, else 0', () => SPARSE_REWARD),
    fixed('human', 'baseline', 'a human-written shaped reward (goal and sub-goal bonuses, distance to the next target)', () => HUMAN_REWARD),
    ...(flags['reward-file'] !== undefined
      ? [
          {
            name: 'user-reward',
            role: 'reference',
            about: 'the reward in --reward-file',
            run: async (seed, config, ctx) => {
              try {
                return { metric: await fitnessOf(userReward(ctx.flags)!, seed, config, ctx) };
              } catch (e) {
                if (e instanceof CandidateFailure) throw new UserError(`--reward-file: ${e.message}`);
                throw e;
              }
            },
          } satisfies Variant<Config>,
        ]
      : []),
    search('eureka', 'method', 'LLM-written rewards, evolutionary search with reward reflection (Eureka)', { reflection: true, evolution: true }),
    ...(config.ablations
      ? [
          search('eureka-no-reflection', 'ablation', 'the same search without reward reflection', { reflection: false, evolution: true }),
          search('eureka-no-evolution', 'ablation', 'the same number of samples in one round: no mutation of the best', { reflection: true, evolution: false }),
        ]
      : []),
    ...(config.humanInit ? [search('eureka-human-init', 'reference', 'Eureka starting from the human reward (its first best)', { reflection: true, evolution: true, init: HUMAN_REWARD })] : []),
  ],
  async check(config, ctx) {
    // A missing --reward-file or a model that cannot write rewards fails here, before any training.
    userReward(ctx.flags);
    await loadModelFor(ctx.model, writerRole(config));
  },
};

