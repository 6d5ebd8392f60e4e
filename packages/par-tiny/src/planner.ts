/**
 * The Planner (Dasgupta et al. 2023 §3; taxonomy paper §6.2): a pre-trained LLM, not trained here,
 * prompted with the task and the dialogue so far — every instruction it gave and every report (and,
 * for Inner Monologue, every success-detection line) appended to the prompt — that produces the next
 * instruction.
 *
 * It does so by **scoring** the candidate instructions with `logProb` (Σ log p(instruction tokens |
 * prompt)) and taking the best, as SayCan and GLAM do, rather than by free generation: the 1 M-param
 * tiny-gpt always names *some* instruction when scored, while its free text may not parse.
 *
 * One decoding rule, a config choice (`PlannerRepeats`): whether an instruction already given may be
 * offered again —
 *   'always'         no rule: the LLM alone decides (the papers' setting);
 *   'never'          never again, in every loop alike;
 *   'after-failure'  only when the transcript marked it failed ("Success: no."), which only Inner
 *                    Monologue's closed loop writes — so this rule also reads the success feedback.
 * Why a rule at all: the tiny model copies the last line — after "Reporter: the yellow box is bad."
 * its top choice is "examine the yellow box" again (README, "What is simplified"); the paper's 70 B
 * Chinchilla planner needed none. The README reports the results with and without it.
 */
import type { LanguageModel } from '@rlllm/core';
import type { ParState } from '@rlllm/env';
import { instructionText, type Instruction } from './actor.ts';

/** What the planner needs from a language model (a stub in the tests). */
export type Scorer = Pick<LanguageModel, 'logProb'>;

export interface Dialogue {
  /** The transcript lines after the task ("Planner: examine the red ball.", "Reporter: …", "Success: no."). */
  lines: string[];
  /** Instructions given so far (text), and whether the transcript marked the last attempt a failure. */
  given: Map<string, { failed: boolean }>;
}

export const newDialogue = (): Dialogue => ({ lines: [], given: new Map() });

/** When an instruction already given may be offered again (see the header). */
export type PlannerRepeats = 'always' | 'never' | 'after-failure';

export class Planner {
  calls = 0;
  cacheHits = 0;
  private readonly cache = new Map<string, number[]>();
  constructor(
    private readonly lm: Scorer,
    readonly opts: { repeats: PlannerRepeats } = { repeats: 'after-failure' },
  ) {}

  /** The prompt: task, dialogue, and the cue for the planner's next line. */
  static prompt(taskText: string, d: Dialogue): string {
    return [taskText, ...d.lines, 'Planner:'].join(' ');
  }

  /** The candidate instructions: examine or pick up each object (the corpus' planner verbs). */
  candidates(s: ParState, d: Dialogue): Instruction[] {
    const all: Instruction[] = s.objects.flatMap((_, i) => [
      { verb: 'examine' as const, object: i },
      { verb: 'pick' as const, object: i },
    ]);
    if (this.opts.repeats === 'always') return all;
    return all.filter((ins) => {
      const g = d.given.get(instructionText(ins, s));
      return !g || (this.opts.repeats === 'after-failure' && g.failed);
    });
  }

  /** The next instruction (argmax of the LLM's log-probability), or null when none is left. */
  async next(s: ParState, taskText: string, d: Dialogue): Promise<{ ins: Instruction; logProbs: number[] } | null> {
    const cands = this.candidates(s, d);
    if (cands.length === 0) return null;
    const prompt = Planner.prompt(taskText, d);
    const conts = cands.map((c) => ` ${instructionText(c, s)}.`);
    const key = prompt + '\u0000' + conts.join('|');
    let lp = this.cache.get(key);
    if (lp) this.cacheHits++;
    else {
      lp = await this.lm.logProb(prompt, conts);
      this.calls++;
      this.cache.set(key, lp);
    }
    let best = 0;
    for (let i = 1; i < lp.length; i++) if (lp[i]! > lp[best]!) best = i;
    return { ins: cands[best]!, logProbs: lp };
  }
}
