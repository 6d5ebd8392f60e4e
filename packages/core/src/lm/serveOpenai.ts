/**
 * `npm run serve:openai -w @rlllm/core -- [--model SPEC[,SPEC…]] [--port N] [--no-logprobs]
 * [--no-tokenize] [--no-embeddings]`: serve local models (default rlllm/tiny-gpt) over the
 * OpenAI-compatible API of lm/openaiServer.ts on 127.0.0.1, so a leaf's served path runs offline:
 *
 *   npm run serve:openai -w @rlllm/core -- --port 8000 &
 *   npx saycan-tiny --quick --model openai:http://127.0.0.1:8000/v1#rlllm/tiny-gpt
 *
 * The --no-* flags switch endpoints off to look like a server without them (Ollama: no scoring).
 */
import { runMain, UserError } from '../config.ts';
import { loadLanguageModel } from './languageModel.ts';
import { serveOpenAi } from './openaiServer.ts';

await runMain(async () => {
  const argv = process.argv.slice(2);
  let specs = ['rlllm/tiny-gpt'];
  let port = 8000;
  const features = { tokenize: true, logprobs: true, embeddings: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--model') specs = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--port') port = Number(argv[++i]);
    else if (a === '--no-logprobs') features.logprobs = false;
    else if (a === '--no-tokenize') features.tokenize = false;
    else if (a === '--no-embeddings') features.embeddings = false;
    else throw new UserError(`serve:openai: unknown flag ${JSON.stringify(a)}. Fix: use --model SPEC[,SPEC…], --port N, --no-logprobs, --no-tokenize, --no-embeddings`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`serve:openai: --port must be an integer 0..65535. Fix: --port 8000`);
  if (specs.length === 0) throw new UserError('serve:openai: --model needs at least one spec. Fix: --model rlllm/tiny-gpt');
  const models = await Promise.all(specs.map((s) => loadLanguageModel(s)));
  for (const m of models) if (!m.tokens) throw new UserError(`serve:openai: ${m.info.name} is not a local model. Fix: serve a folder, a hub id or a .gguf file`);
  const server = await serveOpenAi({ models, port, features });
  console.log(`serving ${models.map((m) => m.info.name).join(', ')} at ${server.url} (model spec: openai:${server.url}#${models[0]!.info.name})`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
