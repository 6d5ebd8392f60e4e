import { describe, it, expect } from 'vitest';
import { DEV, TEST, TRAIN } from '../src/data.ts';
import { readCorpus, candidateVocabulary } from '../src/vocab.ts';

describe('dataset', () => {
  const corpus = readCorpus().toLowerCase();
  it('has 16 training and 16 dev examples per class and ≥ 100 test sentences, balanced', () => {
    for (const [set, n] of [[TRAIN, 16], [DEV, 16]] as const) {
      expect(set.filter((e) => e.label === 'positive')).toHaveLength(n);
      expect(set.filter((e) => e.label === 'negative')).toHaveLength(n);
    }
    expect(TEST.length).toBeGreaterThanOrEqual(100);
    expect(TEST.filter((e) => e.label === 'positive').length).toBe(TEST.length / 2);
  });

  it('no sentence occurs verbatim in the tiny LM corpus, and the splits do not overlap', () => {
    const all = [...TRAIN, ...DEV, ...TEST].map((e) => e.text);
    const leaks = all.filter((t) => corpus.includes(t.toLowerCase()) || corpus.includes(t.toLowerCase().replace(/\.$/, '')));
    expect(leaks).toEqual([]);
    expect(new Set(all.map((t) => t.toLowerCase())).size).toBe(all.length);
  });

  it('the candidate vocabulary is the most frequent corpus words, deterministic', () => {
    const v = candidateVocabulary(200);
    expect(v).toHaveLength(200);
    expect(new Set(v).size).toBe(200);
    expect(v).toContain('the');
    expect(candidateVocabulary(200)).toEqual(v);
  });
});
