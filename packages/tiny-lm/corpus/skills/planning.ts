/**
 * Corpus skill: planning with robot skills from requests in any wording (saycan-tiny, par-tiny).
 *
 * SayCan assumes an LLM that reads a request however it is phrased — "grab", "fetch", "could you
 * get me", "I'm parched" — and writes the next skill of a sensible plan, including when to stop.
 * The web teaches this through a great variety of language about everyday tasks; here the same
 * plan structures (corpus/build.ts `planFor`) are paired with many phrasings per kind of request:
 * single skills (which stop after one step), fetching, moving and throwing away, two requests in
 * one sentence, and needs that name no object ("my hands are wet"), with reasons. Several dialogues
 * in one document look like a few-shot prompt. No evaluation instruction is printed (build check).
 */
import type { Prng } from '../build.ts';
import { fetchSteps, numberedSteps, putSteps } from '../build.ts';
import { OBJECTS, PLACES, SKILLS } from '../knowledge.ts';

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A request and its plan (ending with "done"). */
interface Task {
  text: string;
  plan: string[];
}

const POLITE = ['', '', '', 'please ', 'could you ', 'can you ', 'would you ', 'I need you to ', 'go ahead and ', 'robot, '];
const q = (prefix: string, body: string): string => {
  const question = /^(could|can|would) you/.test(prefix);
  return `${prefix}${body}${question ? '?' : '.'}`;
};

const objects = OBJECTS.map((o) => o.name);
const openable = PLACES.filter((p) => p.openable).map((p) => p.name);
const allPlaces = PLACES.map((p) => p.name);
const prepOf = (l: string) => PLACES.find((p) => p.name === l)!.prep;

// Phrasings per kind; {x} object, {l} place, {p} its preposition.
const FIND = ['find the {x}', 'look for the {x}', 'locate the {x}', 'track down the {x}', 'see where the {x} is', 'spot the {x}'];
const PICK = ['pick up the {x}', 'grab the {x}', 'take hold of the {x}', 'lift the {x}', 'grasp the {x}', 'take the {x} in your hand'];
const GOTO = ['go to the {l}', 'go over to the {l}', 'move to the {l}', 'drive over to the {l}', 'make your way to the {l}', 'come to the {l}'];
const OPEN = ['open the {l}', 'open up the {l}', 'swing the {l} open', 'get the {l} open', 'open the {l} door'];
const CLOSE = ['close the {l}', 'shut the {l}', 'close up the {l}', 'shut the {l} door', 'close the {l} door'];
const BRING = ['bring me the {x}', 'get me the {x}', 'fetch me the {x}', 'fetch the {x}', 'hand me the {x}', 'pass me the {x}', 'I want the {x}', 'I would like the {x}', 'give me the {x}', 'bring the {x} to me', 'get the {x} for me', 'bring the {x} over here'];
const FROM = ['get the {x} out of the {l}', 'take the {x} out of the {l} for me', 'bring me the {x} from the {l}', 'grab the {x} from the {l} and give it to me', 'I want the {x} that is in the {l}'];
const PUT = ['put the {x} {p} the {l}', 'place the {x} {p} the {l}', 'move the {x} to the {l}', 'take the {x} to the {l}', 'drop the {x} {p} the {l}', 'bring the {x} over to the {l}'];
const TRASH = ['throw away the {x}', 'throw the {x} away', 'put the {x} in the trash', 'get rid of the {x}', 'dump the {x} in the trash can', 'bin the {x}', 'throw out the {x}'];
const THEN = [' and then ', ', then ', ' and ', ', and then '];

function phr(r: Prng, forms: string[], x?: string, l?: string): string {
  return r.pick(forms).replace('{x}', x ?? '').replace('{l}', l ?? '').replace('{p}', l ? prepOf(l) : '');
}

/** A home that is not l. */
function otherPlace(r: Prng, x: string): string {
  const home = OBJECTS.find((o) => o.name === x)!.home;
  for (;;) {
    const l = r.pick(allPlaces);
    if (l !== home) return l;
  }
}

/** One request of a random kind, with its plan; objects start at home. */
export function randomTask(r: Prng): Task {
  const x = r.pick(objects);
  const k = r.int(10);
  const done = SKILLS.done();
  if (k === 0) return { text: phr(r, FIND, x), plan: [SKILLS.find(x), done] };
  if (k === 1) {
    // A single pick-up: the object must be reachable, so only things in open places.
    const y = r.pick(OBJECTS.filter((o) => !openable.includes(o.home))).name;
    return { text: phr(r, PICK, y), plan: r.chance(0.5) ? [SKILLS.pick(y), done] : [SKILLS.find(y), SKILLS.pick(y), done] };
  }
  if (k === 2) {
    const l = r.pick(allPlaces);
    return { text: phr(r, GOTO, undefined, l), plan: [SKILLS.goTo(l), done] };
  }
  if (k === 3) {
    const l = r.pick(openable);
    return r.chance(0.5) ? { text: phr(r, OPEN, undefined, l), plan: [SKILLS.open(l), done] } : { text: phr(r, CLOSE, undefined, l), plan: [SKILLS.close(l), done] };
  }
  if (k <= 5) return { text: phr(r, BRING, x), plan: [...fetchSteps(x), SKILLS.bring(), SKILLS.putDown(x), done] };
  if (k === 6) {
    const home = OBJECTS.find((o) => o.name === x)!.home;
    if (openable.includes(home)) return { text: phr(r, FROM, x, home), plan: [...fetchSteps(x), SKILLS.bring(), SKILLS.putDown(x), done] };
    return { text: phr(r, BRING, x), plan: [...fetchSteps(x), SKILLS.bring(), SKILLS.putDown(x), done] };
  }
  if (k <= 8) {
    const l = otherPlace(r, x);
    return { text: phr(r, PUT, x, l), plan: [...fetchSteps(x), ...putSteps(x, l), done] };
  }
  return { text: phr(r, TRASH, x), plan: [...fetchSteps(x), ...putSteps(x, 'trash can'), done] };
}

/** Needs that name no object: what would help, and why. */
interface Need {
  says: string[];
  objects: string[];
  why: string;
}

const NEEDS: Need[] = [
  { says: ['I am thirsty', 'I need something to drink', 'I am parched', 'can I have something to drink', 'it is hot and I want a drink'], objects: ['water bottle', 'water bottle', 'coke can'], why: 'water is the best drink when you are thirsty' },
  { says: ['I am hungry', 'I want a snack', 'my stomach is growling', 'I could eat something', 'I need a bite to eat'], objects: ['apple', 'banana', 'energy bar', 'orange'], why: 'food helps when you are hungry' },
  { says: ['I spilled my drink', 'I knocked over my cup', 'the floor is wet from my tea', 'I dropped my soup', 'the counter is sticky'], objects: ['sponge'], why: 'a sponge cleans up a spill' },
  { says: ['the stove is greasy', 'there are crumbs all over the counter', 'the sink is grimy', 'I want to clean the shelf'], objects: ['sponge'], why: 'a sponge wipes a dirty surface clean' },
  { says: ['I need to dry my hands', 'I need something to dry off with', 'I got out of the rain and I am soaked'], objects: ['towel'], why: 'a towel dries wet hands' },
  { says: ['my mouth is messy', 'I need to wipe my hands after lunch', 'my fingers are sticky'], objects: ['napkin'], why: 'a napkin wipes your mouth and hands' },
  { says: ['I want to eat my soup', 'I need something to stir my tea', 'I want to eat my cereal'], objects: ['spoon'], why: 'you eat soup and cereal with a spoon' },
  { says: ['I want to pour some tea', 'I need something to drink from', 'I want to have some water from the tap'], objects: ['cup'], why: 'a cup holds a drink' },
  { says: ['I need something to put the fruit in', 'I want to serve the soup'], objects: ['bowl'], why: 'a bowl holds soup or fruit' },
  { says: ['I need energy for my run', 'I am tired and need a quick snack'], objects: ['energy bar', 'banana'], why: 'an energy bar or a banana gives quick energy' },
];

export function needTask(r: Prng): Task & { why: string } {
  const n = r.pick(NEEDS);
  const x = r.pick(n.objects);
  const end = r.pick(['', ', can you help', ', could you help me', ', please help', '']);
  const text = `${r.pick(n.says)}${end}${end.includes('help') ? '?' : '.'}`;
  return { text, plan: [...fetchSteps(x), SKILLS.bring(), SKILLS.putDown(x), SKILLS.done()], why: n.why };
}

/** Two requests in one sentence: the plans run one after the other, one "done" at the end. */
export function twoPartTask(r: Prng): Task {
  for (;;) {
    const a = randomTask(r);
    const b = randomTask(r);
    // Single skills make odd compounds ("find the cup and then open the fridge" is fine; keep them rare).
    if ((a.plan.length <= 3 || b.plan.length <= 3) && r.chance(0.7)) continue;
    const first = a.text.replace(/[.?]$/, '');
    const second = b.text.replace(/[.?]$/, '').replace(/^(please|could you|can you|would you|I need you to|go ahead and|robot,) /, '');
    return { text: `${first}${r.pick(THEN)}${second}.`, plan: [...a.plan.slice(0, -1), ...b.plan] };
  }
}

function dialogue(t: Task): string {
  return `Human: ${cap(t.text)} Robot: ${numberedSteps(t.plan)}.`;
}

/** One to three dialogues (a few-shot block), of every kind of request. */
export function planningDoc(r: Prng): string {
  const n = r.pick([1, 1, 2, 2, 3]);
  const ds: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = r.next();
    const t = u < 0.55 ? randomTask(r) : u < 0.8 ? needTask(r) : twoPartTask(r);
    const polite = r.pick(POLITE);
    ds.push(dialogue(polite && !/^I /.test(t.text) ? { ...t, text: q(polite, t.text.replace(/[.?]$/, '')) } : t));
  }
  return ds.join(r.chance(0.6) ? '\n' : ' ');
}

/** Why the plan has the steps it has, in prose (single skills stop; closed places are opened and closed). */
export function planningProse(r: Prng): string {
  const u = r.int(4);
  if (u === 0) {
    const t = needTask(r);
    return `Human: ${cap(t.text)} The person does not name an object, but ${t.why}. Robot: ${numberedSteps(t.plan)}.`;
  }
  if (u === 1) {
    const l = r.pick(openable);
    return `When someone only asks you to open the ${l}, you do that one thing and then say done: 1. ${SKILLS.open(l)}, 2. done. You do not fetch anything.`;
  }
  if (u === 2) {
    const t = twoPartTask(r);
    return `The request "${t.text.replace(/[.?]$/, '')}" has two parts. The robot does the first part, then the second, and says done once at the end: ${numberedSteps(t.plan)}.`;
  }
  const x = r.pick(OBJECTS.filter((o) => openable.includes(o.home)));
  return `The ${x.name} is kept in the ${x.home}, which is closed. To get it, the robot goes to the ${x.home}, opens it, picks up the ${x.name} and closes the ${x.home} again: ${numberedSteps([...fetchSteps(x.name), SKILLS.done()])}.`;
}

export const PLANNING_GENERATORS: [string, number, (r: Prng) => string][] = [
  ['planning: dialogues', 2600, planningDoc],
  ['planning: prose', 500, planningProse],
];
