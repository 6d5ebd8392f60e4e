/**
 * Export a baked model folder (config.json, tokenizer.json, onnx/model.onnx) as a GGUF file that
 * llama.cpp runs as its `gpt2` architecture — so the GGUF backend of core's LanguageModel is tested
 * on a real engine, offline, against the same weights served by transformers.js.
 *
 *   npm run export:gguf -w @rlllm/tiny-lm [-- --model rlllm/tiny-gpt|rlllm/tiny-coder|DIR] [--out FILE.gguf]
 *
 * Without flags both baked models go to packages/tiny-lm/baked-gguf/{tiny-gpt,tiny-coder}.gguf
 * (ignored by git: a GGUF is derived from the committed ONNX in well under a second, byte for byte
 * the same each time, so committing 4 MB copies would only add weight to the history).
 *
 * GGUF v3, as llama.cpp's ggml/src/gguf.cpp reads it (all little-endian):
 *   "GGUF", version u32 = 3, tensor count u64, metadata count u64,
 *   metadata: key (u64 length + UTF-8), value type u32, value (strings as keys; arrays as element
 *             type u32 + count u64 + elements),
 *   tensor infos: name, n_dims u32, ne[] u64 (fastest-varying dimension first), ggml type u32
 *             (0 = F32), offset u64 from the data section (each a multiple of the alignment),
 *   zero padding to the alignment (general.alignment, default 32), then the tensor data, each
 *   tensor padded to the alignment.
 *
 * The `gpt2` architecture (llama.cpp src/models/gpt2.cpp) wants token_embd, position_embd,
 * blk.N.{attn_norm, attn_qkv, attn_output, ffn_norm, ffn_up, ffn_down} (weights and biases),
 * output_norm, and optionally output (absent here: the head is tied to token_embd, as in our model).
 * A matrix with ne [in, out] is stored as `out` rows of `in` floats, i.e. PyTorch's Linear layout, so
 * HF GPT-2's Conv1D weights ([in, out], which is how our ONNX stores them) are transposed — the same
 * transposition llama.cpp's own converter does for c_attn, c_proj and c_fc.
 *
 * Tokenizer metadata makes llama.cpp tokenize exactly like tokenizer.json: `tokenizer.ggml.model`
 * "gpt2" (byte-level BPE over the same byte-to-unicode alphabet), the tokens by id, their types
 * (1 normal, 3 control for the special <|endoftext|>), the merges in rank order as "left right",
 * bos/eos/padding ids, add_bos_token false (transformers.js adds no BOS to GPT-2), and
 * `tokenizer.ggml.pre`, which selects the split regex — and, since llama.cpp has no key of its own
 * for it, whether decoding cleans up spaces before punctuation (" ?" → "?", HF's
 * clean_up_tokenization_spaces). Both "gpt-2" and "trillion" select the GPT-2 regex (what the
 * ByteLevel pre-tokenizer with use_regex applies); "gpt-2" cleans up (HF GPT-2's default), "trillion"
 * does not (src/llama-vocab.cpp). Our tokenizer_config.json says clean_up_tokenization_spaces false,
 * so we write "trillion" — with "gpt-2", greedy text came back as `"number"? action` where
 * transformers.js gives `"number" ? action`.
 * `gpt2.pooling_type` 1 (mean) makes llama.cpp's embeddings mean-pool, as the transformers.js
 * backend does.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMain, UserError } from '@rlllm/core/config';
import { readGptConfig, readOnnxWeights } from './loadWeights.ts';

const GGUF_VERSION = 3;
const ALIGNMENT = 32;
enum T {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}
const GGML_F32 = 0;
const TOKEN_NORMAL = 1;
const TOKEN_CONTROL = 3;
const POOLING_MEAN = 1;

type Value = { type: T.UINT32 | T.INT32 | T.FLOAT32; v: number } | { type: T.BOOL; v: boolean } | { type: T.STRING; v: string } | { type: T.ARRAY; of: T.STRING; v: string[] } | { type: T.ARRAY; of: T.INT32; v: number[] };

/** Little-endian byte writer. */
class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  private push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  i32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  bytes(b: Buffer): void {
    this.push(b);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.push(Buffer.alloc(pad));
  }
  value(val: Value): void {
    this.u32(val.type);
    if (val.type === T.UINT32) this.u32(val.v);
    else if (val.type === T.INT32) this.i32(val.v);
    else if (val.type === T.FLOAT32) this.f32(val.v);
    else if (val.type === T.BOOL) this.push(Buffer.from([val.v ? 1 : 0]));
    else if (val.type === T.STRING) this.str(val.v);
    else if (val.type === T.ARRAY) {
      this.u32(val.of);
      this.u64(val.v.length);
      if (val.of === T.STRING) for (const s of val.v) this.str(s);
      else for (const n of val.v) this.i32(n);
    }
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

interface TokenizerJson {
  added_tokens?: { id: number; content: string; special?: boolean }[];
  pre_tokenizer?: { type?: string; use_regex?: boolean; add_prefix_space?: boolean } | null;
  model: { type: string; vocab: Record<string, number>; merges: (string | [string, string])[] };
}

/** The tokenizer metadata of a byte-level BPE tokenizer.json (the kind tiny-lm writes). */
function tokenizerMetadata(tokJson: TokenizerJson, config: Record<string, unknown>, cleanUpSpaces: boolean, vocabSize: number): [string, Value][] {
  const pre = tokJson.pre_tokenizer;
  if (tokJson.model.type !== 'BPE' || pre?.type !== 'ByteLevel' || pre.use_regex === false || pre.add_prefix_space)
    throw new UserError('export:gguf: only a byte-level BPE tokenizer with the GPT-2 split regex and no prefix space (what tiny-lm writes) maps onto llama.cpp\'s "gpt2" tokenizer. Fix: export a model baked by @rlllm/tiny-lm');
  const tokens: string[] = new Array(vocabSize).fill('');
  const types: number[] = new Array(vocabSize).fill(TOKEN_NORMAL);
  for (const [tok, id] of Object.entries(tokJson.model.vocab)) if (id < vocabSize) tokens[id] = tok;
  for (const t of tokJson.added_tokens ?? []) {
    tokens[t.id] = t.content;
    if (t.special) types[t.id] = TOKEN_CONTROL;
  }
  const missing = tokens.findIndex((t) => t === '');
  if (missing >= 0) throw new UserError(`export:gguf: tokenizer.json has no token with id ${missing} (vocab_size ${vocabSize}). Fix: re-bake the model`);
  const merges = tokJson.model.merges.map((m) => (Array.isArray(m) ? `${m[0]} ${m[1]}` : m));
  const id = (k: string) => Number(config[k]);
  return [
    ['tokenizer.ggml.model', { type: T.STRING, v: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: T.STRING, v: cleanUpSpaces ? 'gpt-2' : 'trillion' }],
    ['tokenizer.ggml.tokens', { type: T.ARRAY, of: T.STRING, v: tokens }],
    ['tokenizer.ggml.token_type', { type: T.ARRAY, of: T.INT32, v: types }],
    ['tokenizer.ggml.merges', { type: T.ARRAY, of: T.STRING, v: merges }],
    ['tokenizer.ggml.bos_token_id', { type: T.UINT32, v: id('bos_token_id') }],
    ['tokenizer.ggml.eos_token_id', { type: T.UINT32, v: id('eos_token_id') }],
    ['tokenizer.ggml.padding_token_id', { type: T.UINT32, v: id('pad_token_id') }],
    ['tokenizer.ggml.add_bos_token', { type: T.BOOL, v: false }],
    ['tokenizer.ggml.add_eos_token', { type: T.BOOL, v: false }],
  ];
}

/** [rows, cols] row-major → [cols, rows] row-major. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** The GGUF bytes of a model folder in HF layout written by tiny-lm. */
export function buildGguf(modelDir: string, name: string): Buffer {
  const cfg = readGptConfig(modelDir);
  const config = JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const tokJson = JSON.parse(readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  const tokConfig = JSON.parse(readFileSync(path.join(modelDir, 'tokenizer_config.json'), 'utf8')) as { clean_up_tokenization_spaces?: boolean };
  const w = readOnnxWeights(path.join(modelDir, 'onnx', 'model.onnx'));
  const d = cfg.nEmbd;
  const get = (k: string) => {
    const t = w.get(k);
    if (!t) throw new UserError(`export:gguf: ${modelDir}/onnx/model.onnx has no weight ${k}. Fix: re-bake the model`);
    return t.data;
  };

  // name, ne (fastest-varying first), data
  const tensors: [string, number[], Float32Array][] = [
    ['token_embd.weight', [d, cfg.vocabSize], get('wte.weight')],
    ['position_embd.weight', [d, cfg.nPositions], get('wpe.weight')],
  ];
  for (let i = 0; i < cfg.nLayer; i++) {
    const h = `h.${i}.`;
    const b = `blk.${i}.`;
    tensors.push(
      [b + 'attn_norm.weight', [d], get(h + 'ln_1.weight')],
      [b + 'attn_norm.bias', [d], get(h + 'ln_1.bias')],
      [b + 'attn_qkv.weight', [d, 3 * d], transpose(get(h + 'attn.c_attn.weight'), d, 3 * d)],
      [b + 'attn_qkv.bias', [3 * d], get(h + 'attn.c_attn.bias')],
      [b + 'attn_output.weight', [d, d], transpose(get(h + 'attn.c_proj.weight'), d, d)],
      [b + 'attn_output.bias', [d], get(h + 'attn.c_proj.bias')],
      [b + 'ffn_norm.weight', [d], get(h + 'ln_2.weight')],
      [b + 'ffn_norm.bias', [d], get(h + 'ln_2.bias')],
      [b + 'ffn_up.weight', [d, 4 * d], transpose(get(h + 'mlp.c_fc.weight'), d, 4 * d)],
      [b + 'ffn_up.bias', [4 * d], get(h + 'mlp.c_fc.bias')],
      [b + 'ffn_down.weight', [4 * d, d], transpose(get(h + 'mlp.c_proj.weight'), 4 * d, d)],
      [b + 'ffn_down.bias', [d], get(h + 'mlp.c_proj.bias')],
    );
  }
  tensors.push(['output_norm.weight', [d], get('ln_f.weight')], ['output_norm.bias', [d], get('ln_f.bias')]);
  for (const [tname, ne, data] of tensors) {
    const n = ne.reduce((a, x) => a * x, 1);
    if (data.length !== n) throw new UserError(`export:gguf: weight for ${tname} has ${data.length} values, expected ${n} (${ne.join('×')}). Fix: re-bake the model`);
  }

  const u32 = (v: number): Value => ({ type: T.UINT32, v });
  const metadata: [string, Value][] = [
    ['general.architecture', { type: T.STRING, v: 'gpt2' }],
    ['general.name', { type: T.STRING, v: name }],
    ['general.file_type', u32(0)], // all F32
    ['gpt2.context_length', u32(cfg.nPositions)],
    ['gpt2.embedding_length', u32(d)],
    ['gpt2.feed_forward_length', u32(4 * d)],
    ['gpt2.block_count', u32(cfg.nLayer)],
    ['gpt2.attention.head_count', u32(cfg.nHead)],
    ['gpt2.attention.layer_norm_epsilon', { type: T.FLOAT32, v: Number(config.layer_norm_epsilon ?? 1e-5) }],
    ['gpt2.pooling_type', u32(POOLING_MEAN)],
    ...tokenizerMetadata(tokJson, config, tokConfig.clean_up_tokenization_spaces ?? false, cfg.vocabSize),
  ];

  const out = new Writer();
  out.bytes(Buffer.from('GGUF', 'ascii'));
  out.u32(GGUF_VERSION);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [k, v] of metadata) {
    out.str(k);
    out.value(v);
  }
  let offset = 0;
  for (const [tname, ne, data] of tensors) {
    out.str(tname);
    out.u32(ne.length);
    for (const n of ne) out.u64(n);
    out.u32(GGML_F32);
    out.u64(offset);
    offset += Math.ceil((data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  out.padTo(ALIGNMENT);
  for (const [, , data] of tensors) {
    out.bytes(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    out.padTo(ALIGNMENT);
  }
  return out.concat();
}

/** Write `modelDir` as a GGUF file at `outFile` (atomically: a temp file renamed into place). */
export function exportGguf(modelDir: string, outFile: string, name = path.basename(modelDir)): string {
  const bytes = buildGguf(modelDir, name);
  mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  const tmp = `${outFile}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, outFile);
  return outFile;
}

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where `npm run export:gguf` writes the baked models by default. */
export const GGUF_DIR = path.join(pkgDir, 'baked-gguf');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runMain(async () => {
    const argv = process.argv.slice(2);
    let model: string | undefined;
    let out: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--model') model = argv[++i];
      else if (argv[i] === '--out') out = argv[++i];
      else throw new UserError(`export:gguf: unknown flag ${JSON.stringify(argv[i])}. Fix: use --model rlllm/tiny-gpt|rlllm/tiny-coder|DIR and --out FILE.gguf`);
    }
    const baked = (n: string) => path.join(pkgDir, 'baked', 'rlllm', n);
    const jobs: [string, string, string][] =
      model === undefined
        ? ['tiny-gpt', 'tiny-coder'].map((n) => [baked(n), path.join(GGUF_DIR, `${n}.gguf`), `rlllm/${n}`])
        : [[model.startsWith('rlllm/') ? baked(model.slice(6)) : path.resolve(model), out ?? path.join(GGUF_DIR, `${path.basename(model)}.gguf`), model]];
    if (out !== undefined && !/\.gguf$/i.test(out)) throw new UserError(`export:gguf: --out ${out} must end in .gguf (the model spec that loads it is its path). Fix: --out ${out}.gguf`);
    for (const [dir, file, name] of jobs) console.log(`${name} → ${exportGguf(dir, file, name)}`);
  });
}
