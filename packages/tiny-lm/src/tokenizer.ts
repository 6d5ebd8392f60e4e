/**
 * Byte-level BPE, trained from our corpus and written in the Hugging Face `tokenizers` JSON format
 * so transformers.js loads it with `AutoTokenizer` like any GPT-2 tokenizer.
 *
 * Why byte-level BPE (GPT-2's scheme, Radford et al. 2019 §2.2): the base alphabet is all 256
 * bytes, so every string encodes — there is no unknown word, and decode(encode(s)) === s exactly.
 * The merges are learned greedily: repeatedly fuse the most frequent adjacent pair of symbols
 * inside pre-tokenized words (Sennrich et al. 2016).
 *
 * Contract facts used (docs/model-format.md, "Tokenizer"):
 * - `tokenizer_config.json` is required, else transformers.js loads no tokenizer.
 * - a BPE model needs a decoder (ByteLevel here), else sub-words come out space-separated.
 * - batched generation needs `padding_side: "left"`.
 * We also set `clean_up_tokenization_spaces: false`: the JS decoder otherwise deletes the space
 * before punctuation (" ." → "."), which would break the exact round-trip.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const EOS = '<|endoftext|>';

/** The pre-tokenizer regex of GPT-2 — the same one transformers.js' ByteLevel pre-tokenizer uses. */
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * GPT-2's reversible byte → printable-unicode map: bytes that are printable keep their own
 * character, the others (space, control bytes, ...) are shifted to 256+. Tokens in the vocab are
 * strings over this alphabet (a leading space becomes "Ġ").
 */
export function bytesToUnicode(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(keep.includes(b) ? b : 256 + n++);
  return out;
}

export interface BpeResult {
  /** token string → id. Ids: 256 byte symbols, then merges in order, then <|endoftext|> last (as GPT-2). */
  vocab: Record<string, number>;
  merges: [string, string][];
}

/**
 * Learn `vocabSize - 257` merges from `text`. Deterministic: ties on pair frequency are broken by
 * the pair's string order, never by Map iteration order of the data.
 */
export function trainBpe(text: string, vocabSize: number, log: (msg: string) => void = () => {}): BpeResult {
  const byteChar = bytesToUnicode();
  const enc = new TextEncoder();
  // Count pre-tokenized "words" once; BPE never merges across them.
  const wordFreq = new Map<string, number>();
  for (const m of text.matchAll(GPT2_SPLIT)) wordFreq.set(m[0], (wordFreq.get(m[0]) ?? 0) + 1);
  const words: string[][] = [];
  const freqs: number[] = [];
  for (const [w, f] of [...wordFreq].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    words.push(Array.from(enc.encode(w), (b) => byteChar[b]!));
    freqs.push(f);
  }

  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) vocab[byteChar[b]!] = b;
  const merges: [string, string][] = [];
  const nMerges = vocabSize - 257;
  const SEP = '\u0000'; // never occurs in byte-mapped symbols, so "a\0b" names the pair unambiguously

  // Pair counts and, per pair, the words containing it — so a merge only revisits those words.
  const pairCount = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const addWord = (wi: number, sign: 1 | -1) => {
    const w = words[wi]!;
    for (let i = 0; i + 1 < w.length; i++) {
      const key = w[i]! + SEP + w[i + 1]!;
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * freqs[wi]!);
      if (sign > 0) {
        let s = pairWords.get(key);
        if (!s) pairWords.set(key, (s = new Set()));
        s.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) addWord(wi, 1);

  for (let m = 0; m < nMerges; m++) {
    let best: string | null = null;
    let bestCount = 0;
    for (const [key, c] of pairCount) {
      if (c > bestCount || (c === bestCount && c > 0 && best !== null && key < best)) {
        best = key;
        bestCount = c;
      }
    }
    if (best === null || bestCount < 2) break; // nothing left worth merging (tiny corpora)
    const [a, b] = best.split(SEP) as [string, string];
    const merged = a + b;
    merges.push([a, b]);
    vocab[merged] = 256 + m;
    for (const wi of [...pairWords.get(best)!]) {
      addWord(wi, -1);
      const w = words[wi]!;
      const out: string[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === a && w[i + 1] === b) {
          out.push(merged);
          i++;
        } else out.push(w[i]!);
      }
      words[wi] = out;
      addWord(wi, 1);
    }
    pairCount.delete(best);
    pairWords.delete(best);
    if ((m + 1) % 500 === 0) log(`bpe: ${m + 1}/${nMerges} merges`);
  }
  vocab[EOS] = Object.keys(vocab).length;
  return { vocab, merges };
}

/** The `tokenizer.json` document (HF tokenizers format, GPT-2 style). */
export function tokenizerJson(bpe: BpeResult): object {
  const eosId = bpe.vocab[EOS]!;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: eosId, content: EOS, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: bpe.vocab,
      merges: bpe.merges,
    },
  };
}

/** `tokenizer_config.json`: special tokens, left padding, no space clean-up, context length. */
export function tokenizerConfigJson(contextLength: number): object {
  return {
    tokenizer_class: 'GPT2Tokenizer',
    bos_token: EOS,
    eos_token: EOS,
    pad_token: EOS,
    // Byte-level BPE has no unknown symbol; naming one keeps code paths that look it up defined.
    unk_token: EOS,
    add_bos_token: false,
    add_prefix_space: false,
    padding_side: 'left',
    clean_up_tokenization_spaces: false,
    model_max_length: contextLength,
  };
}

/** Write tokenizer.json + tokenizer_config.json into `dir`. */
export function writeTokenizer(dir: string, bpe: BpeResult, contextLength: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(bpe)));
  writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson(contextLength), null, 2) + '\n');
}

/**
 * Load the written files with transformers.js' own tokenizer — training data is encoded by the
 * very code that tokenizes at inference, so the two cannot diverge.
 */
export async function loadHfTokenizer(dir: string) {
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  return AutoTokenizer.from_pretrained(path.resolve(dir), { local_files_only: true });
}

/** Encode a long text with the HF tokenizer, in line-aligned pieces (keeps each call small). */
export async function encodeCorpus(
  tok: Awaited<ReturnType<typeof loadHfTokenizer>>,
  text: string,
  chunkChars = 20000,
): Promise<Int32Array> {
  const parts: number[][] = [];
  let total = 0;
  for (let i = 0; i < text.length; ) {
    // Cut only at "\S\n|\S": a lone newline between two non-space characters is its own GPT-2
    // pre-token on both sides of the cut, so chunking cannot change the tokenization (the
    // round-trip test checks this). Runs of whitespace are never split.
    let j = Math.min(text.length, i + chunkChars);
    while (j < text.length && !(text[j - 1] === '\n' && /\S/.test(text[j - 2] ?? '') && /\S/.test(text[j]!))) j++;
    const ids = tok.encode(text.slice(i, j), { add_special_tokens: false });
    parts.push(ids);
    total += ids.length;
    i = j;
  }
  const out = new Int32Array(total);
  let o = 0;
  for (const p of parts) for (const id of p) out[o++] = id;
  return out;
}

/**
 * The training stream: documents (separated by one blank line in corpus.txt) encoded one by one
 * and joined by <|endoftext|>, as GPT-2 joins its documents — so the model learns where a text ends
 * and generate() can stop on EOS.
 */
export async function encodeDocuments(tok: Awaited<ReturnType<typeof loadHfTokenizer>>, text: string): Promise<Int32Array> {
  const eos = tok.convert_tokens_to_ids(EOS) as number;
  const ids: number[] = [];
  for (const doc of text.trim().split('\n\n')) {
    if (doc.length === 0) continue;
    for (const id of tok.encode(doc, { add_special_tokens: false })) ids.push(id);
    ids.push(eos);
  }
  return Int32Array.from(ids);
}
