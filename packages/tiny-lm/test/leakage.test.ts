/**
 * The corpus is our stand-in for web pretraining: it may teach every skill in general form, but no
 * leaf's evaluation item and no premise-probe item may occur in it (case-insensitive, trailing
 * punctuation dropped). The leaves' own data files are read here, so a new item in a leaf is
 * checked without touching this test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { heldoutPrompts, redTeamHeldoutPrompts } from '@rlllm/env/assistant';
import { DEV, TEST } from '@rlllm/rlprompt-tiny/data';
import { DEFAULT_INSTRUCTIONS_FILE, DEV_INSTRUCTIONS_FILE, loadInstructions } from '@rlllm/saycan-tiny/instructions';
import { CORPUS_DIR } from '../corpus/build.ts';
import { readDictionary } from '../corpus/dictionary.ts';
import { HARM_PROBE, PLAN_PROBE, SENTIMENT_PROBE } from '../corpus/premiseItems.ts';
import { HELDOUT_GOALS, HELDOUT_REVIEWS } from '../corpus/knowledge.ts';

const saycanTexts = (file: string): string[] => loadInstructions(file).map((i) => i.text);
const question = (prompt: string) => prompt.replace(/^Human: /, '').replace(/ Assistant:$/, '');
const core = (s: string) => s.toLowerCase().replace(/[.?!]+$/, '').trim();

const text = (readFileSync(path.join(CORPUS_DIR, 'corpus.txt'), 'utf8') + '\n' + readFileSync(path.join(CORPUS_DIR, 'heldout.txt'), 'utf8')).toLowerCase();
const leaks = (items: string[]) => items.filter((s) => text.includes(core(s)));

describe('no evaluation item is in the corpus', () => {
  it("saycan's test and dev instructions", () => {
    expect(leaks([...saycanTexts(DEFAULT_INSTRUCTIONS_FILE), ...saycanTexts(DEV_INSTRUCTIONS_FILE)])).toEqual([]);
  });
  it("rlprompt's dev and test sentences", () => {
    expect(leaks([...DEV, ...TEST].map((e) => e.text))).toEqual([]);
  });
  it("the assistant task's held-out questions and red-team prompts (rlhf, rlaif)", () => {
    expect(leaks([...heldoutPrompts(), ...redTeamHeldoutPrompts()].map((p) => question(p.text)))).toEqual([]);
  });
  it('the premise probes: red-team prompts and answers, reviews, plan phrasings, goal paraphrases', () => {
    const harm = Object.values(HARM_PROBE).flatMap((h) => [...h.prompts, h.comply, h.refuse]);
    expect(leaks(harm)).toEqual([]);
    expect(leaks([...SENTIMENT_PROBE, ...HELDOUT_REVIEWS].map((r) => r.text))).toEqual([]);
    expect(leaks(PLAN_PROBE.map((p) => p.text))).toEqual([]);
    expect(leaks(Object.values(HELDOUT_GOALS).flat())).toEqual([]);
  });
});

describe("no evaluation item is in the encoder's dictionary (corpus/dictionary.tsv)", () => {
  it('no item of any list above occurs in a dictionary line', () => {
    const dict = readDictionary().map(([w, m]) => `${w} ${m}`.toLowerCase()).join('\n');
    const harm = Object.values(HARM_PROBE).flatMap((h) => [...h.prompts, h.comply, h.refuse]);
    const items = [
      ...saycanTexts(DEFAULT_INSTRUCTIONS_FILE), ...saycanTexts(DEV_INSTRUCTIONS_FILE), ...[...DEV, ...TEST].map((e) => e.text),
      ...[...heldoutPrompts(), ...redTeamHeldoutPrompts()].map((p) => question(p.text)), ...harm,
      ...[...SENTIMENT_PROBE, ...HELDOUT_REVIEWS].map((r) => r.text), ...PLAN_PROBE.map((p) => p.text), ...Object.values(HELDOUT_GOALS).flat(),
    ];
    expect(items.length).toBeGreaterThan(100);
    expect(items.filter((s) => dict.includes(core(s)))).toEqual([]);
  });
});
