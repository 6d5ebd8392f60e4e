/**
 * The saycan-tiny leaf: the variants and what each measures on one seed. A seed trains one skill
 * library (saycan.ts §0, shared by the variants), then every instruction runs with each variant;
 * the metric is execution success, with planning success per family beside it (SayCan Table 1).
 */
import { blockMeans, bootstrapPairedMean, loadModelFor, Rng, type Leaf, type RoleNeeds, type SeedContext, type SeedSummary, type Variant } from '@rlllm/core';
import { kitchenScene } from '@rlllm/env';
import { DEFAULT_INSTRUCTIONS_FILE, defaultInstructions, loadInstructions, type Instruction } from './instructions.ts';
import { evaluate, SayCanConfig, SkillScorer, trainSkillLibrary, type Variant as SayCanVariant } from './saycan.ts';
import { affordance, type TrainedSkill } from './skills.ts';

export const schema = SayCanConfig;
export type Config = SayCanConfig;

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

/** What SayCan's planner needs from --model. */
const PLANNER: RoleNeeds = { flag: '--model', role: "SayCan's planner (skill scoring)", needs: ['logProb'], minContext: 128 };

const instructionsOf = (ctx: Pick<SeedContext, 'flags'>): Instruction[] => (ctx.flags.instructions ? loadInstructions(ctx.flags.instructions) : defaultInstructions());

/** The seed's skill library (§0), trained once and shared by the variants; its learning curves and affordance probes are recorded. */
function skillsOf(seed: number, config: Config, ctx: SeedContext): Promise<TrainedSkill[]> {
  return ctx.stage('skills', () => {
    const bar = ctx.progress('train skills', 1);
    const skills = trainSkillLibrary(config, ctx.rng('skills'), (i, n) => bar.update(i / n));
    bar.finish(`${skills.length} skills`);
    const BLOCKS = 20;
    const kinds = [...new Set(skills.filter((s) => s.spec.kind !== 'done').map((s) => s.spec.kind))];
    const x = Array.from({ length: BLOCKS }, (_, b) => Math.round(((b + 1) * config.skillEpisodes) / BLOCKS));
    const curves = kinds.map((kind) => {
      const rows = skills.filter((s) => s.spec.kind === kind).map((s) => blockMeans(s.successes, BLOCKS).y);
      return { variant: `skill: ${kind}`, title: 'Skill training (tabular Q-learning)', x, y: x.map((_, b) => rows.reduce((a, r) => a + r[b]!, 0) / rows.length), xLabel: 'training episodes per skill', yLabel: 'skill success rate (ε-greedy, random starts)' };
    });
    const probes = affordanceProbes(skills);
    ctx.record({ curves, stats: { affordanceProbes: Object.fromEntries(probes.map((p) => [`${p.skill} @ ${p.state}`, p.affordance])) }, details: { affordanceProbes: probes.map(({ state, skill, feasible }) => ({ state, skill, feasible })) } });
    return skills;
  });
}

/** One variant on one seed: every instruction, `rollouts` times (SayCan Algorithm 1, then Table 1's numbers). */
async function measure(variant: SayCanVariant, seed: number, config: Config, ctx: SeedContext) {
  const skills = await skillsOf(seed, config, ctx);
  const instructions = instructionsOf(ctx);
  // Scores are a pure function of the prompt, so every seed in this process shares one cache.
  const scorer = await ctx.shared('scorer', async () => new SkillScorer(await loadModelFor(ctx.model, PLANNER), skills.map((s) => s.spec.text)));
  const bar = ctx.progress(variant, instructions.length * config.rollouts);
  let done = 0;
  const ev = await evaluate(instructions, {
    skills,
    scorer,
    variant,
    maxSteps: config.maxSteps,
    fewShot: config.fewShot,
    slip: config.slip,
    rollouts: config.rollouts,
    rng: ctx.rng('episodes'),
    onEpisode: (ep, r) => {
      ctx.log.log('episode', { seed, variant, id: ep.id, rollout: r, planning: ep.planning, execution: ep.execution, skills: ep.steps.map((s) => s.skill) });
      bar.update(++done, `${variant} ${ep.id}`);
    },
  });
  bar.finish();
  const x = Array.from({ length: config.maxSteps }, (_, k) => k + 1);
  const firstRollout = ev.episodes.filter((_, k) => k % config.rollouts === 0);
  return {
    metric: ev.execution,
    stats: { planning: ev.planning, perFamily: ev.perFamily, perInstruction: ev.perInstruction },
    curves: [{ title: 'Execution success vs skill budget', x, y: ev.successWithinBudget, xLabel: 'skill budget (steps)', yLabel: 'execution success rate' }],
    details: { traces: Object.fromEntries(firstRollout.map((e) => [e.id, e.steps.map((s) => `${s.skill}${s.executed ? '' : ' (failed)'} [p_LLM ${s.pLlm.toFixed(3)}, aff ${s.affordance.toFixed(2)}]`)])) },
  };
}

const variant = (name: SayCanVariant, role: Variant<Config>['role'], about: string): Variant<Config> => ({ name, role, about, run: (seed, config, ctx) => measure(name, seed, config, ctx) });

export const leaf: Leaf<typeof schema> = {
  meta: {
    leaf: 'saycan-tiny',
    paper: 'Ahn et al. 2022 (SayCan)',
    description: 'SayCan in a small kitchen: LLM usefulness × RL affordance, vs LLM-only and affordance-only',
    metric: { name: 'execution success rate', higherIsBetter: true },
  },
  module: import.meta.url,
  schema,
  presets: {
    quick: { skillEpisodes: 1500, rollouts: 1 },
    full: { skillEpisodes: 4000, rollouts: 3 },
  },
  extraFlags: { '--instructions': 'FILE.json: run your own instructions (format: packages/saycan-tiny/instructions.json)' },
  variants: () => [
    variant('saycan', 'method', 'p_LLM(skill | instruction, steps so far) × affordance V(s): the paper\'s method'),
    variant('llm-only', 'ablation', 'p_LLM alone, no value function (the paper\'s "No VF")'),
    variant('affordance-only', 'ablation', 'a feasible skill drawn in proportion to its affordance, no LLM'),
  ],
  /**
   * With ~20 instructions and near-deterministic choices, seeds barely vary (zero-width CIs); what
   * decides the comparison is which instructions each variant gets right. So SayCan − each ablation
   * is also bootstrapped over instructions, paired (the per-instruction execution success, mean over
   * seeds and rollouts, resampled with replacement; a fixed stream, so the interval is reproducible).
   */
  finish: (m, config) => {
    const perInstruction = (v: string) => m.variants[v]!.stats!.perInstruction as Record<string, { execution: SeedSummary }>;
    const ids = Object.keys(perInstruction('saycan'));
    const rng = new Rng(0).fork('bootstrap over instructions');
    const vs = (v: string) => bootstrapPairedMean(ids.map((id) => perInstruction('saycan')[id]!.execution.mean), ids.map((id) => perInstruction(v)[id]!.execution.mean), rng, config.bootstrapResamples);
    return { extra: { bootstrapOverInstructions: { measure: 'execution success, SayCan − variant', 'llm-only': vs('llm-only'), 'affordance-only': vs('affordance-only') } } };
  },
  async check(_config, ctx) {
    // A bad --instructions file or a model that cannot plan fails here, before any training.
    instructionsOf(ctx);
    await loadModelFor(ctx.model, PLANNER);
  },
};

export { DEFAULT_INSTRUCTIONS_FILE };
