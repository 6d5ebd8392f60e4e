/**
 * Corpus skill: proposing goals that are feasible now, and knowing which message means which goal
 * was reached (ellm-tiny).
 *
 * ELLM assumes an LLM that, shown what the agent sees and carries, suggests goals it could reach
 * next — not goals that need tools it lacks — and a sentence encoder that puts "You collected
 * wood." next to "collect wood" and away from "collect stone". The web teaches game knowledge in
 * walkthroughs and wikis; here it is taught through states of the survival world (knowledge.ts §2,
 * richer than the TinyCrafter env) with every goal that is possible in them in random order (so no
 * single goal is always first), explicit can/cannot reasoning with the missing requirement named,
 * and what each message says happened, contrasted with messages that look alike.
 */
import type { Prng } from '../build.ts';
import { craftState, describeState, feasibleGoals, itemPhrase, listAnd } from '../build.ts';
import { ACHIEVEMENTS, CRAFT_NOOP_CAPTIONS, type Achievement } from '../knowledge.ts';

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const goalText = (r: Prng, a: Achievement): string => (r.chance(0.75) ? a.goal : r.pick(a.goalAlts));

/** "<state> Suggested goals: a, b and c." with the feasible goals in random order. */
export function suggestionDoc(r: Prng): string {
  for (;;) {
    const s = craftState(r);
    const goals = feasibleGoals(s.see, s.inv, s.low);
    if (goals.length === 0) continue;
    const pick = r.shuffle(goals).slice(0, r.range(1, Math.min(4, goals.length)));
    return `${describeState(r, s)} Suggested goals: ${listAnd(pick.map((a) => goalText(r, a)))}.`;
  }
}

/** Why a goal is or is not possible in a state, naming what is missing. */
export function canCannotDoc(r: Prng): string {
  for (;;) {
    const s = craftState(r);
    const ok = feasibleGoals(s.see, s.inv, s.low);
    const not = ACHIEVEMENTS.filter((a) => !ok.includes(a) && (a.needs.some((i) => !s.inv.includes(i)) || a.near.some((t) => !s.see.includes(t))));
    if (ok.length === 0 || not.length === 0) continue;
    const a = r.pick(ok);
    const b = r.pick(not);
    const missingItem = b.needs.find((i) => !s.inv.includes(i));
    const missingThing = b.near.find((t) => !s.see.includes(t));
    const reason = missingItem ? `you have no ${missingItem}` : `there is no ${missingThing} nearby`;
    return r.pick([
      `${describeState(r, s)} You can ${goalText(r, a)} now. You cannot ${b.goal} yet, because ${reason}.`,
      `${describeState(r, s)} Can you ${b.goal}? No, ${reason}. Can you ${a.goal}? Yes.`,
      `${describeState(r, s)} Possible goals: ${listAnd(r.shuffle(ok).slice(0, 3).map((x) => x.goal))}. Not possible: ${b.goal}, since ${reason}.`,
    ]);
  }
}

/** What a message means, and which goal it does not match although it looks alike. */
export function captionMeaningDoc(r: Prng): string {
  const a = r.pick(ACHIEVEMENTS);
  const other = r.pick(ACHIEVEMENTS.filter((x) => x !== a && (x.goal.split(' ')[0] === a.goal.split(' ')[0] || r.chance(0.3))));
  const noop = r.pick(CRAFT_NOOP_CAPTIONS);
  return r.pick([
    `The message "${a.caption}" means that you did ${a.goal}. It does not mean ${other.goal}.`,
    `${a.caption} So the goal ${goalText(r, a)} is reached, but not the goal ${other.goal}.`,
    `If your goal is to ${goalText(r, other)}, the message ${a.caption} is not it. You need the message ${other.caption}`,
    `The message ${noop} does not reach any goal. The message ${a.caption} reaches the goal ${a.goal}.`,
    `${cap(goalText(r, a))} is done when the game says ${a.caption} ${cap(other.goal)} is done when it says ${other.caption}`,
  ]);
}

/** What a goal needs, and the goal that comes before it. */
export function requirementDoc(r: Prng): string {
  const a = r.pick(ACHIEVEMENTS.filter((x) => x.needs.length > 0));
  const item = r.pick(a.needs);
  const maker = ACHIEVEMENTS.find((x) => x !== a && (x.goal.endsWith(item) || x.caption.toLowerCase().includes(` ${item}.`)));
  return `To ${a.goal} you need ${itemPhrase(item)}${a.near.length ? ` and ${listAnd(a.near.map((t) => `a ${t}`))} nearby` : ''}.${maker ? ` You get ${itemPhrase(item)} when you ${maker.goal}.` : ''}`;
}

export const CRAFTER_GENERATORS: [string, number, (r: Prng) => string][] = [
  ['crafter: suggested goals', 1400, suggestionDoc],
  ['crafter: can and cannot', 800, canCannotDoc],
  ['crafter: caption meaning', 600, captionMeaningDoc],
  ['crafter: requirements', 300, requirementDoc],
];
