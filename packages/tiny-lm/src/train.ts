/**
 * Trainer for the tfjs GPT: AdamW (Loshchilov & Hutter 2019), linear warmup then cosine decay,
 * global-norm gradient clipping, random windows of the token stream drawn by our seeded Rng.
 * Deterministic: same tokens + config + seed → the same weights (the wasm backend runs one
 * thread, so float sums happen in a fixed order; the bake test checks byte-identical ONNX).
 */
import { tf } from '@rlllm/core/backend';
import { Rng } from '@rlllm/core/rng';
import { lmLoss, type Gpt } from './model.ts';

export interface TrainConfig {
  steps: number;
  batchSize: number;
  /** Window length in tokens (≤ the model's context length). */
  seqLen: number;
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

/** A [batchSize, seqLen] int32 batch of random windows of `tokens`. */
export function sampleBatch(tokens: Int32Array, batchSize: number, seqLen: number, rng: Rng): tf.Tensor2D {
  if (tokens.length <= seqLen) throw new Error(`need more than ${seqLen} tokens to train, got ${tokens.length}`);
  const buf = new Int32Array(batchSize * seqLen);
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(tokens.length - seqLen + 1);
    buf.set(tokens.subarray(start, start + seqLen), b * seqLen);
  }
  return tf.tensor2d(buf, [batchSize, seqLen], 'int32');
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

/**
 * Train `model` in place on `tokens`. `onLog` gets one progress line per `logEvery` steps
 * (step, loss, lr, seconds per step, ETA).
 */
export async function train(
  model: Gpt,
  tokens: Int32Array,
  config: TrainConfig,
  onLog: (line: string) => void = (l) => console.log(l),
): Promise<TrainResult> {
  const rng = new Rng(config.seed);
  const opt = new AdamW(model.params, config);
  const varList = [...model.params.values()];
  const names = [...model.params.keys()];
  const losses: number[] = [];
  const t0 = performance.now();
  let ema = NaN;
  for (let step = 0; step < config.steps; step++) {
    const lr = lrAt(step, config);
    const batch = sampleBatch(tokens, config.batchSize, config.seqLen, rng);
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
    losses.push(loss);
    ema = Number.isNaN(ema) ? loss : 0.9 * ema + 0.1 * loss;
    if ((step + 1) % config.logEvery === 0 || step === 0 || step + 1 === config.steps) {
      const sec = (performance.now() - t0) / 1000;
      const per = sec / (step + 1);
      onLog(
        `step ${String(step + 1).padStart(5)}/${config.steps}  loss ${loss.toFixed(3)} (ema ${ema.toFixed(3)})  ` +
          `lr ${lr.toExponential(2)}  ${per.toFixed(2)} s/step  eta ${((config.steps - step - 1) * per / 60).toFixed(1)} min`,
      );
    }
  }
  opt.dispose();
  return { losses, seconds: (performance.now() - t0) / 1000 };
}

/** Mean next-token loss over consecutive non-overlapping windows (no gradient). */
export async function evalLoss(model: Gpt, tokens: Int32Array, seqLen: number, batchSize = 16): Promise<number> {
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
