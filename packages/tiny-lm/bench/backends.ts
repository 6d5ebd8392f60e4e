/**
 * Benchmark: the three ways core's LanguageModel serves tiny-gpt — transformers.js (ONNX, in
 * process), llama.cpp (the GGUF export, through node-llama-cpp, in process) and the served backend
 * (`openai:` over loopback to `npm run serve:openai`, a child process serving the transformers.js
 * model). Two workloads, each timed RUNS times after one warm-up, medians:
 *
 *   logProb   SayCan-style skill scoring: one 30-token prompt, 48 continuations of 2–6 tokens,
 *             reported as continuations per second;
 *   generate  greedy, 64 new tokens from 8 prompts, reported as generated tokens per second
 *             (tokens counted with the model's tokenizer).
 *
 *   npm run bench:backends -w @rlllm/tiny-lm          (RUNS=5 by default)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasLlamaCpp, loadLanguageModel, median, type LanguageModel } from '@rlllm/core';
import { exportGguf } from '../src/exportGguf.ts';
import { defaultModelDir } from '../src/index.ts';

const RUNS = Number(process.env.RUNS ?? 5);
const PROMPT = 'You are in the kitchen. There is an apple on the table and a sponge by the sink. Task: clean the spill on the floor. Next step:';
const VERBS = ['pick up', 'go to', 'put down', 'open', 'close', 'wipe'];
const OBJECTS = ['the apple', 'the sponge', 'the fridge', 'the table', 'the sink', 'the spill', 'the drawer', 'the floor'];
const SKILLS = VERBS.flatMap((v) => OBJECTS.map((o) => ` ${v} ${o}.`));
const GEN_PROMPTS = ['To clean a spill,', 'The apple is', 'Human: How do I water a plant? Assistant:', 'First, open', 'function reward(obs, action) {\n ', 'I loved it. It was', 'You are in the kitchen.', 'Goal: heat the soup. Step 1:'];

async function measure(name: string, lm: LanguageModel, count: (t: string) => number) {
  const logProbRun = async () => {
    const t0 = performance.now();
    await lm.logProb(PROMPT, SKILLS);
    return SKILLS.length / ((performance.now() - t0) / 1000);
  };
  const generateRun = async () => {
    const t0 = performance.now();
    let tokens = 0;
    for (const p of GEN_PROMPTS) tokens += count(await lm.generate(p, { maxNewTokens: 64 }));
    return tokens / ((performance.now() - t0) / 1000);
  };
  await logProbRun();
  await generateRun();
  const lp: number[] = [];
  const gen: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    lp.push(await logProbRun());
    gen.push(await generateRun());
  }
  const fmt = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  console.log(`| ${name} | ${fmt(lp)} | ${fmt(gen)} |`);
}

/** `npm run serve:openai` in a child process on a free port; resolves to its base URL. */
function startServer(): Promise<{ url: string; stop(): void }> {
  const coreSrc = path.dirname(fileURLToPath(import.meta.resolve('@rlllm/core'))); // core's src/index.ts
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(coreSrc, 'lm', 'serveOpenai.ts'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/\S+\/v1)/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`serve:openai exited (${code}) before serving`)));
  });
}

const local = await loadLanguageModel('default');
const count = (t: string) => (t ? local.tokens!.encode(t, false).length : 0);
console.log(`tiny-gpt (${defaultModelDir()}): medians of ${RUNS} runs (min–max), one warm-up; ${SKILLS.length} continuations per logProb call, 64 greedy tokens × ${GEN_PROMPTS.length} prompts\n`);
console.log('| backend | logProb (continuations/s) | generate (tokens/s) |');
console.log('|---|---|---|');
await measure('transformers.js (ONNX)', local, count);

if (await hasLlamaCpp()) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-gguf-'));
  const gguf = await loadLanguageModel(exportGguf(defaultModelDir(), path.join(tmp, 'tiny-gpt.gguf'), 'rlllm/tiny-gpt'));
  await measure('llama.cpp (GGUF, 1 thread)', gguf, count);
  await gguf.dispose();
  rmSync(tmp, { recursive: true, force: true });
} else console.log('| llama.cpp (GGUF) | node-llama-cpp not installed | |');

const server = await startServer();
try {
  const served = await loadLanguageModel(`openai:${server.url}#rlllm/tiny-gpt`);
  await measure('served (openai:, loopback, server = transformers.js)', served, count);
} finally {
  server.stop();
}
