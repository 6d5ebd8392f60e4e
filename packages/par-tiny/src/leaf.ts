/**
 * The par-tiny leaf, in the order of the paper's method (Dasgupta et al. 2023; taxonomy paper §6.2):
 *   1. pre-train the Actor on primitive instructions (RL, no LLM);
 *   2. train the Reporter with RL, the frozen LLM Planner and the frozen Actor in the loop, rewarded
 *      only by the final task outcome;
 *   3. evaluate on held-out rooms: PAR with the trained reporter vs an oracle (hand-written truthful)
 *      reporter, a noisy (untrained, uniform) reporter, open loop (no reports), and a pure-RL agent
 *      trained on the whole task for the same env-step budget;
 *   4. Inner Monologue (Huang et al. 2022): closed loop (success detection) vs open loop under
 *      disturbances.
 * One seed = one actor, one reporter, one set of training rooms and one set of evaluation rooms; the
 * seed is the unit of the 95% CI.
 */
import { z } from 'zod';
import { Rng, initTf, loadLanguageModel, mean, summarize, variantResult, type Curve, type Leaf, type LeafContext } from '@rlllm/core';
import { requireRole } from '@rlllm/core'; // capability check at load (issue #25)
import { envRandom, sampleParState, type ParState } from '@rlllm/env';
import { trainActor, VERBS, type Actor } from './actor.ts';
import { Planner } from './planner.ts';
import { REPORT_KINDS, SoftmaxReporter, noisyReporter, oracleReporter, reporterReward, silentReporter, type Reporter } from './reporter.ts';
import { runParEpisode, type EpisodeResult } from './par.ts';
import { trainPureRl } from './pureRl.ts';

export const schema = z.object({
  actorEpisodes: z.number().int().min(50).default(3000).describe('Q-learning episodes for the actor (primitive instructions)'),
  actorHorizon: z.number().int().min(4).max(40).default(14).describe('steps a primitive may take'),
  reporterEpisodes: z.number().int().min(0).default(200).describe('REINFORCE episodes for the reporter (planner in the loop)'),
  reporterLr: z.number().positive().default(1).describe('reporter REINFORCE step size'),
  trainRooms: z.number().int().min(1).default(24).describe('rooms the reporter trains in (disjoint from the evaluation rooms)'),
  evalRooms: z.number().int().min(2).default(40).describe('held-out rooms per seed, half search, half conditional'),
  maxTurns: z.number().int().min(1).max(12).default(8).describe('planner instructions per episode'),
  failProb: z.number().min(0).max(1).default(0.3).describe('Inner Monologue disturbance: examine / pick-up fails'),
  moveProb: z.number().min(0).max(1).default(0.1).describe('Inner Monologue disturbance: the object rolls away'),
  pureRlSteps: z.number().int().min(0).default(0).describe('env steps for the pure-RL baseline (0 = the actor + reporter budget)'),
  noRepeatAblation: z.boolean().default(false).describe('also run the oracle reporter without the planner\'s no-repeat rule'),
});
export type Config = z.infer<typeof schema>;

export const VARIANTS = ['par-trained-reporter', 'par-oracle-reporter', 'par-noisy-reporter', 'par-open-loop', 'pure-rl', 'im-closed-loop', 'im-open-loop'] as const;
export type Variant = (typeof VARIANTS)[number];

/** Rooms for one seed: a training pool and a disjoint evaluation set (separate generator streams). */
export function roomsFor(seed: number, n: number, split: 'train' | 'eval'): ParState[] {
  const base = seed * 1_000_003 + (split === 'eval' ? 500_000 : 0);
  return Array.from({ length: n }, (_, i) => sampleParState(envRandom(base + i), 5, i % 2 === 0 ? 'search' : 'conditional'));
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

/** Step 2: REINFORCE on the reporter, reward = the task outcome only (Dasgupta et al. §5). */
export async function trainReporter(o: { actor: Actor; planner: Planner; rooms: ParState[]; episodes: number; lr: number; seed: number; maxTurns: number; onEpisode?: (i: number) => void }) {
  const rng = new Rng(o.seed);
  const reporter = new SoftmaxReporter('trained');
  let baseline = 0;
  const success: number[] = [];
  const truthful: number[] = []; // P(truthful-relevant) averaged over the two reporter states, after each episode
  let envSteps = 0;
  for (let ep = 0; ep < o.episodes; ep++) {
    const room = o.rooms[rng.int(o.rooms.length)]!;
    const r = await runParEpisode(room, { actor: o.actor, planner: o.planner, reporter, rng, maxTurns: o.maxTurns });
    const G = reporterReward(r);
    reporter.update(r.reports, G, baseline, o.lr);
    baseline += 0.1 * (G - baseline);
    envSteps += r.envSteps;
    success.push(G);
    truthful.push((reporter.probs(0)[0]! + reporter.probs(1)[0]!) / 2);
    o.onEpisode?.(ep + 1);
  }
  reporter.greedy = true;
  return { reporter, success, truthful, envSteps };
}

async function run(config: Config, ctx: LeafContext) {
  const lm = await loadLanguageModel(ctx.model);
  requireRole(lm, { flag: '--model', role: "PAR's planner", needs: ['logProb'], minContext: 128 });
  await initTf();
  const planner = new Planner(lm, { noRepeat: true });
  const plannerRepeat = new Planner(lm, { noRepeat: false });
  const perSeed: Record<string, number[]> = {};
  const perFamily: Record<string, Record<'search' | 'conditional', number[]>> = {};
  const actorCurves: number[][] = [];
  const reporterCurves: number[][] = [];
  const truthfulCurves: number[][] = [];
  const pureRlCurves: { x: number[]; y: number[] }[] = [];
  const actorEval: Record<string, number>[] = [];
  const reporterPolicies: Record<string, Record<string, number>>[] = [];
  const budgets: { actor: number; reporter: number; pureRl: number }[] = [];
  const traces: Record<string, string> = {};
  const imFailures: Record<string, number[]> = { 'im-closed-loop': [], 'im-open-loop': [] };
  const add = (v: string, eps: EpisodeResult[] | boolean[], rooms: ParState[]) => {
    const ok = eps.map((e) => (typeof e === 'boolean' ? e : e.success));
    (perSeed[v] ??= []).push(mean(ok.map(Number)));
    const fam = (perFamily[v] ??= { search: [], conditional: [] });
    for (const k of ['search', 'conditional'] as const) fam[k].push(mean(ok.filter((_, i) => rooms[i]!.task.kind === k).map(Number)));
  };

  for (const seed of ctx.seeds) {
    // ── 1. Actor: RL on primitive instructions, before and independent of the planner ─────────
    const t0 = performance.now();
    const act = trainActor({ episodes: config.actorEpisodes, alpha: 0.5, gamma: 0.95, epsStart: 1, epsEnd: 0.05, horizon: config.actorHorizon }, seed);
    actorCurves.push(blockMeans(act.successes, 20).y);
    actorEval.push(act.evalSuccess);
    ctx.log.log('actor', { seed, envSteps: act.envSteps, evalSuccess: act.evalSuccess, seconds: (performance.now() - t0) / 1000 });

    // ── 2. Reporter: RL with the LLM planner in the loop, reward = task outcome ──────────────
    const trainRooms = roomsFor(seed, config.trainRooms, 'train');
    const evalRooms = roomsFor(seed, config.evalRooms, 'eval');
    const bar = ctx.progress(`seed ${seed}: train reporter`, config.reporterEpisodes);
    const rep = await trainReporter({ actor: act.actor, planner, rooms: trainRooms, episodes: config.reporterEpisodes, lr: config.reporterLr, seed: seed * 31 + 7, maxTurns: config.maxTurns, onEpisode: (i) => bar.update(i) });
    bar.finish(`P(truthful) ${rep.truthful.at(-1)?.toFixed(2) ?? '-'}`);
    reporterCurves.push(blockMeans(rep.success, 10).y);
    truthfulCurves.push(blockMeans(rep.truthful, 10).y);
    reporterPolicies.push(Object.fromEntries(['saw good', 'saw bad'].map((s, k) => [s, Object.fromEntries(REPORT_KINDS.map((r, j) => [r, rep.reporter.probs(k)[j]!]))])));
    ctx.log.log('reporter', { seed, envSteps: rep.envSteps, finalSuccess: mean(rep.success.slice(-20)), policy: reporterPolicies.at(-1) });

    // ── 3. Evaluate PAR variants on held-out rooms (the same rooms and env seeds for every variant) ──
    const evalVariant = async (name: string, reporter: Reporter, extra: { successFeedback?: boolean; failProb?: number; moveProb?: number; planner?: Planner } = {}) => {
      const rng = new Rng(seed * 104_729 + 13);
      const eps: EpisodeResult[] = [];
      const pb = ctx.progress(`seed ${seed}: ${name}`, evalRooms.length);
      for (const room of evalRooms) {
        eps.push(await runParEpisode(room, { actor: act.actor, planner: extra.planner ?? planner, reporter, rng, maxTurns: config.maxTurns, ...extra }));
        pb.update(eps.length);
      }
      pb.finish(`success ${mean(eps.map((e) => Number(e.success))).toFixed(2)}`);
      ctx.log.log('eval', { seed, variant: name, success: mean(eps.map((e) => Number(e.success))) });
      if (seed === ctx.seeds[0]) traces[name] = eps[0]!.transcript + ` → ${eps[0]!.success ? 'success' : 'failure'}`;
      add(name, eps, evalRooms);
      return eps;
    };
    await evalVariant('par-trained-reporter', rep.reporter);
    await evalVariant('par-oracle-reporter', oracleReporter);
    await evalVariant('par-noisy-reporter', noisyReporter());
    await evalVariant('par-open-loop', silentReporter);
    // ── 4. Inner Monologue: success detection under disturbance, closed vs open loop ──────────
    const dist = { failProb: config.failProb, moveProb: config.moveProb };
    const closed = await evalVariant('im-closed-loop', oracleReporter, { ...dist, successFeedback: true });
    const open = await evalVariant('im-open-loop', oracleReporter, { ...dist, successFeedback: false });
    imFailures['im-closed-loop']!.push(mean(closed.map((e) => e.failedPrimitives)));
    imFailures['im-open-loop']!.push(mean(open.map((e) => e.failedPrimitives)));
    if (config.noRepeatAblation) await evalVariant('par-oracle-reporter-repeat-allowed', oracleReporter, { planner: plannerRepeat });

    // ── 5. Pure RL on the whole task, same env-step budget ────────────────────────────────────
    const budget = config.pureRlSteps > 0 ? config.pureRlSteps : act.envSteps + rep.envSteps;
    const pr = await trainPureRl(budget, seed, evalRooms, ctx.log);
    pureRlCurves.push(pr.curve);
    budgets.push({ actor: act.envSteps, reporter: rep.envSteps, pureRl: pr.envSteps });
    add('pure-rl', pr.successes, evalRooms);
    ctx.log.log('pure-rl', { seed, envSteps: pr.envSteps, success: mean(pr.successes.map(Number)), seconds: pr.seconds });
  }

  // ── Aggregate: per seed, success over the evaluation rooms ─────────────────────────────────
  const variants = Object.fromEntries(VARIANTS.map((v) => [v, variantResult(perSeed[v]!)]));
  const family = Object.fromEntries(
    Object.entries(perFamily).map(([v, f]) => [v, { search: summarize(f.search), conditional: summarize(f.conditional) }]),
  );
  const avgRows = (rows: number[][]) => rows[0]!.map((_, k) => summarize(rows.map((r) => r[k]!)));
  const curve = (variant: string, rows: number[][], x: number[], xLabel: string, yLabel: string, title: string): Curve => {
    const s = avgRows(rows);
    return { variant, x, y: s.map((v) => v.mean), lo: s.map((v) => v.ci95[0]), hi: s.map((v) => v.ci95[1]), xLabel, yLabel, title };
  };
  const blockX = (n: number, blocks: number) => blockMeans(new Array(n).fill(0), blocks).x;
  const curves: Curve[] = [
    curve('actor', actorCurves, blockX(config.actorEpisodes, 20), 'actor training episodes', 'primitive success (ε-greedy)', 'Actor pre-training (tabular Q-learning)'),
  ];
  if (config.reporterEpisodes > 0) {
    curves.push(curve('par-trained-reporter', reporterCurves, blockX(config.reporterEpisodes, 10), 'reporter training episodes', 'task success (sampled reports)', 'Reporter training (REINFORCE, planner in the loop)'));
    curves.push(curve('reporter P(truthful-relevant)', truthfulCurves, blockX(config.reporterEpisodes, 10), 'reporter training episodes', 'P(truthful-relevant report)', 'Reporter training: truthfulness'));
  }
  const prLen = Math.min(...pureRlCurves.map((c) => c.y.length));
  if (prLen > 0) curves.push(curve('pure-rl', pureRlCurves.map((c) => c.y.slice(0, prLen)), pureRlCurves[0]!.x.slice(0, prLen), 'env steps', 'training task success', 'Pure-RL baseline (PPO on the whole task)'));

  return {
    model: lm.info.name,
    variants,
    curves,
    extra: {
      perFamily: family,
      ...(config.noRepeatAblation ? { oracleRepeatAllowed: variantResult(perSeed['par-oracle-reporter-repeat-allowed']!) } : {}),
      reporterPolicy: reporterPolicies,
      actorGreedySuccess: Object.fromEntries(VERBS.map((v) => [v, summarize(actorEval.map((e) => e[v]!))])),
      imFailedPrimitivesPerEpisode: Object.fromEntries(Object.entries(imFailures).map(([k, v]) => [k, mean(v)])),
      disturbance: { failProb: config.failProb, moveProb: config.moveProb },
      envStepBudgets: budgets,
      evalRoomsPerSeed: config.evalRooms,
      plannerLlmCalls: planner.calls + plannerRepeat.calls,
      plannerCacheHits: planner.cacheHits + plannerRepeat.cacheHits,
      traces,
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'par-tiny',
    taxonomy: 'RL+LLM / with language feedback',
    paper: 'Dasgupta et al. 2023 (Planner-Actor-Reporter); Huang et al. 2022 (Inner Monologue)',
    description: 'Planner-Actor-Reporter in a secret-property grid: LLM planner, RL actor, RL-trained reporter; plus Inner Monologue under disturbances',
    metric: { name: 'task success rate', higherIsBetter: true },
    method: 'par-trained-reporter',
  },
  schema,
  presets: {
    quick: { actorEpisodes: 6000, reporterEpisodes: 300, evalRooms: 24, trainRooms: 40 },
    full: { actorEpisodes: 10000, reporterEpisodes: 300, evalRooms: 60, trainRooms: 40, noRepeatAblation: true },
  },
  run,
};
