/**
 * The compiler's graph: a DAG of tensors, each produced by one standard ONNX operator, each with a
 * static shape and dtype known when it is built.
 *
 * Why static shapes: the vector–Jacobian products need them (which axes a broadcast added, what a
 * slice cut away), and every shape being a plain number array keeps the backward pass free of
 * Shape/Gather bookkeeping nodes. A batch of a new shape gets its own graph (step.ts caches one
 * session per shape).
 *
 * A `Tensor` is a node: the op that made it, its inputs and attributes, and — for differentiable
 * ops — its `vjp`, which maps the gradient of its output to the gradients of its inputs, written
 * with the same ops (so the backward graph is standard ONNX too). Nodes are numbered in creation
 * order; inputs always come first, so the numbering is a topological order.
 */

export type DType = 'float32' | 'int64' | 'bool';
/** ONNX attributes: numbers are INT attributes, number arrays INTS, strings STRING. */
export type Attr = number | number[] | string;
export type TypedData = Float32Array | BigInt64Array | Uint8Array;
/** Gradient of the output `y` (`dy`) → gradient of each input (null: none, e.g. an index input). */
export type Vjp = (dy: Tensor, y: Tensor) => (Tensor | null)[];

export class Tensor {
  readonly id: number;
  /** Graph inputs ('Input') carry their name; constants ('Constant') their values. */
  name?: string;
  value?: TypedData;

  constructor(
    readonly graph: Graph,
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly attrs: Readonly<Record<string, Attr>>,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly vjp: Vjp | null,
  ) {
    this.id = graph.nodes.length;
    graph.nodes.push(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }
}

export class Graph {
  readonly nodes: Tensor[] = [];
  private scalars = new Map<string, Tensor>();

  /** A graph input (fed at run time): parameters, optimizer state, batch, learning rate, step. */
  input(name: string, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    if (this.nodes.some((n) => n.op === 'Input' && n.name === name)) throw new Error(`graph input ${name} declared twice`);
    const t = new Tensor(this, 'Input', [], {}, checkShape(shape), dtype, null);
    t.name = name;
    return t;
  }

  /** A constant tensor (an ONNX initializer). */
  constant(value: TypedData | number[], shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const data = toTyped(value, dtype);
    if (data.length !== sizeOf(shape)) throw new Error(`constant: ${data.length} values for shape [${shape}]`);
    const t = new Tensor(this, 'Constant', [], {}, checkShape(shape), dtype, null);
    t.value = data;
    return t;
  }

  /** A scalar constant, shared by every use of the same value and dtype. */
  scalar(v: number, dtype: DType = 'float32'): Tensor {
    const key = `${dtype}:${Object.is(v, -0) ? '-0' : v}`;
    let t = this.scalars.get(key);
    if (!t) {
      t = this.constant([v], [], dtype);
      this.scalars.set(key, t);
    }
    return t;
  }

  /** An int64 vector constant (shapes, axes, slice bounds). */
  ints(v: readonly number[]): Tensor {
    return this.constant([...v], [v.length], 'int64');
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Numpy/ONNX multidirectional broadcasting of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a}] and [${b}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

function checkShape(shape: readonly number[]): number[] {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`bad static shape [${shape}]`);
  return [...shape];
}

function toTyped(v: TypedData | number[], dtype: DType): TypedData {
  if (!Array.isArray(v)) {
    const ok = dtype === 'float32' ? v instanceof Float32Array : dtype === 'int64' ? v instanceof BigInt64Array : v instanceof Uint8Array;
    if (!ok) throw new Error(`constant: data does not match dtype ${dtype}`);
    return v;
  }
  if (dtype === 'float32') return Float32Array.from(v);
  if (dtype === 'int64') return BigInt64Array.from(v.map((x) => BigInt(x)));
  return Uint8Array.from(v.map((x) => (x ? 1 : 0)));
}
