/**
 * The candidate vocabulary of the prompt policy. RLPrompt acts over GPT-2's whole 50k vocabulary;
 * our 2048-token byte-level BPE is mostly word pieces, so we restrict the action space to whole
 * words (the paper's Table 1 discussion: a smaller action space makes the search tractable): the
 * `n` most frequent lower-case words of the tiny LM's training corpus with at least two letters.
 * Each action appends " word" to the prompt. The same list serves the random-prompt baseline.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export function corpusPath(): string {
  const req = createRequire(import.meta.url);
  return path.join(path.dirname(req.resolve('@rlllm/tiny-lm/package.json')), 'corpus', 'corpus.txt');
}

export function readCorpus(): string {
  return readFileSync(corpusPath(), 'utf8');
}

/** The n most frequent words (ties broken alphabetically, so the list is deterministic). */
export function candidateVocabulary(n: number, corpus = readCorpus()): string[] {
  const counts = new Map<string, number>();
  for (const w of corpus.toLowerCase().match(/[a-z]{2,}/g) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([w]) => w);
}
