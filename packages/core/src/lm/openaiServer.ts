/**
 * A small OpenAI-compatible server over local models — the endpoints and response shapes of vLLM's
 * server, enough for the served backend (lm/served.ts) to run against our own tiny model offline:
 *
 *   GET  /v1/models        { object: 'list', data: [{ id, object: 'model', max_model_len, … }] }
 *   POST /tokenize         { count, max_model_len, tokens, token_strs }   (vLLM's, beside /v1)
 *   POST /detokenize       { prompt }
 *   POST /v1/completions   text or token-id prompts, one or many; temperature, seed, top_k, stop,
 *                          max_tokens (0 with echo = score the prompt only), echo, logprobs →
 *                          choices[i].logprobs { tokens, token_logprobs (first null), text_offset,
 *                          top_logprobs }, finish_reason, stop_reason
 *   POST /v1/embeddings    { object: 'list', data: [{ index, object: 'embedding', embedding }] }
 *   errors                 { error: { message, type, param, code } } with the HTTP status
 *
 * It exists for the served backend's tests, the benchmark over loopback and for trying a leaf's
 * served path without a GPU (`npm run serve:openai -w @rlllm/core`). `features` switches endpoints
 * off to look like servers that lack them (Ollama scores no prompts); `fault` lets a test answer a
 * request with a status, a malformed body or no answer at all. Requests run one at a time: the
 * numbers are then the same as the local model's, whatever the client's concurrency.
 *
 * Not vLLM: top_logprobs holds only each position's own token, and stop_reason names the first stop
 * string asked for rather than the one that matched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LanguageModel, TokenLevel } from './languageModel.ts';

export type Fault = { status: number; body?: string; retryAfter?: number } | 'malformed' | 'hang';

export interface ServeOptions {
  /** The models to serve, by info.name; each must run in this process (have `tokens`). */
  models: LanguageModel[];
  /** Port on 127.0.0.1 (0 = any free one). */
  port?: number;
  /** Endpoints on (default all true). */
  features?: { tokenize?: boolean; logprobs?: boolean; embeddings?: boolean };
  /** Called for every request (n counts from 1); a Fault answers it instead of the model. */
  fault?: (req: { method: string; path: string; n: number }) => Fault | undefined;
}

export interface OpenAiServer {
  /** Base URL of the API, ending in /v1. */
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'BadRequestError',
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export async function serveOpenAi(opts: ServeOptions): Promise<OpenAiServer> {
  const features = { tokenize: true, logprobs: true, embeddings: true, ...opts.features };
  const models = new Map(opts.models.map((m) => [m.info.name, m]));
  let n = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const hanging = new Set<http.ServerResponse>();

  const lookup = (name: unknown): { lm: LanguageModel; tok: TokenLevel } => {
    const lm = models.get(String(name));
    if (!lm) throw new HttpError(404, `The model \`${String(name)}\` does not exist.`, 'NotFoundError', 'model');
    if (!lm.tokens) throw new HttpError(500, `${lm.info.name} cannot be served (no token-level access)`, 'InternalServerError');
    return { lm, tok: lm.tokens };
  };

  const routes: Record<string, (body: any) => Promise<unknown>> = {
    'GET /v1/models': async () => ({
      object: 'list',
      data: [...models.values()].map((m) => ({ id: m.info.name, object: 'model', created: 0, owned_by: 'rlllm', root: m.info.name, parent: null, max_model_len: m.info.contextLength, permission: [] })),
    }),

    'POST /tokenize': async (body) => {
      if (!features.tokenize) throw new HttpError(404, 'Not Found');
      const { lm, tok } = lookup(body.model);
      if (typeof body.prompt !== 'string') throw new HttpError(400, 'prompt must be a string');
      const tokens = tok.encode(body.prompt, body.add_special_tokens ?? true);
      return { count: tokens.length, max_model_len: lm.info.contextLength, tokens, token_strs: null };
    },

    'POST /detokenize': async (body) => {
      if (!features.tokenize) throw new HttpError(404, 'Not Found');
      const { tok } = lookup(body.model);
      if (!Array.isArray(body.tokens)) throw new HttpError(400, 'tokens must be a list of token ids');
      return { prompt: tok.decode(body.tokens.map(Number)) };
    },

    'POST /v1/completions': async (body) => {
      const { lm, tok } = lookup(body.model);
      const raw = body.prompt;
      // A string, a list of strings, a list of token ids, or a list of lists of token ids.
      const prompts: (string | number[])[] =
        typeof raw === 'string' ? [raw] : Array.isArray(raw) && raw.length > 0 && typeof raw[0] === 'number' ? [raw as number[]] : Array.isArray(raw) ? raw : [];
      if (prompts.length === 0) throw new HttpError(400, 'prompt must be a string, a list of strings or token ids');
      const maxTokens = Number(body.max_tokens ?? 16);
      const echo = body.echo === true;
      const wantLogprobs = features.logprobs && body.logprobs !== undefined && body.logprobs !== null;
      const ctx = lm.info.contextLength;
      const stop: string[] = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? body.stop : [];
      const rows = prompts.map((p) => {
        const ids = typeof p === 'string' ? tok.encode(p, true) : p.map(Number);
        if (ids.length + maxTokens > ctx)
          throw new HttpError(400, `This model's maximum context length is ${ctx} tokens. However, you requested ${ids.length + maxTokens} tokens (${ids.length} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`);
        return { ids, text: typeof p === 'string' ? p : tok.decode(ids) };
      });
      const outs = [];
      for (const r of rows) {
        const gen = maxTokens > 0 ? await lm.generateDetailed(r.text, { maxNewTokens: maxTokens, temperature: body.temperature ?? 1, topK: body.top_k ?? 0, seed: body.seed ?? 0, stop }) : { text: '', stoppedBy: 'length' as const };
        outs.push({ ...r, gen, genIds: gen.text ? tok.encode(gen.text, false) : [] });
      }
      const seqs = outs.map((o) => (echo ? [...o.ids, ...o.genIds] : o.genIds));
      const scores = wantLogprobs ? await tok.tokenLogProbs(outs.map((o) => [...o.ids, ...o.genIds])) : [];
      const choices = outs.map((o, i) => {
        let logprobs = null;
        if (wantLogprobs) {
          const all = [null, ...scores[i]!]; // position 0 has no prediction
          const lps = echo ? all : all.slice(o.ids.length);
          const tokens = tok.pieces(seqs[i]!);
          let off = echo ? 0 : [...o.text].length;
          const text_offset = tokens.map((t) => ((off += [...t].length), off - [...t].length));
          logprobs = { text_offset, token_logprobs: lps, tokens, top_logprobs: lps.map((lp, t) => (lp === null ? null : { [tokens[t]!]: lp })) };
        }
        return {
          index: i,
          text: echo ? o.text + o.gen.text : o.gen.text,
          logprobs,
          finish_reason: o.gen.stoppedBy === 'length' ? 'length' : 'stop',
          stop_reason: o.gen.stoppedBy === 'stop' ? stop[0]! : null,
          prompt_logprobs: null,
        };
      });
      const promptTokens = outs.reduce((s, o) => s + o.ids.length, 0);
      const completionTokens = outs.reduce((s, o) => s + o.genIds.length, 0);
      return { id: `cmpl-${n}`, object: 'text_completion', created: Math.floor(Date.now() / 1000), model: lm.info.name, choices, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens } };
    },

    'POST /v1/embeddings': async (body) => {
      if (!features.embeddings) throw new HttpError(404, 'Not Found');
      const { lm, tok } = lookup(body.model);
      const input: string[] = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input.map(String) : [];
      if (input.length === 0) throw new HttpError(400, 'input must be a string or a list of strings');
      const vectors = await lm.embed(input);
      const tokens = input.reduce((s, t) => s + tok.encode(t, true).length, 0);
      return { id: `embd-${n}`, object: 'list', created: Math.floor(Date.now() / 1000), model: lm.info.name, data: vectors.map((v, index) => ({ index, object: 'embedding', embedding: Array.from(v) })), usage: { prompt_tokens: tokens, total_tokens: tokens } };
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const fault = opts.fault?.({ method: req.method ?? 'GET', path, n: ++n });
      if (fault === 'hang') {
        hanging.add(res); // answered never; closed with the server
        return;
      }
      if (fault === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [');
      if (fault) {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}) };
        return void res.writeHead(fault.status, headers).end(fault.body ?? JSON.stringify({ error: { message: `injected fault ${fault.status}`, type: 'InjectedFault', param: null, code: fault.status } }));
      }
      const route = routes[`${req.method} ${path}`];
      if (!route) return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'Not Found' }));
      const run = async () => {
        try {
          const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          const out = await route(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
        } catch (e) {
          const err = e instanceof HttpError ? e : new HttpError(e instanceof SyntaxError ? 400 : 500, (e as Error).message, e instanceof SyntaxError ? 'BadRequestError' : 'InternalServerError');
          res.writeHead(err.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: err.message, type: err.type, param: err.param, code: err.status } }));
        }
      };
      queue = queue.then(run, run);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
