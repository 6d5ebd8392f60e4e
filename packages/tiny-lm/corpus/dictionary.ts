/**
 * A dictionary for the sentence encoder (`rlllm/tiny-encoder`, src/bakeEncoder.ts): what common
 * English words mean, as (word, definition) and (word, synonym) pairs, drawn from WordNet 3.0.
 *
 * Why: SentenceBERT is not trained on its base model's pretraining text alone but on labelled
 * pairs (NLI, paraphrase collections) that say which sentences mean the same. Our corpus states few
 * such facts ("X means Y" 72 times), so a bag-of-tokens encoder knows few word meanings beyond the
 * corpus' own closed worlds. WordNet is the general, public form of that knowledge.
 *
 * Which words: a rule fixed in advance, not a list: every single-word lemma (noun, verb, adjective,
 * adverb) that the SemCor sense-tagged corpus uses at least once (WordNet's `tagsense_cnt` ≥ 1), and
 * for each its tagged senses in WordNet's frequency order, at most `MAX_SENSES`. For each sense: the
 * definition (the gloss before its examples) and every other lemma of the synset. Nothing here
 * looks at the leaves or the probes; `test/leakage.test.ts` checks that no evaluation item occurs.
 *
 *   apt-get install wordnet-base                       # Debian: /usr/share/wordnet
 *   npx tsx packages/tiny-lm/corpus/dictionary.ts      # writes corpus/dictionary.tsv
 *   flags: --wordnet DIR (/usr/share/wordnet)  --out FILE
 *          --corpus-out FILE  instead: corpus.txt followed by the dictionary as documents (the
 *                             planning experiment in tiny-lm's README)
 *
 * WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. Its license permits use,
 * copying and distribution of the database and derived works with this notice (see the header of
 * dictionary.tsv): "WordNet Release 3.0 ... THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND
 * PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED."
 */
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DICTIONARY = path.join(here, 'dictionary.tsv');

/** Senses per word, at most (the tagged ones, most frequent first). */
export const MAX_SENSES = 3;
const POS = ['noun', 'verb', 'adj', 'adv'] as const;

const NOTICE = [
  '# (word, meaning) pairs from WordNet 3.0 for the sentence encoder; made by corpus/dictionary.ts — do not edit.',
  '# WordNet Release 3.0. Copyright 2006 by Princeton University. All rights reserved.',
  '# Permission to use, copy, modify and distribute this software and database and its documentation for any purpose and',
  '# without fee or royalty is hereby granted, provided that you agree to comply with the following copyright notice and',
  '# statements, including the disclaimer, and that the same appear on ALL copies of the software, database and',
  '# documentation, including modifications that you make for internal use or for distribution.',
  '# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES,',
  '# EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES',
  '# OF MERCHANTABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR',
  '# DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.',
  '# The name of Princeton University or Princeton may not be used in advertising or publicity pertaining to distribution',
  '# of the software and/or database. Title to copyright in this software, database and any associated documentation',
  '# shall at all times remain with Princeton University and LICENSEE agrees to preserve same.',
  '# Columns: word <TAB> meaning (a definition or a synonym). Words are grouped: all pairs of one word are adjacent.',
];

const word = (w: string) => w.replace(/\([a-z]+\)$/, '').replace(/_/g, ' ').trim();
const ascii = (s: string) => /^[\x20-\x7e]+$/.test(s);

/** One synset line of data.POS → its lemmas and its definition. */
function parseSynset(line: string): { lemmas: string[]; definition: string } {
  const [head, gloss = ''] = line.split(' | ');
  const f = head!.split(' ');
  const n = parseInt(f[3]!, 16);
  const lemmas = Array.from({ length: n }, (_, i) => word(f[4 + 2 * i]!));
  const definition = gloss.split(/;\s*"/)[0]!.replace(/\s+/g, ' ').trim();
  return { lemmas, definition };
}

/** (word, meaning) pairs, grouped by word in a fixed order (part of speech, then WordNet's index order). */
export function dictionaryPairs(wordnetDir: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const pos of POS) {
    const data = readFileSync(path.join(wordnetDir, `data.${pos}`), 'latin1');
    const synsetAt = (offset: string) => {
      const at = Number(offset);
      return parseSynset(data.slice(at, data.indexOf('\n', at)));
    };
    for (const line of readFileSync(path.join(wordnetDir, `index.${pos}`), 'latin1').split('\n')) {
      if (line.startsWith(' ') || !line.trim()) continue; // the license header, blank lines
      const f = line.trim().split(' ');
      const lemma = f[0]!;
      if (/[_\-.'0-9]/.test(lemma) || lemma.length < 2) continue; // single plain words only
      const p = Number(f[3]);
      const tagged = Number(f[4 + p + 1]);
      if (!(tagged >= 1)) continue;
      const offsets = f.slice(4 + p + 2, 4 + p + 2 + Math.min(tagged, MAX_SENSES));
      const seen = new Set<string>();
      const add = (meaning: string) => {
        const m = meaning.trim();
        if (!m || m.toLowerCase() === lemma || !ascii(m) || seen.has(m.toLowerCase())) return;
        seen.add(m.toLowerCase());
        pairs.push([lemma, m]);
      };
      for (const o of offsets) {
        const { lemmas, definition } = synsetAt(o);
        add(definition);
        for (const l of lemmas) if (l === l.toLowerCase()) add(l); // proper names (capitalized) left out
      }
    }
  }
  return pairs;
}

/** Read dictionary.tsv → pairs grouped by word (comments skipped). */
export function readDictionary(file = DICTIONARY): [string, string][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string]);
}

/**
 * The dictionary as corpus documents, one per word ("Dig means turn up, loosen, or remove earth. Dig
 * means delve. …"): the form in which tiny-lm README's planning experiment added it to corpus.txt.
 */
export function dictionaryDocuments(pairs = readDictionary()): string[] {
  const byWord = new Map<string, string[]>();
  for (const [w, m] of pairs) (byWord.get(w) ?? byWord.set(w, []).get(w)!).push(m);
  const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  return [...byWord].map(([w, ms]) => ms.map((m) => `${cap(w)} means ${m.replace(/[.;]+$/, '')}.`).join(' '));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const fail = (line: string) => {
    console.error(`dictionary: ${line}`);
    process.exit(1);
  };
  const o: Record<string, string> = { '--wordnet': '/usr/share/wordnet', '--out': DICTIONARY };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const [a, v] = [argv[i]!, argv[i + 1]];
    if (!['--wordnet', '--out', '--corpus-out'].includes(a)) fail(`unknown flag ${a}. Fix: use --wordnet DIR, --out FILE or --corpus-out FILE`);
    if (v === undefined || v.startsWith('--')) fail(`${a} needs a value. Fix: e.g. ${a} ${a === '--wordnet' ? '/usr/share/wordnet' : '/tmp/out.txt'}`);
    o[a] = v!;
  }
  const corpusOut = o['--corpus-out'];
  const out = path.resolve(corpusOut ?? o['--out']!);
  try {
    accessSync(path.dirname(out), constants.W_OK);
  } catch {
    fail(`${corpusOut ? '--corpus-out' : '--out'} ${out}: cannot write into ${path.dirname(out)}. Fix: pass a file in a writable folder`);
  }
  if (corpusOut) {
    // corpus.txt followed by the committed dictionary as documents (no WordNet needed).
    const docs = dictionaryDocuments();
    writeFileSync(out, `${readFileSync(path.join(here, 'corpus.txt'), 'utf8').trimEnd()}\n\n${docs.join('\n\n')}\n`);
    console.log(`${out}: corpus.txt and ${docs.length} dictionary documents`);
  } else {
    const dir = o['--wordnet']!;
    if (!existsSync(path.join(dir, 'index.noun'))) fail(`--wordnet ${dir}: no WordNet database there (index.noun). Fix: apt-get install wordnet-base, or pass --wordnet DIR`);
    const pairs = dictionaryPairs(dir);
    writeFileSync(out, `${[...NOTICE, ...pairs.map(([a, b]) => `${a}\t${b}`)].join('\n')}\n`);
    console.log(`${out}: ${pairs.length} pairs for ${new Set(pairs.map((p) => p[0])).size} words`);
  }
}
