/**
 * Export the tfjs GPT as an ONNX graph with a KV cache, in Hugging Face layout, so that
 * transformers.js loads it exactly like a hub GPT-2:
 *
 *   <dir>/config.json  generation_config.json  tokenizer.json  tokenizer_config.json  onnx/model.onnx
 *
 * Graph contract (measured facts in docs/model-format.md):
 * - inputs  input_ids, attention_mask [batch_size, total_sequence_length], position_ids,
 *           past_key_values.{i}.key/value [batch_size, n_head, past_sequence_length, head_dim] —
 *           n_head and head_dim are fixed numbers (transformers.js builds the empty first cache from
 *           the input metadata, and symbolic dims other than batch_size become 0);
 * - outputs logits, last_hidden_state (feature-extraction reads it), present.{i}.key/value
 *           (renamed to past_key_values.* and fed back by generate()).
 * - Causal mask with a cache: key j is visible to query i iff j ≤ i + past_length AND mask[j] = 1.
 * - Opset 17 (has LayerNormalization; Gelu only arrives in 20, so GELU is spelled out), IR 8,
 *   weights as raw little-endian initializers named like the tfjs parameters, so the file is also
 *   the weight store that loadWeights.ts reads back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { parameterShapes, type GptConfig } from './model.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const BOOL = onnx.TensorProto.DataType.BOOL;

type Dim = number | string;
type Weights = Map<string, { shape: number[]; data: Float32Array }>;

/** A tiny graph builder: named nodes, constants, initializers. */
class GraphBuilder {
  nodes: OnnxTypes.INodeProto[] = [];
  initializers: OnnxTypes.ITensorProto[] = [];
  private n = 0;

  /** Add a node; returns its (single or first) output name. */
  op(opType: string, inputs: string[], attrs: Record<string, number | number[]> = {}, outputs?: string[]): string {
    const outs = outputs ?? [`${opType.toLowerCase()}_${this.n++}`];
    const attribute = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v)
        ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
        : Number.isInteger(v) && name !== 'epsilon'
          ? { name, type: onnx.AttributeProto.AttributeType.INT, i: v }
          : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v },
    );
    this.nodes.push({ opType, input: inputs, output: outs, name: `${opType}_${this.nodes.length}`, attribute });
    return outs[0]!;
  }

  /** Several outputs (Split). */
  opMulti(opType: string, inputs: string[], nOut: number, attrs: Record<string, number | number[]> = {}): string[] {
    const outs = Array.from({ length: nOut }, (_, i) => `${opType.toLowerCase()}_${this.n}_${i}`);
    this.n++;
    this.op(opType, inputs, attrs, outs);
    return outs;
  }

  float(name: string, shape: number[], data: Float32Array): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims: shape, dataType: FLOAT, rawData: bytes });
    return name;
  }

  int64(name: string, values: number[], shape: number[] = [values.length]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: shape, dataType: INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  scalar(name: string, v: number): string {
    return this.float(name, [], new Float32Array([v]));
  }
}

/** A graph input or output: its element type and shape (numbers fixed, strings named dimensions). */
export function valueInfo(name: string, elemType: number, dims: Dim[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Build the ModelProto bytes for `config` with `weights`. */
export function buildOnnx(config: GptConfig, weights: Weights): Uint8Array {
  const { nLayer: L, nHead: H, nEmbd: d, vocabSize: V } = config;
  const hd = d / H;
  const g = new GraphBuilder();
  for (const [name, shape] of parameterShapes(config)) {
    const w = weights.get(name);
    if (!w) throw new Error(`export: missing weight ${name}`);
    g.float(name, shape, w.data);
  }
  const one = g.int64('const_one', [1], []);
  const zero = g.int64('const_zero', [0], []);
  const splitSizes = g.int64('const_qkv_split', [d, d, d]);
  const headShape = g.int64('const_head_shape', [0, 0, H, hd]);
  const mergeShape = g.int64('const_merge_shape', [0, 0, d]);
  const ax1 = g.int64('const_axes_1', [1]);
  const ax12 = g.int64('const_axes_12', [1, 2]);
  const fScale = g.scalar('const_attn_scale', 1 / Math.sqrt(hd));
  const fNeg = g.scalar('const_neg_inf', -1e9);
  const fZero = g.scalar('const_f_zero', 0);
  const fHalf = g.scalar('const_half', 0.5);
  const fOne = g.scalar('const_f_one', 1);
  const fGeluA = g.scalar('const_gelu_a', 0.044715);
  const fGeluC = g.scalar('const_gelu_c', Math.sqrt(2 / Math.PI));

  // Attention bias [B, 1, T, S]: 0 where visible, −1e9 elsewhere.
  const T = g.op('Gather', [g.op('Shape', ['input_ids']), one], { axis: 0 });
  const S = g.op('Gather', [g.op('Shape', ['attention_mask']), one], { axis: 0 });
  const past = g.op('Sub', [S, T]);
  const qpos = g.op('Range', [past, S, one]); // absolute positions of the queries
  const kpos = g.op('Range', [zero, S, one]);
  const causal = g.op('LessOrEqual', [kpos, g.op('Unsqueeze', [qpos, ax1])]); // [T, S]
  const keep = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], { to: BOOL }), ax12]); // [B, 1, 1, S]
  const bias = g.op('Where', [g.op('And', [causal, keep]), fZero, fNeg]);

  let x = g.op('Add', [g.op('Gather', ['wte.weight', 'input_ids'], { axis: 0 }), g.op('Gather', ['wpe.weight', 'position_ids'], { axis: 0 })]);
  const ln = (inp: string, name: string) =>
    g.op('LayerNormalization', [inp, `${name}.weight`, `${name}.bias`], { axis: -1, epsilon: 1e-5 });
  const linear = (inp: string, name: string) => g.op('Add', [g.op('MatMul', [inp, `${name}.weight`]), `${name}.bias`]);
  const heads = (t: string) => g.op('Transpose', [g.op('Reshape', [t, headShape])], { perm: [0, 2, 1, 3] });

  for (let i = 0; i < L; i++) {
    const p = `h.${i}.`;
    const [q, k, v] = g.opMulti('Split', [linear(ln(x, p + 'ln_1'), p + 'attn.c_attn'), splitSizes], 3, { axis: 2 });
    const kAll = g.op('Concat', [`past_key_values.${i}.key`, heads(k!)], { axis: 2 }, [`present.${i}.key`]);
    const vAll = g.op('Concat', [`past_key_values.${i}.value`, heads(v!)], { axis: 2 }, [`present.${i}.value`]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [heads(q!), g.op('Transpose', [kAll], { perm: [0, 1, 3, 2] })]), fScale]), bias]);
    const y = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), vAll]);
    const merged = g.op('Reshape', [g.op('Transpose', [y], { perm: [0, 2, 1, 3] }), mergeShape]);
    x = g.op('Add', [x, linear(merged, p + 'attn.c_proj')]);
    // GELU (tanh form): 0.5·f·(1 + tanh(c·(f + a·f³)))
    const f = linear(ln(x, p + 'ln_2'), p + 'mlp.c_fc');
    const f3 = g.op('Mul', [g.op('Mul', [f, f]), f]);
    const th = g.op('Tanh', [g.op('Mul', [g.op('Add', [f, g.op('Mul', [f3, fGeluA])]), fGeluC])]);
    const act = g.op('Mul', [g.op('Mul', [f, fHalf]), g.op('Add', [th, fOne])]);
    x = g.op('Add', [x, linear(act, p + 'mlp.c_proj')]);
  }
  g.op('LayerNormalization', [x, 'ln_f.weight', 'ln_f.bias'], { axis: -1, epsilon: 1e-5 }, ['last_hidden_state']);
  g.op('MatMul', ['last_hidden_state', g.op('Transpose', ['wte.weight'], { perm: [1, 0] })], {}, ['logits']); // tied head

  const inputs = [
    valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
    valueInfo('attention_mask', INT64, ['batch_size', 'total_sequence_length']),
    valueInfo('position_ids', INT64, ['batch_size', 'sequence_length']),
  ];
  const outputs = [
    valueInfo('logits', FLOAT, ['batch_size', 'sequence_length', V]),
    valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', d]),
  ];
  for (let i = 0; i < L; i++) {
    for (const kv of ['key', 'value']) {
      inputs.push(valueInfo(`past_key_values.${i}.${kv}`, FLOAT, ['batch_size', H, 'past_sequence_length', hd]));
      outputs.push(valueInfo(`present.${i}.${kv}`, FLOAT, ['batch_size', H, 'total_sequence_length', hd]));
    }
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'rlllm-tiny-lm',
    producerVersion: '0.1.0',
    graph: { name: 'tiny_gpt', node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** config.json in HF GPT-2 form (+ transformers.js dtype pin: Node would otherwise pick by platform). */
export function configJson(c: GptConfig, eosId: number): object {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: c.vocabSize,
    n_positions: c.nPositions,
    n_ctx: c.nPositions,
    n_embd: c.nEmbd,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_inner: null,
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
    tie_word_embeddings: true,
    // Without these, generate() never stops before max_new_tokens (docs/model-format.md, "Folder").
    bos_token_id: eosId,
    eos_token_id: eosId,
    pad_token_id: eosId,
    'transformers.js_config': { dtype: 'fp32' },
  };
}

/** Read back the GptConfig from a config.json object. */
export function gptConfigFromJson(j: Record<string, unknown>): GptConfig {
  const num = (k: string) => {
    const v = j[k];
    if (typeof v !== 'number') throw new Error(`config.json: ${k} must be a number`);
    return v;
  };
  return { vocabSize: num('vocab_size'), nPositions: num('n_positions'), nLayer: num('n_layer'), nHead: num('n_head'), nEmbd: num('n_embd') };
}

/**
 * Write the model folder (everything but the tokenizer files, which tokenizer.ts writes into the
 * same folder). Returns the ONNX size in bytes.
 */
export function exportModel(dir: string, config: GptConfig, weights: Weights, eosId: number): number {
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const bytes = buildOnnx(config, weights);
  writeFileSync(path.join(dir, 'onnx', 'model.onnx'), bytes);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(configJson(config, eosId), null, 2) + '\n');
  const gen = { bos_token_id: eosId, eos_token_id: eosId, pad_token_id: eosId, do_sample: false };
  writeFileSync(path.join(dir, 'generation_config.json'), JSON.stringify(gen, null, 2) + '\n');
  return bytes.length;
}
