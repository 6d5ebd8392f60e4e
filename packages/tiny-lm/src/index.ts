/**
 * @rlllm/tiny-lm — the project's own offline language model.
 *
 * Leaves normally do not import this package: they call `loadLanguageModel('default')` from
 * `@rlllm/core/lm`, which finds the baked folder on disk. Import from here to fine-tune the LM in
 * tfjs (RLHF, RLAIF, GLAM): `loadGpt(defaultModelDir())` → train → `exportModel(...)` → load the
 * new folder with loadLanguageModel.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '@rlllm/core/config';
import { fileURLToPath } from 'node:url';

export { Gpt, gelu, lmLoss, mm, parameterShapes, tokenLogProbs, type ForwardOptions, type ForwardOutput, type GptConfig } from './model.ts';
export { AdamW, defaultTrainConfig, evalLoss, lrAt, sampleBatch, train, type TrainConfig, type TrainResult } from './train.ts';
export { buildOnnx, configJson, exportModel, gptConfigFromJson } from './exportOnnx.ts';
export { loadGpt, readGptConfig, readOnnxWeights } from './loadWeights.ts';
import { readGptConfig } from './loadWeights.ts';
export { EOS, bytesToUnicode, encodeCorpus, encodeDocuments, loadHfTokenizer, trainBpe, writeTokenizer, type BpeResult } from './tokenizer.ts';

/**
 * How closely the two trainers (onnxruntime, tfjs) agree over the whole baked model, relative (core's
 * `relErr`): they sum in different orders, and float32 rounding (≈ 6e-8 per operation) accumulates
 * over 6 layers of width 192 to ≈ 1.1–1.3e-5 on the largest errors (measured); a wrong term or sign
 * moves results by ≥ 1e-3. The parity tests of tiny-lm, core's LM fine-tuning and GLAM use it; one
 * block is held to 1e-5.
 */
export const WHOLE_MODEL_TOL = 3e-5;

/** Folder of the baked default model `rlllm/tiny-gpt` (HF layout: config.json, tokenizer files, onnx/model.onnx). */
export function defaultModelDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'baked', 'rlllm', 'tiny-gpt');
}

/**
 * Copy the tokenizer files of `fromDir` next to a freshly exported model in `toDir` — what a leaf
 * does after fine-tuning so the new folder is a complete HF-layout model.
 */
export async function copyTokenizerFiles(fromDir: string, toDir: string): Promise<void> {
  const { copyFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(toDir, { recursive: true });
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(path.join(fromDir, f), path.join(toDir, f));
}

/**
 * Export a fine-tuned tfjs model as a complete HF-layout folder (ONNX + config + the tokenizer files
 * of `tokenizerDir`) that `loadLanguageModel(outDir)` serves through transformers.js.
 */
export async function exportTrained(lm: import('./model.ts').Gpt, tokenizerDir: string, outDir: string, eosId: number): Promise<string> {
  const { exportModel } = await import('./exportOnnx.ts');
  exportModel(outDir, lm.config, await lm.getWeights(), eosId);
  await copyTokenizerFiles(tokenizerDir, outDir);
  return outDir;
}

/**
 * The model folder a fine-tuning leaf trains (`--model`): the baked default for 'default' /
 * 'rlllm/tiny-gpt', else a folder written by this package. The weights are trained in tfjs, so a
 * hub id or another architecture is a UserError saying so (`leaf` names the CLI in the message).
 */
export function trainableModelDir(spec: string, leaf: string, hint = ''): string {
  if (spec === 'default' || spec === 'rlllm/tiny-gpt') return defaultModelDir();
  // Another model baked here (e.g. rlllm/tiny-gpt-v1, the first default).
  const baked = /^rlllm\/([\w.-]+)$/.exec(spec);
  const dir = baked ? path.join(path.dirname(defaultModelDir()), baked[1]!) : path.resolve(spec);
  const fix = `${leaf} trains the weights in tfjs, so --model must be a folder written by @rlllm/tiny-lm (npm run bake -w @rlllm/tiny-lm -- --out DIR)${hint}`;
  if (!existsSync(path.join(dir, 'config.json')) || !existsSync(path.join(dir, 'onnx', 'model.onnx'))) throw new UserError(`--model ${spec}: no config.json + onnx/model.onnx there; ${fix}`);
  try {
    readGptConfig(dir);
  } catch (e) {
    throw new UserError(`--model ${spec}: not a GPT-2 config (${e instanceof Error ? e.message : String(e)}); ${fix}`);
  }
  return dir;
}
