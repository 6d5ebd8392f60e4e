/**
 * A GGUF file run by llama.cpp, as a LanguageModel: spec `path/to/model.gguf`. llama.cpp comes from
 * the optional package node-llama-cpp (pinned 3.21.1), whose npm packages ship prebuilt binaries;
 * we ask for the CPU build, never a GPU one, never a download or a source build (`gpu: false`,
 * `build: 'never'`, `skipDownload`), so what runs is the prebuilt CPU binary or nothing.
 *
 * Decoding and scoring read llama.cpp's whole next-token distribution (controlledEvaluate with
 * `probabilities`, computed from the raw logits when no sampler option is set) and choose tokens with
 * the same code as the transformers.js backend (pickToken): greedy text, seeded sampling, top-k, stop
 * strings and the token-level `allow` behave identically, and a GGUF export of our model gives the
 * same text as its ONNX export. logProb evaluates prompt + continuation on one context sequence and
 * keeps the prompt's KV cache between continuations. The KV cache is kept in F32 (llama.cpp's default
 * is F16) so scores agree with the fp32 ONNX model.
 *
 * llama.cpp runs on one thread unless LoadOptions.threads says otherwise: its worker threads spin
 * while they wait, and on our shared 2-core machine a 10-token evaluation of tiny-gpt took 3.5 ms
 * on 1 thread, 230 ms on 2 and 3.2 s on 4 (node-llama-cpp's default here) — measured with the other
 * core busy, which is how leaves and tests run.
 *
 * embed uses llama.cpp's embedding context, pooled as the GGUF file says (`<arch>.pooling_type`; our
 * export says mean, as the transformers.js backend pools; a file that says none gives the last
 * token's hidden state), L2-normalized here.
 */
import { existsSync, statSync } from 'node:fs';
import { UserError } from '../config.ts';
import { Rng } from '../rng.ts';
import { firstStop, pickToken, type GenerateOptions, type LanguageModel, type LanguageModelInfo, type LoadOptions, type StopReason, type TokenLevel } from './languageModel.ts';

type Nlc = typeof import('node-llama-cpp');
type LlamaModel = import('node-llama-cpp').LlamaModel;
type LlamaContext = import('node-llama-cpp').LlamaContext;
type LlamaContextSequence = import('node-llama-cpp').LlamaContextSequence;
type LlamaEmbeddingContext = import('node-llama-cpp').LlamaEmbeddingContext;
type Token = import('node-llama-cpp').Token;

const INSTALL = 'npm i -E -O node-llama-cpp@3.21.1 -w @rlllm/core';
/** Architectures llama.cpp runs as encoders only: they embed, but neither generate nor score. */
const ENCODERS = new Set(['bert', 'nomic-bert', 'nomic-bert-moe', 'jina-bert-v2', 'jina-bert-v3', 'neo-bert', 't5encoder', 'modern-bert', 'eurobert']);
/** Context we allocate at most, whatever the model was trained for (memory on a laptop). */
const MAX_CONTEXT = 8192;

/** Whether the optional node-llama-cpp is installed (tests of the GGUF path skip without it). */
export async function hasLlamaCpp(): Promise<boolean> {
  try {
    await import('node-llama-cpp');
    return true;
  } catch {
    return false;
  }
}

export async function loadGgufModel(file: string, opts: LoadOptions): Promise<LanguageModel> {
  const where = `loadLanguageModel("${file}")`;
  if (!existsSync(file) || !statSync(file).isFile()) throw new UserError(`${where}: no GGUF file there. Fix: pass the path of a .gguf file (e.g. npm run export:gguf -w @rlllm/tiny-lm writes packages/tiny-lm/baked-gguf/tiny-gpt.gguf)`);
  let nlc: Nlc;
  try {
    nlc = await import('node-llama-cpp');
  } catch (e) {
    throw new UserError(`${where}: a .gguf model runs through the optional package node-llama-cpp, which is not installed here (${String((e as Error).message).split('\n')[0]}). Fix: ${INSTALL}`);
  }
  let model: LlamaModel;
  try {
    const llama = await nlc.getLlama({ gpu: false, build: 'never', skipDownload: true, usePrebuiltBinaries: true, progressLogs: false, logLevel: nlc.LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: file, gpuLayers: 0 });
  } catch (e) {
    throw new UserError(`${where}: llama.cpp could not load it (${String((e as Error).message).split('\n')[0]!.slice(0, 200)}). Fix: pass a valid GGUF file`);
  }
  const arch = String(model.fileInfo.metadata.general.architecture);
  const causal = !ENCODERS.has(arch);
  const contextLength = Math.min(model.trainContextSize, MAX_CONTEXT);
  let vocabSize = 0;
  const eosIds = new Set<number>();
  for (const t of model.iterateAllTokens()) {
    vocabSize++;
    if (model.isEogToken(t)) eosIds.add(t);
  }
  const reason = `${arch} is an encoder-only model, it can only embed. Fix: pass a causal LM`;
  const info: LanguageModelInfo = {
    name: file,
    dir: null,
    modelType: arch,
    vocabSize,
    contextLength,
    hiddenSize: model.embeddingVectorSize,
    causal,
    backend: 'llama.cpp',
    capabilities: { generate: causal, logProb: causal, embed: true, allow: causal },
    unavailable: causal ? {} : { generate: reason, logProb: reason, allow: reason },
  };
  let context: LlamaContext | null = null;
  if (causal) {
    context = await model.createContext({
      contextSize: contextLength,
      sequences: 1,
      threads: opts.threads ?? 1,
      flashAttention: false,
      experimentalKvCacheKeyType: 'F32',
      experimentalKvCacheValueType: 'F32',
    });
  }
  return new GgufLanguageModel(model, context, info, eosIds, opts.threads ?? 1);
}

class GgufLanguageModel implements LanguageModel {
  private readonly sequence: LlamaContextSequence | null;
  private embedding: Promise<LlamaEmbeddingContext> | null = null;
  /** One sequence serves every call, so calls take turns. */
  private turn: Promise<unknown> = Promise.resolve();
  private readonly bosId: number | null;
  /** A bare word-boundary token a SentencePiece tokenizer puts before every string, or null; dropped
   *  from continuations as the transformers.js backend does. */
  private readonly spuriousPrefixId: number | null;

  constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext | null,
    readonly info: LanguageModelInfo,
    private readonly eosIds: Set<number>,
    private readonly threads: number,
  ) {
    this.sequence = context?.getSequence() ?? null;
    this.bosId = model.tokens.bos ?? model.tokens.eos ?? null;
    const probe = model.tokenize(',', true) as number[];
    this.spuriousPrefixId = probe.length === 2 && model.detokenize([probe[0]!] as Token[], false).trim() === '' ? probe[0]! : null;
  }

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.turn.then(f, f);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private requireCausal(what: string): LlamaContextSequence {
    if (!this.sequence) throw new Error(`${what}: ${this.info.name} is not a causal language model (embed() only)`);
    return this.sequence;
  }

  /** Prompt ids: BOS first where the model's tokenizer adds it (Llama), never empty. */
  private promptIds(prompt: string): number[] {
    const ids = this.encode(prompt, true);
    if (ids.length > 0) return ids;
    if (this.bosId === null) throw new Error(`${this.info.name}: empty prompt and no BOS token to start from`);
    return [this.bosId];
  }

  /** Special tokens written out in the text (e.g. "<|endoftext|>") are read as such, as Hugging Face tokenizers do. */
  private encode(text: string, addSpecial: boolean): number[] {
    const ids = this.model.tokenize(text, true) as number[];
    const bos = this.model.tokens.bos;
    return addSpecial && this.model.tokens.shouldPrependBosToken && bos !== null && ids[0] !== bos ? [bos, ...ids] : ids;
  }

  tokenize(text: string): number[] {
    return this.encode(text, true);
  }

  readonly tokens: TokenLevel = {
    encode: (text, addSpecial) => this.encode(text, addSpecial),
    decode: (ids) => this.model.detokenize(ids as Token[], false),
    pieces: (ids) => ids.map((id) => this.model.detokenize([id as Token], false)),
    tokenLogProbs: (rows) =>
      this.exclusive(async () => {
        const out: number[][] = [];
        for (const r of rows) out.push(await this.scoreRow(r, 1));
        return out;
      }),
  };

  /**
   * log p(row[t] | row[<t]) for t ≥ from, evaluated on the sequence; the tokens it already holds
   * that agree with `row` (a previous continuation's prompt) are kept, not evaluated again.
   * Callers hold the turn.
   */
  private async scoreRow(row: number[], from: number): Promise<number[]> {
    const seq = this.requireCausal('logProb');
    if (row.length < 2) return [];
    // Keep the cache up to (not including) the token whose distribution we need first.
    await seq.adaptStateToTokens(row.slice(0, from - 1) as Token[], false);
    const have = seq.nextTokenIndex;
    const input = row.slice(have, row.length - 1).map((t, j) => (have + j >= from - 1 ? ([t as Token, { generateNext: { probabilities: true } }] as const) : (t as Token)));
    const out = await seq.controlledEvaluate(input as Parameters<LlamaContextSequence['controlledEvaluate']>[0]);
    const lps: number[] = [];
    for (let j = 0; j < input.length; j++) {
      const pos = have + j;
      if (pos < from - 1) continue;
      const p = out[j]?.next.probabilities?.get(row[pos + 1] as Token) ?? 0;
      lps.push(Math.log(p));
    }
    return lps;
  }

  async logProb(prompt: string, continuations: string[]): Promise<number[]> {
    this.requireCausal('logProb');
    const ctx = this.info.contextLength;
    const p = this.promptIds(prompt);
    const rows = continuations.map((c, i) => {
      let cIds = this.encode(c, false);
      if (this.spuriousPrefixId !== null && cIds[0] === this.spuriousPrefixId) cIds = cIds.slice(1);
      if (cIds.length > ctx - 1) throw new Error(`logProb: continuation ${i} has ${cIds.length} tokens, more than the context ${ctx} − 1`);
      const keep = p.slice(Math.max(0, p.length - (ctx - cIds.length))); // left-truncate the prompt
      return { ids: [...keep, ...cIds], start: keep.length };
    });
    return this.exclusive(async () => {
      const out: number[] = [];
      for (const r of rows) out.push((await this.scoreRow(r.ids, r.start)).reduce((a, b) => a + b, 0));
      return out;
    });
  }

  async generate(prompt: string, opts: GenerateOptions = {}): Promise<string> {
    return (await this.generateDetailed(prompt, opts)).text;
  }

  async generateDetailed(prompt: string, opts: GenerateOptions = {}): Promise<{ text: string; stoppedBy: StopReason }> {
    const seq = this.requireCausal('generate');
    const ctx = this.info.contextLength;
    const want = Math.max(0, Math.floor(opts.maxNewTokens ?? 32));
    const stop = (opts.stop ?? []).filter((s) => s.length > 0);
    const rng = new Rng(opts.seed ?? 0);
    let ids = this.promptIds(prompt);
    ids = ids.slice(Math.max(0, ids.length - Math.max(1, ctx - want))); // keep the newest prompt tokens
    const promptIds = ids.slice();
    const steps = Math.min(want, ctx - ids.length);
    return this.exclusive(async () => {
      await seq.adaptStateToTokens(ids.slice(0, -1) as Token[], false);
      let feed = ids.slice(seq.nextTokenIndex);
      let text = '';
      for (let s = 0; s < steps; s++) {
        const input = feed.map((t, j) => (j === feed.length - 1 ? ([t as Token, { generateNext: { probabilities: true } }] as const) : (t as Token)));
        const out = await seq.controlledEvaluate(input as Parameters<LlamaContextSequence['controlledEvaluate']>[0]);
        const row = this.logRow(out[feed.length - 1]?.next.probabilities);
        const next = pickToken(row, text, opts, rng, this.eosIds, (id) => this.piece(id, promptIds));
        if (next === null) return { text, stoppedBy: 'constraint' as const };
        if (this.eosIds.has(next)) return { text, stoppedBy: 'eos' as const };
        ids.push(next);
        feed = [next];
        text = this.model.detokenize(ids.slice(promptIds.length) as Token[], false, promptIds as Token[]);
        const cut = firstStop(text, stop);
        if (cut >= 0) return { text: text.slice(0, cut), stoppedBy: 'stop' as const };
      }
      return { text, stoppedBy: 'length' as const };
    });
  }

  /** Log-probabilities over the vocabulary (tokens llama.cpp left out: −∞). */
  private logRow(probs: Map<Token, number> | undefined): Float32Array {
    if (!probs) throw new Error(`${this.info.name}: llama.cpp returned no next-token distribution`);
    const row = new Float32Array(this.info.vocabSize).fill(-Infinity);
    for (const [t, p] of probs) row[t] = Math.log(p);
    return row;
  }

  private readonly pieceCache = new Map<number, string>();
  /** A token's text as it reads after other text (detokenized with the prompt as context). */
  private piece(id: number, context: number[]): string {
    let p = this.pieceCache.get(id);
    if (p === undefined) {
      p = this.model.detokenize([id as Token], false, context.slice(-4) as Token[]);
      this.pieceCache.set(id, p);
    }
    return p;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const ctx = this.info.contextLength;
    this.embedding ??= this.model.createEmbeddingContext({ contextSize: ctx, threads: this.threads });
    const emb = await this.embedding;
    return this.exclusive(async () => {
      const out: Float32Array[] = [];
      for (const t of texts) {
        let ids = this.encode(t, true).slice(0, ctx - 1); // the embedding context wants room for one more
        if (ids.length === 0) ids = [this.bosId ?? 0];
        const v = Float32Array.from((await emb.getEmbeddingFor(ids as Token[])).vector);
        const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
        out.push(v.map((x) => x / norm));
      }
      return out;
    });
  }

  async dispose(): Promise<void> {
    if (this.embedding) await (await this.embedding).dispose();
    await this.context?.dispose();
    await this.model.dispose();
  }
}
