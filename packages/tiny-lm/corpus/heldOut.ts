/**
 * Every text the corpus must not contain: the leaves' evaluation items (read from the leaves
 * themselves) and the premise probes' items. The build drops any generated document that contains
 * one (decontamination, case-insensitive, trailing punctuation ignored) and then checks the result.
 */
import { heldoutPrompts, redTeamHeldoutPrompts } from '@rlllm/env/assistant';
import { DEV, TEST } from '@rlllm/rlprompt-tiny/data';
import { DEFAULT_INSTRUCTIONS_FILE, DEV_INSTRUCTIONS_FILE, loadInstructions } from '@rlllm/saycan-tiny/instructions';
import { HELDOUT_GOALS, HELDOUT_REVIEWS } from './knowledge.ts';
import { HARM_PROBE, PLAN_PROBE, SENTIMENT_PROBE } from './premiseItems.ts';

/** Lower case, without trailing punctuation: the form searched for. */
export const heldOutForm = (s: string): string => s.toLowerCase().replace(/[.?!]+$/, '').trim();

const question = (prompt: string) => prompt.replace(/^Human: /, '').replace(/ Assistant:$/, '');

/** [where it comes from, text] for every held-out item. */
export function heldOutItems(): [string, string][] {
  const items: [string, string][] = [];
  const add = (source: string, texts: string[]) => texts.forEach((t) => items.push([source, t]));
  add('saycan instructions', [...loadInstructions(DEFAULT_INSTRUCTIONS_FILE), ...loadInstructions(DEV_INSTRUCTIONS_FILE)].map((i) => i.text));
  add('rlprompt dev/test', [...DEV, ...TEST].map((e) => e.text));
  add('assistant held-out prompts', [...heldoutPrompts(), ...redTeamHeldoutPrompts()].map((p) => question(p.text)));
  add('premise: red-team prompts and answers', Object.values(HARM_PROBE).flatMap((h) => [...h.prompts, h.comply, h.refuse]));
  add('premise: reviews', [...SENTIMENT_PROBE, ...HELDOUT_REVIEWS].map((r) => r.text));
  add('premise: plan phrasings', PLAN_PROBE.map((p) => p.text));
  add('premise: goal paraphrases', Object.values(HELDOUT_GOALS).flat());
  return items;
}

/** A matcher: does a document contain any held-out item? */
export function heldOutMatcher(): (doc: string) => string | null {
  const forms = heldOutItems().map(([, t]) => heldOutForm(t));
  return (doc: string) => {
    const low = doc.toLowerCase();
    for (const f of forms) if (low.includes(f)) return f;
    return null;
  };
}
