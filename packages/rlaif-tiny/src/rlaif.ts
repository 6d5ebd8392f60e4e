/**
 * Constitutional AI (Bai et al. 2022b), on the tiny LM, top to bottom:
 *
 *   §3  SL-CAI   sample → critique → revision → fine-tune on the revisions     → critiqueAndRevise, stepSlCai
 *   §4  RL-CAI   AI feedback on pairs (multiple choice, a random principle)     → aiPreference
 *                preference model on AI labels (+ human helpfulness labels)     → stepPreferenceModel
 *                PPO against the preference model                               → stepRlCai
 *
 * Who does what: the *policy* is the tiny LM trained in tfjs; the *feedback model* (critique
 * judgements, revision choice, multiple-choice labels) is a served LanguageModel — by default the
 * same pretrained tiny LM, as the paper uses a pretrained LM as its feedback model; `--feedback-model`
 * puts any transformers.js model there. Harmlessness is never labelled by the simulated human.
 */
import { z } from 'zod';
import {
  decodeResponse,
  encodeResponse,
  LmPpoConfig,
  prefixed,
  RewardModelConfig,
  rewardModelFrom,
  rlhfPpo,
  sampleResponses,
  SftConfig,
  supervisedFineTune,
  withDefaults,
  type Comparison,
  type Demonstration,
  type LanguageModel,
  type LmTokenizer,
  type RewardModel,
  type Rng,
} from '@rlllm/core';
import { goldHarmlessness, goldHelpfulness, labelerPrefers, RED_TEAM, type PromptItem } from '@rlllm/env/assistant';
import { loadGpt, type Gpt } from '@rlllm/tiny-lm';
import { CONSTITUTION, type Principle } from './constitution.ts';

/** The steps' settings are the core algorithms' own fields (SFT, the preference model, LM-PPO), with this leaf's defaults where they differ. */
export const RlaifConfig = z.object({
  answersPerPrompt: z.number().int().positive().default(1).describe('SL-CAI: answers sampled per red-team prompt to critique and revise'),
  nRevisions: z.number().int().positive().default(3).describe('SL-CAI: revision rounds (final rule) or revision samples (least-critiqued rule) per answer'),
  feedback: z.enum(['choice', 'critique']).default('choice').describe("RL-CAI's AI feedback: the paper's multiple-choice question (choice) or the principle's critique likelihood (critique)"),
  revisionRule: z.enum(['final', 'least-critiqued']).default('final').describe("SL-CAI's training target: the final revision (the paper) or the candidate the critique fits least"),
  ...withDefaults(prefixed('sft', SftConfig.pick({ steps: true, batchSize: true, learningRate: true })), { sftSteps: 40 }),
  pairsPerPrompt: z.number().int().positive().default(2).describe('RL-CAI: answer pairs sampled per train prompt for the preference model'),
  ...withDefaults(prefixed('pm', RewardModelConfig.pick({ steps: true, batchSize: true, learningRate: true })), { pmSteps: 50, pmLearningRate: 1e-4 }),
  ppoIterations: z.number().int().positive().default(10).describe('PPO iterations (each samples ppoBatchSize prompts)'),
  ppoBatchSize: z.number().int().positive().default(16).describe('prompts (rollouts) per PPO iteration'),
  ...withDefaults(LmPpoConfig.pick({ klCoef: true, maxNewTokens: true, temperature: true }).shape, { klCoef: 0.1 }),
  ...withDefaults(prefixed('ppo', LmPpoConfig.pick({ learningRate: true })), { ppoLearningRate: 1.5e-5 }),
  evalSamples: z.number().int().positive().default(2).describe('answers per held-out prompt per model'),
  promptLimit: z.number().int().nonnegative().default(0).describe('use only the first N prompts of each kind and split (0 = all; a smoke-test knob)'),
});
export type RlaifConfig = z.infer<typeof RlaifConfig>;

export interface Answer {
  text: string;
  finished: boolean;
}

/** A sampled answer as the critique and revision prompts quote it: core's decoded response, trimmed. */
export function decodeAnswer(tok: LmTokenizer, ids: number[]): Answer {
  const r = decodeResponse(tok, ids);
  return { text: r.text.trim(), finished: r.finished };
}

/** An answer as a response after "Assistant:" (its leading space back). */
export function encodeAnswer(tok: LmTokenizer, a: Answer): number[] {
  return encodeResponse(tok, { text: ` ${a.text}`, finished: a.finished });
}

/** The question of a `Human: <q> Assistant:` prompt. */
const question = (prompt: string) => prompt.replace(/^Human: /, '').replace(/ Assistant:$/, '');

// ── §4.1 AI feedback: comparing two answers under a principle ─────────────────────────────────
/** How strongly the feedback model thinks the principle's critique applies: log P(`Critique: <critique>.` | answer). */
export async function critiqueLogProb(fm: LanguageModel, prompt: string, answer: string, principle: Principle): Promise<number> {
  const [l] = await fm.logProb(`Human: ${question(prompt)} Assistant: ${answer} Critique:`, [` ${principle.critique}.`]);
  return l!;
}

/** How the feedback model compares two answers (RlaifConfig.feedback). */
export type FeedbackFormat = 'choice' | 'critique';

/**
 * The paper's multiple-choice question (Bai et al. 2022b §4.1): the conversation, the principle's
 * question, the two responses as options, and the feedback model's log-probabilities of " (A)" and
 * " (B)" after "The answer is". Returns P(A) normalized over the two options.
 */
export async function choiceProbability(fm: LanguageModel, prompt: string, a: string, b: string, principle: Principle): Promise<number> {
  const [la, lb] = await fm.logProb(`Human: ${question(prompt)} ${principle.choose} (A) ${a} (B) ${b} The answer is`, [' (A)', ' (B)']);
  return 1 / (1 + Math.exp(lb! - la!));
}

/**
 * P(a is better than b) under a principle, as a soft label (the paper uses the feedback model's
 * normalized probabilities as soft targets):
 * - 'choice' (the paper): the multiple-choice question asked in both orders and averaged, so that
 *   a preference for a position (A or B) cancels out;
 * - 'critique': σ(log P(critique | b) − log P(critique | a)) — the answer the principle's critique
 *   fits less is the better one.
 * Both are antisymmetric: swapping a and b gives 1 − P.
 */
export async function aiPreference(fm: LanguageModel, prompt: string, a: string, b: string, principle: Principle, format: FeedbackFormat): Promise<number> {
  if (format === 'choice') return (await choiceProbability(fm, prompt, a, b, principle) + (1 - (await choiceProbability(fm, prompt, b, a, principle)))) / 2;
  const la = await critiqueLogProb(fm, prompt, a, principle);
  const lb = await critiqueLogProb(fm, prompt, b, principle);
  return 1 / (1 + Math.exp(la - lb));
}

// ── §3 SL-CAI: critique and revision ──────────────────────────────────────────────────────────
export interface Revision {
  prompt: PromptItem;
  principle: string;
  original: Answer;
  revision: Answer;
}

/** How SL-CAI picks the answer it trains on (the paper: the final revision). */
export type RevisionRule = 'final' | 'least-critiqued';

/**
 * The paper's critique → revision step, with the tiny LM's limits (README: what this simplifies).
 * The critique is a randomly drawn principle's critique sentence (the tiny LM cannot write a useful
 * critique itself); the revision is sampled from the policy after `... Critique: <critique>.
 * Revision:` (the corpus' format). Two rules for what SL-CAI keeps:
 * - 'final' (the paper, §3.1): `nRevisions` rounds, each with a newly drawn principle, each revising
 *   the previous round's answer; the last revision is the training target (an empty revision keeps
 *   the answer before it);
 * - 'least-critiqued': `nRevisions` revisions of the original in one round, and the feedback model
 *   keeps the candidate — the original included — that the critique fits least.
 */
export async function critiqueAndRevise(policy: Gpt, fm: LanguageModel, tok: LmTokenizer, items: { prompt: PromptItem; original: Answer }[], nRevisions: number, maxNewTokens: number, rng: Rng, rule: RevisionRule = 'final'): Promise<Revision[]> {
  const revisionPrompt = (prompt: PromptItem, answer: Answer, p: Principle) => tok.encode(`Human: ${question(prompt.text)} Assistant: ${answer.text} Critique: ${p.critique}. Revision:`);
  if (rule === 'final') {
    let current = items.map((it) => it.original);
    let principles: Principle[] = [];
    for (let round = 0; round < nRevisions; round++) {
      principles = items.map(() => CONSTITUTION[rng.int(CONSTITUTION.length)]!);
      // One sampling pass revises every item's current answer.
      const samples = await sampleResponses(policy, items.map(({ prompt }, k) => revisionPrompt(prompt, current[k]!, principles[k]!)), { maxNewTokens, temperature: 1, eosId: tok.eosId, rng });
      current = samples.map((s, k) => {
        const cand = decodeAnswer(tok, s);
        return cand.text.length > 0 ? cand : current[k]!;
      });
    }
    return items.map(({ prompt, original }, k) => ({ prompt, principle: principles[k]?.id ?? '', original, revision: current[k]! }));
  }
  const principles = items.map(() => CONSTITUTION[rng.int(CONSTITUTION.length)]!);
  // All revision samples in one batch: one sampling pass for every critiqued answer.
  const samples = await sampleResponses(policy, items.flatMap(({ prompt, original }, k) => Array<number[]>(nRevisions).fill(revisionPrompt(prompt, original, principles[k]!))), { maxNewTokens, temperature: 1, eosId: tok.eosId, rng });
  const out: Revision[] = [];
  for (const [k, { prompt, original }] of items.entries()) {
    let best = original;
    let bestCritique = await critiqueLogProb(fm, prompt.text, original.text, principles[k]!);
    for (const s of samples.slice(k * nRevisions, (k + 1) * nRevisions)) {
      const cand = decodeAnswer(tok, s);
      if (cand.text.length === 0) continue;
      const c = await critiqueLogProb(fm, prompt.text, cand.text, principles[k]!);
      if (c < bestCritique) [best, bestCritique] = [cand, c];
    }
    out.push({ prompt, principle: principles[k]!.id, original, revision: best });
  }
  return out;
}

/**
 * SL-CAI: answers to red-team prompts are critiqued and revised; the model is fine-tuned on
 * (prompt → final revision) together with helpful demonstrations (the paper mixes in helpfulness
 * samples so the model stays helpful).
 */
export async function stepSlCai(
  modelDir: string,
  fm: LanguageModel,
  tok: LmTokenizer,
  redTeam: PromptItem[],
  helpfulDemos: Demonstration[],
  o: { answersPerPrompt: number; nRevisions: number; maxNewTokens: number; sft: SftConfig; revisionRule: RevisionRule },
  rng: Rng,
): Promise<{ model: Gpt; revisions: Revision[] }> {
  const base = loadGpt(modelDir);
  const revisions: Revision[] = [];
  const ids = redTeam.flatMap((p) => Array<number[]>(o.answersPerPrompt).fill(tok.encode(p.text)));
  const items = redTeam.flatMap((p) => Array<PromptItem>(o.answersPerPrompt).fill(p));
  const answers = await sampleResponses(base, ids, { maxNewTokens: o.maxNewTokens, temperature: 1, eosId: tok.eosId, rng });
  revisions.push(...(await critiqueAndRevise(base, fm, tok, answers.map((a, i) => ({ prompt: items[i]!, original: decodeAnswer(tok, a) })), o.nRevisions, o.maxNewTokens, rng, o.revisionRule)));
  const demos: Demonstration[] = [...revisions.map((r) => ({ prompt: tok.encode(r.prompt.text), response: encodeAnswer(tok, r.revision) })), ...helpfulDemos];
  await supervisedFineTune(base, demos, o.sft, rng);
  return { model: base, revisions };
}

// ── §4 RL-CAI: preference model on AI labels, then PPO ───────────────────────────────────────
export interface LabelledPairs {
  /** AI-labelled harmlessness comparisons (soft labels). */
  harmless: (Comparison & { principle: string; agreesWithGold: boolean | null })[];
  /** Helpfulness comparisons labelled by the simulated human's rubric. */
  helpful: Comparison[];
}

/** Whether an AI label P(a better) agrees with the gold judge's scores of a and b (null when either prefers neither). */
export function agreesWithGold(pA: number, goldA: number, goldB: number): boolean | null {
  if (goldA === goldB || pA === 0.5) return null;
  return goldA > goldB === pA > 0.5;
}

/** Sample answer pairs from `policy` and label them: red-team pairs by AI feedback, ordinary pairs by the helpfulness labeler. */
export async function labelPairs(policy: Gpt, fm: LanguageModel | null, tok: LmTokenizer, redTeam: PromptItem[], ordinary: PromptItem[], pairsPerPrompt: number, maxNewTokens: number, rng: Rng, feedback: FeedbackFormat = 'choice'): Promise<LabelledPairs> {
  const sample = async (ps: PromptItem[]) => {
    const ids = ps.flatMap((p) => Array<number[]>(2 * pairsPerPrompt).fill(tok.encode(p.text)));
    const rs = (await sampleResponses(policy, ids, { maxNewTokens, temperature: 1, eosId: tok.eosId, rng })).map((r) => decodeAnswer(tok, r));
    return ps.flatMap((p, i) => Array.from({ length: pairsPerPrompt }, (_, k) => ({ p, a: rs[(i * pairsPerPrompt + k) * 2]!, b: rs[(i * pairsPerPrompt + k) * 2 + 1]! })));
  };
  const harmless: LabelledPairs['harmless'] = [];
  if (fm) {
    for (const { p, a, b } of await sample(redTeam)) {
      const principle = CONSTITUTION[rng.int(CONSTITUTION.length)]!;
      const pA = await aiPreference(fm, p.text, a.text, b.text, principle, feedback);
      const ga = goldHarmlessness(p.topic, a.text, a.finished);
      const gb = goldHarmlessness(p.topic, b.text, b.finished);
      // Only for reporting how often the AI agrees with the (never used) gold judge.
      harmless.push({ prompt: tok.encode(p.text), chosen: encodeAnswer(tok, a), rejected: encodeAnswer(tok, b), pChosen: pA, principle: principle.id, agreesWithGold: agreesWithGold(pA, ga, gb) });
    }
  }
  const helpful: Comparison[] = [];
  for (const { p, a, b } of await sample(ordinary)) {
    const pref = labelerPrefers(p.topic, a, b);
    if (pref === null) continue;
    const [c, r] = pref === 1 ? [a, b] : [b, a];
    helpful.push({ prompt: tok.encode(p.text), chosen: encodeAnswer(tok, c), rejected: encodeAnswer(tok, r) });
  }
  return { harmless, helpful };
}

/** The preference model: a copy of the policy's trunk + a scalar head, Bradley–Terry on the (soft) labels (core's `rewardModelFrom`). */
export function stepPreferenceModel(init: Gpt, comparisons: Comparison[], cfg: RewardModelConfig, rng: Rng) {
  return rewardModelFrom(init, comparisons, cfg, rng);
}

/** PPO against the preference model on a mix of red-team and ordinary prompts, KL to `init` (core's `rlhfPpo`); the gold judges score the rollouts for the curves. */
export async function stepRlCai(
  init: Gpt,
  pm: RewardModel,
  prompts: PromptItem[],
  tok: LmTokenizer,
  cfg: LmPpoConfig & { iterations: number; batchSize: number },
  rng: Rng,
  onIteration: (it: number, stats: { score: number; kl: number; gold: number }) => void = () => {},
): Promise<Gpt> {
  const policy = await rlhfPpo(init, (p, r) => pm.score(p, r), prompts, (p) => tok.encode(p.text), cfg, rng, tok.eosId, {
    onIteration: (it, stats, batch, responses) => {
      const gold = responses.map((r, i) => {
        const a = decodeAnswer(tok, r);
        const p = batch[i]!;
        return p.topic in HARM_TOPIC_SET ? goldHarmlessness(p.topic, a.text, a.finished) : goldHelpfulness(p.topic, a.text, a.finished);
      });
      onIteration(it, { score: stats.score, kl: stats.kl, gold: gold.reduce((x, y) => x + y, 0) / gold.length });
    },
  });
  return policy as Gpt;
}

const HARM_TOPIC_SET: Record<string, true> = Object.fromEntries(RED_TEAM.map((t) => [t.id, true]));

// ── Evaluation: served through transformers.js, judged by the gold rubrics ────────────────────
export interface Judged {
  harmlessness: number;
  helpfulness: number;
  examples: { prompt: string; answer: string }[];
}

/** `samples` answers per held-out prompt (answer k to prompt i drawn with the stream "kind i k" of `rng`: the same numbers for every model), judged. */
export async function evaluateServed(lm: LanguageModel, redTeam: PromptItem[], ordinary: PromptItem[], samples: number, rng: Rng, maxNewTokens: number, temperature: number): Promise<Judged> {
  const run = async (kind: string, ps: PromptItem[], judge: (topic: string, text: string, finished: boolean) => number) => {
    let sum = 0;
    const examples: { prompt: string; answer: string }[] = [];
    for (const [i, p] of ps.entries()) {
      for (let k = 0; k < samples; k++) {
        const g = await lm.generateDetailed(p.text, { temperature, maxNewTokens, seed: rng.fork(`${kind} ${i} ${k}`).seed() });
        sum += judge(p.topic, g.text, g.stoppedBy === 'eos');
        if (k === 0 && examples.length < 3) examples.push({ prompt: p.text, answer: g.text });
      }
    }
    return { mean: sum / Math.max(1, ps.length * samples), examples };
  };
  const h = await run('red-team', redTeam, goldHarmlessness);
  const u = await run('ordinary', ordinary, goldHelpfulness);
  return { harmlessness: h.mean, helpfulness: u.mean, examples: [...h.examples, ...u.examples] };
}
