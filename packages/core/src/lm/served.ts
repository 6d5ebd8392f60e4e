/**
 * A model behind an OpenAI-compatible HTTP server, as a LanguageModel: spec `openai:URL#MODEL`, e.g.
 * `openai:http://localhost:8000/v1#Qwen/Qwen2.5-1.5B-Instruct` after `vllm serve Qwen/Qwen2.5-1.5B-Instruct`.
 * vLLM and SGLang (GPUs, and the way past one machine) offer everything; llama.cpp's server, Ollama
 * and LM Studio generate (and embed) but do not score prompts. The API key, if the server wants one,
 * comes from the environment variable OPENAI_API_KEY — never from a flag, so it stays out of shell
 * histories and reports.
 *
 *   generate  POST /v1/completions (temperature, seed, top_k when > 0 — a vLLM/SGLang extension —,
 *             stop strings). The prompt goes as text; only when it might not fit the context is it
 *             tokenized and left-truncated like the local backend does.
 *   logProb   POST /v1/completions with echo + logprobs and max_tokens 0 (1 where the server refuses
 *             0): the server returns every prompt token's log-probability. The prompt and each
 *             continuation are tokenized separately through the server's POST /tokenize (vLLM's
 *             tokenizer endpoint) and sent as token ids, so the boundary is exactly the local
 *             backend's. A server without /tokenize gets the text prompt + continuation and the
 *             boundary from `text_offset`: the tokens that start at or after the prompt's end.
 *   embed     POST /v1/embeddings, L2-normalized here.
 *
 * What the server can do is probed once at load, cheaply (GET /v1/models, /tokenize of one word and
 * of ",", one echo completion of two words, one embedding of one word), and reported in info.capabilities, so
 * requireRole rejects e.g. Ollama as SayCan's planner before any work. Every request goes through
 * one client: at most `concurrency` at once, a timeout each, retries with exponential back-off
 * (Retry-After honoured) on 429, 5xx and refused connections; every failure is one line naming the
 * server, the request and the fix.
 *
 * Plain fetch rather than the `openai` npm client: the calls this needs are not all OpenAI's (/tokenize,
 * token-id prompts with echo, top_k), the client's own retry and timeout policy would sit under ours,
 * and core keeps no dependency for four POSTs.
 */
import { UserError } from '../config.ts';
import type { Capability, Capabilities } from './capabilities.ts';
import type { GenerateOptions, LanguageModel, LanguageModelInfo, LoadOptions, StopReason } from './languageModel.ts';

const NO_SCORING =
  'the server returns no prompt log-probabilities for echo + logprobs (Ollama, LM Studio and llama.cpp\'s server do not score prompts). Fix: serve the model with vLLM or SGLang, or run it locally (a folder or a .gguf file)';

interface CompletionChoice {
  index: number;
  text: string;
  finish_reason?: string | null;
  stop_reason?: string | number | null;
  logprobs?: { tokens?: string[]; token_logprobs?: (number | null)[]; text_offset?: number[] } | null;
}

/** One HTTP client per served model: concurrency limit, timeout, retries, one-line errors. */
class Client {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly concurrency: number,
    private readonly timeoutMs: number,
    private readonly retries: number,
    private readonly retryDelayMs: number,
  ) {}

  /** The server's root: vLLM serves /tokenize beside /v1, not under it. */
  get rootUrl(): string {
    return this.baseUrl.replace(/\/v1$/, '');
  }

  private fail(what: string, problem: string, fix: string): UserError {
    return new UserError(`openai server ${this.baseUrl}: ${what} ${problem}. Fix: ${fix}`.replace(/\s*\n\s*/g, ' '));
  }

  /**
   * One JSON request. Resolves to the parsed body of a 2xx answer, or to { status, message } of a
   * 4xx answer when `soft` (a probe reads "not supported" from it); throws a UserError otherwise.
   */
  async request(method: 'GET' | 'POST', url: string, body?: unknown, soft = false): Promise<{ ok: true; json: any } | { ok: false; status: number; message: string }> {
    const what = `${method} ${url.slice(this.rootUrl.length) || '/'}`;
    await this.acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(url, {
            method,
            headers: { 'content-type': 'application/json', ...(process.env.OPENAI_API_KEY ? { authorization: `Bearer ${process.env.OPENAI_API_KEY}` } : {}) },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(this.timeoutMs),
          });
        } catch (e) {
          const err = e as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
          if (err.name === 'TimeoutError' || err.name === 'AbortError')
            throw this.fail(what, `got no answer within ${this.timeoutMs} ms`, 'check that the server is healthy, or give it more time (OPENAI_TIMEOUT_MS)');
          if (attempt < this.retries) {
            await sleep(this.retryDelayMs * 2 ** attempt);
            continue;
          }
          const why = err.cause?.code ?? err.cause?.errors?.[0]?.code ?? err.cause?.message ?? err.message;
          throw this.fail(what, `could not connect (${why}) after ${attempt + 1} tries`, 'start the server, or correct the URL in the model spec');
        }
        let text: string;
        try {
          text = await res.text();
        } catch (e) {
          const err = e as Error;
          if (err.name === 'TimeoutError' || err.name === 'AbortError')
            throw this.fail(what, `got no complete answer within ${this.timeoutMs} ms`, 'check that the server is healthy, or give it more time (OPENAI_TIMEOUT_MS)');
          throw this.fail(what, `broke off its answer (${err.message})`, 'check the server');
        }
        if ((res.status === 429 || res.status >= 500) && attempt < this.retries) {
          const after = Number(res.headers.get('retry-after'));
          await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 30_000) : this.retryDelayMs * 2 ** attempt);
          continue;
        }
        let json: any;
        try {
          json = text.length ? JSON.parse(text) : null;
        } catch {
          if (res.ok) throw this.fail(what, `answered with a body that is not JSON (${JSON.stringify(text.slice(0, 60))})`, 'check that the URL points at an OpenAI-compatible API (it usually ends in /v1)');
        }
        if (res.ok) return { ok: true, json };
        // vLLM: { error: { message } } (older: { message }); FastAPI: { detail: string | [{ msg }] }
        const detail = Array.isArray(json?.detail) ? json.detail.map((d: { msg?: string }) => d?.msg ?? JSON.stringify(d)).join('; ') : json?.detail;
        const message = String(json?.error?.message ?? json?.message ?? detail ?? (text.slice(0, 200) || res.statusText)).replace(/\s+/g, ' ').slice(0, 300);
        const auth = res.status === 401 || res.status === 403;
        if (soft && !auth && res.status >= 400 && res.status < 500) return { ok: false, status: res.status, message };
        if (auth) throw this.fail(what, `refused the request (${res.status} ${message})`, 'set the API key in the environment variable OPENAI_API_KEY');
        throw this.fail(what, `answered ${res.status} (${message})`, res.status === 429 || res.status >= 500 ? `the server is overloaded or failing (${attempt + 1} tries); try again later` : 'check the model name and the server\'s options');
      }
    } finally {
      this.release();
    }
  }

  async post(url: string, body: unknown): Promise<any> {
    return ((await this.request('POST', url, body)) as { json: unknown }).json;
  }

  private async acquire(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the slot over
    else this.active--;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Load (probe) a served model. `name` is the whole spec; `baseUrl` ends before /completions. */
export async function loadServedModel(name: string, baseUrl: string, model: string, opts: LoadOptions): Promise<LanguageModel> {
  const envTimeout = Number(process.env.OPENAI_TIMEOUT_MS);
  const client = new Client(
    baseUrl,
    opts.concurrency ?? 4,
    opts.timeoutMs ?? (Number.isFinite(envTimeout) && envTimeout > 0 ? envTimeout : 120_000),
    opts.retries ?? 4,
    opts.retryDelayMs ?? 500,
  );

  // The model list: is the model there, and how long is its context (vLLM: max_model_len)?
  let contextLength = Number.POSITIVE_INFINITY;
  const models = await client.request('GET', `${baseUrl}/models`, undefined, true);
  if (models.ok && Array.isArray(models.json?.data)) {
    const ids: string[] = models.json.data.map((m: { id: string }) => m.id);
    const entry = models.json.data.find((m: { id: string }) => m.id === model);
    if (!entry) throw new UserError(`openai server ${baseUrl}: model "${model}" is not served there (it serves ${ids.map((i) => `"${i}"`).join(', ') || 'nothing'}). Fix: put one of those after the # in the model spec`);
    if (typeof entry.max_model_len === 'number') contextLength = entry.max_model_len;
  }

  const unavailable: Partial<Record<Capability, string>> = {
    allow: 'the token-level constraint needs the whole next-token distribution at every step, which an OpenAI-compatible server does not return. Fix: run the model locally (a folder or a .gguf file), or turn the constraint off',
  };

  // Tokenizer endpoint (vLLM, SGLang): exact prompt/continuation boundaries and context truncation.
  let tokenizeUrl: string | null = null;
  for (const url of [`${client.rootUrl}/tokenize`, `${baseUrl}/tokenize`]) {
    const r = await client.request('POST', url, { model, prompt: 'Hello', add_special_tokens: false }, true);
    // Only a tokenizer that answers in vLLM's form counts (llama.cpp's server reads `content`, not `prompt`).
    if (r.ok && Array.isArray(r.json?.tokens) && r.json.tokens.length > 0 && r.json.tokens.every((t: unknown) => Number.isInteger(t))) {
      tokenizeUrl = url;
      if (typeof r.json.max_model_len === 'number' && !Number.isFinite(contextLength)) contextLength = r.json.max_model_len;
      break;
    }
  }

  // SentencePiece tokenizers (Llama's legacy Prepend("▁")) start every encoded string with a bare
  // word-boundary token; the local backend drops it from continuations, and so do we (vLLM's
  // /detokenize tells whether the first of two tokens for "," is just that marker).
  let spuriousPrefixId: number | null = null;
  if (tokenizeUrl) {
    const comma = await client.request('POST', tokenizeUrl, { model, prompt: ',', add_special_tokens: false }, true);
    const ids: number[] = comma.ok && Array.isArray(comma.json?.tokens) ? comma.json.tokens : [];
    if (ids.length === 2) {
      const d = await client.request('POST', `${client.rootUrl}/detokenize`, { model, tokens: [ids[0]] }, true);
      if (d.ok && typeof d.json?.prompt === 'string' && d.json.prompt.trim() === '') spuriousPrefixId = ids[0]!;
    }
  }

  // One echo completion: generation works if it answers, scoring if the prompt comes back scored.
  let generate = false;
  let logProb = false;
  let scoreMaxTokens = 0;
  for (const maxTokens of [0, 1]) {
    const r = await client.request('POST', `${baseUrl}/completions`, { model, prompt: 'Hello world', max_tokens: maxTokens, temperature: 0, echo: true, logprobs: 1 }, true);
    if (!r.ok) {
      unavailable.generate = `POST /completions answered ${r.status} (${r.message}). Fix: serve a completion model there`;
      continue;
    }
    generate = true;
    delete unavailable.generate;
    const lp: CompletionChoice['logprobs'] = r.json?.choices?.[0]?.logprobs;
    logProb = Array.isArray(lp?.token_logprobs) && lp!.token_logprobs!.length >= 2 && typeof lp!.token_logprobs![1] === 'number';
    scoreMaxTokens = maxTokens;
    break;
  }
  if (generate && !logProb) unavailable.logProb = NO_SCORING;
  if (!generate) unavailable.logProb = unavailable.generate;

  // One embedding.
  let hiddenSize = 0;
  const e = await client.request('POST', `${baseUrl}/embeddings`, { model, input: ['Hello'] }, true);
  if (e.ok && Array.isArray(e.json?.data?.[0]?.embedding)) hiddenSize = e.json.data[0].embedding.length;
  else unavailable.embed = `POST /embeddings ${e.ok ? 'returned no vector' : `answered ${e.status} (${e.message})`}. Fix: serve an embedding-capable model there (vLLM: --runner pooling), or use a local model`;

  const capabilities: Capabilities = { generate, logProb, embed: hiddenSize > 0, allow: false };
  const info: LanguageModelInfo = {
    name,
    dir: null,
    modelType: 'openai',
    vocabSize: 0,
    contextLength,
    hiddenSize,
    causal: generate && logProb,
    backend: 'openai',
    capabilities,
    unavailable,
  };
  return new ServedLanguageModel(client, model, info, tokenizeUrl, spuriousPrefixId, scoreMaxTokens, opts.batchSize ?? 16);
}

class ServedLanguageModel implements LanguageModel {
  /** Token ids by (text, special tokens added): leaves score the same continuations over and over. */
  private readonly idCache = new Map<string, Promise<number[]>>();

  constructor(
    private readonly client: Client,
    private readonly model: string,
    readonly info: LanguageModelInfo,
    private readonly tokenizeUrl: string | null,
    private readonly spuriousPrefixId: number | null,
    private readonly scoreMaxTokens: number,
    private readonly batchSize: number,
  ) {}

  private need(c: Capability, what: string): void {
    if (!this.info.capabilities[c]) throw new UserError(`${what}: ${this.info.name} cannot do this (${this.info.unavailable[c]})`);
  }

  private encode(text: string, addSpecial: boolean): Promise<number[]> {
    const key = `${addSpecial ? 1 : 0}${text}`;
    let p = this.idCache.get(key);
    if (!p) {
      if (this.idCache.size >= 50_000) this.idCache.clear();
      p = this.client.post(this.tokenizeUrl!, { model: this.model, prompt: text, add_special_tokens: addSpecial }).then((j) => (j.tokens as number[]).map(Number));
      this.idCache.set(key, p);
      p.catch(() => this.idCache.delete(key));
    }
    return p;
  }

  tokenize(): number[] {
    throw new Error(`tokenize: ${this.info.name} tokenizes on its server, which a synchronous call cannot reach; use a local model for token ids`);
  }

  async generate(prompt: string, opts: GenerateOptions = {}): Promise<string> {
    return (await this.generateDetailed(prompt, opts)).text;
  }

  async generateDetailed(prompt: string, opts: GenerateOptions = {}): Promise<{ text: string; stoppedBy: StopReason }> {
    if (opts.allow) throw new UserError(`generate: ${this.info.name} cannot apply allow (${this.info.unavailable.allow})`);
    this.need('generate', 'generate');
    const ctx = this.info.contextLength;
    const want = Math.max(0, Math.floor(opts.maxNewTokens ?? 32));
    let body: string | number[] = prompt;
    let maxTokens = want;
    // A token is at least one UTF-8 byte: a prompt with fewer bytes than the room left always fits.
    if (Number.isFinite(ctx) && this.tokenizeUrl && Buffer.byteLength(prompt) + 8 + want > ctx) {
      let ids = await this.encode(prompt, true);
      ids = ids.slice(Math.max(0, ids.length - Math.max(1, ctx - want)));
      body = ids;
      maxTokens = Math.min(want, ctx - ids.length);
    }
    if (maxTokens <= 0) return { text: '', stoppedBy: 'length' };
    const stop = (opts.stop ?? []).filter((s) => s.length > 0);
    const json = await this.client.post(`${this.client.baseUrl}/completions`, {
      model: this.model,
      prompt: body,
      max_tokens: maxTokens,
      temperature: opts.temperature ?? 0,
      seed: opts.seed ?? 0,
      ...(opts.topK && opts.topK > 0 ? { top_k: opts.topK } : {}),
      ...(stop.length ? { stop } : {}),
    });
    const choice: CompletionChoice | undefined = json?.choices?.[0];
    if (typeof choice?.text !== 'string') throw new UserError(`openai server ${this.client.baseUrl}: POST /completions answered without choices[0].text. Fix: check that the server speaks the OpenAI completions API`);
    const stoppedBy: StopReason = choice.finish_reason === 'length' ? 'length' : typeof choice.stop_reason === 'string' ? 'stop' : 'eos';
    return { text: choice.text, stoppedBy };
  }

  async logProb(prompt: string, continuations: string[]): Promise<number[]> {
    this.need('logProb', 'logProb');
    if (continuations.length === 0) return [];
    return this.tokenizeUrl ? this.logProbByIds(prompt, continuations) : this.logProbByOffsets(prompt, continuations);
  }

  /** Token ids of prompt and continuation, tokenized apart and joined, as the local backend scores them. */
  private async logProbByIds(prompt: string, continuations: string[]): Promise<number[]> {
    const ctx = this.info.contextLength;
    const room = ctx - this.scoreMaxTokens; // the server wants prompt + max_tokens within the context
    const p = await this.encode(prompt, true);
    if (p.length === 0) throw new Error(`logProb: ${this.info.name} tokenizes the prompt ${JSON.stringify(prompt)} to no tokens`);
    const rows = await Promise.all(
      continuations.map(async (c, i) => {
        let cIds = await this.encode(c, false);
        if (this.spuriousPrefixId !== null && cIds[0] === this.spuriousPrefixId) cIds = cIds.slice(1);
        if (cIds.length > room - 1) throw new Error(`logProb: continuation ${i} has ${cIds.length} tokens, more than the context ${room} − 1`);
        const keep = p.slice(Math.max(0, p.length - (room - cIds.length)));
        return { ids: [...keep, ...cIds], start: keep.length };
      }),
    );
    const batches: (typeof rows)[] = [];
    for (let b = 0; b < rows.length; b += this.batchSize) batches.push(rows.slice(b, b + this.batchSize));
    const scored = await Promise.all(batches.map((batch) => this.echo(batch.map((r) => r.ids))));
    return scored.flat().map((choice, i) => {
      const lps = choice.logprobs!.token_logprobs!;
      const r = rows[i]!;
      let sum = 0;
      for (let t = r.start; t < r.ids.length; t++) sum += lps[t] as number;
      return sum;
    });
  }

  /**
   * Without a tokenizer endpoint: score prompt + continuation as one text and count the tokens that
   * start at or after the prompt's end (`text_offset`, in characters). A token that straddles the
   * boundary would make the split ambiguous: that is an error, not a guess.
   */
  private async logProbByOffsets(prompt: string, continuations: string[]): Promise<number[]> {
    const boundary = [...prompt].length; // Python counts code points
    const out: number[] = [];
    for (let b = 0; b < continuations.length; b += this.batchSize) {
      const batch = continuations.slice(b, b + this.batchSize);
      const choices = await this.echo(batch.map((c) => prompt + c));
      choices.forEach((choice, i) => {
        const { token_logprobs: lps, text_offset: offs } = choice.logprobs ?? {};
        if (!Array.isArray(lps) || !Array.isArray(offs)) throw new UserError(`logProb: ${this.info.name} returned no text_offset with its log-probabilities. Fix: serve the model with vLLM or SGLang`);
        const starts = offs.slice(0, lps.length - this.scoreMaxTokens); // the echoed prompt's tokens
        if (batch[i] !== '' && !starts.slice(1).includes(boundary))
          throw new UserError(`logProb: no token of ${this.info.name} starts where the prompt ends and continuation ${b + i} (${JSON.stringify(batch[i])}) begins, so its score cannot be split, and the server has no /tokenize endpoint to tokenize them apart. Fix: serve the model with vLLM or SGLang, or start the continuation at a word boundary`);
        let sum = 0;
        starts.forEach((o, t) => {
          if (t > 0 && o >= boundary) sum += lps[t] as number;
        });
        out.push(sum);
      });
    }
    return out;
  }

  /** One echo request over several prompts; the choices in prompt order. */
  private async echo(prompts: (string | number[])[]): Promise<CompletionChoice[]> {
    const json = await this.client.post(`${this.client.baseUrl}/completions`, {
      model: this.model,
      prompt: prompts,
      max_tokens: this.scoreMaxTokens,
      temperature: 0,
      echo: true,
      logprobs: 1,
    });
    const choices: CompletionChoice[] = Array.isArray(json?.choices) ? [...json.choices].sort((a, b) => a.index - b.index) : [];
    if (choices.length !== prompts.length || choices.some((c) => !Array.isArray(c.logprobs?.token_logprobs)))
      throw new UserError(`openai server ${this.client.baseUrl}: POST /completions returned ${choices.length} scored choices for ${prompts.length} prompts. Fix: ${NO_SCORING.split('Fix: ')[1]}`);
    return choices;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.need('embed', 'embed');
    const batches: string[][] = [];
    for (let b = 0; b < texts.length; b += this.batchSize) batches.push(texts.slice(b, b + this.batchSize));
    const results = await Promise.all(
      batches.map(async (batch) => {
        const json = await this.client.post(`${this.client.baseUrl}/embeddings`, { model: this.model, input: batch });
        const data: { index: number; embedding: number[] }[] = Array.isArray(json?.data) ? [...json.data].sort((a, b) => a.index - b.index) : [];
        if (data.length !== batch.length) throw new UserError(`openai server ${this.client.baseUrl}: POST /embeddings returned ${data.length} vectors for ${batch.length} texts. Fix: check the server`);
        return data.map((d) => {
          const v = Float32Array.from(d.embedding);
          const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
          return v.map((x) => x / norm);
        });
      }),
    );
    return results.flat();
  }

  async dispose(): Promise<void> {
    this.idCache.clear();
  }
}
