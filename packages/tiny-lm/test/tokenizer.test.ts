import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EOS, encodeCorpus, encodeDocuments, loadHfTokenizer, trainBpe, writeTokenizer } from '../src/tokenizer.ts';

const corpusPath = path.resolve(import.meta.dirname, '../corpus/corpus.txt');
const hasCorpus = existsSync(corpusPath);
// A stand-in when the corpus is absent, with the awkward cases: unicode, tabs, runs of spaces/newlines.
const sample = hasCorpus
  ? readFileSync(corpusPath, 'utf8')
  : 'Pick up the apple.\nThe sponge is in the sink.\n\nA tree gives wood.\n'.repeat(200);
const extras = 'héllo wörld 日本語 🙂\tTab  two spaces\n\n\n  indented\r\nCRLF; it\'s 50% off — "quoted" zyzzyva qwxkj';

describe('byte-level BPE tokenizer', () => {
  let dir: string;
  let tok: Awaited<ReturnType<typeof loadHfTokenizer>>;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tiny-lm-tok-'));
    const bpe = trainBpe(sample, 2048);
    writeTokenizer(dir, bpe, 128);
    tok = await loadHfTokenizer(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the whole corpus exactly through transformers.js', async () => {
    const ids = await encodeCorpus(tok, sample);
    expect(tok.decode(Array.from(ids))).toBe(sample);
    // chunked encoding = one-call encoding (chunk boundaries cannot change the tokens)
    const head = sample.slice(0, 60_000);
    expect(Array.from(await encodeCorpus(tok, head, 5_000))).toEqual(tok.encode(head, { add_special_tokens: false }));
  });

  it('encodes unseen words and characters without an unknown token and decodes them back', () => {
    const ids = tok.encode(extras, { add_special_tokens: false });
    expect(tok.decode(ids)).toBe(extras);
    expect(ids).not.toContain(tok.convert_tokens_to_ids(EOS));
  });

  it('has <|endoftext|> as bos/eos/pad, pads on the left, and keeps spaces before punctuation', () => {
    const eos = tok.convert_tokens_to_ids(EOS) as number;
    expect(tok.eos_token_id).toBe(eos);
    expect(tok.pad_token_id).toBe(eos);
    expect(tok.padding_side).toBe('left');
    expect(tok.decode(tok.encode('a , b .', { add_special_tokens: false }))).toBe('a , b .');
    expect(tok.encode('Pick up the apple.', { add_special_tokens: false }).length).toBeLessThan(10);
  });

  it('joins documents with <|endoftext|>', async () => {
    const ids = await encodeDocuments(tok, 'First doc.\n\nSecond doc.\n');
    const eos = tok.convert_tokens_to_ids(EOS) as number;
    expect(ids.filter((i) => i === eos).length).toBe(2);
    expect(tok.decode(Array.from(ids))).toBe(`First doc.${EOS}Second doc.${EOS}`);
  });
});
