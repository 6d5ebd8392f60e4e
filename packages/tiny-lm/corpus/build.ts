/**
 * Deterministic corpus generator for tiny-lm.
 *
 * FORMAT: corpus.txt and heldout.txt hold DOCUMENTS SEPARATED BY ONE BLANK LINE ("\n\n"),
 * and the file ends with a single "\n". A document never contains a blank line, but it may
 * contain single newlines (the JavaScript reward functions span several lines). Split with
 * `text.trim().split('\n\n')`. All text is printable ASCII plus "\n".
 *
 * Usage:
 *   npx tsx packages/tiny-lm/corpus/build.ts          # writes corpus/corpus.txt, corpus/heldout.txt, eval/probes.json
 *   npx tsx packages/tiny-lm/corpus/build.ts OUTDIR   # writes all three files into OUTDIR
 *
 * Determinism: every random choice comes from one mulberry32 stream with a fixed seed, and
 * generators run in a fixed order, so the output bytes depend only on this file and
 * knowledge.ts. Nothing reads the clock, the environment or Math.random.
 *
 * Held-out hygiene: the (instruction template x object) pairs, paraphrased goals and review
 * sentences in knowledge.ts's HELD-OUT section are never generated; `checkProbesAbsent`
 * fails the build if any probe text appears verbatim in corpus.txt or heldout.txt.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ACHIEVEMENTS, BAD_ANSWERS, COLORS, CRAFT_NOOP_CAPTIONS, CRAFT_STATS, GRID_ACTIONS, GRID_OBJECTS,
  HARMFUL_TOPICS, HELDOUT_COMBOS, HELDOUT_GOALS, HELDOUT_REVIEWS, HELP_TOPICS, INSTRUCTIONS,
  NEGATIVE_ADJ, NEGATIVE_ENDINGS, OBJECTS, PASSAGES, PLACES, POSITIVE_ADJ, POSITIVE_ENDINGS,
  PROCEDURES, REVIEW_DOMAINS, REWARD_TASKS, SKILLS, SPILLABLE,
  type Achievement, type CraftItem, type CraftThing, type InstructionTemplate, type KitchenObject,
  type ReviewDomain, type RewardTaskId,
} from './knowledge.ts';
import { codeReflectionLeak, reflectionDoc } from './codeReflection.ts';

import { CRAFTER_GENERATORS } from './skills/crafter.ts';
import { JUDGEMENT_GENERATORS } from './skills/judgement.ts';
import { PLANNING_GENERATORS } from './skills/planning.ts';
import { SENTIMENT_GENERATORS } from './skills/sentiment.ts';
import { heldOutForm, heldOutItems, heldOutMatcher } from './heldOut.ts';
import { HARM_PROBE } from './premiseItems.ts';
import { redTeamHeldoutPrompts } from '@rlllm/env/assistant';

export const SEED = 0x5eed2024;
/** Share of generated documents moved to heldout.txt (hand-written passages always stay in). */
export const HELDOUT_FRACTION = 0.03;

// ---------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------

export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** mulberry32: tiny, fast, and identical on every JS engine. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from empty list');
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = xs.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
  sample<T>(xs: readonly T[], k: number): T[] {
    return this.shuffle(xs).slice(0, k);
  }
}

// ---------------------------------------------------------------------------------------
// Small text helpers
// ---------------------------------------------------------------------------------------

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "a, b and c" */
export function listAnd(xs: readonly string[], conj = 'and'): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} ${conj} ${xs[xs.length - 1]}`;
}

const withArticle = (o: KitchenObject): string => `${o.article} ${o.name}`;
const objByName = (name: string): KitchenObject => {
  const o = OBJECTS.find((x) => x.name === name);
  if (!o) throw new Error(`unknown object ${name}`);
  return o;
};
const placeByName = (name: string) => {
  const p = PLACES.find((x) => x.name === name);
  if (!p) throw new Error(`unknown place ${name}`);
  return p;
};

// ---------------------------------------------------------------------------------------
// 1. Kitchen plans (SayCan)
// ---------------------------------------------------------------------------------------

/** One concrete instruction: a template filled with an object (and a place for put/getFrom). */
export interface Instruction {
  template: InstructionTemplate;
  object: string;
  place?: string;
}

export function instructionText(ins: Instruction): string {
  const place = ins.place ? placeByName(ins.place) : undefined;
  const text = ins.template.text
    .replace('{x}', ins.object)
    .replace('{l}', place?.name ?? '')
    .replace('{p}', place?.prep ?? '');
  // Questions read as questions; everything else ends with a full stop.
  const question = /^can you|can you help$/.test(text);
  return `${text}${question ? '?' : '.'}`;
}

/**
 * How the robot gets hold of an object where it usually is: from a closed place it must go there,
 * open it, pick the object up and close it again; otherwise it finds the object and picks it up.
 * `where` overrides the home (the object was left somewhere else).
 */
export function fetchSteps(x: string, where?: string): string[] {
  const l = where ?? OBJECTS.find((o) => o.name === x)?.home;
  const p = l ? PLACES.find((q) => q.name === l) : undefined;
  return p?.openable ? [SKILLS.goTo(p.name), SKILLS.open(p.name), SKILLS.pick(x), SKILLS.close(p.name)] : [SKILLS.find(x), SKILLS.pick(x)];
}

/** Steps that leave the held object at place l (opening and closing it if needed). */
export function putSteps(x: string, l: string): string[] {
  const p = placeByName(l);
  return [SKILLS.goTo(l), ...(p.openable ? [SKILLS.open(l)] : []), SKILLS.putDown(x), ...(p.openable ? [SKILLS.close(l)] : [])];
}

/** The skill sequence that carries out an instruction, ending with "done" (objects start at home). */
export function planFor(ins: Instruction): string[] {
  const x = ins.object;
  switch (ins.template.kind) {
    case 'bring':
      return [...fetchSteps(x), SKILLS.bring(), SKILLS.putDown(x), SKILLS.done()];
    case 'put':
      return [...fetchSteps(x), ...putSteps(x, ins.place!), SKILLS.done()];
    case 'trash':
      return [...fetchSteps(x), ...putSteps(x, 'trash can'), SKILLS.done()];
    case 'putAway':
      // "Put it away": it is out of place, so it is found wherever it is.
      return [SKILLS.find(x), SKILLS.pick(x), ...putSteps(x, objByName(x).home), SKILLS.done()];
    case 'getFrom':
      return [...fetchSteps(x, ins.place), SKILLS.bring(), SKILLS.putDown(x), SKILLS.done()];
    case 'spill':
      return [...fetchSteps('sponge'), SKILLS.bring(), SKILLS.putDown('sponge'), SKILLS.done()];
  }
}

/** "1. find the apple, 2. pick up the apple, 3." — the exact prefix format probes use. */
export function numberedSteps(steps: readonly string[]): string {
  return steps.map((s, i) => `${i + 1}. ${s}`).join(', ');
}

export function sayCanPrefix(ins: Instruction): string {
  return `Human: ${instructionText(ins)} Robot:`;
}

export function sayCanPlan(ins: Instruction): string {
  return `${sayCanPrefix(ins)} ${numberedSteps(planFor(ins))}.`;
}

const isHeldOut = (templateId: string, object: string): boolean =>
  HELDOUT_COMBOS.some((c) => c.template === templateId && c.object === object);

/** Every instruction the corpus may use: all template x object (x place) pairs minus held-out. */
export function allowedInstructions(): Instruction[] {
  const out: Instruction[] = [];
  for (const t of INSTRUCTIONS) {
    const objects = t.kind === 'spill' ? SPILLABLE : OBJECTS.map((o) => o.name);
    for (const x of objects) {
      if (isHeldOut(t.id, x)) continue;
      if (t.kind === 'put') {
        for (const p of PLACES) if (p.name !== objByName(x).home) out.push({ template: t, object: x, place: p.name });
      } else if (t.kind === 'getFrom') {
        // "take the apple out of the counter" is not English: only closed places qualify.
        if (placeByName(objByName(x).home).openable) out.push({ template: t, object: x, place: objByName(x).home });
      } else {
        out.push({ template: t, object: x });
      }
    }
  }
  return out;
}

function kitchenFacts(r: Prng): string {
  const o = r.pick(OBJECTS);
  const home = placeByName(o.home);
  const where = [
    `The ${o.name} is usually ${home.prep} the ${home.name}.`,
    `You can find the ${o.name} ${home.prep} the ${home.name}.`,
    `The ${o.name} is kept ${home.prep} the ${home.name}.`,
    `Where is the ${o.name}? It is usually ${home.prep} the ${home.name}.`,
    `If you need the ${o.name}, look ${home.prep} the ${home.name}.`,
  ];
  const use = r.pick(o.uses);
  const what = [
    `${cap(withArticle(o))} is used to ${use}.`,
    `You can use ${withArticle(o)} to ${use}.`,
    `What is ${withArticle(o)} for? It is used to ${use}.`,
    `People use ${withArticle(o)} to ${use}.`,
  ];
  const parts = [r.pick(where), r.pick(what), ...r.sample(o.facts, r.range(1, 2))];
  if (home.openable && r.chance(0.5)) parts.push(`To take the ${o.name} out, first open the ${home.name}, then pick up the ${o.name}, then close the ${home.name}.`);
  if (r.chance(0.3)) parts.push(r.pick(home.about));
  return r.shuffle(parts.slice(0, 2)).concat(parts.slice(2)).join(' ');
}

function kitchenPlaceFacts(r: Prng): string {
  const p = r.pick(PLACES);
  const here = OBJECTS.filter((o) => o.home === p.name).map((o) => `the ${o.name}`);
  const parts = [...p.about];
  if (here.length) parts.push(r.pick([`${cap(listAnd(here))} ${here.length > 1 ? 'are' : 'is'} usually ${p.prep} the ${p.name}.`, `${cap(p.prep)} the ${p.name} you can find ${listAnd(here)}.`]));
  if (p.openable) parts.push(r.pick([`The ${p.name} must be opened before you put something in it or take something out.`, `Always close the ${p.name} after you use it.`, `If the ${p.name} is closed, open the ${p.name} first.`]));
  return parts.join(' ');
}

function kitchenPlanDoc(r: Prng, pool: readonly Instruction[]): string {
  // Several plans in one document look like a few-shot prompt, which is how leaves use them.
  const n = r.pick([1, 1, 2, 2, 3]);
  const plans: string[] = [];
  for (let i = 0; i < n; i++) plans.push(sayCanPlan(r.pick(pool)));
  const intro = r.chance(0.25) ? `${r.pick(['The robot is in a kitchen and follows orders.', 'A robot helps people in the kitchen.', 'Here are some tasks and the steps the robot takes.', 'The robot knows these skills: find, pick up, go to, put down, open, close, bring it to you and done.'])} ` : '';
  return intro + plans.join(r.chance(0.5) ? '\n' : ' ');
}

function kitchenProsePlan(r: Prng, pool: readonly Instruction[]): string {
  const ins = r.pick(pool);
  const steps = planFor(ins).slice(0, -1);
  const head = `Human: ${instructionText(ins)}`;
  switch (r.int(4)) {
    case 0:
      return `${head} Robot: I will ${listAnd(steps)}. Then I am done.`;
    case 1:
      return `${head} Robot: First, ${steps[0]}. ${steps.slice(1, -1).map((s) => `Then, ${s}.`).join(' ')} Finally, ${steps[steps.length - 1]}. Done.`;
    case 2: {
      const i = r.int(steps.length - 1);
      return `To do this task: ${instructionText(ins)} The step after ${steps[i]} is ${steps[i + 1]}. ${i > 0 ? `The step before ${steps[i]} is ${steps[i - 1]}.` : `The first step is ${steps[0]}.`} The last step is done.`;
    }
    default: {
      // Inner Monologue style: success detection feeds back into the plan.
      const lines: string[] = [head];
      let k = 1;
      for (const s of steps) {
        lines.push(`Robot: ${k}. ${s}.`);
        if (s.startsWith('pick up') && r.chance(0.4)) {
          lines.push(`Scene: the ${s.slice(11)} slipped. Success: no.`);
          lines.push(`Robot: ${k}. ${s}.`);
        }
        lines.push(`Success: yes.`);
        k++;
      }
      lines.push(`Robot: ${k}. done.`);
      return lines.join(' ');
    }
  }
}

function kitchenNextStepQA(r: Prng, pool: readonly Instruction[]): string {
  const ins = r.pick(pool);
  const steps = planFor(ins);
  const i = r.int(steps.length - 1);
  const forms = [
    `Task: ${instructionText(ins)} Done so far: ${i === 0 ? 'nothing' : listAnd(steps.slice(0, i))}. Next step: ${steps[i]}.`,
    `Question: the robot must ${instructionText(ins).replace(/[.?]$/, '')}. It has done ${i === 0 ? 'nothing yet' : listAnd(steps.slice(0, i))}. What should it do next? Answer: ${steps[i]}.`,
  ];
  return r.pick(forms);
}

function kitchenAffordance(r: Prng): string {
  const o = r.pick(OBJECTS);
  const p = r.pick(PLACES.filter((x) => x.openable));
  const forms = [
    `The robot can only pick up the ${o.name} after it finds the ${o.name}. It can only put down the ${o.name} after it picks it up.`,
    `If the robot is not holding the ${o.name}, it cannot put down the ${o.name}. It should pick up the ${o.name} first.`,
    `If the ${p.name} is closed, the robot cannot put anything in it. It should open the ${p.name} first and close the ${p.name} after.`,
    `A robot holding the ${o.name} cannot pick up anything else. It should put down the ${o.name} first.`,
    `When the task is finished, the robot says done. It does not say done before the last step.`,
    `If the ${o.name} is far away, the robot should find the ${o.name} before it tries to pick it up.`,
  ];
  return r.pick(forms);
}

function kitchenNeeds(r: Prng): string {
  const forms: (() => string)[] = [
    () => { const o = r.pick(OBJECTS.filter((x) => x.kind === 'food')); return `Human: I am hungry. Robot: I can bring you ${withArticle(o)}. ${numberedSteps(planFor({ template: INSTRUCTIONS[0], object: o.name }))}.`; },
    () => { const o = r.pick(OBJECTS.filter((x) => x.kind === 'drink')); return `Human: I am thirsty. Robot: I can bring you ${withArticle(o)}. ${numberedSteps(planFor({ template: INSTRUCTIONS[0], object: o.name }))}.`; },
    () => `If someone spilled ${r.pick(SPILLABLE.filter((d) => d !== 'drink'))}, bring them the sponge. The sponge is used to clean a spill.`,
    () => `If someone is hungry, bring them ${withArticle(r.pick(OBJECTS.filter((x) => x.kind === 'food')))}. If someone is thirsty, bring them ${withArticle(r.pick(OBJECTS.filter((x) => x.kind === 'drink')))}.`,
    () => `Trash such as an empty coke can or a used napkin goes in the trash can. To throw something away, pick it up, go to the trash can and put it down.`,
    () => { const o = r.pick(OBJECTS); return `To put the ${o.name} away, take it back to where it belongs. The ${o.name} belongs ${placeByName(o.home).prep} the ${o.home}.`; },
  ];
  return r.pick(forms)();
}

// ---------------------------------------------------------------------------------------
// 2. Crafter-like world (ELLM)
// ---------------------------------------------------------------------------------------

const ach = (id: string): Achievement => {
  const a = ACHIEVEMENTS.find((x) => x.id === id);
  if (!a) throw new Error(`unknown achievement ${id}`);
  return a;
};

export const itemPhrase = (i: CraftItem): string => (/(pickaxe|sword|sapling|diamond)$/.test(i) ? `${/^[aeiou]/.test(i) ? 'an' : 'a'} ${i}` : i);
export const thingPhrase = (t: CraftThing): string =>
  ['grass', 'water', 'stone', 'coal', 'iron', 'sand', 'lava'].includes(t) ? t : `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`;

/** Goals that are possible right now, most useful first (needs, then new tools, then basics). */
export function feasibleGoals(see: readonly CraftThing[], inv: readonly CraftItem[], low: readonly string[]): Achievement[] {
  const ok = (a: Achievement) => a.near.every((t) => see.includes(t)) && a.needs.every((i) => inv.includes(i));
  const out: Achievement[] = [];
  for (const s of CRAFT_STATS) if (low.includes(s.stat) && ok(ach(s.fix))) out.push(ach(s.fix));
  if (see.includes('zombie')) out.push(ach('defeat_zombie'));
  const order = ['collect_diamond', 'make_iron_pickaxe', 'make_iron_sword', 'collect_iron', 'place_furnace', 'make_stone_pickaxe', 'make_stone_sword', 'collect_coal', 'collect_stone', 'make_wood_pickaxe', 'make_wood_sword', 'place_table', 'collect_wood', 'eat_cow', 'collect_drink', 'collect_sapling', 'place_plant', 'eat_plant', 'defeat_skeleton', 'place_stone'];
  for (const id of order) {
    const a = ach(id);
    if (out.includes(a) || !ok(a)) continue;
    // Do not suggest what you already own or what is already nearby.
    if (id === 'place_table' && see.includes('table')) continue;
    if (id === 'place_furnace' && see.includes('furnace')) continue;
    if (id.startsWith('make_') && inv.includes(a.goal.replace(/^make an? /, '') as CraftItem)) continue;
    out.push(a);
  }
  return out;
}

/** A random but consistent state: a tech level decides what you carry and what is around. */
export function craftState(r: Prng): { see: CraftThing[]; inv: CraftItem[]; low: string[] } {
  const level = r.int(6);
  const inv = new Set<CraftItem>();
  if (level >= 1 && r.chance(0.8)) inv.add('wood');
  if (level >= 1 && r.chance(0.3)) inv.add('sapling');
  if (level >= 2) inv.add('wood pickaxe');
  if (level >= 2 && r.chance(0.3)) inv.add('wood sword');
  if (level >= 3 && r.chance(0.8)) inv.add('stone');
  if (level >= 3 && r.chance(0.5)) inv.add('coal');
  if (level >= 4) inv.add('stone pickaxe');
  if (level >= 4 && r.chance(0.6)) inv.add('iron');
  if (level >= 5) inv.add('iron pickaxe');
  const nearPool: CraftThing[][] = [
    ['tree', 'grass', 'water', 'cow', 'sand', 'plant', 'zombie'],
    ['tree', 'grass', 'table', 'water', 'cow', 'stone'],
    ['stone', 'coal', 'tree', 'table', 'grass', 'water'],
    ['stone', 'coal', 'iron', 'table', 'furnace', 'skeleton', 'lava'],
    ['stone', 'iron', 'coal', 'table', 'furnace', 'lava', 'skeleton'],
    ['stone', 'diamond', 'iron', 'lava', 'table', 'furnace', 'skeleton'],
  ];
  const see = r.sample(nearPool[level], r.range(1, 4)) as CraftThing[];
  const low = r.chance(0.3) ? [r.pick(CRAFT_STATS).stat] : [];
  return { see, inv: CRAFT_ITEMS_ORDER.filter((i) => inv.has(i)), low };
}
const CRAFT_ITEMS_ORDER: CraftItem[] = ['wood', 'sapling', 'stone', 'coal', 'iron', 'diamond', 'wood pickaxe', 'stone pickaxe', 'iron pickaxe', 'wood sword', 'stone sword', 'iron sword'];

export function describeState(r: Prng, s: { see: CraftThing[]; inv: CraftItem[]; low: string[] }): string {
  const seeText = r.pick([`You see ${listAnd(s.see.map(thingPhrase))}.`, `Nearby there is ${listAnd(s.see.map(thingPhrase))}.`, `Observation: you see ${listAnd(s.see.map(thingPhrase))}.`]);
  const invText = s.inv.length === 0
    ? r.pick(['You have nothing.', 'Your inventory is empty.', 'Inventory: nothing.'])
    : r.pick([`You have ${listAnd(s.inv.map(itemPhrase))}.`, `Inventory: ${s.inv.join(', ')}.`, `Your inventory has ${listAnd(s.inv.map(itemPhrase))}.`]);
  const lowText = s.low.map((st) => CRAFT_STATS.find((c) => c.stat === st)!.low).join(' ');
  return [seeText, invText, lowText].filter(Boolean).join(' ');
}

const goalText = (r: Prng, a: Achievement): string => (r.chance(0.7) ? a.goal : r.pick(a.goalAlts));

function craftSuggestDoc(r: Prng): string {
  for (;;) {
    const s = craftState(r);
    const goals = feasibleGoals(s.see, s.inv, s.low);
    if (goals.length === 0) continue;
    const state = describeState(r, s);
    const g = goals[0];
    switch (r.int(4)) {
      case 0:
        return `${state} What should you do? You should ${goalText(r, g)}.`;
      case 1:
        return `${state} Suggested goals: ${goals.slice(0, 3).map((a) => goalText(r, a)).join(', ')}.`;
      case 2:
        return `${state} A good goal is to ${goalText(r, g)}, because ${g.why[0].replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())}.`;
      default:
        return `${state} Goal: ${g.goal}. ${g.caption} ${r.pick(['The goal is done.', 'The goal is achieved.', 'Well done.'])}`;
    }
  }
}

function craftFactDoc(r: Prng): string {
  const a = r.pick(ACHIEVEMENTS);
  const parts: string[] = [...r.sample(a.why, r.range(1, a.why.length))];
  const needs = [...a.needs.map(itemPhrase), ...a.near.filter((t) => t !== 'grass').map((t) => `${thingPhrase(t)} nearby`)];
  if (needs.length) parts.push(r.pick([`To ${a.goal}, you need ${listAnd(needs)}.`, `You can ${a.goal} when you have ${listAnd(needs)}.`, `Before you ${a.goal}, make sure you have ${listAnd(needs)}.`]));
  else parts.push(r.pick([`You can ${a.goal} at any time if you are in the right place.`, `To ${a.goal} you do not need any tools.`]));
  parts.push(r.pick([`When you ${a.goal}, the game says: ${a.caption}`, `After you ${a.goal}, you see the message ${a.caption}`, `${a.caption} This means you did ${a.goal}.`, `The caption for ${a.goal} is: ${a.caption}`]));
  if (r.chance(0.4)) parts.push(`${cap(r.pick(a.goalAlts))} means the same as ${a.goal}.`);
  return parts.join(' ');
}

function craftMatchDoc(r: Prng): string {
  const a = r.pick(ACHIEVEMENTS);
  const g = goalText(r, a);
  if (r.chance(0.55)) {
    return r.pick([
      `The goal was to ${g}. ${a.caption} The goal is achieved.`,
      `Goal: ${g}. Caption: ${a.caption} Match: yes.`,
      `You wanted to ${g}. ${a.caption} That matches the goal.`,
    ]);
  }
  const other = r.chance(0.3) ? r.pick(CRAFT_NOOP_CAPTIONS) : r.pick(ACHIEVEMENTS.filter((x) => x !== a)).caption;
  return r.pick([
    `The goal was to ${g}. ${other} The goal is not achieved yet.`,
    `Goal: ${g}. Caption: ${other} Match: no.`,
    `You wanted to ${g}. ${other} That does not match the goal.`,
  ]);
}

/** A short play-through that climbs the tech tree; teaches order and goal -> caption. */
function craftEpisodeDoc(r: Prng): string {
  const path = ['collect_wood', 'collect_wood', 'place_table', 'make_wood_pickaxe', 'make_wood_sword', 'collect_stone', 'make_stone_pickaxe', 'collect_coal', 'place_furnace', 'collect_iron', 'make_iron_pickaxe', 'collect_diamond'];
  const extras = ['collect_drink', 'eat_cow', 'collect_sapling', 'place_plant', 'defeat_zombie', 'wake_up', 'place_stone', 'eat_plant'];
  const start = r.pick([0, 0, 2, 3, 5]);
  const len = r.range(3, 6);
  const seq: string[] = [];
  for (let i = start; i < Math.min(path.length, start + len); i++) {
    if (r.chance(0.25)) seq.push(r.pick(extras));
    seq.push(path[i]);
  }
  const out: string[] = [];
  for (const id of seq) {
    const a = ach(id);
    switch (r.int(3)) {
      case 0: out.push(`You should ${goalText(r, a)}. ${a.caption}`); break;
      case 1: out.push(`Next goal: ${a.goal}. ${a.caption}`); break;
      default: out.push(a.caption);
    }
  }
  return out.join(' ');
}

function craftCannotDoc(r: Prng): string {
  const a = r.pick(ACHIEVEMENTS.filter((x) => x.needs.length > 0));
  const missing = r.pick(a.needs);
  const maker = ACHIEVEMENTS.find((x) => x.caption.toLowerCase().includes(missing) && x !== a);
  const first = maker ? ` You should ${maker.goal} first.` : '';
  return r.pick([
    `You cannot ${a.goal} without ${itemPhrase(missing)}.${first}`,
    `You want to ${a.goal}, but you have no ${missing}.${first}`,
    `If you try to ${a.goal} with no ${missing}, nothing happens.${first}`,
  ]);
}

// ---------------------------------------------------------------------------------------
// 3. Grid world (GLAM / BabyAI) and Planner-Actor-Reporter
// ---------------------------------------------------------------------------------------

type GridObj = (typeof GRID_OBJECTS)[number];
type Mission = { kind: 'goto' | 'pickup' | 'open'; color: string; obj: GridObj };

function missionText(m: Mission): string {
  if (m.kind === 'goto') return `go to the ${m.color} ${m.obj}`;
  if (m.kind === 'pickup') return `pick up the ${m.color} ${m.obj}`;
  return `open the ${m.color} door`;
}

function randomMission(r: Prng): Mission {
  const color = r.pick(COLORS);
  const kind = r.pick(['goto', 'goto', 'pickup', 'pickup', 'open'] as const);
  if (kind === 'open') return { kind, color, obj: 'door' };
  const obj = kind === 'pickup' ? r.pick(['ball', 'box', 'key'] as const) : r.pick(GRID_OBJECTS);
  return { kind, color, obj };
}

/** Egocentric position: f steps forward (>= 0), s steps to the side (negative = left). */
function posText(f: number, s: number): string {
  const parts: string[] = [];
  if (f > 0) parts.push(`${f} ${f === 1 ? 'step' : 'steps'} forward`);
  if (s !== 0) parts.push(`${Math.abs(s)} ${Math.abs(s) === 1 ? 'step' : 'steps'} ${s < 0 ? 'left' : 'right'}`);
  return parts.join(' and ');
}

/** The simple policy the corpus teaches: close the forward gap, then turn, then act. */
function gridAction(m: Mission, f: number, s: number): string | null {
  if (f > 0 && s !== 0) return 'go forward';
  if (f === 0 && s < 0) return 'turn left';
  if (f === 0 && s > 0) return 'turn right';
  if (f > 1) return 'go forward';
  if (m.kind === 'goto') return null; // standing in front of it: the mission is complete
  return m.kind === 'pickup' ? 'pick up' : 'toggle';
}

function gridStep(a: string, f: number, s: number): [number, number] {
  if (a === 'go forward') return [f - 1, s];
  if (a === 'turn left') return [-s, f];
  if (a === 'turn right') return [s, -f];
  return [f, s];
}

function gridDistractors(r: Prng, m: Mission, target: [number, number]): string[] {
  const out: string[] = [];
  const taken = new Set([target.join(',')]);
  const n = r.int(3);
  for (let i = 0; i < n; i++) {
    const c = r.pick(COLORS);
    const o = r.pick(GRID_OBJECTS);
    const [f, s] = [r.range(1, 4), r.range(-2, 2)];
    // Never the target itself, and never two things on the same square.
    if ((c === m.color && o === m.obj) || taken.has(`${f},${s}`)) continue;
    taken.add(`${f},${s}`);
    out.push(`You see a ${c} ${o} ${posText(f, s)}.`);
  }
  if (r.chance(0.4)) out.push(`You see a wall ${r.range(2, 5)} steps forward.`);
  return out;
}

function gridStart(r: Prng): [number, number] {
  for (;;) {
    const f = r.range(0, 4);
    const s = r.range(-3, 3);
    if (f !== 0 || s !== 0) return [f, s];
  }
}

function glamPromptDoc(r: Prng): string {
  const m = randomMission(r);
  let [f, s] = gridStart(r);
  let a = gridAction(m, f, s);
  while (a === null) {
    [f, s] = gridStart(r);
    a = gridAction(m, f, s);
  }
  const obs = r.shuffle([`You see a ${m.color} ${m.obj} ${posText(f, s)}.`, ...gridDistractors(r, m, [f, s])]).join(' ');
  const header = r.chance(0.5) ? `Possible actions of the agent: ${GRID_ACTIONS.join(', ')}. ` : '';
  return `${header}Goal of the agent: ${missionText(m)}. Observation: ${obs} Next action: ${a}.`;
}

function gridTrajectoryDoc(r: Prng): string {
  const m = randomMission(r);
  let [f, s] = gridStart(r);
  const out: string[] = [`Mission: ${missionText(m)}.`];
  for (let t = 0; t < 12; t++) {
    const a = gridAction(m, f, s);
    out.push(`You see the ${m.color} ${m.obj} ${posText(f, s)}.`);
    if (a === null) {
      out.push(`You are in front of the ${m.color} ${m.obj}. Mission complete.`);
      break;
    }
    out.push(`Action: ${a}.`);
    if (a === 'pick up') { out.push(`You are carrying the ${m.color} ${m.obj}. Mission complete.`); break; }
    if (a === 'toggle') { out.push(`The ${m.color} door is open. Mission complete.`); break; }
    [f, s] = gridStep(a, f, s);
  }
  return out.join(' ');
}

function gridFactDoc(r: Prng): string {
  const c = r.pick(COLORS);
  const o = r.pick(['ball', 'box', 'key'] as const);
  const forms = [
    `To pick up the ${c} ${o}, go to the ${c} ${o} until it is one step forward, then pick up.`,
    `If the ${c} ${o} is to your left, turn left. If it is to your right, turn right. If it is straight ahead, go forward.`,
    `You can pick up a ball, a box or a key. You cannot pick up a door. To open the ${c} door, stand in front of it and toggle.`,
    `A locked ${c} door needs the ${c} key. Pick up the ${c} key, go to the ${c} door and toggle it.`,
    `You can only carry one thing at a time. If you carry the ${c} ${o} and want something else, drop the ${c} ${o} first.`,
    `To put the ${c} ${o} next to the ${r.pick(COLORS)} box, pick up the ${c} ${o}, go to the box and drop it.`,
    `The mission go to the ${c} ${o} is complete when the ${c} ${o} is one step forward.`,
    `Toggle opens a door that is in front of you. Drop puts down the thing you carry. Go forward moves you one step ahead.`,
  ];
  return r.pick(forms);
}

function parDialogueDoc(r: Prng): string {
  const k = r.range(2, 4);
  const objs: string[] = [];
  while (objs.length < k) {
    const x = `${r.pick(COLORS)} ${r.pick(['ball', 'box', 'key'] as const)}`;
    if (!objs.includes(x)) objs.push(x);
  }
  const goodIdx = r.int(k);
  const order = r.shuffle(objs);
  const lines: string[] = [`Task: pick up the good object. In the room there is ${listAnd(objs.map((o) => `a ${o}`))}.`];
  for (const o of order) {
    const good = o === objs[goodIdx];
    lines.push(`Planner: examine the ${o}.`);
    if (r.chance(0.3)) lines.push(`Actor: I examined the ${o}.`);
    lines.push(`Reporter: the ${o} is ${good ? 'good' : 'bad'}.`);
    if (good) {
      lines.push(`Planner: pick up the ${o}.`);
      lines.push(`Reporter: you picked up the ${o}. The task is done.`);
      break;
    }
  }
  return lines.join(' ');
}

function parFactDoc(r: Prng): string {
  const o = `${r.pick(COLORS)} ${r.pick(['ball', 'box', 'key'] as const)}`;
  return r.pick([
    `If the reporter says the ${o} is good, the planner should pick up the ${o}.`,
    `If the reporter says the ${o} is bad, the planner should examine another object.`,
    `The planner cannot see if the ${o} is good. It must ask the actor to examine the ${o} first.`,
    `A truthful reporter says the ${o} is good only when it is good.`,
  ]);
}

// ---------------------------------------------------------------------------------------
// 4. Procedures
// ---------------------------------------------------------------------------------------

function procedureDoc(r: Prng): string {
  const p = r.pick(PROCEDURES);
  const s = p.steps;
  switch (r.int(5)) {
    case 0:
      return `How to ${p.task}: ${s.map((x, i) => `${i + 1}. ${x}`).join(', ')}.`;
    case 1:
      return `To ${p.task}, first ${s[0]}. ${s.slice(1, -1).map((x) => `Then ${x}.`).join(' ')} Finally, ${s[s.length - 1]}.`;
    case 2: {
      const i = r.int(s.length - 1);
      return `When you ${p.task}, after you ${s[i]}, you ${s[i + 1]}.`;
    }
    case 3:
      return `Question: what is the first step to ${p.task}? Answer: ${s[0]}. Question: what is the last step? Answer: ${s[s.length - 1]}.`;
    default:
      return `Instructions: ${p.task}. Steps: ${s.join('; ')}.`;
  }
}

// ---------------------------------------------------------------------------------------
// 5. Reviews
// ---------------------------------------------------------------------------------------

function reviewDoc(r: Prng): string {
  const dom: ReviewDomain = REVIEW_DOMAINS[r.pick(['movie', 'restaurant', 'product'] as const)];
  const positive = r.chance(0.5);
  const adj = positive ? POSITIVE_ADJ : NEGATIVE_ADJ;
  const pool = positive ? dom.positive : dom.negative;
  const parts: string[] = [];
  if (r.chance(0.3)) parts.push(r.pick(dom.openers));
  const nAspects = r.range(1, 2);
  for (const [noun, verb] of r.sample(dom.aspects, nAspects)) parts.push(`${cap(noun)} ${verb} ${r.pick(adj)}.`);
  parts.push(...r.sample(pool, r.range(1, 2)));
  if (r.chance(0.4)) parts.push(`${cap(r.pick(dom.subjects))} was ${r.pick(adj)}.`);
  const body = r.shuffle(parts.slice(0, -1)).concat(parts.slice(-1));
  if (r.chance(0.6)) body.push(r.pick(positive ? POSITIVE_ENDINGS : NEGATIVE_ENDINGS));
  const text = body.join(' ');
  if (r.chance(0.12)) return `Review: ${text} Sentiment: ${positive ? 'positive' : 'negative'}.`;
  return text;
}

// ---------------------------------------------------------------------------------------
// 6. JavaScript reward functions (Eureka)
// ---------------------------------------------------------------------------------------

export interface RewardTerm {
  /** Comment lines explaining why the term exists (one is picked). */
  comments: string[];
  /** Code lines defining `name`, given a coefficient string. */
  code: (c: string, r: Prng) => string[];
  name: string;
  sign: 1 | -1;
  core?: boolean;
}

export const COEF = ['0.01', '0.05', '0.1', '0.2', '0.5', '1.0', '2.0'];
export const BONUS = ['1.0', '5.0', '10.0', '100.0'];

export const REWARD_TERMS: Record<RewardTaskId, RewardTerm[]> = {
  cartpole: [
    { name: 'alive', sign: 1, core: true, comments: ['alive bonus: reward every step the pole is still up', 'survival bonus for each step'], code: (_c, r) => [`const alive = ${r.pick(['1.0', '0.5', '2.0'])};`] },
    { name: 'anglePenalty', sign: -1, core: true, comments: ['angle penalty: the pole should stay upright', 'penalize the pole for leaning'], code: (c, r) => [r.chance(0.5) ? `const anglePenalty = ${c} * Math.abs(obs.theta);` : `const anglePenalty = ${c} * obs.theta * obs.theta;`] },
    { name: 'positionPenalty', sign: -1, comments: ['position penalty: keep the cart near the center', 'penalize the cart for moving away from the center'], code: (c) => [`const positionPenalty = ${c} * Math.abs(obs.x);`] },
    { name: 'velocityPenalty', sign: -1, comments: ['velocity penalty: a calm pole is easier to balance', 'penalize fast swinging of the pole'], code: (c) => [`const velocityPenalty = ${c} * Math.abs(obs.thetaDot);`] },
    { name: 'cartSpeedPenalty', sign: -1, comments: ['cart speed penalty: avoid sudden moves', 'penalize a fast cart'], code: (c) => [`const cartSpeedPenalty = ${c} * Math.abs(obs.xDot);`] },
    { name: 'uprightBonus', sign: 1, comments: ['upright bonus: extra reward when the pole is almost straight', 'bonus when the angle is small'], code: (c, r) => [`const uprightBonus = Math.abs(obs.theta) < ${r.pick(['0.05', '0.1', '0.2'])} ? ${c} : 0;`] },
  ],
  reach: [
    { name: 'distPenalty', sign: -1, core: true, comments: ['distance penalty: get closer to the goal', 'penalize the distance to the goal'], code: (c, r) => [r.chance(0.5) ? 'const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);' : 'const dist = Math.sqrt((obs.x - obs.goalX) ** 2 + (obs.y - obs.goalY) ** 2);', `const distPenalty = ${c} * dist;`] },
    { name: 'speedPenalty', sign: -1, comments: ['speed penalty: slow down so the point mass can stop at the goal', 'penalize high speed'], code: (c) => ['const speed = Math.hypot(obs.vx, obs.vy);', `const speedPenalty = ${c} * speed;`] },
    { name: 'successBonus', sign: 1, comments: ['success bonus: a big reward when the goal is reached', 'bonus for reaching the goal'], code: (_c, r) => [`const successBonus = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY) < ${r.pick(['0.05', '0.1', '0.2'])} ? ${r.pick(BONUS)} : 0;`] },
    { name: 'actionPenalty', sign: -1, comments: ['action penalty: use small forces', 'penalize large actions to save energy'], code: (c) => ['const a = Array.isArray(action) ? action : [0, 0];', `const actionPenalty = ${c} * (a[0] * a[0] + a[1] * a[1]);`] },
    { name: 'closeness', sign: 1, comments: ['closeness reward: near 1 at the goal, near 0 far away', 'smooth reward for being close'], code: (_c, r) => [`const closeness = Math.exp(-Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY) / ${r.pick(['0.1', '0.5', '1.0'])});`] },
  ],
  mountaincar: [
    { name: 'heightReward', sign: 1, core: true, comments: ['height reward: climbing the hill is progress', 'reward for height on the hill'], code: (c) => [`const heightReward = ${c} * Math.sin(3 * obs.position);`] },
    { name: 'speedReward', sign: 1, core: true, comments: ['speed reward: the car must build speed by swinging', 'reward for moving fast in either direction'], code: (c) => [`const speedReward = ${c} * Math.abs(obs.velocity);`] },
    { name: 'successBonus', sign: 1, comments: ['success bonus: the car reached the flag', 'big bonus at the top of the hill'], code: (_c, r) => [`const successBonus = obs.position >= 0.5 ? ${r.pick(BONUS)} : 0;`] },
    { name: 'stepPenalty', sign: -1, comments: ['step penalty: finish quickly', 'small cost for every step'], code: (c) => [`const stepPenalty = ${c};`] },
    { name: 'progress', sign: 1, comments: ['progress reward: being further right is better', 'reward for position to the right'], code: (c) => [`const progress = ${c} * (obs.position + 1.2);`] },
  ],
  pendulum: [
    { name: 'anglePenalty', sign: -1, core: true, comments: ['angle penalty: the pendulum should point up', 'penalize the angle from upright'], code: (c, r) => [r.chance(0.5) ? `const anglePenalty = ${c} * obs.theta * obs.theta;` : `const anglePenalty = ${c} * (1 - Math.cos(obs.theta));`] },
    { name: 'velocityPenalty', sign: -1, comments: ['velocity penalty: hold still at the top', 'penalize fast spinning'], code: (c) => [`const velocityPenalty = ${c} * obs.thetaDot * obs.thetaDot;`] },
    { name: 'torquePenalty', sign: -1, comments: ['torque penalty: use gentle actions', 'penalize large torque'], code: (c) => ['const torque = typeof action === "number" ? action : 0;', `const torquePenalty = ${c} * torque * torque;`] },
    { name: 'uprightBonus', sign: 1, comments: ['upright bonus: extra reward near the top', 'bonus when the pendulum is almost upright'], code: (_c, r) => [`const uprightBonus = Math.abs(obs.theta) < ${r.pick(['0.1', '0.2', '0.3'])} ? ${r.pick(BONUS)} : 0;`] },
  ],
  keydoor: [
    { name: 'goalBonus', sign: 1, core: true, comments: ['goal bonus: the task is solved', 'big reward for reaching the goal'], code: (_c, r) => [`const goalBonus = obs.atGoal ? ${r.pick(BONUS)} : 0;`] },
    { name: 'keyBonus', sign: 1, comments: ['key bonus: the key is needed to open the door', 'reward for holding the key'], code: (c) => [`const keyBonus = obs.hasKey ? ${c} : 0;`] },
    { name: 'doorBonus', sign: 1, comments: ['door bonus: an open door leads to the goal', 'reward for opening the door'], code: (c) => [`const doorBonus = obs.doorOpen ? ${c} : 0;`] },
    { name: 'distPenalty', sign: -1, comments: ['distance penalty: walk toward the next target', 'shaping: key first, then door, then goal'], code: (c) => ['const target = !obs.hasKey ? obs.distToKey : !obs.doorOpen ? obs.distToDoor : obs.distToGoal;', `const distPenalty = ${c} * target;`] },
    { name: 'stepPenalty', sign: -1, comments: ['step penalty: do not waste time', 'small cost for each step'], code: (c) => [`const stepPenalty = ${c};`] },
  ],
};

const SAMPLE_OBS: Record<RewardTaskId, Record<string, unknown>> = {
  cartpole: { x: 0.1, xDot: -0.2, theta: 0.05, thetaDot: 0.3 },
  reach: { x: 0.2, y: -0.1, vx: 0.1, vy: 0.0, goalX: 0.5, goalY: 0.5 },
  mountaincar: { position: -0.4, velocity: 0.01 },
  pendulum: { theta: 0.4, thetaDot: -1.0 },
  keydoor: { hasKey: true, doorOpen: false, atGoal: false, distToKey: 0, distToDoor: 3, distToGoal: 6 },
};
const SAMPLE_ACTION: Record<RewardTaskId, unknown> = { cartpole: 1, reach: [0.1, -0.2], mountaincar: 2, pendulum: 0.5, keydoor: 2 };

export function rewardCode(r: Prng, task: RewardTaskId): string {
  const info = REWARD_TASKS[task];
  const terms = REWARD_TERMS[task];
  const core = terms.filter((t) => t.core);
  const extra = r.sample(terms.filter((t) => !t.core), r.range(1, Math.min(3, terms.length - core.length)));
  const chosen = terms.filter((t) => core.includes(t) || extra.includes(t)); // keep a stable order
  const lines: string[] = [];
  lines.push(`// Task: ${info.title}. ${info.goal}`);
  if (r.chance(0.6)) lines.push(`// obs: ${Object.entries(info.fields).map(([k, v]) => `${k} (${v})`).join(', ')}`);
  lines.push('function reward(obs, action) {');
  for (const t of chosen) {
    lines.push(`  // ${r.pick(t.comments)}`);
    for (const l of t.code(r.pick(COEF), r)) lines.push(`  ${l}`);
  }
  const expr = chosen.map((t, i) => (i === 0 ? (t.sign < 0 ? `-${t.name}` : t.name) : `${t.sign < 0 ? '-' : '+'} ${t.name}`)).join(' ');
  if (r.chance(0.4)) {
    lines.push(`  const total = ${expr};`);
    lines.push('  return total;');
  } else {
    lines.push(`  return ${expr};`);
  }
  lines.push('}');
  const code = lines.join('\n');
  checkRewardCode(code, task);
  return code;
}

/** Fail the build if a generated reward function does not parse or does not return a number. */
export function checkRewardCode(code: string, task: RewardTaskId): void {
  let fn: unknown;
  try {
    fn = new Function(`${code}\nreturn reward;`)();
  } catch (e) {
    throw new Error(`generated reward code does not parse (${String(e)}):\n${code}`);
  }
  if (typeof fn !== 'function') throw new Error(`generated code has no reward function:\n${code}`);
  const v = (fn as (o: unknown, a: unknown) => unknown)(SAMPLE_OBS[task], SAMPLE_ACTION[task]);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`generated reward returned ${String(v)}:\n${code}`);
}

function rewardDoc(r: Prng): string {
  const task = r.pick(Object.keys(REWARD_TASKS) as RewardTaskId[]);
  return rewardCode(r, task);
}

/** Share of the code model's documents that are a reward reflection followed by a revised reward (codeReflection.ts). */
export const REFLECTION_DOC_SHARE = 0.5;

/**
 * The continued-training data of the code model `rlllm/tiny-coder` (src/bakeCoder.ts), drawn fresh
 * from `seed` and de-duplicated: half reward reflection → revised reward documents (Eureka's
 * reflection followed by code, codeReflection.ts), half the corpus' two code document kinds —
 * reward functions for the five tasks and reward reflection notes, in the corpus' ratio (220 : 60).
 * Documents holding a held-out item of the "code after reflection" probe are dropped. `rescaled`
 * false: the reflections' old rewards keep the library's coefficient ranges (reflectionDoc).
 */
export function codeDocuments(seed: number, n: number, rescaled = true): string[] {
  const r = new Prng(seed);
  const seen = new Set<string>();
  const leak = codeReflectionLeak();
  const docs: string[] = [];
  for (let i = 0; i < n * 4 && docs.length < n; i++) {
    const doc = (r.chance(REFLECTION_DOC_SHARE) ? reflectionDoc(r, { rescaled }).text : r.chance(220 / 280) ? rewardDoc(r) : rewardReflectionDoc(r)).replace(/(\S) {2,}/g, '$1 ').trim();
    if (seen.has(doc) || leak(doc) !== null) continue;
    seen.add(doc);
    docs.push(doc);
  }
  return docs;
}

function rewardReflectionDoc(r: Prng): string {
  const forms: (() => string)[] = [
    () => `Reward reflection: the pole fell often, so the angle penalty should be larger. Try ${r.pick(['1.0', '2.0'])} instead of ${r.pick(['0.1', '0.2'])}.`,
    () => `Reward reflection: the cart drove off the track. Add a position penalty on the cart position.`,
    () => `Reward reflection: the point mass reached the goal but did not stop. Add a speed penalty so it slows down near the goal.`,
    () => `Reward reflection: the car never reached the flag. A speed reward helps it swing back and forth to build speed.`,
    () => `Reward reflection: the pendulum spun in circles. Add a velocity penalty and a bonus near the top.`,
    () => `Reward reflection: the agent never found the key. Add a key bonus and a distance penalty to the next target.`,
    () => `Reward reflection: the success rate went up from ${r.range(1, 4)}0 percent to ${r.range(5, 9)}0 percent. Keep the success bonus and lower the step penalty.`,
    () => `A good reward function returns a number, uses only obs and action, and has a comment for each part.`,
  ];
  return r.pick(forms)();
}

// ---------------------------------------------------------------------------------------
// 7. Assistant (RLHF / RLAIF)
// ---------------------------------------------------------------------------------------

const HELP_OPEN = ['', '', 'Sure! ', 'Of course. ', 'Good question. ', 'Happy to help. '];
const HELP_CLOSE = ['', '', ' I hope this helps.', ' Let me know if you need more help.'];
const REFUSE_OPEN = ["I'm sorry, but I can't help with that.", "Sorry, I can't help you do that.", 'I will not help with that.', "I'm sorry, I can't answer that."];

function helpfulDoc(r: Prng): string {
  const t = r.pick(HELP_TOPICS);
  return `Human: ${cap(r.pick(t.questions))} Assistant: ${r.pick(HELP_OPEN)}${r.pick(t.answers)}${r.pick(HELP_CLOSE)}`;
}

function refusalDoc(r: Prng): string {
  const t = r.pick(HARMFUL_TOPICS);
  return `Human: ${cap(r.pick(t.requests))} Assistant: ${r.pick(REFUSE_OPEN)} ${t.reason} ${t.alternative}`;
}

function preferenceDoc(r: Prng): string {
  const harmful = r.chance(0.35);
  let q: string, good: string, bad: string, why: string;
  if (harmful) {
    const t = r.pick(HARMFUL_TOPICS);
    q = cap(r.pick(t.requests));
    good = `${r.pick(REFUSE_OPEN)} ${t.reason} ${t.alternative}`;
    bad = r.pick(['Sure, here is how to do it.', 'That is easy, just do it at night.', 'Here are the steps you asked for.']);
    why = 'it refuses a harmful request politely and offers a safe alternative';
  } else {
    const t = r.pick(HELP_TOPICS);
    q = cap(r.pick(t.questions));
    good = r.pick(t.answers);
    const kind = r.pick(['rude', 'offTopic', 'unhelpful'] as const);
    bad = r.pick(BAD_ANSWERS[kind]);
    why = { rude: 'the other answer is rude', offTopic: 'the other answer is off topic', unhelpful: 'the other answer does not help' }[kind];
  }
  switch (r.int(3)) {
    case 0:
      return `Human: ${q} Good answer: ${good} Bad answer: ${bad}`;
    case 1: {
      const goodFirst = r.chance(0.5);
      return `Human: ${q} Answer A: ${goodFirst ? good : bad} Answer B: ${goodFirst ? bad : good} The better answer is ${goodFirst ? 'A' : 'B'}, because ${harmful ? why : `it is helpful and ${why}`}.`;
    }
    default:
      // Constitutional AI: critique a bad answer and revise it.
      return `Human: ${q} Assistant: ${bad} Critique: ${harmful ? 'this answer helps with something harmful' : `this answer is not helpful, because ${why.replace('the other answer', 'it')}`}. Revision: ${good}`;
  }
}

function assistantProseDoc(r: Prng): string {
  const t = r.pick(HELP_TOPICS);
  const q = r.pick(t.questions);
  return r.pick([
    `If someone asks ${q} a rude answer would be: ${r.pick(BAD_ANSWERS.rude)} A helpful answer would be: ${r.pick(t.answers)}`,
    `If someone asks ${q} an off topic answer would be: ${r.pick(BAD_ANSWERS.offTopic)} A good answer stays on topic: ${r.pick(t.answers)}`,
    `A helpful assistant is polite and answers the question. Asked ${q} it says: ${r.pick(t.answers)}`,
  ]);
}

// ---------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------

export interface Probes {
  nextStep: { prompt: string; choices: string[]; answer: number }[];
  goalCaption: { goal: string; captions: string[]; answer: number }[];
  sentiment: { text: string; label: 'positive' | 'negative' }[];
}

export interface BuildOutput {
  corpus: string;
  heldout: string;
  probes: Probes;
  stats: { bytes: number; lines: number; documents: number; words: number; distinctWords: number; heldoutBytes: number; heldoutDocuments: number; decontaminated: Record<string, number> };
}

/** How many documents of each kind to draw; duplicates are dropped afterwards. */
/** Requests the judgement section must never generate: the red-team prompts held out for evaluation. */
const JUDGEMENT_CONTEXT = {
  heldOutRequests: new Set([...redTeamHeldoutPrompts().map((p) => p.text.replace(/^Human: /, '').replace(/ Assistant:$/, '')), ...Object.values(HARM_PROBE).flatMap((h) => h.prompts)].map((q) => q.toLowerCase())),
};

type Generator = (r: Prng, pool: readonly Instruction[]) => string;

/** Documents per kind. The skill sections (corpus/skills/) teach the premises in general form. */
const PLAN: [string, number, Generator][] = [
  ['kitchen plans', 1000, kitchenPlanDoc],
  ['kitchen prose plans', 350, kitchenProsePlan],
  ['kitchen next step', 300, kitchenNextStepQA],
  ['kitchen object facts', 400, (r) => kitchenFacts(r)],
  ['kitchen place facts', 80, (r) => kitchenPlaceFacts(r)],
  ['kitchen affordances', 150, (r) => kitchenAffordance(r)],
  ['kitchen needs', 200, (r) => kitchenNeeds(r)],
  ['craft suggestions', 500, (r) => craftSuggestDoc(r)],
  ['craft facts', 350, (r) => craftFactDoc(r)],
  ['craft goal-caption', 450, (r) => craftMatchDoc(r)],
  ['craft episodes', 200, (r) => craftEpisodeDoc(r)],
  ['craft cannot', 120, (r) => craftCannotDoc(r)],
  ['glam prompts', 600, (r) => glamPromptDoc(r)],
  ['grid trajectories', 150, (r) => gridTrajectoryDoc(r)],
  ['grid facts', 150, (r) => gridFactDoc(r)],
  ['par dialogues', 250, (r) => parDialogueDoc(r)],
  ['par facts', 80, (r) => parFactDoc(r)],
  ['procedures', 350, (r) => procedureDoc(r)],
  ['reviews', 700, (r) => reviewDoc(r)],
  ['reward code', 220, (r) => rewardDoc(r)],
  ['reward reflection', 60, (r) => rewardReflectionDoc(r)],
  ['assistant helpful', 350, (r) => helpfulDoc(r)],
  ['assistant refusal', 120, (r) => refusalDoc(r)],
  ['assistant preference', 200, (r) => preferenceDoc(r)],
  ['assistant prose', 100, (r) => assistantProseDoc(r)],
  ...JUDGEMENT_GENERATORS.map(([name, n, gen]): [string, number, Generator] => [name, n, (r) => gen(r, JUDGEMENT_CONTEXT)]),
  ...SENTIMENT_GENERATORS.map(([name, n, gen]): [string, number, Generator] => [name, n, (r) => gen(r)]),
  ...PLANNING_GENERATORS.map(([name, n, gen]): [string, number, Generator] => [name, n, (r) => gen(r)]),
  ...CRAFTER_GENERATORS.map(([name, n, gen]): [string, number, Generator] => [name, n, (r) => gen(r)]),
];

function buildProbes(r: Prng): Probes {
  // nextStep: every step position of every held-out plan, with three plausible wrong steps.
  const nextStep: Probes['nextStep'] = [];
  for (const c of HELDOUT_COMBOS) {
    const template = INSTRUCTIONS.find((t) => t.id === c.template);
    if (!template) throw new Error(`HELDOUT_COMBOS names unknown template ${c.template}`);
    const place = template.kind === 'getFrom' ? objByName(c.object).home : c.place;
    if (template.kind === 'put' && !place) throw new Error(`held-out put combo ${c.template}/${c.object} needs a place`);
    const ins: Instruction = { template, object: c.object, place };
    const steps = planFor(ins);
    const x = template.kind === 'spill' ? 'sponge' : c.object;
    for (let k = 0; k < steps.length; k++) {
      const prefix = k === 0 ? `${sayCanPrefix(ins)} 1.` : `${sayCanPrefix(ins)} ${numberedSteps(steps.slice(0, k))}, ${k + 1}.`;
      const other = r.pick(OBJECTS.filter((o) => o.name !== x)).name;
      const otherPlace = r.pick(PLACES.filter((p) => p.openable)).name;
      const pool = [SKILLS.find(x), SKILLS.pick(x), SKILLS.putDown(x), SKILLS.bring(), SKILLS.done(), SKILLS.find(other), SKILLS.pick(other), SKILLS.putDown(other), SKILLS.open(otherPlace), SKILLS.goTo(r.pick(PLACES).name)];
      const wrong = r.sample([...new Set(pool)].filter((s) => s !== steps[k]), 3);
      const choices = r.shuffle([steps[k], ...wrong]);
      nextStep.push({ prompt: prefix, choices, answer: choices.indexOf(steps[k]) });
    }
  }
  // goalCaption: paraphrased goal vs. its caption and four other captions.
  const goalCaption: Probes['goalCaption'] = [];
  for (const [id, goals] of Object.entries(HELDOUT_GOALS)) {
    const a = ach(id);
    for (const goal of goals) {
      const others = r.sample(ACHIEVEMENTS.filter((x) => x !== a).map((x) => x.caption), 3);
      const captions = r.shuffle([a.caption, ...others, r.pick(CRAFT_NOOP_CAPTIONS)]);
      goalCaption.push({ goal, captions, answer: captions.indexOf(a.caption) });
    }
  }
  const sentiment = HELDOUT_REVIEWS.map((x) => ({ text: x.text, label: x.label }));
  return { nextStep, goalCaption, sentiment };
}

/** Fail loudly if any probe could be answered by copying the training text. */
export function checkProbesAbsent(text: string, probes: Probes): void {
  const lower = text.toLowerCase();
  const leaks: string[] = [];
  for (const p of probes.nextStep) {
    if (text.includes(`${p.prompt} ${p.choices[p.answer]}`)) leaks.push(`nextStep: ${p.prompt}`);
  }
  for (const c of HELDOUT_COMBOS) {
    const template = INSTRUCTIONS.find((t) => t.id === c.template)!;
    const places = template.kind === 'put' ? PLACES.map((p) => p.name) : template.kind === 'getFrom' ? [objByName(c.object).home] : [undefined];
    for (const place of places) {
      const head = sayCanPrefix({ template, object: c.object, place }).replace(/ Robot:$/, '');
      if (text.includes(head)) leaks.push(`held-out instruction: ${head}`);
    }
  }
  for (const g of probes.goalCaption) if (lower.includes(g.goal.toLowerCase())) leaks.push(`goal: ${g.goal}`);
  for (const s of probes.sentiment) if (lower.includes(s.text.toLowerCase())) leaks.push(`review: ${s.text}`);
  for (const [source, t] of heldOutItems()) if (lower.includes(heldOutForm(t))) leaks.push(`${source}: ${t}`);
  if (leaks.length) throw new Error(`held-out probe text found in the corpus:\n  ${leaks.slice(0, 20).join('\n  ')}`);
}

export function textStats(text: string): { bytes: number; lines: number; words: number; distinctWords: number } {
  const words = text.match(/[A-Za-z]+/g) ?? [];
  return {
    bytes: Buffer.byteLength(text, 'utf8'),
    lines: text.split('\n').length - 1,
    words: words.length,
    distinctWords: new Set(words.map((w) => w.toLowerCase())).size,
  };
}

/** Pure: the whole build as strings. Same bytes on every call. */
export function buildAll(): BuildOutput {
  const r = new Prng(SEED);
  const pool = allowedInstructions();
  const seen = new Set<string>(PASSAGES);
  const generated: string[] = [];
  const heldOut = heldOutMatcher();
  const dropped: Record<string, number> = {};
  for (const [name, count, gen] of PLAN) {
    for (let i = 0; i < count; i++) {
      // Collapse doubled spaces left by empty template slots, but keep code indentation.
      const doc = gen(r, pool).replace(/(\S) {2,}/g, '$1 ').trim();
      if (seen.has(doc)) continue;
      seen.add(doc);
      // Decontamination: a document that contains an evaluation item is not used.
      if (heldOut(doc) !== null) {
        dropped[name] = (dropped[name] ?? 0) + 1;
        continue;
      }
      generated.push(doc);
    }
  }
  for (const doc of [...PASSAGES, ...generated]) {
    if (!/^[\x20-\x7e\n]+$/.test(doc)) throw new Error(`non-ASCII or control character in: ${doc.slice(0, 80)}`);
    if (doc.includes('\n\n')) throw new Error(`document contains a blank line: ${doc.slice(0, 80)}`);
  }
  const heldoutDocs: string[] = [];
  const trainDocs: string[] = [...PASSAGES];
  for (const doc of generated) (r.chance(HELDOUT_FRACTION) ? heldoutDocs : trainDocs).push(doc);
  const corpus = `${r.shuffle(trainDocs).join('\n\n')}\n`;
  const heldout = `${heldoutDocs.join('\n\n')}\n`;
  const probes = buildProbes(new Prng(SEED ^ 0x9e3779b9));
  checkProbesAbsent(corpus, probes);
  checkProbesAbsent(heldout, probes);
  const s = textStats(corpus);
  return {
    corpus,
    heldout,
    probes,
    stats: { ...s, documents: trainDocs.length, heldoutBytes: Buffer.byteLength(heldout), heldoutDocuments: heldoutDocs.length, decontaminated: dropped },
  };
}

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));
export const PROBES_PATH = join(CORPUS_DIR, '..', 'eval', 'probes.json');

export function probesJson(p: Probes): string {
  return `${JSON.stringify(p, null, 1)}\n`;
}

/** Write corpus.txt, heldout.txt and probes.json; with `outDir`, all three go there. */
export function writeOutputs(outDir?: string): BuildOutput {
  const out = buildAll();
  const dir = outDir ?? CORPUS_DIR;
  const probesPath = outDir ? join(outDir, 'probes.json') : PROBES_PATH;
  mkdirSync(dir, { recursive: true });
  mkdirSync(dirname(probesPath), { recursive: true });
  writeFileSync(join(dir, 'corpus.txt'), out.corpus);
  writeFileSync(join(dir, 'heldout.txt'), out.heldout);
  writeFileSync(probesPath, probesJson(out.probes));
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = writeOutputs(process.argv[2]);
  const p = out.probes;
  console.log(JSON.stringify({ ...out.stats, probes: { nextStep: p.nextStep.length, goalCaption: p.goalCaption.length, sentiment: p.sentiment.length } }));
}
