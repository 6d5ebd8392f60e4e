/**
 * LanguageModel — what the leaves ask of an LLM, served by transformers.js (never tfjs):
 *
 *   generate(prompt, opts)              text continuation: greedy (temperature 0) or seeded sampling
 *   logProb(prompt, continuations[])    Σ log p(continuation tokens | prompt), batched — SayCan skill
 *                                       scoring, GLAM action scoring, verbalizers, yes/no rewards
 *   embed(texts[])                      mean-pooled, L2-normalized sentence vectors (ELLM)
 *
 * A model is named by a spec:
 *   'default' | 'rlllm/tiny-gpt'  the baked model shipped in @rlllm/tiny-lm (found on disk at run time;
 *                                 core never imports tiny-lm code)
 *   'rlllm/tiny-coder'            the same model trained further on code (also baked in @rlllm/tiny-lm)
 *   'rlllm/tiny-encoder'          a static sentence encoder (embed only; ELLM's embedder), baked there too
 *   'rlllm/<name>'                any other model baked in @rlllm/tiny-lm (e.g. 'rlllm/tiny-gpt-v1', the
 *                                 first default model, kept so its results stay reproducible)
 *   a folder path                 any model in Hugging Face layout (config.json, tokenizer.json,
 *                                 tokenizer_config.json, onnx/model.onnx)
 *   'org/name'                    a hub id, downloaded and cached by transformers.js — the only case in
 *                                 which remote access is switched on.
 *   'openai:URL#MODEL'            a model behind an OpenAI-compatible server (vLLM, SGLang, llama.cpp's
 *                                 server, Ollama, LM Studio): lm/served.ts
 *   'path/to/model.gguf'          a GGUF file run by llama.cpp through node-llama-cpp: lm/gguf.ts
 *
 * Every model reports what it can do (`info.capabilities`, see lm/capabilities.ts), so a leaf checks
 * its roles' needs with requireRole right after loading, before any work.
 *
 * Decoding runs our own loop over the model's forward pass with its KV cache rather than
 * transformers.js' generate(): its sampler draws from Math.random, which cannot be seeded, and the
 * project's rule is that the same seed gives the same numbers. Greedy decoding uses the same loop so
 * both paths share stop-string and context-length handling.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Rng } from '../rng.ts';
import { MODEL_SPEC_FORMS, UserError } from '../config.ts';
import { requireRole, type Capabilities, type Capability, type RoleNeeds } from './capabilities.ts';

type HF = typeof import('@huggingface/transformers');
type HfTensor = import('@huggingface/transformers').Tensor;
type HfTokenizer = Awaited<ReturnType<HF['AutoTokenizer']['from_pretrained']>>;
type HfModel = Awaited<ReturnType<HF['AutoModel']['from_pretrained']>>;

export interface GenerateOptions {
  /** Upper bound on new tokens (default 32). Also capped by the context length. */
  maxNewTokens?: number;
  /** 0 (default) = greedy; > 0 = sample from softmax(logits / temperature). */
  temperature?: number;
  /** Sample only among the k most likely tokens (0 or undefined = all). */
  topK?: number;
  /** Seed for sampling (default 0): the same seed gives the same text. */
  seed?: number;
  /** Stop before the first occurrence of any of these strings (they are not included). */
  stop?: string[];
  /**
   * Token-level constraint (constrained decoding): called with the continuation as it would read
   * after a candidate token (`end` false), or, for the end-of-text token, as it would end (`end`
   * true); only tokens it accepts can be drawn. The mask is applied before top-k, so top-k picks
   * among the allowed tokens. If no token is allowed, generation ends (`stoppedBy: 'constraint'`).
   */
  allow?: (continuation: string, end: boolean) => boolean;
}

/** Why generation ended: end-of-text token, a stop string, the length cap, or no allowed token (`allow`). */
export type StopReason = 'eos' | 'stop' | 'length' | 'constraint';

export interface LanguageModelInfo {
  /** The spec's canonical name ('rlllm/tiny-gpt', the folder path, or the hub id). */
  name: string;
  /** Folder the files were read from (null for hub models: transformers.js' cache). */
  dir: string | null;
  modelType: string;
  vocabSize: number;
  /** Maximum tokens per sequence (prompt + continuation). */
  contextLength: number;
  hiddenSize: number;
  /** Whether generate/logProb are available (false for encoder-only models such as GloVe/BERT). */
  causal: boolean;
  /** Which engine runs the model. */
  backend: 'transformers.js' | 'openai' | 'llama.cpp';
  /** What the model can do; a leaf checks its needs with requireRole (lm/capabilities.ts). */
  capabilities: Capabilities;
  /** For each capability it lacks: why, and the fix (one clause, used in requireRole's message). */
  unavailable: Partial<Record<Capability, string>>;
}

/**
 * A local model below the text interface: token ids in, per-token log-probabilities out. The
 * OpenAI-compatible server (lm/openaiServer.ts) serves a model through it, echoing prompt
 * log-probabilities the way vLLM does.
 */
export interface TokenLevel {
  /** Token ids of `text`, with the tokenizer's special tokens (e.g. Llama's <s>) if `addSpecial`. */
  encode(text: string, addSpecial: boolean): number[];
  /** Text of the ids (special tokens skipped). */
  decode(ids: number[]): string;
  /** Each token's text as it appears inside a decoded sequence. */
  pieces(ids: number[]): string[];
  /** For each row: [log p(row[t] | row[<t]) for t = 1..n−1] (rows at most the context long). */
  tokenLogProbs(rows: number[][]): Promise<number[][]>;
}

export interface LanguageModel {
  readonly info: LanguageModelInfo;
  /**
   * Continue `prompt`. If prompt + maxNewTokens exceeds the context length, the prompt is truncated
   * from the left (its oldest tokens are dropped) so that the newest context is kept.
   */
  generate(prompt: string, opts?: GenerateOptions): Promise<string>;
  /** generate(), also saying why it stopped: the model's end-of-text token, a stop string, the length cap, or `allow`. */
  generateDetailed(prompt: string, opts?: GenerateOptions): Promise<{ text: string; stoppedBy: StopReason }>;
  /**
   * For each continuation c: Σ_t log p(c_t | prompt, c_<t). The prompt and each continuation are
   * tokenized separately and their ids concatenated, so the token boundary never depends on the
   * continuation (write leading spaces into the continuation: " great"). Prompts too long for the
   * context are truncated from the left. An empty prompt is replaced by the BOS token.
   */
  logProb(prompt: string, continuations: string[]): Promise<number[]>;
  /** Mean of the last hidden states over real tokens, L2-normalized. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Token ids as the model sees a prompt (special tokens included if the tokenizer adds them). */
  tokenize(text: string): number[];
  /** Token-level access, for models that run in this process (not a served model). */
  readonly tokens?: TokenLevel;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  /** Sequences per forward pass in logProb/embed (default 16); for a served model, prompts per request. */
  batchSize?: number;
  /** A GGUF model: llama.cpp threads (default 1, see lm/gguf.ts). */
  threads?: number;
  /** A served model ('openai:…'): requests at once (default 4). */
  concurrency?: number;
  /** A served model: milliseconds before a request is abandoned (default 120 000). */
  timeoutMs?: number;
  /** A served model: retries after a 429, a 5xx or a failed connection (default 4). */
  retries?: number;
  /** A served model: first back-off in milliseconds, doubled on each retry (default 500). */
  retryDelayMs?: number;
}

const TINY_LM_NAME = 'rlllm/tiny-gpt';
const BAKE_HINT = 'run `npm run bake -w @rlllm/tiny-lm` (or `git checkout packages/tiny-lm/baked`)';
/** The code model: tiny-gpt trained further on the corpus' code documents (tiny-lm src/bakeCoder.ts). */
const TINY_CODER_NAME = 'rlllm/tiny-coder';
const CODER_HINT = 'run `npm run bake:coder -w @rlllm/tiny-lm` (or `git checkout packages/tiny-lm/baked`)';
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', path.join('onnx', 'model.onnx')];

type Resolved =
  | { kind: 'local'; name: string; dir: string; hint: string }
  | { kind: 'hub'; name: string }
  | { kind: 'openai'; name: string; baseUrl: string; model: string }
  | { kind: 'gguf'; name: string; file: string };


/**
 * Where the baked default lives (`name` 'tiny-gpt'; 'tiny-coder' for the code model): located
 * through tiny-lm's package.json, without importing its code.
 */
export function tinyLmDir(name = 'tiny-gpt'): string {
  const req = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = req.resolve('@rlllm/tiny-lm/package.json');
  } catch {
    throw new UserError(`loadLanguageModel: package @rlllm/tiny-lm not found from ${path.dirname(new URL(import.meta.url).pathname)}; run \`npm install\` at the repo root`);
  }
  return path.join(path.dirname(pkg), 'baked', 'rlllm', name);
}

function resolveSpec(spec: string): Resolved {
  if (spec === 'default' || spec === TINY_LM_NAME) return { kind: 'local', name: TINY_LM_NAME, dir: tinyLmDir(), hint: BAKE_HINT };
  if (spec === TINY_CODER_NAME) return { kind: 'local', name: TINY_CODER_NAME, dir: tinyLmDir('tiny-coder'), hint: CODER_HINT };
  const baked = /^rlllm\/([\w.-]+)$/.exec(spec);
  if (baked) return { kind: 'local', name: spec, dir: tinyLmDir(baked[1]), hint: `the models baked in @rlllm/tiny-lm are the folders of packages/tiny-lm/baked/rlllm/ (${BAKE_HINT})` };
  if (spec.startsWith('openai:')) {
    const m = /^openai:(https?:\/\/[^#\s]+)#(.+)$/.exec(spec);
    if (!m) throw new UserError(`loadLanguageModel: "${spec}" is not of the form openai:URL#MODEL (e.g. openai:http://localhost:8000/v1#Qwen/Qwen2.5-1.5B-Instruct)`);
    return { kind: 'openai', name: spec, baseUrl: m[1]!.replace(/\/+$/, ''), model: m[2]! };
  }
  if (/\.gguf$/i.test(spec)) return { kind: 'gguf', name: path.resolve(spec), file: path.resolve(spec) };
  const looksLikePath = spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('~') || path.isAbsolute(spec) || existsSync(spec);
  if (looksLikePath) {
    const dir = path.resolve(spec);
    return { kind: 'local', name: dir, dir, hint: 'pass a folder in Hugging Face layout (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx)' };
  }
  if (/^[\w.-]+\/[\w.-]+$/.test(spec)) return { kind: 'hub', name: spec };
  throw new UserError(`loadLanguageModel: "${spec}" is not a model spec; give one of ${MODEL_SPEC_FORMS}`);
}

/** Check a local folder before handing it to transformers.js, so the error says what is missing. */
function checkFolder(r: Extract<Resolved, { kind: 'local' }>): Record<string, unknown> {
  const missing = REQUIRED_FILES.filter((f) => !existsSync(path.join(r.dir, f)));
  if (missing.length > 0) {
    throw new UserError(`loadLanguageModel("${r.name}"): no model at ${r.dir} (missing ${missing.join(', ')}); ${r.hint}`);
  }
  try {
    if (statSync(path.join(r.dir, 'onnx', 'model.onnx')).size === 0) throw new Error('onnx/model.onnx is empty');
    return JSON.parse(readFileSync(path.join(r.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`loadLanguageModel("${r.name}"): corrupt model at ${r.dir} (${oneLine(e)}); ${r.hint}`);
  }
}

function oneLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 200);
}

const cache = new Map<string, Promise<LanguageModel>>();

/**
 * Load (once per process and spec) a language model. Concurrent calls for the same spec share one
 * load. Errors are one line: what was looked for, where, and how to fix it.
 */
export function loadLanguageModel(spec = 'default', opts: LoadOptions = {}): Promise<LanguageModel> {
  const r = resolveSpec(spec);
  const key = r.kind === 'local' ? r.dir : `${r.kind}:${r.name}`;
  let p = cache.get(key);
  if (!p) {
    p = r.kind === 'openai' ? loadServed(r, opts) : r.kind === 'gguf' ? loadGguf(r, opts) : load(r, opts);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/**
 * Load the model a flag names for a role and check the role's needs (requireRole), before any work:
 * a bad spec or a model that cannot serve the role is a one-line UserError naming the flag.
 */
export async function loadModelFor(spec: string, role: RoleNeeds, opts: LoadOptions = {}): Promise<LanguageModel> {
  let lm: LanguageModel;
  try {
    lm = await loadLanguageModel(spec, opts);
  } catch (e) {
    if (e instanceof UserError && !e.message.startsWith(role.flag)) throw new UserError(`${role.flag}: ${e.message}`);
    throw e;
  }
  requireRole(lm, role);
  return lm;
}

async function loadServed(r: Extract<Resolved, { kind: 'openai' }>, opts: LoadOptions): Promise<LanguageModel> {
  const { loadServedModel } = await import('./served.ts');
  return track(await loadServedModel(r.name, r.baseUrl, r.model, opts));
}

async function loadGguf(r: Extract<Resolved, { kind: 'gguf' }>, opts: LoadOptions): Promise<LanguageModel> {
  const { loadGgufModel } = await import('./gguf.ts');
  return track(await loadGgufModel(r.file, opts));
}

/** dispose() of a model from another backend also forgets it here, as HfLanguageModel does. */
function track(lm: LanguageModel): LanguageModel {
  const dispose = lm.dispose.bind(lm);
  lm.dispose = async () => {
    for (const [k, p] of cache) if ((await p.catch(() => null)) === lm) cache.delete(k);
    await dispose();
  };
  return lm;
}

async function load(r: Extract<Resolved, { kind: 'local' | 'hub' }>, opts: LoadOptions): Promise<LanguageModel> {
  const hf: HF = await import('@huggingface/transformers');
  let config: Record<string, unknown> | null = null;
  let id: string;
  if (r.kind === 'local') {
    config = checkFolder(r);
    id = r.dir;
    hf.env.allowRemoteModels = false;
  } else {
    id = r.name;
    hf.env.allowRemoteModels = true; // a hub id is the one case where the network may be used
  }
  const where = r.kind === 'local' ? r.dir : `the Hugging Face hub (cache ${hf.env.cacheDir})`;
  const fix = r.kind === 'local' ? r.hint : 'check the id and that this machine is online, or use a local folder';
  const localOnly = { local_files_only: r.kind === 'local' };
  let tokenizer: HfTokenizer;
  let model: HfModel;
  let causal = true;
  try {
    tokenizer = await hf.AutoTokenizer.from_pretrained(id, localOnly);
    try {
      model = await hf.AutoModelForCausalLM.from_pretrained(id, { ...localOnly, dtype: 'fp32' });
    } catch (e) {
      // Encoder-only models (BERT-type, e.g. static GloVe) have no causal-LM class: embed only.
      if (!/Unsupported model type|not supported|Could not locate.*ForCausalLM/i.test(oneLine(e))) throw e;
      model = await hf.AutoModel.from_pretrained(id, { ...localOnly, dtype: 'fp32' });
      causal = false;
    }
  } catch (e) {
    throw new UserError(`loadLanguageModel("${r.name}"): could not load the model from ${where} (${oneLine(e)}); ${fix}`);
  } finally {
    hf.env.allowRemoteModels = false;
  }
  config ??= (model.config ?? {}) as unknown as Record<string, unknown>;
  const num = (...keys: string[]) => {
    for (const k of keys) if (typeof config![k] === 'number') return config![k] as number;
    return undefined;
  };
  const tokMax = (tokenizer as unknown as { model_max_length?: number }).model_max_length;
  const info: LanguageModelInfo = {
    name: r.name,
    dir: r.kind === 'local' ? r.dir : null,
    modelType: String(config.model_type ?? 'unknown'),
    vocabSize: num('vocab_size') ?? tokenizer.get_vocab().size,
    contextLength: num('n_positions', 'max_position_embeddings') ?? (tokMax && tokMax < 1e6 ? tokMax : 1024),
    hiddenSize: num('n_embd', 'hidden_size', 'd_model') ?? 0,
    causal,
    backend: 'transformers.js',
    capabilities: { generate: causal, logProb: causal, embed: true, allow: causal },
    unavailable: causal
      ? {}
      : Object.fromEntries((['generate', 'logProb', 'allow'] as const).map((c) => [c, `${String(config!.model_type ?? 'it')} is an encoder-only model, it can only embed. Fix: pass a causal LM (a GPT-2/Llama-type folder, a .gguf file or an openai: server)`])),
  };
  return new HfLanguageModel(hf, tokenizer, model, info, opts.batchSize ?? 16);
}

class HfLanguageModel implements LanguageModel {
  private readonly session: { inputNames: string[]; outputNames: string[] };
  private readonly useCache: boolean;
  private readonly eosIds: Set<number>;
  private readonly bosId: number | null;
  private readonly padId: number;
  /** SentencePiece tokenizers (Llama's "legacy" Prepend("▁") normalizer) start every encoded string
   *  with a word-boundary marker; this is that bare marker's id, or null if the tokenizer adds none. */
  private readonly spuriousPrefixId: number | null;

  constructor(
    private readonly hf: HF,
    private readonly tok: HfTokenizer,
    private readonly model: HfModel,
    readonly info: LanguageModelInfo,
    private readonly batchSize: number,
  ) {
    const sessions = (model as unknown as { sessions: Record<string, { inputNames: string[]; outputNames: string[] }> }).sessions;
    this.session = sessions.model ?? Object.values(sessions)[0]!;
    this.useCache = this.session.inputNames.some((n) => n.startsWith('past_key_values'));
    const cfg = model.config as unknown as Record<string, unknown>;
    const gen = ((model as unknown as { generation_config?: Record<string, unknown> }).generation_config ?? {}) as Record<string, unknown>;
    const ids = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : typeof v === 'number' ? [v] : []);
    this.eosIds = new Set([...ids(gen.eos_token_id), ...ids(cfg.eos_token_id), ...ids(tok.eos_token_id)]);
    const bos = ids(gen.bos_token_id)[0] ?? ids(cfg.bos_token_id)[0] ?? ids(tok.bos_token_id)[0];
    this.bosId = bos ?? null;
    this.padId = ids(tok.pad_token_id)[0] ?? ids(cfg.pad_token_id)[0] ?? [...this.eosIds][0] ?? 0;
    const probe = tok.encode(',', { add_special_tokens: false });
    this.spuriousPrefixId = probe.length === 2 && tok.decode([probe[0]!]).trim() === '' ? probe[0]! : null;
  }

  /** Continuation ids, tokenized on their own; a bare boundary marker the tokenizer prepends to
   *  every string is dropped, so ", there" scores as it would inside the text (the continuation
   *  carries its own leading space when it means one: " great"). */
  private continuationIds(c: string): number[] {
    const ids = this.tok.encode(c, { add_special_tokens: false });
    return this.spuriousPrefixId !== null && ids[0] === this.spuriousPrefixId ? ids.slice(1) : ids;
  }

  tokenize(text: string): number[] {
    return this.tok.encode(text);
  }

  readonly tokens: TokenLevel = {
    encode: (text, addSpecial) => this.tok.encode(text, { add_special_tokens: addSpecial }),
    decode: (ids) => this.tok.decode(ids, { skip_special_tokens: true }),
    pieces: (ids) => ids.map((id) => this.tok.decode([id], { skip_special_tokens: false })),
    tokenLogProbs: (rows) => this.tokenLogProbs(rows),
  };

  private requireCausal(what: string): void {
    if (!this.info.causal) throw new Error(`${what}: ${this.info.name} is not a causal language model (embed() only)`);
  }

  /** Prompt ids: the tokenizer's own special tokens (e.g. Llama's <s>), never empty. */
  private promptIds(prompt: string): number[] {
    const ids = this.tok.encode(prompt);
    if (ids.length === 0) {
      if (this.bosId === null) throw new Error(`${this.info.name}: empty prompt and no BOS token to start from`);
      return [this.bosId];
    }
    return ids;
  }

  private int64(rows: number[][]): HfTensor {
    const width = rows[0]!.length;
    const data = new BigInt64Array(rows.length * width);
    rows.forEach((r, i) => r.forEach((v, j) => (data[i * width + j] = BigInt(v))));
    return new this.hf.Tensor('int64', data, [rows.length, width]);
  }

  private async forward(inputIds: number[][], mask: number[][], past: Record<string, HfTensor> | null) {
    return (await this.model.forward({
      input_ids: this.int64(inputIds),
      attention_mask: this.int64(mask),
      ...(past ? { past_key_values: past } : {}),
    })) as Record<string, HfTensor>;
  }

  async generate(prompt: string, opts: GenerateOptions = {}): Promise<string> {
    return (await this.generateDetailed(prompt, opts)).text;
  }

  async generateDetailed(prompt: string, opts: GenerateOptions = {}): Promise<{ text: string; stoppedBy: StopReason }> {
    this.requireCausal('generate');
    const ctx = this.info.contextLength;
    const want = Math.max(0, Math.floor(opts.maxNewTokens ?? 32));
    const stop = (opts.stop ?? []).filter((s) => s.length > 0);
    const rng = new Rng(opts.seed ?? 0);
    let ids = this.promptIds(prompt);
    // Keep the newest prompt tokens so prompt + new tokens fit the context (ORT fails past it).
    ids = ids.slice(Math.max(0, ids.length - Math.max(1, ctx - want)));
    const promptLen = ids.length;
    const promptText = this.tok.decode(ids, { skip_special_tokens: true });
    const steps = Math.min(want, ctx - promptLen);
    let past: Record<string, HfTensor> | null = null;
    let feed = ids.slice();
    let text = '';
    for (let s = 0; s < steps; s++) {
      const out = await this.forward([feed], [new Array(ids.length).fill(1)], past);
      const logits = out.logits!;
      const [, T, V] = logits.dims as [number, number, number];
      const row = (logits.data as Float32Array).subarray((T - 1) * V, T * V);
      const next = pickToken(row, text, opts, rng, this.eosIds, (id) => this.piece(id));
      if (next === null) return { text, stoppedBy: 'constraint' };
      if (this.eosIds.has(next)) return { text, stoppedBy: 'eos' };
      ids.push(next);
      if (this.useCache) {
        past = {};
        for (const k in out) if (k.startsWith('present')) past[k.replace('present', 'past_key_values')] = out[k]!;
        feed = [next];
      } else feed = ids.slice();
      text = newText(this.tok.decode(ids, { skip_special_tokens: true }), promptText, this.tok, ids.slice(promptLen));
      const cut = firstStop(text, stop);
      if (cut >= 0) return { text: text.slice(0, cut), stoppedBy: 'stop' };
    }
    return { text, stoppedBy: 'length' };
  }

  /** Each token's text as it reads after other text (a leading space kept), decoded on first use. */
  private readonly pieces = new Map<number, string>();
  private anchor: { ids: number[]; text: string } | null = null;
  private piece(id: number): string {
    let p = this.pieces.get(id);
    if (p === undefined) {
      // Decode after an anchor and strip it: SentencePiece drops the leading "▁" of a lone token.
      if (this.anchor === null) {
        const ids = this.continuationIds('a');
        this.anchor = { ids, text: this.tok.decode(ids, { skip_special_tokens: true }) };
      }
      const t = this.tok.decode([...this.anchor.ids, id], { skip_special_tokens: true });
      p = t.startsWith(this.anchor.text) ? t.slice(this.anchor.text.length) : this.tok.decode([id], { skip_special_tokens: true });
      this.pieces.set(id, p);
    }
    return p;
  }

  async logProb(prompt: string, continuations: string[]): Promise<number[]> {
    this.requireCausal('logProb');
    const ctx = this.info.contextLength;
    const p = this.promptIds(prompt);
    const rows = continuations.map((c, i) => {
      const cIds = this.continuationIds(c);
      if (cIds.length > ctx - 1) throw new Error(`logProb: continuation ${i} has ${cIds.length} tokens, more than the context ${ctx} − 1`);
      const keep = p.slice(Math.max(0, p.length - (ctx - cIds.length))); // left-truncate the prompt
      return { ids: [...keep, ...cIds], start: keep.length };
    });
    const scores = await this.tokenLogProbs(rows.map((r) => r.ids));
    // scores[i][t − 1] is log p(token t | tokens < t)
    return rows.map((r, i) => scores[i]!.slice(r.start - 1).reduce((a, b) => a + b, 0));
  }

  /** Per-token log-probabilities of whole rows, `batchSize` rows per forward pass. */
  private async tokenLogProbs(rows: number[][]): Promise<number[][]> {
    this.requireCausal('logProb');
    const out: number[][] = [];
    for (let b = 0; b < rows.length; b += this.batchSize) {
      const chunk = rows.slice(b, b + this.batchSize);
      // Right padding: under a causal mask real positions never see the pads, and positions stay
      // 0..n−1, so a padded row scores exactly like the same row alone.
      const width = Math.max(...chunk.map((r) => r.length));
      const ids = chunk.map((r) => [...r, ...new Array(width - r.length).fill(this.padId)]);
      const mask = chunk.map((r) => [...new Array(r.length).fill(1), ...new Array(width - r.length).fill(0)]);
      const res = await this.forward(ids, mask, null);
      const V = res.logits!.dims[2] as number;
      const data = res.logits!.data as Float32Array;
      chunk.forEach((r, i) => {
        const lp: number[] = [];
        for (let t = 1; t < r.length; t++) {
          // logits at position t−1 predict token t
          const off = (i * width + (t - 1)) * V;
          lp.push(logSoftmaxAt(data.subarray(off, off + V), r[t]!));
        }
        out.push(lp);
      });
    }
    return out;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const ctx = this.info.contextLength;
    const result: Float32Array[] = [];
    for (let b = 0; b < texts.length; b += this.batchSize) {
      const enc = texts.slice(b, b + this.batchSize).map((t) => {
        const ids = this.tok.encode(t);
        return ids.length === 0 ? [this.bosId ?? this.padId] : ids.slice(0, ctx);
      });
      const width = Math.max(...enc.map((e) => e.length));
      const ids = enc.map((e) => [...e, ...new Array(width - e.length).fill(this.padId)]);
      const mask = enc.map((e) => [...new Array(e.length).fill(1), ...new Array(width - e.length).fill(0)]);
      const inputs: Record<string, HfTensor> = { input_ids: this.int64(ids), attention_mask: this.int64(mask) };
      if (this.session.inputNames.includes('token_type_ids')) inputs.token_type_ids = this.int64(ids.map((r) => r.map(() => 0)));
      const res = (await this.model.forward(inputs)) as Record<string, HfTensor>;
      // Same choice as transformers.js' feature-extraction pipeline: last_hidden_state ?? logits.
      const h = res.last_hidden_state ?? res.logits!;
      const D = h.dims[2] as number;
      const data = h.data as Float32Array;
      enc.forEach((e, i) => {
        const v = new Float32Array(D);
        for (let t = 0; t < e.length; t++) for (let k = 0; k < D; k++) v[k] += data[(i * width + t) * D + k]!;
        let norm = 0;
        for (let k = 0; k < D; k++) norm += v[k]! * v[k]!;
        norm = Math.sqrt(norm) || 1;
        for (let k = 0; k < D; k++) v[k] = v[k]! / norm; // the mean's 1/n cancels in the normalization
        result.push(v);
      });
    }
    return result;
  }

  async dispose(): Promise<void> {
    for (const [k, p] of cache) if ((await p.catch(() => null)) === this) cache.delete(k);
    await (this.model as unknown as { dispose(): Promise<unknown> }).dispose();
  }
}

/** The continuation text: the decoded whole minus the decoded prompt (robust to SentencePiece's
 *  leading-space handling); falls back to decoding the new ids alone. */
function newText(full: string, promptText: string, tok: HfTokenizer, newIds: number[]): string {
  if (full.startsWith(promptText)) return full.slice(promptText.length);
  return newIds.length ? tok.decode(newIds, { skip_special_tokens: true }) : '';
}

/**
 * The next token from one step's logits (or log-probabilities: softmax is the same): greedy at
 * temperature 0, else a seeded draw from softmax(row / temperature) among the top k; with `allow`,
 * only among the tokens it accepts (null: none). Shared by every backend that sees the whole
 * next-token distribution, so the same seed draws the same token on each of them.
 */
export function pickToken(row: Float32Array, text: string, opts: GenerateOptions, rng: Rng, eosIds: Set<number>, piece: (id: number) => string): number | null {
  const temperature = opts.temperature ?? 0;
  const topK = opts.topK ?? 0;
  if (!opts.allow) return temperature > 0 ? sample(row, temperature, topK, rng) : argmax(row);
  const allowed = allowedIds(row, text, opts.allow, temperature === 0 ? 1 : topK > 0 && topK < row.length ? topK : 0, eosIds, piece);
  if (allowed.length === 0) return null;
  return temperature > 0 ? sampleAmong(row, allowed, temperature, rng) : allowed[0]!;
}

/**
 * Token ids that `allow` accepts after `text`, most likely first, at most `k` of them (k ≤ 0: all).
 * Candidates are tried in order of their logits, so with a small k only a few are checked.
 */
function allowedIds(row: Float32Array, text: string, allow: (s: string, end: boolean) => boolean, k: number, eosIds: Set<number>, piece: (id: number) => string): number[] {
  const order = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b);
  const out: number[] = [];
  for (const id of order) {
    if (row[id] === -Infinity) break;
    if (eosIds.has(id) ? allow(text, true) : allow(text + piece(id), false)) out.push(id);
    if (k > 0 && out.length >= k) break;
  }
  // Without a top-k cut, keep id order: then an `allow` that accepts everything draws exactly the
  // token the unconstrained sampler would (same candidates, same order, same Rng draw).
  return k > 0 ? out : out.sort((a, b) => a - b);
}

export function firstStop(text: string, stop: string[]): number {
  let best = -1;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

function logSoftmaxAt(row: Float32Array, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  return row[index]! - max - Math.log(sum);
}

/** Sample from softmax(row / temperature), optionally restricted to the top k, with our Rng. */
function sample(row: Float32Array, temperature: number, topK: number, rng: Rng): number {
  let idx = Array.from(row.keys());
  if (topK > 0 && topK < row.length) idx = idx.sort((a, b) => row[b]! - row[a]! || a - b).slice(0, topK);
  return sampleAmong(row, idx, temperature, rng);
}

/** Sample one of `idx` from softmax(row[idx] / temperature). */
function sampleAmong(row: Float32Array, idx: number[], temperature: number, rng: Rng): number {
  let max = -Infinity;
  for (const i of idx) if (row[i]! > max) max = row[i]!;
  const w = idx.map((i) => Math.exp((row[i]! - max) / temperature));
  return idx[rng.categorical(w)]!;
}
