/**
 * ONNX initializers → tfjs GPT. The exported `onnx/model.onnx` is the only weight store: leaves that
 * fine-tune the LM (RLHF, RLAIF, GLAM) load the baked model here, train it in tfjs, and export it
 * again with exportOnnx.ts to evaluate it through transformers.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { gptConfigFromJson } from './exportOnnx.ts';
import { Gpt, type GptConfig } from './model.ts';

const { onnx } = onnxProto;

/** All float32 initializers of an ONNX file, by name. */
export function readOnnxWeights(onnxPath: string): Map<string, { shape: number[]; data: Float32Array }> {
  const model = onnx.ModelProto.decode(readFileSync(onnxPath));
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT || !t.name) continue;
    const shape = (t.dims ?? []).map(Number);
    let data: Float32Array;
    if (t.rawData && t.rawData.length > 0) {
      // Copy: rawData is a view into the file buffer, possibly unaligned for a Float32Array.
      const raw = t.rawData;
      data = new Float32Array(raw.length / 4);
      new Uint8Array(data.buffer).set(raw);
    } else data = Float32Array.from(t.floatData ?? []);
    out.set(t.name, { shape, data });
  }
  return out;
}

/** The GptConfig of a model folder in HF layout (reads config.json). */
export function readGptConfig(modelDir: string): GptConfig {
  return gptConfigFromJson(JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')));
}

/**
 * Build a tfjs Gpt from a model folder written by exportModel (config.json + onnx/model.onnx).
 * Call `initTf()` first so the variables live on the chosen backend.
 */
export function loadGpt(modelDir: string): Gpt {
  const config = readGptConfig(modelDir);
  const model = new Gpt(config, 0);
  model.setWeights(readOnnxWeights(path.join(modelDir, 'onnx', 'model.onnx')));
  return model;
}
