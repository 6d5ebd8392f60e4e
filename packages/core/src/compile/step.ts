/**
 * A compiled training step: forward, loss, backward, optional global-norm clipping and the
 * optimizer update as one ONNX graph, run by onnxruntime-node.
 *
 *   inputs:  every parameter, the optimizer's state vectors (`opt:m`, …), the batch, `learningRate`, `step`
 *   outputs: the new parameters and state, `loss`, `gradNorm`, and the statistics the loss names
 *
 * Parameters and optimizer state live as ORT tensors in two alternating sets: a run reads set A and
 * writes its new values straight into set B (ORT's pre-allocated outputs), then the sets swap — no
 * copies through JS and no allocation per step. `getWeights()` copies them out on demand.
 *
 * Batch shapes: each distinct set of batch shapes gets its own graph and session, cached (shapes are
 * static in the graph, see graph.ts). The parameter tensors are shared by all of them. Callers with
 * many lengths (LM fine-tuning) pad to a few bucket lengths; `compileStats` reports what the cache
 * cost.
 *
 * `evaluate` runs a forward-only graph (no update) over the current parameters — log-probs, values,
 * losses on held-out data — with the same per-shape cache.
 */
import type { Tensor } from './graph.ts';
import { Graph } from './graph.ts';
import { grad } from './grad.ts';
import { toOnnx } from './onnx.ts';
import { applyOptimizer, clipScale, flatten, globalNorm, stateSlots, type OptimizerConfig } from './optim.ts';
import { mul } from './ops.ts';
import { createSession, dtypeOf, ort, toOrt, type Feed, type SessionOptions } from './session.ts';

export interface ParamSpec {
  name: string;
  shape: readonly number[];
}

export type Params = Record<string, Tensor>;
export type Batch = Record<string, Tensor>;

export interface StepSpec {
  params: ParamSpec[];
  /** Build the scalar loss (and named scalar statistics to log) from symbolic params and batch. */
  loss(p: Params, batch: Batch): { loss: Tensor; stats?: Record<string, Tensor> };
  optimizer: OptimizerConfig;
  /** Clip gradients to this global L2 norm (null: no clipping). */
  maxGradNorm?: number | null;
}

export interface StepResult {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  stats: Record<string, number>;
}

/** Parameter values by name, as tiny-lm's Gpt.getWeights / loadWeights hold them. */
export type Weights = Map<string, { shape: number[]; data: Float32Array }>;

interface Compiled {
  session: ort.InferenceSession;
  inputNames: string[];
  statNames: string[];
}

/** The optimizer's flat state vectors are graph inputs `opt:<slot>`. */
const stateName = (slot: string) => `opt:${slot}`;
const newName = (name: string) => `new:${name}`;

export class CompiledStep {
  /** Steps taken so far (the next run uses step + 1 for Adam's bias correction). */
  stepCount = 0;
  /** Graph-building + session-creation time, per distinct batch shape. */
  readonly compileStats: { key: string; nodes: number; buildMs: number; sessionMs: number }[] = [];
  private current = new Map<string, ort.Tensor>();
  private spare = new Map<string, ort.Tensor>();
  private readonly stateNames: string[];
  private steps = new Map<string, Compiled>();
  private evals = new Map<string, Compiled>();

  constructor(
    readonly spec: StepSpec,
    weights: Weights,
    readonly options: SessionOptions = {},
  ) {
    this.stateNames = stateSlots(spec.optimizer).map(stateName);
    for (const p of spec.params) {
      const w = weights.get(p.name);
      if (!w) throw new Error(`CompiledStep: no initial weights for ${p.name}`);
      if (w.shape.join('x') !== p.shape.join('x')) throw new Error(`CompiledStep: ${p.name} has shape [${w.shape}], the spec says [${p.shape}]`);
    }
    this.setWeights(weights);
    const total = spec.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
    for (const name of this.stateNames) this.current.set(name, new ort.Tensor('float32', new Float32Array(total), [total]));
    for (const [name, t] of this.current) this.spare.set(name, new ort.Tensor('float32', new Float32Array(t.size), t.dims));
  }

  /** One update on `batch` (feeds keyed by the names the loss reads). */
  async step(batch: Record<string, Feed>, learningRate: number): Promise<StepResult> {
    const compiled = await this.compiledStep(batch);
    const feeds: Record<string, ort.Tensor> = {};
    const scalars: Record<string, number> = { learningRate, step: this.stepCount + 1 };
    for (const name of compiled.inputNames)
      feeds[name] = name in scalars ? new ort.Tensor('float32', Float32Array.of(scalars[name]!), []) : (this.current.get(name) ?? this.batchTensor(batch, name));
    const fetches: Record<string, ort.Tensor | null> = { loss: null, gradNorm: null };
    for (const s of compiled.statNames) fetches[s] = null;
    for (const name of this.current.keys()) fetches[newName(name)] = this.spare.get(name)!;
    const out = await compiled.session.run(feeds, fetches);
    [this.current, this.spare] = [this.spare, this.current];
    this.stepCount++;
    const stats: Record<string, number> = {};
    for (const s of compiled.statNames) stats[s] = (out[s]!.data as Float32Array)[0]!;
    return { loss: (out.loss!.data as Float32Array)[0]!, gradNorm: (out.gradNorm!.data as Float32Array)[0]!, stats };
  }

  /**
   * Run a forward-only graph over the current parameters: `build` maps symbolic params and batch
   * to named outputs. `key` names the function (one compiled graph per key and batch shape).
   */
  async evaluate(key: string, build: (p: Params, batch: Batch) => Record<string, Tensor>, batch: Record<string, Feed>): Promise<Record<string, Float32Array>> {
    const shapeKey = `${key}|${batchKey(batch)}`;
    let compiled = this.evals.get(shapeKey);
    if (!compiled) {
      const t0 = performance.now();
      const g = new Graph();
      const p = this.paramInputs(g);
      const outputs = Object.entries(build(p, this.batchInputs(g, batch)));
      compiled = await this.createCompiled(shapeKey, toOnnx(outputs, key), t0, []);
      this.evals.set(shapeKey, compiled);
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of compiled.inputNames) feeds[name] = this.current.get(name) ?? this.batchTensor(batch, name);
    const out = await compiled.session.run(feeds);
    const result: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(out)) result[name] = t.data as Float32Array;
    return result;
  }

  /** A copy of the current parameters. */
  getWeights(): Weights {
    const out: Weights = new Map();
    for (const p of this.spec.params) {
      const t = this.current.get(p.name)!;
      out.set(p.name, { shape: [...p.shape], data: Float32Array.from(t.data as Float32Array) });
    }
    return out;
  }

  /** Overwrite parameters by name (those missing from `weights` keep their values). */
  setWeights(weights: Weights): void {
    for (const p of this.spec.params) {
      const w = weights.get(p.name);
      if (!w) continue;
      this.current.set(p.name, new ort.Tensor('float32', Float32Array.from(w.data), [...p.shape]));
    }
  }

  /** A copy of the optimizer state: one vector per slot (`opt:m`, `opt:v`), parameters in spec order. */
  getState(): Map<string, Float32Array> {
    return new Map(this.stateNames.map((n) => [n, Float32Array.from(this.current.get(n)!.data as Float32Array)]));
  }

  async dispose(): Promise<void> {
    for (const c of [...this.steps.values(), ...this.evals.values()]) await c.session.release();
    this.steps.clear();
    this.evals.clear();
  }

  private async compiledStep(batch: Record<string, Feed>): Promise<Compiled> {
    const key = batchKey(batch);
    const hit = this.steps.get(key);
    if (hit) return hit;
    const t0 = performance.now();
    const { spec } = this;
    const g = new Graph();
    const p = this.paramInputs(g);
    const params = spec.params.map((s) => p[s.name]!);
    const n = params.reduce((k, t) => k + t.size, 0);
    const state = this.stateNames.map((name) => g.input(name, [n]));
    const learningRate = g.input('learningRate', []);
    const step = g.input('step', []);
    const { loss, stats = {} } = spec.loss(p, this.batchInputs(g, batch));
    const grads = grad(loss, params);
    const norm = globalNorm(grads);
    const flatGrad = spec.maxGradNorm != null ? mul(flatten(grads), clipScale(norm, spec.maxGradNorm)) : flatten(grads);
    const next = applyOptimizer(spec.optimizer, params, flatGrad, state, learningRate, step);
    const outputs: [string, Tensor][] = [['loss', loss], ['gradNorm', norm], ...Object.entries(stats)];
    spec.params.forEach((s, i) => outputs.push([newName(s.name), next.params[i]!]));
    this.stateNames.forEach((name, j) => outputs.push([newName(name), next.state[j]!]));
    const compiled = await this.createCompiled(key, toOnnx(outputs, 'train_step'), t0, Object.keys(stats));
    this.steps.set(key, compiled);
    return compiled;
  }

  private async createCompiled(key: string, model: ReturnType<typeof toOnnx>, t0: number, statNames: string[]): Promise<Compiled> {
    const t1 = performance.now();
    const session = await createSession(model.bytes, this.options);
    this.compileStats.push({ key, nodes: model.nodeCount, buildMs: t1 - t0, sessionMs: performance.now() - t1 });
    return { session, inputNames: model.inputs.map((i) => i.name), statNames };
  }

  private paramInputs(g: Graph): Params {
    return Object.fromEntries(this.spec.params.map((s) => [s.name, g.input(s.name, s.shape)]));
  }

  private batchInputs(g: Graph, batch: Record<string, Feed>): Batch {
    return Object.fromEntries(Object.entries(batch).map(([name, f]) => [name, g.input(name, f.shape, dtypeOf(f))]));
  }

  private batchTensor(batch: Record<string, Feed>, name: string): ort.Tensor {
    const f = batch[name];
    if (!f) throw new Error(`CompiledStep: the graph reads ${name}, which is neither a parameter nor in the batch`);
    return toOrt(f);
  }
}

function batchKey(batch: Record<string, Feed>): string {
  return Object.entries(batch)
    .map(([name, f]) => `${name}:${dtypeOf(f)}[${f.shape.join(',')}]`)
    .join(';');
}
