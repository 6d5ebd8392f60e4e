/**
 * The par-tiny leaf: the variants and what each measures on one seed. A seed pre-trains one actor
 * and trains one reporter (par.ts §1 and §3, shared by the variants), then every variant plays the
 * same held-out rooms (§4); pure RL gets the actor's and reporter's env steps (§5). Inner
 * Monologue's closed vs open loop under disturbances is a second comparison (group
 * "inner-monologue").
 */
import { initTf, loadModelFor, mean, PpoConfig, unprefixed, type Leaf, type RoleNeeds, type SeedContext, type Variant } from '@rlllm/core';
import { trainActor, VERBS, type ActorTraining } from './actor.ts';
import { evaluateRooms, ParConfig, roomsFor, trainReporter, type EpisodeResult } from './par.ts';
import { Planner, type PlannerRepeats } from './planner.ts';
import { trainPureRl } from './pureRl.ts';
import { noisyReporter, oracleReporter, REPORT_KINDS, silentReporter, type Reporter } from './reporter.ts';

export const schema = ParConfig;
export type Config = ParConfig;

/** What PAR's planner needs from --model. */
const PLANNER: RoleNeeds = { flag: '--model', role: "PAR's planner", needs: ['logProb'], minContext: 128 };

const planner = (ctx: SeedContext, repeats: PlannerRepeats) => ctx.shared(`planner:${repeats}`, async () => new Planner(await loadModelFor(ctx.model, PLANNER), { repeats }));

/** §1: the seed's actor, pre-trained on primitive instructions (its curve and greedy success recorded). */
const actorOf = (seed: number, config: Config, ctx: SeedContext): Promise<ActorTraining> =>
  ctx.stage('actor', () => {
    const act = trainActor({ episodes: config.actorEpisodes, learningRate: config.actorLearningRate, gamma: config.actorGamma, epsStart: config.actorEpsStart, epsEnd: config.actorEpsEnd, explorationFraction: config.actorExplorationFraction, horizon: config.actorHorizon }, ctx.rng('actor'));
    const c = blockMeans(act.successes, 20);
    ctx.record({
      curves: [{ variant: 'actor', title: 'Actor pre-training (tabular Q-learning)', x: c.x, y: c.y, xLabel: 'actor training episodes', yLabel: 'primitive success (ε-greedy)' }],
      stats: { actorGreedySuccess: Object.fromEntries(VERBS.map((v) => [v, act.evalSuccess[v]])), envSteps: { actor: act.envSteps } },
    });
    ctx.log.log('actor', { seed, envSteps: act.envSteps, evalSuccess: act.evalSuccess });
    return act;
  });

/** §3: the seed's reporter, trained with the planner (and its repeat rule) in the loop. */
const reporterOf = (seed: number, config: Config, ctx: SeedContext, repeats: PlannerRepeats = config.plannerRepeats) =>
  ctx.stage(`reporter ${repeats}`, async () => {
    const act = await actorOf(seed, config, ctx);
    const bar = ctx.progress(`train reporter (repeats ${repeats})`, config.reporterEpisodes);
    const rep = await trainReporter({ actor: act.actor, planner: await planner(ctx, repeats), rooms: roomsFor(ctx.rng('train rooms'), config.trainRooms), episodes: config.reporterEpisodes, learningRate: config.reporterLearningRate, rng: ctx.rng('reporter'), maxTurns: config.maxTurns, onEpisode: (i) => bar.update(i) });
    bar.finish(`P(truthful) ${rep.truthful.at(-1)?.toFixed(2) ?? '-'}`);
    const policy = Object.fromEntries(['saw good', 'saw bad'].map((st, k) => [st, Object.fromEntries(REPORT_KINDS.map((r, j) => [r, rep.reporter.probs(k)[j]!]))]));
    if (repeats === config.plannerRepeats) ctx.record({ stats: { reporterPolicy: policy, envSteps: { actor: act.envSteps, reporter: rep.envSteps } } });
    ctx.log.log('reporter', { seed, repeats, envSteps: rep.envSteps, finalSuccess: mean(rep.success.slice(-20)), policy });
    return rep;
  });

/** §4: success on the seed's held-out rooms, overall and per task family, and the first episode's transcript. */
async function play(name: string, reporter: Reporter, seed: number, config: Config, ctx: SeedContext, opts: { successFeedback?: boolean; disturbed?: boolean; repeats?: PlannerRepeats } = {}) {
  const act = await actorOf(seed, config, ctx);
  const rooms = roomsFor(ctx.rng('eval rooms'), config.evalRooms);
  const bar = ctx.progress(name, rooms.length);
  const eps: EpisodeResult[] = await evaluateRooms(rooms, {
    actor: act.actor,
    planner: await planner(ctx, opts.repeats ?? config.plannerRepeats),
    reporter,
    rng: ctx.rng('play'), // every variant meets the same env noise
    maxTurns: config.maxTurns,
    successFeedback: opts.successFeedback,
    ...(opts.disturbed ? { failProb: config.failProb, moveProb: config.moveProb } : {}),
    onEpisode: (n) => bar.update(n),
  });
  const rate = (xs: EpisodeResult[]) => mean(xs.map((e) => Number(e.success)));
  bar.finish(`success ${rate(eps).toFixed(2)}`);
  ctx.log.log('eval', { seed, variant: name, success: rate(eps) });
  return {
    metric: rate(eps),
    stats: { perFamily: { search: rate(eps.filter((e) => e.task === 'search')), conditional: rate(eps.filter((e) => e.task === 'conditional')) }, failedPrimitives: mean(eps.map((e) => e.failedPrimitives)) },
    details: { trace: eps[0]!.transcript + ` → ${eps[0]!.success ? 'success' : 'failure'}` },
  };
}

function blockMeans(xs: ArrayLike<number>, blocks: number): { x: number[]; y: number[] } {
  const size = Math.max(1, Math.floor(xs.length / blocks));
  const out = { x: [] as number[], y: [] as number[] };
  for (let b = 0; b * size < xs.length && out.x.length < blocks; b++) {
    out.x.push(Math.min(xs.length, (b + 1) * size));
    out.y.push(mean(Array.from(xs).slice(b * size, (b + 1) * size)));
  }
  return out;
}

/**
 * PAR's comparison under one repeat rule: the trained reporter (the method, with its own reporter
 * trained under that rule), the oracle reporter (upper bound), the untrained reporter and no
 * reports (ablations).
 */
function parGroup(suffix: string, group: string, repeats: PlannerRepeats, curves: boolean): Variant<Config>[] {
  const g = group === 'main' ? {} : { group };
  const rule = repeats === 'after-failure' ? '' : ` (planner repeats: ${repeats})`;
  return [
    {
      name: `par-trained-reporter${suffix}`,
      role: 'method',
      ...g,
      about: `PAR: the reporter trained by RL with the planner in the loop${rule}`,
      run: async (seed, config, ctx) => {
        const rep = await reporterOf(seed, config, ctx, repeats);
        const out = await play(`par-trained-reporter${suffix}`, rep.reporter, seed, config, ctx, { repeats });
        const s = blockMeans(rep.success, 10);
        const t = blockMeans(rep.truthful, 10);
        return {
          ...out,
          curves: curves && config.reporterEpisodes > 0 ? [
            { title: 'Reporter training (REINFORCE, planner in the loop)', x: s.x, y: s.y, xLabel: 'reporter training episodes', yLabel: 'task success (sampled reports)' },
            { title: 'Reporter training: truthfulness', x: t.x, y: t.y, xLabel: 'reporter training episodes', yLabel: 'P(truthful-relevant report)' },
          ] : [],
        };
      },
    },
    { name: `par-oracle-reporter${suffix}`, role: 'upper-bound', ...g, about: `a hand-written reporter that always tells the truth that matters${rule}`, run: (seed, config, ctx) => play(`par-oracle-reporter${suffix}`, oracleReporter, seed, config, ctx, { repeats }) },
    { name: `par-noisy-reporter${suffix}`, role: 'ablation', ...g, about: `the untrained reporter (uniform over its four reports)${rule}`, run: (seed, config, ctx) => play(`par-noisy-reporter${suffix}`, noisyReporter(), seed, config, ctx, { repeats }) },
    { name: `par-open-loop${suffix}`, role: 'ablation', ...g, about: `no reports: the planner hears nothing back${rule}`, run: (seed, config, ctx) => play(`par-open-loop${suffix}`, silentReporter, seed, config, ctx, { repeats }) },
  ];
}

/** Inner Monologue's comparison under disturbances, the same repeat rule in both loops. */
function imGroup(suffix: string, group: string, repeats: PlannerRepeats): Variant<Config>[] {
  const rule = ` (planner repeats: ${repeats})`;
  return [
    { name: `im-closed-loop${suffix}`, role: 'method', group, about: `Inner Monologue: success detection ("Success: no.") in the prompt, under disturbances${rule}`, run: (seed, config, ctx) => play(`im-closed-loop${suffix}`, oracleReporter, seed, config, ctx, { successFeedback: true, disturbed: true, repeats }) },
    { name: `im-open-loop${suffix}`, role: 'ablation', group, about: `the same under disturbances, without success detection${rule}`, run: (seed, config, ctx) => play(`im-open-loop${suffix}`, oracleReporter, seed, config, ctx, { successFeedback: false, disturbed: true, repeats }) },
  ];
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'par-tiny',
    paper: 'Dasgupta et al. 2023 (Planner-Actor-Reporter); Huang et al. 2022 (Inner Monologue)',
    description: 'Planner-Actor-Reporter in a secret-property grid: LLM planner, RL actor, RL-trained reporter; plus Inner Monologue under disturbances',
    metric: { name: 'task success rate', higherIsBetter: true },
  },
  module: import.meta.url,
  schema,
  presets: {
    quick: { actorEpisodes: 6000, reporterEpisodes: 300, evalRooms: 24, trainRooms: 40 },
    full: { actorEpisodes: 10000, reporterEpisodes: 300, evalRooms: 60, trainRooms: 40, ruleAblation: true },
  },
  async check(_config, ctx) {
    await loadModelFor(ctx.model, PLANNER); // a model that cannot plan fails here, before any training
  },
  variants: (config) => [
    ...parGroup('', 'main', config.plannerRepeats, true),
    {
      name: 'pure-rl',
      role: 'baseline',
      about: 'PPO on the whole task with the actor + reporter env-step budget, no LLM',
      run: async (seed, config, ctx) => {
        await initTf();
        const act = await actorOf(seed, config, ctx);
        const rep = await reporterOf(seed, config, ctx);
        const budget = config.pureRlSteps > 0 ? config.pureRlSteps : act.envSteps + rep.envSteps;
        const rooms = roomsFor(ctx.rng('eval rooms'), config.evalRooms);
        const pr = await trainPureRl(budget, ctx.rng('pure-rl'), rooms, { ...unprefixed('pureRl', PpoConfig.pick({ learningRate: true, entCoef: true, gamma: true, hidden: true, nEnvs: true, nSteps: true }), config), maxSteps: config.pureRlMaxSteps }, ctx.log);
        const rate = (xs: boolean[]) => mean(xs.map(Number));
        ctx.log.log('pure-rl', { seed, envSteps: pr.envSteps, success: rate(pr.successes), seconds: pr.seconds });
        return {
          metric: rate(pr.successes),
          stats: { perFamily: { search: rate(pr.successes.filter((_, i) => rooms[i]!.task.kind === 'search')), conditional: rate(pr.successes.filter((_, i) => rooms[i]!.task.kind === 'conditional')) }, envSteps: pr.envSteps },
          curves: [{ title: 'Pure-RL baseline (PPO on the whole task)', x: pr.curve.x, y: pr.curve.y, xLabel: 'share of the env-step budget', yLabel: 'training task success' }],
        };
      },
    },
    ...imGroup('', 'inner-monologue', config.imPlannerRepeats),
    ...(config.ruleAblation ? [...parGroup('-no-rule', 'par-no-rule', 'always', false), ...imGroup('-after-failure', 'inner-monologue-after-failure', 'after-failure')] : []),
  ],
};
