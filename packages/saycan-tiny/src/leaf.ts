/**
 * The saycan-tiny leaf: train the skill library with RL (one seed = one library), then run every
 * instruction with SayCan and its ablations, and report execution success (the headline metric) and
 * planning success, overall and per instruction family (SayCan Table 1's layout).
 */
import { z } from 'zod';
import { loadLanguageModel, mean, summarize, variantResult, type Curve, type Leaf, type LeafContext } from '@rlllm/core';
import { requireRole } from '@rlllm/core'; // capability check at load (issue #25)
import { kitchenScene } from '@rlllm/env';
import { affordance, trainSkills, type QLearningConfig, type TrainedSkill } from './skills.ts';
import { defaultInstructions, loadInstructions, DEFAULT_INSTRUCTIONS_FILE, type Instruction } from './instructions.ts';
import { runEpisode, SkillScorer, successWithin, VARIANTS, type EpisodeResult, type Variant } from './saycan.ts';

export const schema = z.object({
  skillEpisodes: z.number().int().min(10).default(3000).describe('Q-learning episodes per skill'),
  gamma: z.number().gt(0).max(1).default(0.99).describe('discount of the skill value functions (≈1 so V ≈ P(success))'),
  epsStart: z.number().min(0).max(1).default(1).describe('ε-greedy exploration at the start of skill training'),
  epsEnd: z.number().min(0).max(1).default(0.05).describe('ε at the end of skill training'),
  exploreStart: z.number().min(0).max(1).default(0.5).describe('probability of an exploring start in skill training'),
  slip: z.number().min(0).max(0.5).default(0.1).describe('probability that a move or grasp does nothing'),
  maxSteps: z.number().int().min(1).max(30).default(12).describe('skill steps per instruction before giving up'),
  rollouts: z.number().int().min(1).max(20).default(1).describe('runs of each instruction per seed (env noise)'),
  fewShot: z.number().int().min(0).max(2).default(0).describe('worked examples in the prompt (128-token context; 0 chosen on dev-instructions.json)'),
});
export type Config = z.infer<typeof schema>;

/** Mean skill success over consecutive blocks of training episodes (the RL learning curve). */
function blockMeans(xs: Uint8Array, blocks: number): number[] {
  const size = Math.max(1, Math.floor(xs.length / blocks));
  const out: number[] = [];
  for (let b = 0; b * size < xs.length && out.length < blocks; b++) out.push(mean(Array.from(xs.subarray(b * size, (b + 1) * size))));
  return out;
}

/** A few fixed states where a skill is impossible or possible: what the affordances say about them. */
export function affordanceProbes(skills: TrainedSkill[]): { state: string; skill: string; feasible: boolean; affordance: number }[] {
  const by = (t: string) => skills.find((s) => s.spec.text === t)!;
  const probes: [string, Parameters<typeof kitchenScene>[0], string, boolean][] = [
    ['at the drawer, drawer closed, holding the apple', { robot: 'drawer', holding: 'apple' }, 'pick up the spoon', false],
    ['at the drawer, drawer open, hands empty', { robot: 'drawer', open: ['drawer'] }, 'pick up the spoon', true],
    ['at the counter, holding the apple', { robot: 'counter', holding: 'apple' }, 'pick up the banana', false],
    ['at the counter, hands empty', { robot: 'counter' }, 'pick up the banana', true],
    ['at the counter, coke can in the closed fridge', { robot: 'counter' }, 'find the coke can', false],
    ['at the counter, fridge open', { robot: 'counter', open: ['fridge'] }, 'find the coke can', true],
    ['at the fridge, fridge closed, holding the apple', { robot: 'fridge', holding: 'apple' }, 'put down the apple', false],
    ['at the fridge, fridge open, holding the apple', { robot: 'fridge', holding: 'apple', open: ['fridge'] }, 'put down the apple', true],
    ['at the table, hands empty', { robot: 'table' }, 'bring it to you', false],
    ['at the table, holding the cup', { robot: 'table', holding: 'cup' }, 'bring it to you', true],
    ['at the sink, fridge closed', { robot: 'sink' }, 'open the fridge', false],
    ['at the fridge, fridge closed', { robot: 'fridge' }, 'open the fridge', true],
  ];
  return probes.map(([state, scene, skill, feasible]) => ({ state, skill, feasible, affordance: affordance(by(skill), kitchenScene(scene)) }));
}

async function run(config: Config, ctx: LeafContext) {
  const instructions: Instruction[] = ctx.extra.instructions ? loadInstructions(ctx.extra.instructions) : defaultInstructions();
  const lm = await loadLanguageModel(ctx.model);
  requireRole(lm, { flag: '--model', role: "SayCan's planner (skill scoring)", needs: ['logProb'], minContext: 128 });
  const qcfg: QLearningConfig = { episodes: config.skillEpisodes, gamma: config.gamma, epsStart: config.epsStart, epsEnd: config.epsEnd, exploreStart: config.exploreStart, slip: config.slip };
  let scorer: SkillScorer | null = null;

  const episodes: EpisodeResult[][] = []; // per seed
  const trainCurves = new Map<string, number[][]>(); // skill kind → per seed block means
  const probes: ReturnType<typeof affordanceProbes>[] = [];
  const BLOCKS = 20;
  for (const seed of ctx.seeds) {
    // Skills first, with RL and no LLM (SayCan §4): one library per seed.
    const bar = ctx.progress(`seed ${seed}: train skills`, 1);
    const t0 = performance.now();
    const skills = trainSkills(qcfg, seed, (i, n) => bar.update(i / n));
    bar.finish(`${skills.length} skills in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const byKind = new Map<string, number[][]>();
    for (const s of skills) if (s.spec.kind !== 'done') byKind.set(s.spec.kind, [...(byKind.get(s.spec.kind) ?? []), blockMeans(s.successes, BLOCKS)]);
    for (const [kind, rows] of byKind) {
      const avg = rows[0]!.map((_, b) => mean(rows.map((r) => r[b]!)));
      trainCurves.set(kind, [...(trainCurves.get(kind) ?? []), avg]);
    }
    probes.push(affordanceProbes(skills));
    ctx.log.log('skills', { seed, n: skills.length, seconds: (performance.now() - t0) / 1000 });

    scorer ??= new SkillScorer(lm, skills.map((s) => s.spec.text));
    const runs: EpisodeResult[] = [];
    const total = VARIANTS.length * instructions.length * config.rollouts;
    const pb = ctx.progress(`seed ${seed}: plan + execute`, total);
    for (const variant of VARIANTS) {
      for (const [i, ins] of instructions.entries()) {
        for (let r = 0; r < config.rollouts; r++) {
          const ep = await runEpisode(ins, { skills, scorer, variant, maxSteps: config.maxSteps, fewShot: config.fewShot, slip: config.slip, seed: seed * 1_000_003 + i * 101 + r });
          runs.push(ep);
          ctx.log.log('episode', { seed, variant, id: ins.id, rollout: r, planning: ep.planning, execution: ep.execution, skills: ep.steps.map((s) => s.skill) });
          pb.update(runs.length, `${variant} ${ins.id}`);
        }
      }
    }
    pb.finish();
    episodes.push(runs);
  }

  // ---- Aggregate: per seed, the success rate over all instructions × rollouts (the unit of the CI is the seed).
  const rate = (runs: EpisodeResult[], v: Variant, key: 'planning' | 'execution', family?: string) => {
    const sel = runs.filter((e) => e.variant === v && (family === undefined || e.family === family));
    return sel.length ? mean(sel.map((e) => (e[key] ? 1 : 0))) : NaN;
  };
  const variants = Object.fromEntries(VARIANTS.map((v) => [v, variantResult(episodes.map((runs) => rate(runs, v, 'execution')))]));
  const planning = Object.fromEntries(VARIANTS.map((v) => [v, variantResult(episodes.map((runs) => rate(runs, v, 'planning')))]));
  const families = [...new Set(instructions.map((i) => i.family))];
  const perFamily = Object.fromEntries(
    families.map((f) => [
      f,
      {
        instructions: instructions.filter((i) => i.family === f).length,
        ...Object.fromEntries(
          VARIANTS.map((v) => {
            const pl = summarize(episodes.map((runs) => rate(runs, v, 'planning', f)));
            const ex = summarize(episodes.map((runs) => rate(runs, v, 'execution', f)));
            return [v, { planning: pl.mean, planningCi95: pl.ci95, execution: ex.mean, executionCi95: ex.ci95 }];
          }),
        ),
      },
    ]),
  );
  const perInstruction = Object.fromEntries(
    instructions.map((ins) => [
      ins.id,
      Object.fromEntries(
        VARIANTS.map((v) => {
          const sel = episodes.flat().filter((e) => e.id === ins.id && e.variant === v);
          return [v, { planning: mean(sel.map((e) => (e.planning ? 1 : 0))), execution: mean(sel.map((e) => (e.execution ? 1 : 0))) }];
        }),
      ),
    ]),
  );
  // The first seed's plans, to read what each variant did.
  const traces = Object.fromEntries(
    instructions.map((ins) => [
      ins.id,
      Object.fromEntries(VARIANTS.map((v) => [v, episodes[0]!.find((e) => e.id === ins.id && e.variant === v)!.steps.map((s) => `${s.skill}${s.executed ? '' : ' (failed)'} [p_LLM ${s.pLlm.toFixed(3)}, aff ${s.affordance.toFixed(2)}]`)])),
    ]),
  );
  const probeRows = probes[0]!.map((p, k) => ({ ...p, affordance: mean(probes.map((ps) => ps[k]!.affordance)) }));

  const curves: Curve[] = [];
  for (const [kind, rows] of trainCurves) {
    const x = rows[0]!.map((_, b) => Math.round(((b + 1) * config.skillEpisodes) / BLOCKS));
    const y = rows[0]!.map((_, b) => mean(rows.map((r) => r[b]!)));
    curves.push({ variant: `skill: ${kind}`, x, y, xLabel: 'training episodes per skill', yLabel: 'skill success rate (ε-greedy, random starts)', title: 'Skill training (tabular Q-learning)' });
  }
  for (const v of VARIANTS) {
    const x = Array.from({ length: config.maxSteps }, (_, k) => k + 1);
    const perSeed = episodes.map((runs) => x.map((b) => mean(runs.filter((e) => e.variant === v).map((e) => (successWithin(e, b) ? 1 : 0)))));
    const stats = x.map((_, k) => summarize(perSeed.map((r) => r[k]!)));
    curves.push({ variant: v, x, y: stats.map((s) => s.mean), lo: stats.map((s) => s.ci95[0]), hi: stats.map((s) => s.ci95[1]), xLabel: 'skill budget (steps)', yLabel: 'execution success rate', title: 'Execution success vs skill budget' });
  }

  return {
    model: lm.info.name,
    variants,
    curves,
    extra: {
      planningSuccess: planning,
      perFamily,
      perInstruction,
      affordanceProbes: probeRows,
      traces,
      instructionsFile: ctx.extra.instructions ?? DEFAULT_INSTRUCTIONS_FILE,
      instructions: instructions.length,
      episodesPerVariantPerSeed: instructions.length * config.rollouts,
      llmCalls: scorer?.calls ?? 0,
    },
  };
}

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'saycan-tiny',
    taxonomy: 'RL+LLM / without language feedback',
    paper: 'Ahn et al. 2022 (SayCan)',
    description: 'SayCan in a small kitchen: LLM usefulness × RL affordance, vs LLM-only and affordance-only',
    metric: { name: 'execution success rate', higherIsBetter: true },
    method: 'saycan',
  },
  schema,
  presets: {
    quick: { skillEpisodes: 1500, rollouts: 1 },
    full: { skillEpisodes: 4000, rollouts: 3 },
  },
  extraFlags: { '--instructions': 'FILE.json: run your own instructions (format: packages/saycan-tiny/instructions.json)' },
  run,
};
