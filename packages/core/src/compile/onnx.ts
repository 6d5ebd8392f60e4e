/**
 * Graph → ONNX model bytes (opset 17, IR 8), the format onnxruntime-node loads.
 *
 * Only the nodes the named outputs depend on are written (a VJP may build terms nobody uses).
 * Graph inputs keep their names; constants become initializers; a computed tensor that is an
 * output takes the output's name directly, so no Identity copy is run for it (an input or a
 * constant returned as an output does need one).
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import type { DType, Tensor } from './graph.ts';

const { onnx } = onnxProto;
const ELEM: Record<DType, number> = { float32: 1, int64: 7, bool: 9 };

export interface OnnxGraph {
  bytes: Uint8Array;
  /** Names of the graph inputs, in id order (what a run must feed). */
  inputs: { name: string; shape: number[]; dtype: DType }[];
  outputs: string[];
  nodeCount: number;
}

export function toOnnx(outputs: [string, Tensor][], graphName = 'compiled'): OnnxGraph {
  // Reachable nodes.
  const live = new Map<number, Tensor>();
  const stack = outputs.map(([, t]) => t);
  while (stack.length) {
    const t = stack.pop()!;
    if (live.has(t.id)) continue;
    live.set(t.id, t);
    stack.push(...t.inputs);
  }
  const ordered = [...live.values()].sort((a, b) => a.id - b.id);

  // A computed tensor that is an output is written under the output's name.
  const alias = new Map<number, string>();
  const identities: [string, Tensor][] = [];
  const seen = new Set<string>();
  for (const [name, t] of outputs) {
    if (seen.has(name)) throw new Error(`toOnnx: output ${name} named twice`);
    seen.add(name);
    if (t.op !== 'Input' && t.op !== 'Constant' && !alias.has(t.id)) alias.set(t.id, name);
    else identities.push([name, t]);
  }
  for (const t of ordered) if (t.op === 'Input' && seen.has(t.name!)) throw new Error(`toOnnx: output ${t.name} has the name of a graph input`);
  const nameOf = (t: Tensor) => (t.op === 'Input' ? t.name! : (alias.get(t.id) ?? `t${t.id}`));

  const nodes: OnnxTypes.INodeProto[] = [];
  const initializer: OnnxTypes.ITensorProto[] = [];
  const input: OnnxTypes.IValueInfoProto[] = [];
  const inputs: OnnxGraph['inputs'] = [];
  for (const t of ordered) {
    if (t.op === 'Input') {
      input.push(valueInfo(t.name!, t.dtype, t.shape));
      inputs.push({ name: t.name!, shape: [...t.shape], dtype: t.dtype });
    } else if (t.op === 'Constant') {
      const v = t.value!;
      initializer.push({ name: nameOf(t), dims: [...t.shape], dataType: ELEM[t.dtype], rawData: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) });
    } else {
      nodes.push({ opType: t.op, input: t.inputs.map(nameOf), output: [nameOf(t)], name: `n${t.id}_${t.op}`, attribute: attributes(t.attrs) });
    }
  }
  for (const [name, t] of identities) nodes.push({ opType: 'Identity', input: [nameOf(t)], output: [name], name: `out_${name}` });

  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'rlllm-core-compile',
    graph: { name: graphName, node: nodes, initializer, input, output: outputs.map(([name, t]) => valueInfo(name, t.dtype, t.shape)) },
  });
  return { bytes: onnx.ModelProto.encode(model).finish(), inputs, outputs: outputs.map(([n]) => n), nodeCount: nodes.length };
}

function valueInfo(name: string, dtype: DType, shape: readonly number[]): OnnxTypes.IValueInfoProto {
  return { name, type: { tensorType: { elemType: ELEM[dtype], shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}

function attributes(attrs: Readonly<Record<string, number | number[] | string>>): OnnxTypes.IAttributeProto[] {
  const T = onnx.AttributeProto.AttributeType;
  return Object.entries(attrs).map(([name, v]) =>
    typeof v === 'string'
      ? { name, type: T.STRING, s: new TextEncoder().encode(v) }
      : Array.isArray(v)
        ? { name, type: T.INTS, ints: v }
        : { name, type: T.INT, i: v },
  );
}
