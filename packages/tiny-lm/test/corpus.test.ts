import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS_DIR, PROBES_PATH, checkRewardCode, writeOutputs, type Probes } from '../corpus/build.ts';
import { heldOutItems, heldOutMatcher } from '../corpus/heldOut.ts';

// Documents are separated by one blank line (see the header of corpus/build.ts).
const docs = (text: string): string[] => text.trim().split('\n\n');

describe('tiny-lm corpus', () => {
  let tmp: string;
  let corpus: string;
  let heldout: string;
  let probes: Probes;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tiny-lm-corpus-'));
    writeOutputs(tmp);
    // The committed files are what training and evaluation read, so check those.
    corpus = readFileSync(join(CORPUS_DIR, 'corpus.txt'), 'utf8');
    heldout = readFileSync(join(CORPUS_DIR, 'heldout.txt'), 'utf8');
    probes = JSON.parse(readFileSync(PROBES_PATH, 'utf8')) as Probes;
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is deterministic: a rebuild gives the committed bytes', () => {
    expect(readFileSync(join(tmp, 'corpus.txt')).equals(readFileSync(join(CORPUS_DIR, 'corpus.txt')))).toBe(true);
    expect(readFileSync(join(tmp, 'heldout.txt')).equals(readFileSync(join(CORPUS_DIR, 'heldout.txt')))).toBe(true);
    expect(readFileSync(join(tmp, 'probes.json')).equals(readFileSync(PROBES_PATH))).toBe(true);
  });

  it('is plain ASCII of the intended size', () => {
    expect(/^[\x20-\x7e\n]*$/.test(corpus)).toBe(true);
    expect(/^[\x20-\x7e\n]*$/.test(heldout)).toBe(true);
    expect(corpus.length).toBeGreaterThan(4_000_000);
    expect(corpus.length).toBeLessThan(5_500_000);
    const words = new Set((corpus.match(/[A-Za-z]+/g) ?? []).map((w) => w.toLowerCase()));
    expect(words.size).toBeLessThan(3000);
  });

  it('keeps heldout.txt disjoint from corpus.txt', () => {
    const train = new Set(docs(corpus));
    const held = docs(heldout);
    expect(held.length).toBeGreaterThan(100);
    for (const d of held) expect(train.has(d)).toBe(false);
  });

  it('has well-formed probes in the required numbers', () => {
    expect(probes.nextStep.length).toBeGreaterThanOrEqual(40);
    expect(probes.goalCaption.length).toBeGreaterThanOrEqual(30);
    expect(probes.sentiment.length).toBeGreaterThanOrEqual(60);
    for (const p of probes.nextStep) expect(p.choices[p.answer]).toBeTypeOf('string');
    for (const p of probes.goalCaption) expect(p.captions[p.answer]).toBeTypeOf('string');
    expect(new Set(probes.sentiment.map((s) => s.label))).toEqual(new Set(['positive', 'negative']));
  });

  it('never contains a probe prompt with its answer verbatim', () => {
    const text = `${corpus}\n${heldout}`;
    const lower = text.toLowerCase();
    for (const p of probes.nextStep) {
      const answer = p.choices[p.answer];
      expect(text.includes(`${p.prompt} ${answer}`), p.prompt).toBe(false);
      expect(text.includes(`${p.prompt}${answer}`), p.prompt).toBe(false);
      // The held-out instruction itself never occurs either.
      expect(text.includes(p.prompt.replace(/ Robot:.*$/, ' Robot:')), p.prompt).toBe(false);
    }
    for (const g of probes.goalCaption) expect(lower.includes(g.goal.toLowerCase()), g.goal).toBe(false);
    for (const s of probes.sentiment) expect(lower.includes(s.text.toLowerCase()), s.text).toBe(false);
  });

  it('decontamination finds a held-out item inside a document, whatever its case and final punctuation', () => {
    const match = heldOutMatcher();
    const items = heldOutItems();
    expect(items.length).toBeGreaterThan(300);
    const [, text] = items.find(([source]) => source === 'saycan instructions')!;
    expect(match(`Human: ${text.toUpperCase()}! Robot: 1. done.`)).toBe(text.toLowerCase().replace(/[.?!]+$/, ''));
    expect(match('Human: open the drawer. Robot: 1. open the drawer, 2. done.')).toBeNull();
  });

  it('contains only reward functions that parse and return numbers', () => {
    const code = docs(corpus).filter((d) => d.includes('function reward(obs, action)'));
    expect(code.length).toBeGreaterThan(100);
    const titles: Record<string, Parameters<typeof checkRewardCode>[1]> = {
      CartPole: 'cartpole', PointMassReach: 'reach', MountainCar: 'mountaincar', Pendulum: 'pendulum', GridKeyDoor: 'keydoor',
    };
    for (const c of code) {
      const title = /^\/\/ Task: (\w+)\./.exec(c)?.[1] ?? '';
      expect(Object.keys(titles), c).toContain(title);
      expect(() => checkRewardCode(c, titles[title])).not.toThrow();
    }
  });
});
