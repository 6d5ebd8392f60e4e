/**
 * Premise probes: does a model have the skill each leaf's paper assumes its LLM brings from
 * pretraining? One row per premise, each measured on held-out items (corpus/premiseItems.ts and
 * knowledge.ts's held-out section, never in the corpus) through the very call the leaf makes —
 * the leaves' own functions are imported, so a probe cannot drift from its leaf.
 *
 *   principle judgement   rlaif-tiny   aiPreference under each constitution principle, in both
 *                                      feedback formats (the paper's multiple choice; the critique
 *                                      likelihood) vs the gold harmlessness judge
 *   sentiment knowledge   rlprompt     verbalizer margin ROC AUC, no prompt and best fixed prompt
 *   planning              saycan       llm-only plans (llmPlan) on the dev instructions and on new
 *                                      phrasings: exact match with a right plan
 *   goal feasibility      ellm         the ranked suggestions (GoalSuggester, top k) and generated
 *                                      ones (GoalGenerator) that are feasible in the observation
 *   goal/caption matching ellm         likelihood similarity (the leaf's default) and embedding
 *                                      cosine (the paper's), through the GPT's pooled states and
 *                                      through ELLM's sentence encoder: goal → its caption is the top match
 *   code after reflection eureka       the code model, prompted with a reward reflection that flags
 *                                      one component (eureka's assemblePrompt), prefers the line that
 *                                      rescales it the way the reflection calls for (balanced over
 *                                      shrink/grow items), and more often than with the fitness alone
 *
 * Targets are issue #21's, for the shipped default; `null` where a row is reported for reference.
 */
import { Rng, type LanguageModel } from '@rlllm/core';
import { CRAFTER_ACHIEVEMENTS, CRAFTER_NOOP_CAPTIONS, TinyCrafter } from '@rlllm/env';
import { goldHarmlessness, promptText, RED_TEAM } from '@rlllm/env/assistant';
import { embeddingSimilarity, GoalGenerator, GoalSuggester, likelihoodSimilarity, topGoals } from '@rlllm/ellm-tiny/ellm';
import { CONSTITUTION } from '@rlllm/rlaif-tiny/constitution';
import { aiPreference, type FeedbackFormat } from '@rlllm/rlaif-tiny/rlaif';
import { VerbalizerClassifier } from '@rlllm/rlprompt-tiny/classifier';
import type { Example } from '@rlllm/rlprompt-tiny/data';
import { rocAuc } from '@rlllm/rlprompt-tiny/rlprompt';
import { assemblePrompt, HEADER } from '@rlllm/eureka-tiny/eureka';
import { DEV_INSTRUCTIONS_FILE, loadInstructions } from '@rlllm/saycan-tiny/instructions';
import { llmPlan, SkillScorer } from '@rlllm/saycan-tiny/saycan';
import { makeSkills } from '@rlllm/saycan-tiny/skills';
import { HELDOUT_GOALS, HELDOUT_REVIEWS, ACHIEVEMENTS } from '../corpus/knowledge.ts';
import { diagnose, obsLine, reflectionText, scaled, taskLine, type Reflection } from '../corpus/codeReflection.ts';
import { CODE_REFLECTION_ITEMS, linesThroughFlagged, type CodeReflectionItem } from '../corpus/codeReflectionItems.ts';
import { HARM_ANSWER_KINDS, HARM_PROBE, PLAN_PROBE, SENTIMENT_PROBE, SENTIMENT_PROMPTS, type HarmAnswerKind } from '../corpus/premiseItems.ts';

export interface PremiseRow {
  premise: string;
  leaf: string;
  /** What was measured, in words. */
  measure: string;
  value: number;
  /** The shipped default's target (issue #21), or null. */
  target: number | null;
  n: number;
  /** Chance level or another reference, if there is a natural one. */
  chance?: number;
  note?: string;
}

// ── 1. Principle judgement (rlaif-tiny) ─────────────────────────────────────────────────────

export interface HarmPair {
  topic: string;
  prompt: string;
  better: string;
  worse: string;
  kinds: [HarmAnswerKind, HarmAnswerKind];
}

/** Every prompt of every red-team topic (the env's held-out one and the probe's) × every pair of two answer kinds, better first by the gold judge. */
export function harmPairs(): HarmPair[] {
  const out: HarmPair[] = [];
  for (const t of RED_TEAM) {
    const item = HARM_PROBE[t.id];
    if (!item) throw new Error(`premiseItems has no HARM_PROBE entry for red-team topic ${t.id}`);
    for (const q of [...t.heldout, ...item.prompts]) {
      for (let i = 0; i < HARM_ANSWER_KINDS.length; i++) {
        for (let j = i + 1; j < HARM_ANSWER_KINDS.length; j++) {
          const [a, b] = [HARM_ANSWER_KINDS[i]!, HARM_ANSWER_KINDS[j]!];
          const ga = goldHarmlessness(t.id, item[a], true);
          const gb = goldHarmlessness(t.id, item[b], true);
          if (ga === gb) throw new Error(`the gold judge ties ${a} and ${b} of topic ${t.id}`);
          out.push(ga > gb ? { topic: t.id, prompt: promptText(q), better: item[a], worse: item[b], kinds: [a, b] } : { topic: t.id, prompt: promptText(q), better: item[b], worse: item[a], kinds: [b, a] });
        }
      }
    }
  }
  return out;
}

/** Agreement of a preference (P(better ≻ worse)) with the gold order: 1 above ½, ½ at exactly ½, 0 below. */
export const agreement = (p: number): number => (p > 0.5 ? 1 : p === 0.5 ? 0.5 : 0);

export async function principleRows(lm: LanguageModel, pairs = harmPairs(), formats: FeedbackFormat[] = ['choice', 'critique']): Promise<PremiseRow[]> {
  const rows: PremiseRow[] = [];
  for (const format of formats) for (const principle of CONSTITUTION) {
    let agree = 0;
    const byKinds = new Map<string, number[]>();
    for (const p of pairs) {
      const a = agreement(await aiPreference(lm, p.prompt, p.better, p.worse, principle, format));
      agree += a;
      const k = p.kinds.join('>');
      byKinds.set(k, [...(byKinds.get(k) ?? []), a]);
    }
    const note = [...byKinds].map(([k, v]) => `${k} ${(v.reduce((s, x) => s + x, 0) / v.length).toFixed(2)}`).join(', ');
    rows.push({ premise: `principle judgement (${format}): ${principle.id}`, leaf: 'rlaif', measure: format === 'choice' ? "the multiple-choice answer (both orders) agrees with the gold harmlessness judge" : 'the critique likelihood agrees with the gold harmlessness judge', value: agree / pairs.length, target: 0.75, n: pairs.length, chance: 0.5, note });
  }
  return rows;
}

// ── 2. Sentiment knowledge (rlprompt-tiny) ──────────────────────────────────────────────────

export function sentimentItems(): Example[] {
  return [...HELDOUT_REVIEWS, ...SENTIMENT_PROBE];
}

export async function sentimentRows(lm: LanguageModel, items = sentimentItems(), prompts = SENTIMENT_PROMPTS): Promise<PremiseRow[]> {
  const clf = new VerbalizerClassifier(lm);
  const auc = async (prompt: string) => rocAuc(await clf.margins(prompt, items));
  const none = await auc('');
  const scored: [string, number][] = [];
  for (const p of prompts) scored.push([p, await auc(p)]);
  const [bestPrompt, best] = scored.reduce((b, x) => (x[1] > b[1] ? x : b));
  return [
    { premise: 'sentiment: no prompt', leaf: 'rlprompt', measure: 'verbalizer ROC AUC (" great" vs " terrible")', value: none, target: null, n: items.length, chance: 0.5 },
    { premise: 'sentiment: best fixed prompt', leaf: 'rlprompt', measure: `verbalizer ROC AUC, best of ${prompts.length} fixed prompts`, value: best, target: 0.85, n: items.length, chance: 0.5, note: `"${bestPrompt}"; all: ${scored.map(([p, v]) => `${p} ${v.toFixed(2)}`).join(', ')}` },
  ];
}

// ── 3. Next-skill planning on new phrasings (saycan-tiny) ───────────────────────────────────

export interface PlanItem {
  id: string;
  family: string;
  text: string;
  plans: string[][];
}

export function devInstructions(): PlanItem[] {
  return loadInstructions(DEV_INSTRUCTIONS_FILE);
}

/** Planning success of the LLM alone (saycan's llm-only ablation, 12 steps, no few-shot examples: the leaf's defaults). */
export async function planningSuccess(lm: LanguageModel, items: PlanItem[], maxSteps = 12, fewShot = 0): Promise<{ success: number; failures: string[] }> {
  const scorer = new SkillScorer(lm, makeSkills().map((s) => s.text));
  let ok = 0;
  const failures: string[] = [];
  for (const it of items) {
    const { plan, finished } = await llmPlan(it.text, scorer, maxSteps, fewShot);
    if (finished && it.plans.some((p) => p.length === plan.length && p.every((s, i) => s === plan[i]))) ok++;
    else failures.push(`${it.id}: ${plan.join(', ')}`);
  }
  return { success: ok / items.length, failures };
}

export async function planningRows(lm: LanguageModel): Promise<PremiseRow[]> {
  const dev = await planningSuccess(lm, devInstructions());
  const para = await planningSuccess(lm, PLAN_PROBE);
  return [
    { premise: 'planning: dev instructions', leaf: 'saycan', measure: 'llm-only plan is a right plan', value: dev.success, target: 0.6, n: devInstructions().length },
    { premise: 'planning: new phrasings', leaf: 'saycan', measure: 'llm-only plan is a right plan', value: para.success, target: 0.6, n: PLAN_PROBE.length, note: para.failures.slice(0, 3).join(' | ') },
  ];
}

// ── 4. ELLM: goal feasibility and goal/caption matching ────────────────────────────────────

/**
 * Distinct observations a uniformly random policy meets in TinyCrafter worlds of held-out seeds
 * (not the leaf's), `n` of them drawn uniformly from all it met in `steps` steps, so that rare
 * states (holding wood, a table in view) count as much as the common empty-handed ones.
 */
export function crafterObservations(n: number, worldSeed = 90_001, steps = 20_000, episodeSteps = 200): { text: string; feasible: string[]; unlocked: string[] }[] {
  const env = new TinyCrafter({ maxSteps: episodeSteps });
  const rng = new Rng(worldSeed);
  let seed = worldSeed;
  env.reset({ seed });
  const met = new Map<string, { text: string; feasible: string[]; unlocked: string[] }>();
  for (let t = 0; t < steps; t++) {
    const r = env.step(rng.int(env.actionSpace.n));
    const text = env.text();
    if (!met.has(text)) met.set(text, { text, feasible: env.feasibleAchievements(), unlocked: [...env.unlocked] });
    if (r.truncated || r.terminated) env.reset({ seed: ++seed });
  }
  const all = [...met.values()];
  if (all.length < n) throw new Error(`only ${all.length} distinct observations in ${steps} steps, asked for ${n}`);
  return rng.fork('pick').shuffle(all).slice(0, n);
}

export async function feasibilityRows(lm: LanguageModel, k = 3, nObs = 120): Promise<PremiseRow[]> {
  const goals = CRAFTER_ACHIEVEMENTS.map((a) => a.goal);
  const ids = CRAFTER_ACHIEVEMENTS.map((a) => a.id);
  const suggester = new GoalSuggester(lm, goals);
  const generator = new GoalGenerator(lm, 24);
  const obs = crafterObservations(nObs);
  let ranked = 0;
  let rankedFeasible = 0;
  let ceiling = 0;
  // R-precision: of the r best-ranked goals, where r = how many goals are feasible now, the share
  // that are feasible (1 for a perfect ranker; top-k cannot reach 1 when fewer than k are feasible).
  let rTotal = 0;
  let rFeasible = 0;
  let generated = 0;
  let generatedFeasible = 0;
  for (const o of obs) {
    const unlocked = new Set(o.unlocked);
    const order = (await suggester.rank(o.text)).map((i) => ids[i]!);
    const top = topGoals(order, unlocked, k);
    ranked += top.length;
    rankedFeasible += top.filter((id) => o.feasible.includes(id)).length;
    const r = ids.filter((id) => !unlocked.has(id) && o.feasible.includes(id)).length;
    ceiling += Math.min(top.length, r);
    rTotal += r;
    rFeasible += topGoals(order, unlocked, r).filter((id) => o.feasible.includes(id)).length;
    const g = await generator.suggest(o.text);
    const named = topGoals(g.goals, new Set(), k);
    generated += named.length;
    generatedFeasible += named.filter((t) => o.feasible.includes(ids[goals.indexOf(t)] ?? '')).length;
  }
  return [
    { premise: 'goal feasibility: ranked, top k', leaf: 'ellm', measure: `top-${k} ranked goals feasible in the observation`, value: rankedFeasible / Math.max(1, ranked), target: null, n: ranked, note: `a perfect ranker: ${(ceiling / Math.max(1, ranked)).toFixed(2)} (fewer than ${k} goals are feasible in most states)` },
    { premise: 'goal feasibility: ranked, R-precision', leaf: 'ellm', measure: 'of the r best-ranked goals (r = goals feasible now), the share feasible', value: rFeasible / Math.max(1, rTotal), target: 0.7, n: rTotal, chance: rTotal / Math.max(1, obs.reduce((s, o) => s + ids.filter((id) => !o.unlocked.includes(id)).length, 0)) },
    { premise: 'goal feasibility: generated', leaf: 'ellm (open)', measure: `generated goals (first ${k}) that name a feasible achievement`, value: generatedFeasible / Math.max(1, generated), target: null, n: generated },
  ];
}

/** Top-1 accuracy of goal → caption: for each goal (row), is its own caption the most similar? */
export function top1(sim: number[][], answer: number[]): number {
  let ok = 0;
  sim.forEach((row, i) => {
    const best = row.indexOf(Math.max(...row));
    if (best === answer[i]) ok++;
  });
  return ok / sim.length;
}

export async function matchingRows(lm: LanguageModel, embedder: LanguageModel = lm): Promise<PremiseRow[]> {
  const captions = [...CRAFTER_ACHIEVEMENTS.map((a) => a.caption), ...CRAFTER_NOOP_CAPTIONS];
  // Held-out paraphrases of the env's achievements (knowledge.ts), each to be matched to its caption.
  const envIds = new Set(CRAFTER_ACHIEVEMENTS.map((a) => a.id));
  const para: { goal: string; answer: number }[] = [];
  for (const [id, phrasings] of Object.entries(HELDOUT_GOALS)) {
    if (!envIds.has(id)) continue;
    const c = ACHIEVEMENTS.find((a) => a.id === id)!.caption;
    for (const g of phrasings) para.push({ goal: g, answer: captions.indexOf(c) });
  }
  const envGoals = CRAFTER_ACHIEVEMENTS.map((a, i) => ({ goal: a.goal, answer: i }));
  // The embedding rows: the GPT's own mean-pooled states, and the sentence encoder ELLM embeds with
  // (ellm-tiny --embedder; a separate model, as SentenceBERT is in the paper) when one is given.
  const embedders: [string, LanguageModel][] = [['LM states', lm], ...(embedder !== lm ? [[`encoder ${embedder.info.name}`, embedder] as [string, LanguageModel]] : [])];
  const rows: PremiseRow[] = [];
  for (const [name, items] of [['paraphrased goals', para], ['env goals', envGoals]] as const) {
    const g = items.map((x) => x.goal);
    const ans = items.map((x) => x.answer);
    const target = (isDefault: boolean) => (name === 'paraphrased goals' && isDefault ? 0.8 : null);
    rows.push({ premise: `goal/caption matching: ${name}, likelihood`, leaf: 'ellm', measure: `its caption is the most likely of ${captions.length}`, value: top1(await likelihoodSimilarity(lm, g, captions), ans), target: target(true), n: items.length, chance: 1 / captions.length });
    for (const [who, m] of embedders) {
      rows.push({ premise: `goal/caption matching: ${name}, embedding (${who})`, leaf: 'ellm', measure: `its caption is the nearest of ${captions.length} by cosine`, value: top1(await embeddingSimilarity(m, g, captions), ans), target: target(m === embedder), n: items.length, chance: 1 / captions.length });
    }
  }
  return rows;
}

// ── 6. Code after reflection (eureka-tiny) ──────────────────────────────────────────────────

/** The coefficient literal of a reward line: a bonus's value (`c ? 40.0 : 0`), else the first number after `=`. */
export function coefficientOf(line: string): { at: number; literal: string } {
  const bonus = /\? (\d+\.\d+) : 0;$/.exec(line);
  if (bonus) return { at: bonus.index + 2, literal: bonus[1]! };
  const eq = line.indexOf('= ');
  const m = /\d+\.\d+/.exec(line.slice(eq));
  if (eq < 0 || !m) throw new Error(`no coefficient in "${line}"`);
  return { at: eq + m.index, literal: m[0] };
}

export type CodeChange = 'shrink' | 'keep' | 'grow';

/** What the reflection calls for, read by Eureka's tips (codeReflection.ts `diagnose`): shrink a dominant or a large flat term, grow a negligible flat one. */
export function wantedChange(item: CodeReflectionItem): CodeChange {
  // The terms of the sum are the components its return line names (the others are intermediates).
  const ret = item.source.split('\n').find((l) => /^\s*return\b/.test(l)) ?? '';
  const terms = item.components.map(([k]) => k).filter((k) => new RegExp(`\\b${k}\\b`).test(ret));
  const d = diagnose(itemReflection(item), terms);
  if (d.kind === 'dominant' && d.name === item.flagged) return 'shrink';
  if (d.kind === 'flat' && d.name === item.flagged) return d.negligible ? 'grow' : 'shrink';
  throw new Error(`item ${item.id}: its reflection does not flag ${item.flagged} (${d.kind})`);
}

const itemReflection = (item: CodeReflectionItem): Reflection => ({ components: item.components, score: item.score, length: item.length, fitness: item.fitness });

/** The three candidate flagged lines: coefficient ×0.1, unchanged, ×10 (the nearest of the corpus' literals). */
export function candidateLines(item: CodeReflectionItem): Record<CodeChange, string> {
  const line = linesThroughFlagged(item).at(-1)!;
  const { at, literal } = coefficientOf(line);
  const put = (l: string) => line.slice(0, at) + l + line.slice(at + literal.length);
  return { shrink: put(scaled(literal, 0.1)), keep: line, grow: put(scaled(literal, 10)) };
}

/**
 * For each held-out item: Eureka's prompt (assemblePrompt: the reflection, the task line, the obs
 * line, then the reward so far — the lines before the flagged declaration, as a mutation keeps
 * them) and the LM's log-likelihood of the three candidate declarations. Right = the change the
 * reflection calls for is the most likely. Measured with the full reflection and, as the control,
 * with the fitness alone (the no-reflection ablation's feedback): the premise is that the reflection
 * is read, so the full one must beat the control, not only chance.
 */
export async function codeRows(lm: LanguageModel, items = CODE_REFLECTION_ITEMS): Promise<PremiseRow[]> {
  const budget = lm.info.contextLength - 32;
  const count = (t: string) => lm.tokenize(t).length;
  const rows: PremiseRow[] = [];
  // The score is balanced accuracy over the changes the items call for (shrink, grow): a model that
  // always makes one change scores 0.5 whatever the mix of items, one that reads the reflection 1.
  const wanted = items.map(wantedChange);
  const classes = [...new Set(wanted)];
  const nOf = (c: CodeChange) => wanted.filter((w) => w === c).length;
  for (const full of [true, false]) {
    const right: Record<CodeChange, number> = { shrink: 0, keep: 0, grow: 0 };
    const picks: Record<CodeChange, number> = { shrink: 0, keep: 0, grow: 0 };
    for (const [i, item] of items.entries()) {
      const before = linesThroughFlagged(item).slice(0, -1);
      const tail = [HEADER, ...before].join('\n') + '\n';
      const prompt = assemblePrompt({ reflection: reflectionText(itemReflection(item), full), task: taskLine(item.task), obs: obsLine(item.task) }, tail.slice(0, -1), budget, count) + '\n';
      const cands = candidateLines(item);
      const changes = Object.keys(cands) as CodeChange[];
      const lp = await lm.logProb(prompt, changes.map((c) => cands[c]));
      const pick = changes[lp.indexOf(Math.max(...lp))]!;
      picks[pick]++;
      if (pick === wanted[i]) right[pick]++;
    }
    const perClass = classes.map((c) => `${c} ${right[c]}/${nOf(c)}`).join(', ');
    rows.push({
      premise: `code after reflection: ${full ? 'full reflection' : 'fitness only (control)'}`,
      leaf: 'eureka',
      measure: 'the flagged term rescaled as the reflection calls for is the likeliest of ×0.1, kept, ×10 (balanced accuracy over shrink / grow items)',
      value: classes.reduce((sum, c) => sum + right[c] / nOf(c), 0) / classes.length,
      target: full ? 0.7 : null,
      n: items.length,
      chance: 1 / 3,
      note: `right: ${perClass}; picked: shrink ${picks.shrink}, keep ${picks.keep}, grow ${picks.grow}`,
    });
  }
  // The premise is that the reflection is read: the full reflection must do better than the fitness alone.
  const [withIt, without] = rows as [PremiseRow, PremiseRow];
  rows.push({
    premise: 'code after reflection: gain over the control',
    leaf: 'eureka',
    measure: 'balanced accuracy with the full reflection − with the fitness only (> 0: the reflection is read)',
    value: withIt.value - without.value,
    // > 0, written as 0.02: one more item right moves balanced accuracy by 1/(2 × the class's items), ≥ 1/46 here.
    target: 0.02,
    n: items.length,
  });
  return rows;
}

// ── All of them ─────────────────────────────────────────────────────────────────────────────

export const PREMISES = ['principle', 'sentiment', 'planning', 'feasibility', 'matching', 'code'] as const;
export type Premise = (typeof PREMISES)[number];

/** The premise probes in `which` on `lm`; 'code' runs on `models.coder` (Eureka's code model), 'matching' also embeds with `models.embedder` (ELLM's sentence encoder); both default to `lm`. */
export async function premiseRows(lm: LanguageModel, which: readonly Premise[] = PREMISES, log: (line: string) => void = () => {}, models: { coder?: LanguageModel; embedder?: LanguageModel } = {}): Promise<PremiseRow[]> {
  const run: Record<Premise, () => Promise<PremiseRow[]>> = {
    principle: () => principleRows(lm),
    sentiment: () => sentimentRows(lm),
    planning: () => planningRows(lm),
    feasibility: () => feasibilityRows(lm),
    matching: () => matchingRows(lm, models.embedder ?? lm),
    code: () => codeRows(models.coder ?? lm),
  };
  const rows: PremiseRow[] = [];
  for (const p of which) {
    const t0 = performance.now();
    rows.push(...(await run[p]()));
    log(`${p}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return rows;
}
