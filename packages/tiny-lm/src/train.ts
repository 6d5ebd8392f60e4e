/**
 * Trainer for the GPT: AdamW (Loshchilov & Hutter 2019), linear warmup then cosine decay,
 * global-norm gradient clipping, random windows of the token stream drawn by our seeded Rng.
 *
 * Two trainers (core/src/trainer.ts), the same arithmetic: by default each step is one onnxruntime
 * run of core's compiled GPT-2 (forward, next-token loss, backward, clip and AdamW in one graph,
 * core/src/compile/gpt2.ts), ~15× faster than tfjs-wasm on the bake's 16 × 128 batches (core
 * README); with `trainer: 'tfjs'` the model's own tfjs forward, tfjs autodiff and `AdamW` below.
 * The model's tfjs variables hold the weights before and after either: `train` reads them, trains,
 * and writes the result back, so export and sampling are the same.
 *
 * Deterministic: same tokens + config + seed → the same weights (onnxruntime runs are bit-identical
 * for any thread count; the wasm backend runs one thread, so float sums happen in a fixed order;
 * the bake test checks byte-identical ONNX).
 */
import { tf } from '@rlllm/core/backend';
import { Rng } from '@rlllm/core/rng';
import { ortThreads, trainerOf, type TrainerName } from '@rlllm/core/trainer';
import { CompiledStep, gptForward, gptParams, lmLoss as compiledLmLoss, type Weights } from '@rlllm/core/compile/index';
import { lmLoss, type Gpt } from './model.ts';

export interface TrainConfig {
  steps: number;
  batchSize: number;
  /** Window length in tokens (≤ the model's context length). */
  seqLen: number;
  /**
   * Optional last phase on longer windows: the final `longSteps` steps draw windows of `longSeqLen`
   * tokens with the batch shrunk so a step sees as many tokens, so that every position of a long
   * context is trained without paying the longer attention on every step.
   */
  longSeqLen?: number;
  longSteps?: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  gradClip: number;
  seed: number;
  /** Print a progress line every this many steps. */
  logEvery: number;
}

export const defaultTrainConfig: Omit<TrainConfig, 'steps' | 'seqLen'> = {
  batchSize: 16,
  lr: 3e-3, // small models tolerate (and need, at few steps) a large rate
  minLr: 3e-4,
  warmupSteps: 50,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  gradClip: 1.0,
  seed: 1,
  logEvery: 25,
};

/** Learning rate at `step` (0-based): linear warmup, then cosine from lr down to minLr. */
export function lrAt(step: number, c: Pick<TrainConfig, 'steps' | 'lr' | 'minLr' | 'warmupSteps'>): number {
  if (step < c.warmupSteps) return (c.lr * (step + 1)) / c.warmupSteps;
  const t = Math.min(1, (step - c.warmupSteps) / Math.max(1, c.steps - c.warmupSteps));
  return c.minLr + 0.5 * (c.lr - c.minLr) * (1 + Math.cos(Math.PI * t));
}

/** [batchSize × seqLen] token ids (row-major): random windows of `tokens`, one rng.int per row. */
export function sampleWindows(tokens: Int32Array, batchSize: number, seqLen: number, rng: Rng): Int32Array {
  if (tokens.length <= seqLen) throw new Error(`need more than ${seqLen} tokens to train, got ${tokens.length}`);
  const buf = new Int32Array(batchSize * seqLen);
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(tokens.length - seqLen + 1);
    buf.set(tokens.subarray(start, start + seqLen), b * seqLen);
  }
  return buf;
}

/** `sampleWindows` as a [batchSize, seqLen] int32 tfjs tensor. */
export function sampleBatch(tokens: Int32Array, batchSize: number, seqLen: number, rng: Rng): tf.Tensor2D {
  return tf.tensor2d(sampleWindows(tokens, batchSize, seqLen, rng), [batchSize, seqLen], 'int32');
}

/** AdamW state and update. Weight decay only on matrices (dim ≥ 2), as nanoGPT/GPT-2 do. */
export class AdamW {
  private m = new Map<string, tf.Variable>();
  private v = new Map<string, tf.Variable>();
  private t = 0;
  constructor(
    private readonly params: Map<string, tf.Variable>,
    private readonly c: Pick<TrainConfig, 'beta1' | 'beta2' | 'weightDecay'>,
    private readonly eps = 1e-8,
  ) {
    for (const [name, p] of params) {
      this.m.set(name, tf.variable(tf.zerosLike(p), false));
      this.v.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.t++;
    const { beta1: b1, beta2: b2, weightDecay: wd } = this.c;
    const bc1 = 1 - b1 ** this.t;
    const bc2 = 1 - b2 ** this.t;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads[name];
        if (!g) continue;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(m.mul(b1).add(g.mul(1 - b1)));
        v.assign(v.mul(b2).add(g.square().mul(1 - b2)));
        const step = m.div(bc1).div(v.div(bc2).sqrt().add(this.eps));
        const decayed = p.rank >= 2 && wd > 0 ? p.mul(1 - lr * wd) : p; // decoupled decay
        p.assign(decayed.sub(step.mul(lr)));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

export interface TrainResult {
  losses: number[];
  seconds: number;
}

export interface TrainOptions {
  /** The training backend (default: the process's, core/src/trainer.ts). */
  trainer?: TrainerName;
}

/**
 * Train `model` in place on `tokens`. `onLog` gets one progress line per `logEvery` steps
 * (step, loss, lr, seconds per step, ETA).
 */
export async function train(
  model: Gpt,
  tokens: Int32Array,
  config: TrainConfig,
  onLog: (line: string) => void = (l) => console.log(l),
  opts: TrainOptions = {},
): Promise<TrainResult> {
  const rng = new Rng(config.seed);
  const step = trainerOf(opts.trainer) === 'ort' ? await compiledStep(model, config) : tfjsStep(model, config);
  const losses: number[] = [];
  const t0 = performance.now();
  let ema = NaN;
  for (let s = 0; s < config.steps; s++) {
    const lr = lrAt(s, config);
    const [b, t] = shapeAt(s, config);
    const loss = await step.run(sampleWindows(tokens, b, t, rng), lr, [b, t]);
    losses.push(loss);
    ema = Number.isNaN(ema) ? loss : 0.9 * ema + 0.1 * loss;
    if ((s + 1) % config.logEvery === 0 || s === 0 || s + 1 === config.steps) {
      const sec = (performance.now() - t0) / 1000;
      const per = sec / (s + 1);
      onLog(
        `step ${String(s + 1).padStart(5)}/${config.steps}  loss ${loss.toFixed(3)} (ema ${ema.toFixed(3)})  ` +
          `lr ${lr.toExponential(2)}  ${per.toFixed(2)} s/step  eta ${((config.steps - s - 1) * per / 60).toFixed(1)} min`,
      );
    }
  }
  await step.finish();
  return { losses, seconds: (performance.now() - t0) / 1000 };
}

/** [batch, window] of step `s` (0-based): the long phase's shape in the last `longSteps` steps. */
export function shapeAt(s: number, c: Pick<TrainConfig, 'steps' | 'batchSize' | 'seqLen' | 'longSeqLen' | 'longSteps'>): [number, number] {
  if (!c.longSeqLen || !c.longSteps || s < c.steps - c.longSteps) return [c.batchSize, c.seqLen];
  return [Math.max(1, Math.round((c.batchSize * c.seqLen) / c.longSeqLen)), c.longSeqLen];
}

/** One training step on a [batch, window] batch of ids at learning rate `lr` → the loss; `finish` leaves the trained weights in the model. */
interface TrainStep {
  run(ids: Int32Array, lr: number, shape: [number, number]): Promise<number>;
  finish(): Promise<void>;
}

/** The onnxruntime trainer: core's compiled GPT-2 step (same loss, clipping and AdamW as `tfjsStep`), on this process's threads. */
async function compiledStep(model: Gpt, config: TrainConfig): Promise<TrainStep> {
  const c = model.config;
  const step = new CompiledStep(
    {
      params: gptParams(c),
      loss: (p, b) => ({ loss: compiledLmLoss(gptForward(p, c, b.ids!).logits, b.ids!) }),
      optimizer: { kind: 'adamw', beta1: config.beta1, beta2: config.beta2, eps: 1e-8, weightDecay: config.weightDecay },
      maxGradNorm: config.gradClip,
    },
    (await model.getWeights()) as Weights,
    { intraOpNumThreads: ortThreads() },
  );
  return {
    run: async (ids, lr, shape) => (await step.step({ ids: { data: ids, shape } }, lr)).loss,
    async finish() {
      model.setWeights(step.getWeights());
      await step.dispose();
    },
  };
}

/** The tfjs trainer: the model's tfjs forward, tfjs autodiff, global-norm clipping and `AdamW`. */
function tfjsStep(model: Gpt, config: TrainConfig): TrainStep {
  const opt = new AdamW(model.params, config);
  const varList = [...model.params.values()];
  const names = [...model.params.keys()];
  return {
    async run(ids, lr, shape) {
      const batch = tf.tensor2d(ids, shape, 'int32');
      const { value, grads } = tf.variableGrads(() => lmLoss(model.forward(batch).logits, batch), varList);
      // Global-norm clipping (GPT-2/nanoGPT use 1.0): one bad batch cannot blow the weights up.
      const byName: Record<string, tf.Tensor> = {};
      tf.tidy(() => {
        const norm = tf.sqrt(tf.addN(varList.map((v) => grads[v.name]!.square().sum())));
        const scale = tf.minimum(1, tf.div(config.gradClip, norm.add(1e-6)));
        names.forEach((n, i) => (byName[n] = tf.keep(grads[varList[i]!.name]!.mul(scale))));
      });
      opt.apply(byName, lr);
      const loss = (await value.data())[0]!;
      tf.dispose([value, batch, ...Object.values(grads), ...Object.values(byName)]);
      return loss;
    },
    async finish() {
      opt.dispose();
    },
  };
}

/** Mean next-token loss over consecutive non-overlapping windows (no gradient). */
// Windows per forward: ≤ 2048 tokens, so a 512-token context stays well inside wasm's memory (the
// one-hot input, the attention maps and the logits of a whole batch live at once in the tidy).
export async function evalLoss(model: Gpt, tokens: Int32Array, seqLen: number, batchSize = Math.max(1, Math.floor(2048 / seqLen))): Promise<number> {
  let sum = 0;
  let n = 0;
  const windows: number[] = [];
  for (let s = 0; s + seqLen <= tokens.length; s += seqLen - 1) windows.push(s);
  for (let i = 0; i < windows.length; i += batchSize) {
    const chunk = windows.slice(i, i + batchSize);
    const buf = new Int32Array(chunk.length * seqLen);
    chunk.forEach((s, b) => buf.set(tokens.subarray(s, s + seqLen), b * seqLen));
    const ids = tf.tensor2d(buf, [chunk.length, seqLen], 'int32');
    const loss = tf.tidy(() => lmLoss(model.forward(ids).logits, ids));
    sum += (await loss.data())[0]! * chunk.length * (seqLen - 1);
    n += chunk.length * (seqLen - 1);
    tf.dispose([ids, loss]);
  }
  return sum / Math.max(1, n);
}
