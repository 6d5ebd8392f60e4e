/**
 * The served backend (`openai:URL#MODEL`, lm/served.ts): against our own OpenAI-compatible server
 * (lm/openaiServer.ts) over the baked tiny-gpt its numbers must be the local model's; against
 * replayed vLLM responses it must read the right fields; against a failing server every failure is
 * one line or a retry, never a hang. Also the capability check (requireRole) on served models.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/config.ts';
import { loadLanguageModel, requireRole, serveOpenAi, tinyLmDir, type Fault, type GenerateOptions, type LanguageModel, type OpenAiServer } from '../src/lm/index.ts';

const hasBaked = existsSync(path.join(tinyLmDir(), 'onnx', 'model.onnx')) || process.env.CI === 'true';
const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', 'vllm', f), 'utf8');
/** The rejection of a promise, as an Error (or a failure if it resolved). */
const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
};
const fast = { retries: 2, retryDelayMs: 10, timeoutMs: 20_000 };

describe.skipIf(!hasBaked)('served tiny-gpt equals the local tiny-gpt', () => {
  let local: LanguageModel;
  let server: OpenAiServer;
  let served: LanguageModel;
  beforeAll(async () => {
    local = await loadLanguageModel('default');
    server = await serveOpenAi({ models: [local] });
    served = await loadLanguageModel(`openai:${server.url}#rlllm/tiny-gpt`, { batchSize: 3 }); // small batches: several requests per call
  });
  afterAll(() => server.close());

  const continuations = [' great', ' terrible', ' fine', ' a purple elephant', '.', ' It was great.', ' not', '\n'];

  it('probes what the server can do, and its context length', () => {
    expect(served.info).toMatchObject({ backend: 'openai', contextLength: local.info.contextLength, hiddenSize: local.info.hiddenSize });
    expect(served.info.capabilities).toEqual({ generate: true, logProb: true, embed: true, allow: false });
  });

  it('logProb: the same numbers as the local model (within 1e-4), batched over several requests, long prompts truncated alike', async () => {
    const prompts = ['I loved it. It worked perfectly. It was', 'To clean a spill,', 'word '.repeat(200)];
    for (const p of prompts) {
      const [a, b] = [await local.logProb(p, continuations), await served.logProb(p, continuations)];
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
    }
  });

  it('generate: greedy, seeded sampling, stop strings and context truncation as the local model', async () => {
    const cases: [string, GenerateOptions][] = [
      ['To clean a spill,', { maxNewTokens: 30 }],
      ['To clean a spill,', { maxNewTokens: 30, stop: ['.'] }],
      ['To clean a spill,', { maxNewTokens: 30, temperature: 0.8, topK: 20, seed: 3 }],
      ['Pick up the', { maxNewTokens: 30, temperature: 1, seed: 7 }],
      ['word '.repeat(200), { maxNewTokens: 10 }],
    ];
    for (const [p, o] of cases) expect(await served.generateDetailed(p, o)).toEqual(await local.generateDetailed(p, o));
  });

  it('embed: the local vectors', async () => {
    const texts = ['Pick up the apple.', 'Open the fridge.', 'The stock market fell.', 'x'];
    const [a, b] = [await local.embed(texts), await served.embed(texts)];
    a.forEach((v, i) => v.forEach((x, k) => expect(Math.abs(x - b[i]![k]!)).toBeLessThan(1e-6)));
  });

  it('without a /tokenize endpoint the boundary comes from text_offset: same scores; a straddling token is an error', async () => {
    const s = await serveOpenAi({ models: [local], features: { tokenize: false } });
    try {
      const lm = await loadLanguageModel(`openai:${s.url}#rlllm/tiny-gpt`);
      const p = 'I loved it. It worked perfectly. It was';
      const [a, b] = [await local.logProb(p, continuations), await lm.logProb(p, continuations)];
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
      // "It w" + "as" tokenizes " was" as one token across the boundary
      const e = await rejection(lm.logProb('It w', ['as great']));
      expect(e).toBeInstanceOf(UserError);
      expect(e.message).toMatch(/no token .* starts where the prompt ends/);
      expect(e.message).not.toContain('\n');
    } finally {
      await s.close();
    }
  });

  it('a server that scores no prompts (like Ollama): the capability says so, and requireRole names flag, role and fix', async () => {
    const s = await serveOpenAi({ models: [local], features: { logprobs: false, embeddings: false } });
    try {
      const lm = await loadLanguageModel(`openai:${s.url}#rlllm/tiny-gpt`);
      expect(lm.info.capabilities).toEqual({ generate: true, logProb: false, embed: false, allow: false });
      requireRole(lm, { flag: '--model', role: "Eureka's reward writer", needs: ['generate'] });
      const e = await rejection((async () => requireRole(lm, { flag: '--model', role: "SayCan's planner", needs: ['generate', 'logProb'] }))());
      expect(e).toBeInstanceOf(UserError);
      expect(e.message).toMatch(/^--model openai:.*: SayCan's planner needs scoring .* \(the server returns no prompt log-probabilities .* Fix: serve the model with vLLM or SGLang/);
      expect(e.message).not.toContain('\n');
      expect(() => requireRole(lm, { flag: '--model', role: "ELLM's embedder", needs: ['embed'] })).toThrow(/ELLM's embedder needs embeddings.*404/);
      await expect(lm.logProb('a', [' b'])).rejects.toThrow(/cannot do this .*Fix:/);
    } finally {
      await s.close();
    }
  });

  it('allow (token-level constraint) cannot run over a server: one line, before any request; requireRole says so', async () => {
    await expect(served.generate('To clean a spill,', { allow: () => true })).rejects.toThrow(/cannot apply allow .*Fix: run the model locally/);
    expect(() => requireRole(served, { flag: '--model', role: "Eureka's reward writer (--token-mask true)", needs: ['generate', 'allow'] })).toThrow(UserError);
    requireRole(local, { flag: '--model', role: "Eureka's reward writer (--token-mask true)", needs: ['generate', 'allow'], minContext: 64 });
  });
});

const stories = path.resolve(import.meta.dirname, '../../../../shared/models/karpathy/stories260K');
describe.skipIf(!existsSync(path.join(stories, 'onnx', 'model.onnx')) && process.env.CI !== 'true')('served stories260K (Llama, SentencePiece) equals the local model', () => {
  it('continuations lose the bare "▁" their own tokenization starts with, as locally; scores and text match', async () => {
    const local = await loadLanguageModel(stories);
    const server = await serveOpenAi({ models: [local] });
    try {
      const served = await loadLanguageModel(`openai:${server.url}#${local.info.name}`);
      const conts = [', there was a little girl named Lily.', ' purple elephant spaceship banana', ', there', ' great'];
      const [a, b] = [await local.logProb('Once upon a time', conts), await served.logProb('Once upon a time', conts)];
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
      const o = { maxNewTokens: 20, temperature: 1, topK: 40, seed: 11, stop: ['.'] };
      expect(await served.generateDetailed('Once upon a time', o)).toEqual(await local.generateDetailed('Once upon a time', o));
    } finally {
      await server.close();
    }
  });
});

/** A server that answers each route from a fixture (or a function of the request body). */
async function replayServer(routes: Record<string, (body: any, auth?: string) => [number, string]>): Promise<{ url: string; close(): Promise<void>; seen: { route: string; body: any }[] }> {
  const seen: { route: string; body: any }[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const route = `${req.method} ${req.url}`;
      const body = data ? JSON.parse(data) : null;
      seen.push({ route, body });
      const [status, text] = routes[route]?.(body, req.headers.authorization) ?? [404, '{"detail":"Not Found"}'];
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/v1`, seen, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

describe('vLLM response fixtures (shapes from its documentation)', () => {
  const model = 'Qwen/Qwen2.5-1.5B-Instruct';
  it('logProb sums the continuation tokens of an echoed token-id prompt; context from max_model_len; embeddings normalized', async () => {
    const srv = await replayServer({
      'GET /v1/models': () => [200, fixture('models.json')],
      'POST /tokenize': (b) => [200, b.prompt === ' Paris' ? fixture('tokenize-continuation.json') : fixture('tokenize-prompt.json')],
      'POST /v1/completions': () => [200, fixture('completions-echo.json')],
      'POST /v1/embeddings': () => [200, fixture('embeddings.json')],
    });
    try {
      const lm = await loadLanguageModel(`openai:${srv.url}#${model}`);
      expect(lm.info).toMatchObject({ contextLength: 32768, hiddenSize: 3, capabilities: { generate: true, logProb: true, embed: true, allow: false } });
      expect(await lm.logProb('The capital of France is', [' Paris'])).toEqual([-0.5]); // only the " Paris" token
      const req = srv.seen.filter((s) => s.route === 'POST /v1/completions').at(-1)!.body;
      expect(req).toMatchObject({ model, prompt: [[785, 6722, 315, 9625, 374, 12095]], echo: true, logprobs: 1, max_tokens: 0 });
      const [v] = await lm.embed(['Paris']);
      expect(Array.from(v!)).toEqual([0.6000000238418579, 0, 0.800000011920929]);
    } finally {
      await srv.close();
    }
  });

  it("reads vLLM's error bodies, current and legacy, into one line", async () => {
    const srv = await replayServer({
      'GET /v1/models': () => [200, fixture('models.json')],
      'POST /v1/completions': (b) => (b.max_tokens === 0 ? [200, fixture('completions-echo.json')] : [400, fixture('error-400-legacy.json')]),
    });
    try {
      const lm = await loadLanguageModel(`openai:${srv.url}#${model}`, fast);
      const e = await rejection(lm.generate('The capital of France is'));
      expect(e.message).toMatch(/POST \/v1\/completions answered 400 \(This model's maximum context length is 32768 tokens/);
      expect(e.message).not.toContain('\n');
      const missing = await rejection(loadLanguageModel(`openai:${srv.url}#Qwen/Qwen2.5-7B`, fast));
      expect(missing.message).toMatch(/model "Qwen\/Qwen2.5-7B" is not served there \(it serves "Qwen\/Qwen2.5-1.5B-Instruct"\)/);
    } finally {
      await srv.close();
    }
    const srv404 = await replayServer({ 'POST /v1/completions': () => [404, fixture('error-404.json')] });
    try {
      const lm = await loadLanguageModel(`openai:${srv404.url}#Qwen/Qwen2.5-7B`, fast); // no model list: the probe finds out
      expect(lm.info.capabilities.generate).toBe(false);
      expect(() => requireRole(lm, { flag: '--model', role: "PAR's planner", needs: ['logProb'] })).toThrow(/PAR's planner needs scoring .*answered 404 \(The model `Qwen\/Qwen2.5-7B` does not exist.\)/);
    } finally {
      await srv404.close();
    }
  });
});

describe('the API key comes from OPENAI_API_KEY', () => {
  it('is sent as a bearer token; without it a 401 is one line naming the variable', async () => {
    const unauthorized = '{"error":{"message":"Unauthorized","type":"AuthenticationError","param":null,"code":401}}';
    const srv = await replayServer({ 'GET /v1/models': (_b, auth) => (auth === 'Bearer sk-test' ? [200, fixture('models.json')] : [401, unauthorized]) });
    const saved = process.env.OPENAI_API_KEY;
    try {
      delete process.env.OPENAI_API_KEY;
      const e = await rejection(loadLanguageModel(`openai:${srv.url}#Qwen/Qwen2.5-1.5B-Instruct`, fast));
      expect(e.message).toMatch(/GET \/v1\/models refused the request \(401 Unauthorized\)\. Fix: set the API key in the environment variable OPENAI_API_KEY$/);
      process.env.OPENAI_API_KEY = 'sk-test';
      const lm = await loadLanguageModel(`openai:${srv.url}#Qwen/Qwen2.5-1.5B-Instruct`, fast);
      expect(lm.info.contextLength).toBe(32768);
      await lm.dispose();
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
      await srv.close();
    }
  });
});

describe.skipIf(!hasBaked)('a failing server: one line or a retry, never a hang', () => {
  let local: LanguageModel;
  let server: OpenAiServer;
  let fault: ((path: string) => Fault | undefined) | undefined;
  const hits: string[] = [];
  beforeAll(async () => {
    local = await loadLanguageModel('default');
    server = await serveOpenAi({ models: [local], fault: ({ path }) => (hits.push(path), fault?.(path)) });
  });
  afterAll(() => server.close());
  /** A fresh client: the previous one is disposed, since loadLanguageModel caches by spec. */
  let last: LanguageModel | null = null;
  const client = async (opts = fast) => {
    await last?.dispose();
    return (last = await loadLanguageModel(`openai:${server.url}#rlllm/tiny-gpt`, opts));
  };

  it('server down: a one-line error after the retries', async () => {
    const down = await serveOpenAi({ models: [local] });
    await down.close();
    const e = await rejection(loadLanguageModel(`openai:${down.url}#rlllm/tiny-gpt`, fast));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/GET \/v1\/models could not connect \(ECONNREFUSED\) after 3 tries\. Fix: start the server/);
    expect(e.message).not.toContain('\n');
  });

  it('an unknown model: one line listing what the server serves', async () => {
    const e = await rejection(loadLanguageModel(`openai:${server.url}#gpt-7`, fast));
    expect(e.message).toMatch(/model "gpt-7" is not served there \(it serves "rlllm\/tiny-gpt"\)/);
  });

  it('429 (with Retry-After) then success: retried, the answer arrives', async () => {
    const lm = await client();
    let n = 0;
    fault = (p) => (p === '/v1/completions' && n++ === 0 ? { status: 429, retryAfter: 0 } : undefined);
    hits.length = 0;
    const p = 'I loved it. It was';
    expect(await lm.logProb(p, [' great'])).toEqual(await local.logProb(p, [' great']));
    expect(hits.filter((h) => h === '/v1/completions')).toHaveLength(2);
    fault = undefined;
  });

  it('5xx that does not clear: one line after the retries', async () => {
    const lm = await client();
    fault = (p) => (p === '/v1/completions' ? { status: 503 } : undefined);
    hits.length = 0;
    const e = await rejection(lm.generate('To clean'));
    fault = undefined;
    expect(e.message).toMatch(/POST \/v1\/completions answered 503 .*3 tries/);
    expect(hits.filter((h) => h === '/v1/completions')).toHaveLength(3);
  });

  it('malformed JSON: one line', async () => {
    const lm = await client();
    fault = (p) => (p === '/v1/embeddings' ? 'malformed' : undefined);
    const e = await rejection(lm.embed(['a']));
    fault = undefined;
    expect(e.message).toMatch(/POST \/v1\/embeddings answered with a body that is not JSON/);
    expect(e.message).not.toContain('\n');
  });

  it('no answer: one line after the timeout', async () => {
    const lm = await client({ ...fast, timeoutMs: 300 });
    fault = (p) => (p === '/v1/completions' ? 'hang' : undefined);
    const e = await rejection(lm.generate('To clean'));
    fault = undefined;
    expect(e.message).toMatch(/POST \/v1\/completions got no answer within 300 ms/);
  });
});

describe('requireRole', () => {
  const info = (over: object) => ({ info: { name: 'm', contextLength: 128, capabilities: { generate: true, logProb: true, embed: true, allow: true }, unavailable: {}, ...over } });
  it('passes when every need is met; otherwise one UserError line naming flag, role, need and fix', () => {
    requireRole(info({}), { flag: '--model', role: "SayCan's planner", needs: ['logProb'], minContext: 128 });
    expect(() => requireRole(info({ capabilities: { generate: false, logProb: false, embed: true, allow: false }, unavailable: { logProb: 'encoder-only. Fix: pass a causal LM' } }), { flag: '--feedback-model', role: "RLAIF's feedback model", needs: ['logProb'] })).toThrow(
      new UserError("--feedback-model m: RLAIF's feedback model needs scoring (log-probabilities of continuations), which this model cannot do (encoder-only. Fix: pass a causal LM)"),
    );
    expect(() => requireRole(info({}), { flag: '--model', role: "Eureka's reward writer", needs: ['generate'], minContext: 256 })).toThrow(/needs a context of at least 256 tokens, this model has 128\. Fix:/);
  });
});
