/**
 * SayCan — "Do As I Can, Not As I Say" (Ahn et al. 2022), as summarised in the taxonomy paper
 * §6.1/§6.2 (RL+LLM): the LLM says which skill is *useful* for the instruction, the RL value function
 * says which skill *can* succeed from the current state, and the robot runs the skill that maximises
 * the product. This file reads top to bottom like the paper's method section:
 *
 *   0. the skills: a library of short-horizon policies trained with RL, no LLM (skills.ts);
 *   1. the prompt: a dialogue "Human: <instruction> Robot: 1. <skill>, 2. <skill>, ..." after a few
 *      worked examples, with numbered steps (the paper found numbering and varied examples help);
 *   2. task-grounding: p_LLM(ℓ | prompt) for every skill text ℓ, by the LM's log-probability;
 *   3. world-grounding: the affordance p(c_ℓ | s, ℓ) = V^{π_ℓ}(s) of every skill (skills.ts);
 *   4. combined score p_LLM · p_affordance, pick the best skill, run its policy, append its text to the
 *      prompt, repeat until "done" is chosen (or a step cap);
 *   5. the paper's ablations: "No VF" (LLM only, ungrounded) and the affordance alone (no LLM);
 *   6. evaluation: every instruction, planning and execution success (SayCan Table 1's layout).
 */
import { z } from 'zod';
import { mean, Rng, type LanguageModel } from '@rlllm/core';
import { Kitchen } from '@rlllm/env';
import { affordance, executeSkill, trainSkills, type TrainedSkill } from './skills.ts';
import { goalHolds, initialState, planMatches, type Instruction } from './instructions.ts';

export const VARIANTS = ['saycan', 'llm-only', 'affordance-only'] as const;
export type Variant = (typeof VARIANTS)[number];

export const SayCanConfig = z.object({
  skillEpisodes: z.number().int().min(10).default(3000).describe('Q-learning episodes per skill'),
  gamma: z.number().gt(0).max(1).default(0.99).describe('discount of the skill value functions (≈1 so V ≈ P(success))'),
  epsStart: z.number().min(0).max(1).default(1).describe('ε-greedy exploration at the start of skill training'),
  epsEnd: z.number().min(0).max(1).default(0.05).describe('ε at the end of skill training'),
  exploreStart: z.number().min(0).max(1).default(0.5).describe('probability of an exploring start in skill training'),
  slip: z.number().min(0).max(0.5).default(0.1).describe('probability that a move or grasp does nothing'),
  maxSteps: z.number().int().min(1).max(30).default(12).describe('skill steps per instruction before giving up'),
  rollouts: z.number().int().min(1).max(20).default(1).describe('runs of each instruction per seed (env noise)'),
  fewShot: z.number().int().min(0).max(2).default(0).describe('worked examples in the prompt (128-token context; 0 chosen on dev-instructions.json)'),
  bootstrapResamples: z.number().int().min(100).default(10_000).describe('resamples of the paired bootstrap over instructions'),
});
export type SayCanConfig = z.infer<typeof SayCanConfig>;

// ---------------------------------------------------------------------------------------------
// 0. The skills (SayCan §4 "Training the low-level skills"): RL alone, one library per seed.
// ---------------------------------------------------------------------------------------------

/** Train every skill of the kitchen with tabular Q-learning (skills.ts); no LLM is involved. */
export function trainSkillLibrary(config: SayCanConfig, rng: Rng, onSkill?: (i: number, n: number) => void): TrainedSkill[] {
  const { skillEpisodes: episodes, gamma, epsStart, epsEnd, exploreStart, slip } = config;
  return trainSkills({ episodes, gamma, epsStart, epsEnd, exploreStart, slip }, rng, onSkill);
}

// ---------------------------------------------------------------------------------------------
// 1. The prompt (SayCan §4 / Appendix "Prompt engineering": dialogue form, numbered steps, examples
//    whose objects vary). The tiny model has a 128-token context and truncates from the left, so we
//    keep one or two short examples. They are not in the instruction set.
// ---------------------------------------------------------------------------------------------

export const FEW_SHOT = [
  'Human: put the orange on the table. Robot: 1. find the orange, 2. pick up the orange, 3. go to the table, 4. put down the orange, 5. done.',
  'Human: get the bowl from the cabinet. Robot: 1. go to the cabinet, 2. open the cabinet, 3. pick up the bowl, 4. close the cabinet, 5. bring it to you, 6. put down the bowl, 7. done.',
];

/** The user's words as a dialogue turn: end with "." unless they already end with punctuation. */
function asTurn(text: string): string {
  const t = text.trim();
  return /[.?!]$/.test(t) ? t : `${t}.`;
}

/** "…examples… Human: <instruction> Robot: 1. a, 2. b, 3." — the LM continues with the next skill. */
export function buildPrompt(instruction: string, steps: string[], fewShot = 0): string {
  const examples = FEW_SHOT.slice(0, fewShot).map((e) => `${e}\n`).join('');
  const done = steps.map((s, i) => `${i + 1}. ${s}, `).join('');
  return `${examples}Human: ${asTurn(instruction)} Robot: ${done}${steps.length + 1}.`;
}

/**
 * A skill as the continuation the LM scores: leading space, and the delimiter that follows a step in
 * the dialogue ("," after a step, "." after "done"), so "find the coke" cannot win as a prefix of
 * "find the coke can".
 */
export function continuation(skill: string): string {
  return ` ${skill}${skill === 'done' ? '.' : ','}`;
}

// ---------------------------------------------------------------------------------------------
// 2. Task-grounding: log p_LLM(ℓ | prompt) for every skill, in one batched call. We use the *sum* of
//    token log-probs (the probability of the whole skill text), as the paper does: then p_LLM · p_aff
//    is a product of probabilities. Length normalisation (mean per token) would not be a probability
//    and would favour long skill names; the skill texts here are 1–6 tokens and the LM was trained on
//    exactly these strings, so the raw probability is what we want. Scores are cached per prompt: the
//    LM is deterministic, and the same prompts recur across variants and seeds.
// ---------------------------------------------------------------------------------------------

export class SkillScorer {
  private readonly cache = new Map<string, Promise<number[]>>();
  calls = 0;
  constructor(
    private readonly lm: Pick<LanguageModel, 'logProb'>,
    readonly skills: string[],
  ) {}

  llmLogProbs(prompt: string): Promise<number[]> {
    let p = this.cache.get(prompt);
    if (!p) {
      this.calls++;
      p = this.lm.logProb(prompt, this.skills.map(continuation));
      this.cache.set(prompt, p);
    }
    return p;
  }
}

// ---------------------------------------------------------------------------------------------
// 3 + 4. Combined score and selection. In log space: log p_LLM + log p_aff (the paper's product).
// ---------------------------------------------------------------------------------------------

const LOG_FLOOR = Math.log(1e-6); // an affordance of 0 still leaves a finite score, ranked last

/** The per-skill score each variant maximises (log scale). */
export function combinedScores(llmLogProbs: number[], affordances: number[], variant: Variant): number[] {
  return llmLogProbs.map((lp, i) => {
    const la = Math.max(LOG_FLOOR, Math.log(Math.max(0, affordances[i]!)));
    if (variant === 'saycan') return lp + la; // p_LLM · p_aff
    if (variant === 'llm-only') return lp; // "No VF": the ungrounded LLM
    return la; // affordance only: no instruction at all
  });
}

export function argmax(xs: number[]): number {
  let b = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[b]!) b = i;
  return b;
}

export interface StepRecord {
  skill: string;
  /** p_LLM normalised over the skill set, affordance, and the skill's execution outcome. */
  pLlm: number;
  affordance: number;
  executed: boolean;
  /** Goal reached after this step. */
  goal: boolean;
}

export interface EpisodeResult {
  id: string;
  family: string;
  variant: Variant;
  steps: StepRecord[];
  /** The sequence ended with "done" within the cap. */
  finished: boolean;
  planning: boolean;
  execution: boolean;
}

export interface EpisodeOptions {
  skills: TrainedSkill[];
  scorer: SkillScorer;
  variant: Variant;
  /** Skill steps before giving up (the paper's robot also has a budget). */
  maxSteps: number;
  fewShot: number;
  slip: number;
  /** The env's noise and tie-breaking in the policies (and the affordance-only draw). */
  rng: Rng;
}

/**
 * One instruction, start to end (SayCan Algorithm 1): score every skill, run the best one's policy,
 * append its text to the prompt; stop when "done" wins. No feedback reaches the LLM (this is the
 * "without language feedback" branch of the taxonomy): a failed skill still enters the prompt as if
 * it had succeeded — only the affordances see the world.
 */
export async function runEpisode(ins: Instruction, o: EpisodeOptions): Promise<EpisodeResult> {
  const rng = o.rng;
  const env = new Kitchen({ slip: o.slip, maxSteps: 10_000 });
  env.reset({ seed: rng.int(2 ** 31), scene: initialState(ins) });
  const texts = o.skills.map((s) => s.spec.text);
  const chosen: string[] = [];
  const steps: StepRecord[] = [];
  let finished = false;
  for (let k = 0; k < o.maxSteps; k++) {
    const lp = o.variant === 'affordance-only' ? texts.map(() => 0) : await o.scorer.llmLogProbs(buildPrompt(ins.text, chosen, o.fewShot));
    const aff = o.skills.map((s) => affordance(s, env.state));
    let pick: number;
    if (o.variant === 'affordance-only') {
      // Without the LLM nothing ranks skills but feasibility; argmax would always return the same
      // always-feasible skill, so we draw a skill in proportion to its affordance (a random feasible skill).
      pick = rng.categorical(aff);
    } else pick = argmax(combinedScores(lp, aff, o.variant));
    const skill = o.skills[pick]!;
    chosen.push(skill.spec.text);
    const outcome = executeSkill(skill, env, rng);
    const z = Math.max(...lp);
    const norm = lp.reduce((s, v) => s + Math.exp(v - z), 0);
    steps.push({ skill: skill.spec.text, pLlm: Math.exp(lp[pick]! - z) / norm, affordance: aff[pick]!, executed: outcome.success, goal: goalHolds(ins.goal, env.state) });
    if (skill.spec.kind === 'done') {
      finished = true;
      break;
    }
  }
  return {
    id: ins.id,
    family: ins.family,
    variant: o.variant,
    steps,
    finished,
    planning: finished && planMatches(ins, chosen),
    execution: goalHolds(ins.goal, env.state),
  };
}

/**
 * The plan the LLM alone writes for an instruction: the "No VF" ablation's choices, which never
 * depend on the world (greedy over the skill texts until "done" or the cap). `runEpisode` with
 * variant 'llm-only' makes exactly these choices; tiny-lm's planning probe uses this.
 */
export async function llmPlan(text: string, scorer: SkillScorer, maxSteps: number, fewShot: number): Promise<{ plan: string[]; finished: boolean }> {
  const plan: string[] = [];
  for (let k = 0; k < maxSteps; k++) {
    const skill = scorer.skills[argmax(await scorer.llmLogProbs(buildPrompt(text, plan, fewShot)))]!;
    plan.push(skill);
    if (skill === 'done') return { plan, finished: true };
  }
  return { plan, finished: false };
}

/** Execution success had the robot been stopped after `budget` skills (for the success-vs-budget curve). */
export function successWithin(ep: EpisodeResult, budget: number): boolean {
  if (budget <= 0 || ep.steps.length === 0) return false;
  return ep.steps[Math.min(budget, ep.steps.length) - 1]!.goal;
}

// ---------------------------------------------------------------------------------------------
// 6. Evaluation (SayCan §5.1, Table 1): every instruction with one variant; planning success (the
//    chosen sequence is a right plan) and execution success (the goal holds at the end).
// ---------------------------------------------------------------------------------------------

export interface Evaluation {
  episodes: EpisodeResult[];
  /** Success rates over all instructions × rollouts. */
  planning: number;
  execution: number;
  perFamily: Record<string, { planning: number; execution: number }>;
  perInstruction: Record<string, { planning: number; execution: number }>;
  /** Execution success had the robot been stopped after 1, 2, … maxSteps skills. */
  successWithinBudget: number[];
}

/**
 * Rollout r of instruction `id` draws from the stream "id r" of `rng`, so every variant meets the same
 * env noise on the same instruction.
 */
export async function evaluate(instructions: Instruction[], o: Omit<EpisodeOptions, 'rng'> & { rollouts: number; rng: Rng; onEpisode?: (ep: EpisodeResult, rollout: number) => void }): Promise<Evaluation> {
  const episodes: EpisodeResult[] = [];
  for (const ins of instructions) {
    for (let r = 0; r < o.rollouts; r++) {
      const ep = await runEpisode(ins, { ...o, rng: o.rng.fork(`${ins.id} ${r}`) });
      episodes.push(ep);
      o.onEpisode?.(ep, r);
    }
  }
  const rates = (eps: EpisodeResult[]) => ({ planning: mean(eps.map((e) => (e.planning ? 1 : 0))), execution: mean(eps.map((e) => (e.execution ? 1 : 0))) });
  const group = (key: (e: EpisodeResult) => string) => {
    const keys = [...new Set(episodes.map(key))];
    return Object.fromEntries(keys.map((k) => [k, rates(episodes.filter((e) => key(e) === k))]));
  };
  return {
    episodes,
    ...rates(episodes),
    perFamily: group((e) => e.family),
    perInstruction: group((e) => e.id),
    successWithinBudget: Array.from({ length: o.maxSteps }, (_, k) => mean(episodes.map((e) => (successWithin(e, k + 1) ? 1 : 0)))),
  };
}
