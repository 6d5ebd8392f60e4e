/**
 * The LM fine-tuning machinery (lm/trainable.ts, lm/finetune.ts, rl/lmPpo.ts) on a toy bigram
 * "language model" whose numbers can be checked by hand: logits(next | token) = W[token],
 * hidden = E[token]. It is no GPT-2, so it trains on the tfjs trainer (the onnxruntime trainer
 * compiles GPT-2 and says so for anything else — tested here). The real GPT on both trainers:
 * tiny-lm's test/finetune.test.ts and the rlhf-tiny tests.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../src/backend.ts';
import { Rng } from '../src/rng.ts';
import { copyLmWeights, LinearHead, loadLmTokenizer, packSequences, responseLogProbs, type TrainableLm } from '../src/lm/trainable.ts';
import { tinyLmDir } from '../src/lm/languageModel.ts';
import { bradleyTerryLoss, RewardModel, SftConfig, supervisedFineTune, trainRewardModel, pairAccuracy } from '../src/lm/finetune.ts';
import { klPenalty, LmPpoConfig, LmPpoTrainer } from '../src/rl/lmPpo.ts';

const V = 6;
const D = 4;
const EOS = 0;

class BigramLm implements TrainableLm {
  readonly config = { vocabSize: V, nPositions: 16, nEmbd: D };
  readonly params = new Map<string, tf.Variable>();
  constructor(seed: number) {
    const rng = new Rng(seed);
    this.params.set('W', tf.variable(tf.tensor2d(Array.from({ length: V * V }, () => rng.normal(0, 0.1)), [V, V])));
    this.params.set('E', tf.variable(tf.tensor2d(Array.from({ length: V * D }, () => rng.normal(0, 1)), [V, D])));
  }
  forward(ids: tf.Tensor2D) {
    return tf.tidy(() => {
      const [B, T] = ids.shape;
      const oh = tf.oneHot(ids.reshape([B * T]), V);
      return {
        logits: oh.matMul(this.params.get('W')!).reshape([B, T, V]) as tf.Tensor3D,
        hidden: oh.matMul(this.params.get('E')!).reshape([B, T, D]) as tf.Tensor3D,
      };
    });
  }
}

function logSoftmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const z = Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0)) + m;
  return row.map((x) => x - z);
}

beforeAll(async () => {
  await initTf();
});

describe('token batches', () => {
  it('the tokenizer decodes an empty response (only EOS was sampled) to the empty string', async () => {
    const tok = await loadLmTokenizer(tinyLmDir());
    expect(tok.decode([])).toBe('');
    expect(tok.decode(tok.encode(' wipe the spill'))).toBe(' wipe the spill');
  });

  it('packs left-padded prompts and right-padded responses (layout checked by hand)', () => {
    const b = packSequences([[1, 2], [3]], [[4, 5, 0], [4]], 16, 9);
    expect([b.B, b.P, b.L]).toEqual([2, 2, 3]);
    expect(Array.from(b.ids)).toEqual([1, 2, 4, 5, 0, 9, 3, 4, 9, 9]);
    expect(Array.from(b.attention)).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 0, 0]);
    expect(Array.from(b.responseMask)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('responseLogProbs is log-softmax of the predicting column, 0 on padding', async () => {
    const lm = new BigramLm(1);
    const W = (await lm.params.get('W')!.array()) as number[][];
    const b = packSequences([[1, 2], [3]], [[4, 5, 0], [4]], 16);
    const lp = tf.tidy(() => responseLogProbs(lm, b).logp);
    const got = Array.from(await lp.data());
    lp.dispose();
    // Row 0: token 4 after 2, 5 after 4, 0 after 5. Row 1: token 4 after 3, then padding.
    const want = [logSoftmaxRow(W[2]!)[4]!, logSoftmaxRow(W[4]!)[5]!, logSoftmaxRow(W[5]!)[0]!, logSoftmaxRow(W[3]!)[4]!, 0, 0];
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
  });
});

describe('reward model', () => {
  it('Bradley–Terry loss on a hand example: mean(softplus(r_rejected − r_chosen))', async () => {
    const loss = bradleyTerryLoss(tf.tensor1d([2, 0]), tf.tensor1d([0, 0]));
    // softplus(−2) = ln(1 + e^−2) = 0.126928; softplus(0) = ln 2 = 0.693147
    expect((await loss.data())[0]).toBeCloseTo((0.126928 + 0.693147) / 2, 5);
  });

  it('soft labels: p = 1 is the hard loss, p = 0.5 is minimized by equal rewards (hand values)', async () => {
    const hard = (await bradleyTerryLoss(tf.tensor1d([2]), tf.tensor1d([0]), tf.tensor1d([1])).data())[0]!;
    expect(hard).toBeCloseTo(0.126928, 5);
    // p = 0.5, Δ = 2: 0.5·softplus(−2) + 0.5·softplus(2) = 0.5·0.126928 + 0.5·2.126928
    expect((await bradleyTerryLoss(tf.tensor1d([2]), tf.tensor1d([0]), tf.tensor1d([0.5])).data())[0]).toBeCloseTo(1.126928, 5);
    expect((await bradleyTerryLoss(tf.tensor1d([0]), tf.tensor1d([0]), tf.tensor1d([0.5])).data())[0]).toBeCloseTo(Math.LN2, 5);
  });

  it('learns a preference the data states (responses ending in 3 beat those ending in 4)', async () => {
    const rm = new RewardModel(new BigramLm(2));
    const comps = [1, 2, 5].flatMap((p) => [{ prompt: [p], chosen: [1, 3], rejected: [1, 4] }, { prompt: [p], chosen: [2, 3], rejected: [2, 4] }]);
    const before = await pairAccuracy(rm, comps);
    await trainRewardModel(rm, comps, { steps: 60, batchSize: 6, learningRate: 0.05, maxGradNorm: 1 }, new Rng(1), { trainer: 'tfjs' });
    expect(before).toBe(0.5); // zero-initialized head: every reward is 0, every pair a tie
    expect(await pairAccuracy(rm, comps)).toBe(1);
  });

  it('trained on soft labels, the reward model moves its preferences toward them (not to certainty)', async () => {
    // Pairs ending in 3 vs 4 are labelled 0.8, pairs ending in 5 vs 6 labelled 0.3 (Constitutional AI's soft AI labels).
    const rm = new RewardModel(new BigramLm(2));
    const comps = [1, 2, 7].flatMap((p) => [{ prompt: [p], chosen: [1, 3], rejected: [1, 4], pChosen: 0.8 }, { prompt: [p], chosen: [2, 5], rejected: [2, 6], pChosen: 0.3 }]);
    const pPref = async () => {
      const rc = await rm.score(comps.map((c) => c.prompt), comps.map((c) => c.chosen));
      const rr = await rm.score(comps.map((c) => c.prompt), comps.map((c) => c.rejected));
      return rc.map((r, i) => 1 / (1 + Math.exp(rr[i]! - r)));
    };
    const before = await pPref();
    await trainRewardModel(rm, comps, { steps: 200, batchSize: 6, learningRate: 0.05, maxGradNorm: 1 }, new Rng(1), { trainer: 'tfjs' });
    const after = await pPref();
    comps.forEach((c, i) => {
      expect(before[i]).toBe(0.5);
      expect(Math.abs(after[i]! - c.pChosen)).toBeLessThan(0.1); // near the label
      expect(Math.abs(after[i]! - c.pChosen)).toBeLessThan(Math.abs(before[i]! - c.pChosen));
    });
  });

  it('pair accuracy scores agreement with the (soft) label: a label below ½ prefers the rejected answer', async () => {
    // A stub RM scoring a response by its first token. Pairs (chosen, rejected) and their labels:
    //   [3] vs [1], p 1     → label prefers chosen,   r 3 > 1: agrees
    //   [3] vs [1], p 0.2   → label prefers rejected, r 3 > 1: disagrees
    //   [1] vs [3], p 0.3   → label prefers rejected, r 1 < 3: agrees
    //   [2] vs [2], p 0.9   → tie in r: half
    //   [5] vs [1], p 0.5   → no preference: left out
    const rm = { score: async (_p: number[][], r: number[][]) => r.map((x) => x[0]!) };
    const c = (chosen: number, rejected: number, pChosen?: number) => ({ prompt: [0], chosen: [chosen], rejected: [rejected], ...(pChosen === undefined ? {} : { pChosen }) });
    expect(await pairAccuracy(rm, [c(3, 1), c(3, 1, 0.2), c(1, 3, 0.3), c(2, 2, 0.9), c(5, 1, 0.5)])).toBe((1 + 0 + 1 + 0.5) / 4);
  });
});

describe('LM-PPO', () => {
  it('the KL penalty is exactly 0 when the policy is the reference', async () => {
    expect(Array.from(klPenalty(new Float32Array([-1, -2, 0]), new Float32Array([-1, -2, 5]), new Float32Array([1, 1, 0]), 0.1))).toEqual([-0, -0, 0]);
    const policy = new BigramLm(3);
    const ref = new BigramLm(4);
    copyLmWeights(policy, ref);
    const ppo = new LmPpoTrainer(policy, ref, LmPpoConfig.parse({ maxNewTokens: 4 }), new Rng(1), EOS, null, { trainer: 'tfjs' });
    const { stats } = await ppo.iteration([[1], [2], [3], [5]], async (_p, r) => r.map(() => 1));
    expect(stats.kl).toBe(0); // rollouts are scored by π_old = π_ref before any update
  });

  it('raises a score from chance, and a KL penalty keeps the policy closer to the reference', async () => {
    // Score = share of the response's tokens that are 3: chance is ≈ 1/6.
    const score = async (_p: number[][], rs: number[][]) => rs.map((r) => r.filter((t) => t === 3).length / Math.max(1, r.length));
    const prompts = Array.from({ length: 16 }, (_, i) => [1 + (i % 5)]);
    const result: Record<string, { first: number; last: number; kl: number }> = {};
    for (const beta of [0, 0.5]) {
      const policy = new BigramLm(5);
      const ref = new BigramLm(6);
      copyLmWeights(policy, ref);
      const ppo = new LmPpoTrainer(policy, ref, LmPpoConfig.parse({ maxNewTokens: 4, klCoef: beta, learningRate: 0.05 }), new Rng(2), EOS, null, { trainer: 'tfjs' });
      const scores: number[] = [];
      let kl = 0;
      for (let it = 0; it < 15; it++) {
        const { stats } = await ppo.iteration(prompts, score);
        scores.push(stats.score);
        kl = stats.kl;
      }
      result[beta] = { first: scores[0]!, last: scores.at(-1)!, kl };
    }
    expect(result[0]!.first).toBeLessThan(0.35);
    expect(result[0]!.last).toBeGreaterThan(0.7);
    expect(result[0.5]!.kl).toBeLessThan(result[0]!.kl);
  });

  it('a separate value model (e.g. a copy of the RM) is what the update trains, and still raises the score', async () => {
    const score = async (_p: number[][], rs: number[][]) => rs.map((r) => r.filter((t) => t === 3).length / Math.max(1, r.length));
    const prompts = Array.from({ length: 16 }, (_, i) => [1 + (i % 5)]);
    const policy = new BigramLm(5);
    const ref = new BigramLm(6);
    copyLmWeights(policy, ref);
    const trunk = new BigramLm(7);
    const head = new LinearHead(D);
    const before = Array.from(await trunk.params.get('E')!.data());
    const ppo = new LmPpoTrainer(policy, ref, LmPpoConfig.parse({ maxNewTokens: 4, klCoef: 0, learningRate: 0.05 }), new Rng(2), EOS, { trunk, head }, { trainer: 'tfjs' });
    expect(ppo.valueHead).toBe(head);
    const scores: number[] = [];
    for (let it = 0; it < 15; it++) scores.push((await ppo.iteration(prompts, score)).stats.score);
    expect(scores[0]).toBeLessThan(0.35);
    expect(scores.at(-1)).toBeGreaterThan(0.7);
    // The value loss reached the separate trunk and head (they were in the optimizer's variables).
    expect(Array.from(await trunk.params.get('E')!.data())).not.toEqual(before);
    expect(Math.abs((await head.b.data())[0]!)).toBeGreaterThan(0);
    await ppo.dispose();
    expect(head.w.isDisposed).toBe(false); // the caller owns the value model
  });

  it('the onnxruntime trainer refuses a model that is not a GPT-2, in one line that names the fix', async () => {
    const err = await supervisedFineTune(new BigramLm(1), [{ prompt: [1], response: [2, 0] }], SftConfig.parse({ steps: 1 }), new Rng(1), { trainer: 'ort' }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^the onnxruntime trainer trains GPT-2 models.*Fix: train it with the tfjs trainer/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('LinearHead starts at 0 (a new value head does not disturb the first update)', async () => {
    const h = new LinearHead(3);
    const v = h.apply(tf.ones([2, 5, 3]));
    expect(v.shape).toEqual([2, 5]);
    expect(Array.from(await v.data()).every((x) => x === 0)).toBe(true);
  });
});
