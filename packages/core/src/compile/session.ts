/**
 * onnxruntime-node plumbing shared by the compiled step and the tests: session options, turning JS
 * arrays into ORT tensors, and compiling + running a graph once.
 *
 * Sessions run sequentially (one op at a time, `interOpNumThreads` 1) with `intraOpNumThreads`
 * threads inside each op; the default is every core. For a fixed thread count a run is
 * deterministic (test/compile.test.ts checks bit-identical outputs).
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { DType, Tensor } from './graph.ts';
import { toOnnx } from './onnx.ts';

export { ort };

export interface SessionOptions {
  /** Threads inside one operator (default: the number of cores). */
  intraOpNumThreads?: number;
  /**
   * Let idle intra-op threads spin between ops (ORT's own default) instead of sleeping. Default
   * off here: a spinning thread keeps a core busy while JS works between runs (the PPO rollout) and
   * while other processes share the 2 cores; measured slower in both (README, "Design choices").
   */
  spinning?: boolean;
  /**
   * ORT's CPU memory arena (default on). Each session's arena keeps the peak memory of its graph:
   * tiny-gpt's 16×128 training graph holds ~300–500 MB, so seven cached batch shapes grew the
   * process to 2.5 GB. Off, memory is returned after every run (the same seven shapes: 460 MB) at
   * 1.7× the step time (161 vs 93 ms; README "Design choices").
   */
  memoryArena?: boolean;
}

/** A host array and its shape; the typed array's class gives the dtype (Int32Array is widened to int64). */
export interface Feed {
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  shape: readonly number[];
}

export function defaultThreads(): number {
  return availableParallelism();
}

export async function createSession(bytes: Uint8Array, opts: SessionOptions = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: opts.intraOpNumThreads ?? defaultThreads(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: opts.spinning ? '1' : '0' } } },
    enableCpuMemArena: opts.memoryArena ?? true,
  });
}

export function dtypeOf(f: Feed): DType {
  return f.data instanceof Float32Array ? 'float32' : f.data instanceof Uint8Array ? 'bool' : 'int64';
}

export function toOrt(f: Feed): ort.Tensor {
  const shape = [...f.shape];
  if (f.data instanceof Float32Array) return new ort.Tensor('float32', f.data, shape);
  if (f.data instanceof BigInt64Array) return new ort.Tensor('int64', f.data, shape);
  if (f.data instanceof Int32Array) return new ort.Tensor('int64', BigInt64Array.from(f.data, (v) => BigInt(v)), shape);
  return new ort.Tensor('bool', f.data, shape);
}

/** Compile `outputs` and run them once on `feeds` (keyed by graph input name). For tests and one-off checks. */
export async function runGraph(outputs: [string, Tensor][], feeds: Record<string, Feed>, opts: SessionOptions = {}): Promise<Record<string, Float32Array>> {
  const model = toOnnx(outputs);
  const session = await createSession(model.bytes, opts);
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const { name } of model.inputs) {
      const f = feeds[name];
      if (!f) throw new Error(`runGraph: no feed for input ${name}`);
      inputs[name] = toOrt(f);
    }
    const out = await session.run(inputs);
    const result: Record<string, Float32Array> = {};
    for (const [name] of outputs) result[name] = out[name]!.data as Float32Array;
    return result;
  } finally {
    await session.release();
  }
}
