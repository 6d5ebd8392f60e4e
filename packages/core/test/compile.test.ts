/**
 * The compiled trainer against tfjs, the reference backend: MLP gradients, Adam, RMSprop and SGD
 * steps (with global-norm clipping), rl/ppo.ts's, rl/a2c.ts's and rl/dqn.ts's updates on the 'ort'
 * trainer against the same code on 'tfjs', determinism (same inputs → bit-identical outputs; 1 vs
 * 2 intra-op threads), and the per-shape session cache. (The learning tests, rl.test.ts, run on the
 * default trainer, ORT.)
 *
 * "Relative" is relErr (test/compileRef.ts): max |a − b| / max(max |b|, 1e-6) over a tensor,
 * b the tfjs value. The GPT-2 parity tests live in tiny-lm (its tfjs Gpt is the reference, and
 * core does not depend on tiny-lm).
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CartPole } from '@rlllm/env';
import { initTf, MLP, Rng, clipByGlobalNorm, trainPpo, trainA2c, DqnLearner, EventLog, type MLPSnapshot } from '../src/index.ts';
import {
  CompiledStep, Graph, grad, add, addN, initMlpWeights, logSoftmax, mean, mlpForward, mlpParams, mul, neg, oneHot, runGraph, sum, PpoUpdate,
  gptParams, initGptWeights, gptForward, lmLoss, type Weights, type StepSpec, type Feed,
} from '../src/compile/index.ts';
import { relErr } from './compileRef.ts';

const addAll = (xs: ReturnType<typeof sum>[]) => addN(xs);

beforeAll(async () => {
  await initTf();
});

const SIZES = [4, 64, 64, 3];
const N = 16;

function tfWeights(net: MLP, prefix: string): Weights {
  const w: Weights = new Map();
  net.weights.forEach((v, l) => w.set(`${prefix}w${l}`, { shape: v.shape.slice(), data: Float32Array.from(v.dataSync()) }));
  net.biases.forEach((v, l) => w.set(`${prefix}b${l}`, { shape: v.shape.slice(), data: Float32Array.from(v.dataSync()) }));
  return w;
}

/** A hand batch: N rows of 4 features and a class label each. */
function batch(seed: number) {
  const rng = new Rng(seed);
  return { x: Float32Array.from({ length: N * 4 }, () => rng.uniform(-2, 2)), y: Int32Array.from({ length: N }, () => rng.int(3)) };
}

/** Mean cross-entropy of the MLP's logits, in tfjs and in the compile API. */
const tfLoss = (net: MLP, b: ReturnType<typeof batch>) => () =>
  tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(net.apply(tf.tensor2d(b.x, [N, 4]))), tf.oneHot(tf.tensor1d(b.y, 'int32'), 3)), 1))) as tf.Scalar;
const mlpSpec = (activation: 'tanh' | 'relu', optimizer: StepSpec['optimizer'], maxGradNorm: number | null): StepSpec => ({
  params: mlpParams('m.', SIZES),
  loss: (p, b) => ({ loss: neg(mean(sum(mul(logSoftmax(mlpForward(p, 'm.', SIZES.length - 1, b.x!, activation)), oneHot(b.y!, 3)), [1]))) }),
  optimizer,
  maxGradNorm,
});
const feeds = (b: ReturnType<typeof batch>): Record<string, Feed> => ({ x: { data: b.x, shape: [N, 4] }, y: { data: b.y, shape: [N] } });

describe('compile: MLP against tfjs', () => {
  it('initMlpWeights draws exactly the weights new MLP draws from the same seed', () => {
    const net = new MLP(SIZES, new Rng(11), { outputGain: 0.01 });
    const mine = initMlpWeights('m.', SIZES, new Rng(11), { outputGain: 0.01 });
    for (const [name, w] of tfWeights(net, 'm.')) expect(mine.get(name)!.data).toEqual(w.data);
    net.dispose();
  });

  for (const activation of ['tanh', 'relu'] as const) {
    it(`gradients of a ${SIZES.join('-')} ${activation} MLP match tfjs autodiff to 1e-5 relative`, async () => {
      const net = new MLP(SIZES, new Rng(3), { activation, outputGain: 1 });
      const b = batch(4);
      const { value, grads } = tf.variableGrads(tfLoss(net, b), net.variables);
      const g = new Graph();
      const specs = mlpParams('m.', SIZES);
      const p = Object.fromEntries(specs.map((s) => [s.name, g.input(s.name, s.shape)]));
      const x = g.input('x', [N, 4]);
      const y = g.input('y', [N], 'int64');
      const loss = neg(mean(sum(mul(logSoftmax(mlpForward(p, 'm.', 3, x, activation)), oneHot(y, 3)), [1])));
      const gs = grad(loss, specs.map((s) => p[s.name]!));
      const w = tfWeights(net, 'm.');
      const out = await runGraph([['loss', loss], ...specs.map((s, i): [string, typeof loss] => [`d:${s.name}`, gs[i]!])], {
        ...Object.fromEntries(specs.map((s) => [s.name, { data: w.get(s.name)!.data, shape: s.shape }])),
        ...feeds(b),
      });
      expect(relErr(out.loss!, value.dataSync())).toBeLessThan(1e-5);
      const tfGrads = [...net.weights, ...net.biases].map((v) => grads[v.name]!);
      const names = [...SIZES.slice(1).map((_, l) => `m.w${l}`), ...SIZES.slice(1).map((_, l) => `m.b${l}`)];
      names.forEach((name, i) => expect(relErr(out[`d:${name}`]!, tfGrads[i]!.dataSync())).toBeLessThan(1e-5));
      net.dispose();
    });
  }
});

describe('compile: optimizer steps against tfjs', () => {
  // The loss Σ c ⊙ p + ½ Σ p ⊙ p has the gradient c + p, computed with one rounding on both sides,
  // so these tests compare the optimizers' arithmetic, not two backward passes (Adam divides by
  // √v, which magnifies the last-bit differences of near-zero gradients; the model-gradient tests
  // above and the PPO test below cover real backward passes).
  const shapes = mlpParams('m.', SIZES);
  const coef = (seed: number) => shapes.map((s) => Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, ((r) => () => r.uniform(-3, 3))(new Rng(seed))));
  const cases = [
    { name: 'Adam (ε 1e-5) with global-norm clipping at 0.5', opt: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-5 } as const, clip: 0.5, make: (lr: number) => tf.train.adam(lr, 0.9, 0.999, 1e-5) },
    { name: 'Adam without clipping', opt: { kind: 'adam', beta1: 0.8, beta2: 0.99, eps: 1e-7 } as const, clip: null, make: (lr: number) => tf.train.adam(lr, 0.8, 0.99, 1e-7) },
    { name: 'RMSprop (ρ 0.99, ε 1e-5) with global-norm clipping at 0.5', opt: { kind: 'rmsprop', decay: 0.99, eps: 1e-5 } as const, clip: 0.5, make: (lr: number) => tf.train.rmsprop(lr, 0.99, 0, 1e-5) },
    { name: 'SGD with global-norm clipping at 1', opt: { kind: 'sgd' } as const, clip: 1, make: (lr: number) => tf.train.sgd(lr) },
  ];
  for (const c of cases) {
    it(`${c.name}: three steps with a changing learning rate give tfjs's weights (1e-5 relative)`, async () => {
      const net = new MLP(SIZES, new Rng(5), { outputGain: 1 });
      const vars = [...net.weights, ...net.biases];
      const names = shapes.map((s) => s.name);
      const byName = (name: string) => vars[[...SIZES.slice(1).map((_, l) => `m.w${l}`), ...SIZES.slice(1).map((_, l) => `m.b${l}`)].indexOf(name)]!;
      const step = new CompiledStep(
        {
          params: shapes,
          loss: (p, b) => ({ loss: addAll(names.map((n) => add(sum(mul(p[n]!, b[`c:${n}`]!)), mul(sum(mul(p[n]!, p[n]!)), 0.5)))) }),
          optimizer: c.opt,
          maxGradNorm: c.clip,
        },
        tfWeights(net, 'm.'),
        { intraOpNumThreads: 1 },
      );
      const opt = c.make(0.05);
      for (const [i, lr] of [0.05, 0.03, 0.01].entries()) {
        const cs = coef(20 + i);
        if (c.opt.kind === 'sgd') (opt as tf.SGDOptimizer).setLearningRate(lr);
        else (opt as unknown as { learningRate: number }).learningRate = lr;
        const { grads } = tf.variableGrads(
          () => tf.addN(names.map((n, k) => tf.add(tf.sum(tf.mul(byName(n), tf.tensor(cs[k]!, shapes[k]!.shape as number[]))), tf.mul(tf.sum(tf.mul(byName(n), byName(n))), 0.5)))) as tf.Scalar,
          vars,
        );
        opt.applyGradients(c.clip !== null ? clipByGlobalNorm(grads, c.clip).grads : Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        await step.step(Object.fromEntries(names.map((n, k) => [`c:${n}`, { data: cs[k]!, shape: shapes[k]!.shape }])), lr);
        const ref = tfWeights(net, 'm.');
        for (const [name, w] of step.getWeights()) expect(relErr(w.data, ref.get(name)!.data), `${name} after step ${i + 1}`).toBeLessThan(1e-5);
        tf.dispose(Object.values(grads));
      }
      expect(step.stepCount).toBe(3);
      opt.dispose();
      net.dispose();
      await step.dispose();
    });
  }
});

/** Largest relative error between two acting snapshots, layer by layer. */
function snapshotErr(a: MLPSnapshot, b: MLPSnapshot): number {
  return Math.max(...a.weightsT.map((w, l) => relErr(w, b.weightsT[l]!)), ...a.biases.map((x, l) => relErr(x, b.biases[l]!)));
}

describe('compile: the RL trainers on ORT against the same code on tfjs', () => {
  it("PPO: one update (16 minibatch steps) from the same seed gives the tfjs trainer's weights and statistics", async () => {
    // 512 env steps = one rollout and one update: both runs collect the same rollout (same seed,
    // same initial weights), so any difference comes from the update.
    const tfLog = new EventLog(null, true);
    const ortLog = new EventLog(null, true);
    const ref = await trainPpo(() => new CartPole(), { totalSteps: 512 }, { seed: 3, log: tfLog, trainer: 'tfjs' });
    const mine = await trainPpo(() => new CartPole(), { totalSteps: 512 }, { seed: 3, log: ortLog, trainer: 'ort' });
    expect(mine.episodes).toEqual(ref.episodes);
    expect(ref.agent.actor).toBeInstanceOf(MLP); // the reference really ran on tfjs
    expect(mine.agent.actor).not.toBeInstanceOf(MLP);
    expect(snapshotErr(mine.agent.actor.snapshot(), ref.agent.actor.snapshot())).toBeLessThan(1e-5);
    expect(snapshotErr(mine.agent.critic.snapshot(), ref.agent.critic.snapshot())).toBeLessThan(1e-5);
    const stats = (log: EventLog) => ['pgLoss', 'vLoss', 'entropy', 'approxKl', 'clipFrac'].map((k) => log.events.find((e) => e.type === 'update')![k] as number);
    const [a, b] = [stats(ortLog), stats(tfLog)];
    // pgLoss and approxKl are differences of nearly equal numbers: compare them on the scale of the losses.
    a.forEach((v, i) => expect(Math.abs(v - b[i]!), `stat ${i}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(b[i]!))));
    ref.agent.dispose();
  });

  for (const optimizer of ['rmsprop', 'adam'] as const) {
    it(`A2C (${optimizer}): one update from the same seed gives the tfjs trainer's weights`, async () => {
      // 8 envs × 5 steps = one rollout and one update.
      const ref = await trainA2c(() => new CartPole(), { totalSteps: 40, optimizer }, { seed: 4, trainer: 'tfjs' });
      const mine = await trainA2c(() => new CartPole(), { totalSteps: 40, optimizer }, { seed: 4, trainer: 'ort' });
      expect(ref.actor).toBeInstanceOf(MLP);
      expect(mine.episodes).toEqual(ref.episodes);
      expect(snapshotErr(mine.actor.snapshot(), ref.actor.snapshot())).toBeLessThan(1e-5);
      expect(snapshotErr(mine.critic.snapshot(), ref.critic.snapshot())).toBeLessThan(1e-5);
      ref.actor.dispose();
      ref.critic.dispose();
    });
  }

  for (const [doubleDqn, huber] of [[true, true], [false, false]] as const) {
    it(`DQN (${doubleDqn ? 'double' : 'plain'} target, ${huber ? 'Huber' : 'MSE'}): gradient steps and a target sync give the tfjs trainer's weights and losses`, async () => {
      const cfg = { hidden: [32, 32], learningRate: 1e-3, gamma: 0.99, doubleDqn, huber, maxGradNorm: 10 };
      const learners = (['tfjs', 'ort'] as const).map((t) => new DqnLearner(4, 3, cfg, new Rng(7), 'q', t));
      // Same initial weights, same batches (terminal transitions included).
      expect(snapshotErr(learners[1]!.q.snapshot(), learners[0]!.q.snapshot())).toBe(0);
      const rng = new Rng(8);
      for (let k = 0; k < 8; k++) {
        const n = 32;
        const u = (len: number) => Float32Array.from({ length: len }, () => rng.uniform(-2, 2));
        const batch = { obs: u(n * 4), nextObs: u(n * 4), actions: Int32Array.from({ length: n }, () => rng.int(3)), rewards: u(n), terminals: Float32Array.from({ length: n }, () => (rng.random() < 0.2 ? 1 : 0)) };
        const [lt, lo] = [await learners[0]!.learn(batch, true), await learners[1]!.learn(batch, true)];
        expect(Math.abs(lo - lt), `loss at step ${k + 1}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(lt)));
        if (k === 3) for (const l of learners) l.syncTarget(); // the later steps use the synced target
      }
      expect(snapshotErr(learners[1]!.q.snapshot(), learners[0]!.q.snapshot())).toBeLessThan(1e-5);
      for (const l of learners) {
        await l.disposeTraining();
        l.q.dispose();
      }
    });
  }
});

describe('compile: determinism', () => {
  const c = { vocabSize: 2048, nPositions: 128, nLayer: 4, nHead: 4, nEmbd: 128 }; // tiny-gpt's shape
  const gptRun = async (threads: number) => {
    const step = new CompiledStep(
      {
        params: gptParams(c),
        loss: (p, b) => ({ loss: lmLoss(gptForward(p, c, b.ids!, { attentionMask: b.mask }).logits, b.ids!) }),
        optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 },
        maxGradNorm: 1,
      },
      initGptWeights(c, 1),
      { intraOpNumThreads: threads },
    );
    const rng = new Rng(2);
    const [B, T] = [8, 128];
    const mask = new Float32Array(B * T).fill(1);
    for (let t = 0; t < 40; t++) mask[T + t] = 0; // row 1 left-padded
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ids = BigInt64Array.from({ length: B * T }, () => BigInt(rng.int(c.vocabSize)));
      losses.push((await step.step({ ids: { data: ids, shape: [B, T] }, mask: { data: mask, shape: [B, T] } }, 1e-3)).loss);
    }
    const h = createHash('sha256');
    for (const [, w] of step.getWeights()) h.update(new Uint8Array(w.data.buffer));
    for (const [, s] of step.getState()) h.update(new Uint8Array(s.buffer));
    await step.dispose();
    return { losses, hash: h.digest('hex') };
  };

  it('same inputs and seed → bit-identical weights, optimizer state and losses (tiny-gpt shape, 2 threads, twice)', async () => {
    const [a, b] = [await gptRun(2), await gptRun(2)];
    expect(a.losses).toEqual(b.losses);
    expect(a.hash).toBe(b.hash);
  });

  it('1 and 2 intra-op threads give bit-identical results (tiny-gpt shape)', async () => {
    const [a, b] = [await gptRun(1), await gptRun(2)];
    expect(a.losses).toEqual(b.losses);
    expect(a.hash).toBe(b.hash);
  });

  it("PPO's compiled update: 1 and 2 threads give bit-identical weights and statistics", async () => {
    const run = async (threads: number) => {
      const ppo = new PpoUpdate(4, 2, [64, 64], { clipCoef: 0.2, clipVloss: true, entCoef: 0.01, vfCoef: 0.5, maxGradNorm: 0.5 }, new Rng(5), { intraOpNumThreads: threads });
      const rng = new Rng(6);
      const stats: number[][] = [];
      for (let k = 0; k < 16; k++) {
        const n = 128;
        const f = () => Float32Array.from({ length: n }, () => rng.normal(0, 1));
        stats.push(await ppo.update({ n, obs: Float32Array.from({ length: n * 4 }, () => rng.uniform(-2, 2)), actions: Int32Array.from({ length: n }, () => rng.int(2)), adv: f(), oldLogp: f().map((x) => -Math.log(2) + 0.1 * x), oldV: f(), ret: f() }, 2.5e-4));
      }
      const w = ppo.step.getWeights();
      await ppo.dispose();
      return { stats, w: [...w.values()].map((v) => Array.from(v.data)) };
    };
    const [a, b] = [await run(1), await run(2)];
    expect(a).toEqual(b);
  });
});

describe('compile: the compiled step', () => {
  it('compiles one session per batch shape, shares the parameters, and evaluate() reads the current ones', async () => {
    const net = new MLP(SIZES, new Rng(6), { outputGain: 1 });
    const step = new CompiledStep(mlpSpec('tanh', { kind: 'sgd' }, null), tfWeights(net, 'm.'), { intraOpNumThreads: 1 });
    const small = (seed: number) => {
      const b = batch(seed);
      return { x: { data: b.x.subarray(0, 8 * 4), shape: [8, 4] }, y: { data: b.y.subarray(0, 8), shape: [8] } };
    };
    await step.step(feeds(batch(1)), 0.1);
    await step.step(small(2), 0.1);
    await step.step(feeds(batch(3)), 0.1);
    expect(step.compileStats.map((s) => s.key)).toEqual(['x:float32[16,4];y:int64[16]', 'x:float32[8,4];y:int64[8]']);
    // evaluate() sees the updated parameters: its loss is the loss the next step reports.
    const b = batch(4);
    const out = await step.evaluate('loss', (p, bb) => ({ loss: mlpSpec('tanh', { kind: 'sgd' }, null).loss(p, bb).loss }), feeds(b));
    const r = await step.step(feeds(b), 0.1);
    expect(out.loss![0]).toBe(r.loss);
    net.dispose();
    await step.dispose();
  });
});
