import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, loadLmTokenizer, packSequences, responseLogProbs, Rng, tf, type LmTokenizer } from '@rlllm/core';
import { BABYAI_ACTION as A, BabyAIText, type BabyaiObject, type BabyaiState } from '@rlllm/env';
import { defaultModelDir, Gpt, loadGpt, tokenLogProbs } from '@rlllm/tiny-lm';
import { ACTION_CONTINUATIONS, ActionHeadPolicy, ActionScorer, GlamPolicy, glamPrompt } from '../src/policy.ts';
import { ppoStep } from '../src/glam.ts';

let tok: LmTokenizer;
let lm: Gpt;
let scorer: ActionScorer;

const obj = (color: BabyaiObject['color'], type: BabyaiObject['type'], x: number, y: number): BabyaiObject => ({ color, type, x, y, open: false });
/** Agent at (3, 4) facing north (interior 1..6). */
const room = (mission: BabyaiState['mission'], objects: BabyaiObject[]): BabyaiState => ({ x: 3, y: 4, dir: 3, objects, carrying: null, mission, steps: 0 });

/** Prompts of a few real env states, of different lengths (so the batch is padded). */
function somePrompts(): string[] {
  const env = new BabyAIText();
  const out: string[] = [];
  env.reset({ seed: 3 });
  for (let i = 0; i < 5; i++) {
    env.reset();
    out.push(glamPrompt(env));
  }
  return out;
}

beforeAll(async () => {
  await initTf();
  tok = await loadLmTokenizer(defaultModelDir());
  lm = loadGpt(defaultModelDir());
  scorer = new ActionScorer(tok, lm.config.vocabSize, lm.config.nPositions);
});

describe('GLAM action scoring (policy.ts)', () => {
  it('runs three rows per prompt for the six action names (one per maximal proper token prefix)', () => {
    // Proves the compute saving is what the header says: " turn left"/" turn right" share " turn",
    // " drop" and " toggle" are one token each, so rows = [turn], [go], [pick].
    expect(scorer.actionIds.map((t) => t.length)).toEqual([2, 2, 2, 2, 1, 1]);
    expect(scorer.rowResponses).toEqual([[scorer.actionIds[0]![0]], [scorer.actionIds[2]![0]], [scorer.actionIds[3]![0]]]);
    expect(scorer.rowsPerPrompt).toBe(3);
  });

  it('scores equal Σ log p(action tokens | prompt) computed independently on each unpadded sequence', () => {
    // Proves the shared-prefix rows, the padding and the selection matrix give exactly the naive
    // per-action sequence log-probabilities (tiny-lm's tokenLogProbs on prompt + action alone), and
    // that they agree with core's responseLogProbs on the naive six-rows-per-prompt batch.
    const prompts = somePrompts().map((p) => tok.encode(p));
    expect(new Set(prompts.map((p) => p.length)).size).toBeGreaterThan(1);
    const scores = tf.tidy(() => scorer.scores(lm, scorer.batch(prompts)).scores.arraySync());
    const naive = packSequences(prompts.flatMap((p) => scorer.actionIds.map(() => p)), prompts.flatMap(() => scorer.actionIds), lm.config.nPositions);
    const naiveScores = tf.tidy(() => responseLogProbs(lm, naive).logp.sum(1).arraySync() as number[]);
    prompts.forEach((p, b) => {
      scorer.actionIds.forEach((a, k) => {
        const seq = [...p, ...a];
        const lp = tf.tidy(() => {
          const ids = tf.tensor2d([seq], [1, seq.length], 'int32');
          return tokenLogProbs(lm.forward(ids).logits, ids).slice([0, p.length - 1], [1, a.length]).sum().arraySync() as number;
        });
        expect(scores[b]![k]!).toBeCloseTo(lp, 3);
        expect(naiveScores[b * 6 + k]!).toBeCloseTo(lp, 3);
      });
    });
  });

  it('π is a distribution over the six actions and the value head gives one number per prompt', () => {
    // Proves π = softmax over the action set (GLAM §3.2), not over the vocabulary, and the value
    // head's shape; the head starts at 0 (zero-initialized LinearHead).
    const policy = new GlamPolicy(lm, scorer, tok);
    const prompts = policy.encode(somePrompts());
    const { logPi, values } = tf.tidy(() => {
      const out = policy.forward(prompts);
      return { logPi: out.logPi.arraySync(), values: out.values };
    });
    expect(values.shape).toEqual([prompts.length]);
    expect(Array.from(values.dataSync())).toEqual(new Array(prompts.length).fill(0));
    values.dispose();
    for (const row of logPi) {
      expect(row).toHaveLength(6);
      expect(row.reduce((s, x) => s + Math.exp(x), 0)).toBeCloseTo(1, 5);
    }
    policy.dispose();
  });

  it('the pretrained LM puts the most mass on the corpus rule\'s action where the rule says "go forward"; random weights do not', async () => {
    // Proves the pretrained weights carry the corpus' action prior (target 3 steps straight ahead → go
    // forward) while the same architecture from random weights prefers the one-token actions
    // (" drop", " toggle": a sequence score favours short continuations) — the starting points of
    // glam and glam-random-init.
    const env = new BabyAIText();
    env.reset({ state: room({ kind: 'goto', color: 'red', type: 'ball' }, [obj('red', 'ball', 3, 1), obj('blue', 'key', 5, 4)]) });
    expect(glamPrompt(env)).toBe('Goal of the agent: go to the red ball. Observation: You see a blue key 2 steps right. You see a red ball 3 steps forward. You see a wall 4 steps forward. Next action:');
    const pi = async (model: Gpt) => {
      const policy = new GlamPolicy(model, scorer, tok);
      const { logPi } = await policy.evaluate(policy.encode([glamPrompt(env)]));
      policy.dispose();
      return Array.from(logPi, Math.exp);
    };
    const pre = await pi(lm);
    // The argmax, and far above uniform (1/6); the 3.4 M model gives it 0.44, the first default 0.5+.
    expect(pre.indexOf(Math.max(...pre))).toBe(A.forward);
    expect(pre[A.forward]!).toBeGreaterThan(2 / 6);
    const random = new Gpt(lm.config, 1);
    const rnd = await pi(random);
    random.dispose();
    expect(rnd[A.forward]!).toBeLessThan(0.05);
    expect(rnd[A.drop]! + rnd[A.toggle]!).toBeGreaterThan(0.9);
  });

  it('uses the corpus continuation form: " <action name>" after "Next action:"', () => {
    expect(ACTION_CONTINUATIONS).toEqual([' turn left', ' turn right', ' go forward', ' pick up', ' drop', ' toggle']);
  });
});

describe('GLAM PPO step (glam.ts)', () => {
  it('one update raises π(a|s) where the advantage is positive and lowers it where it is negative', async () => {
    // Proves the sign of the policy gradient through the LM's action scores: two states, "turn left"
    // was good in the first (A > 0), "go forward" bad in the second (A < 0).
    const model = loadGpt(defaultModelDir());
    const policy = new GlamPolicy(model, scorer, tok);
    const prompts = policy.encode(somePrompts().slice(0, 2));
    const before = await policy.evaluate(prompts);
    const opt = tf.train.adam(1e-4);
    const actions = [A.left, A.forward];
    const st = ppoStep(policy, opt, {
      prompts,
      actions,
      oldLogp: actions.map((a, i) => before.logPi[i * 6 + a]!),
      advantages: [1, -1],
      returns: [1, 0],
    }, { clipCoef: 0.2, vfCoef: 0.5, entCoef: 0, maxGradNorm: 0.5 });
    const after = await policy.evaluate(prompts);
    expect(after.logPi[0 * 6 + A.left]!).toBeGreaterThan(before.logPi[0 * 6 + A.left]!);
    expect(after.logPi[1 * 6 + A.forward]!).toBeLessThan(before.logPi[1 * 6 + A.forward]!);
    // The value head moved towards the returns (1 for the first state).
    expect(after.values[0]!).toBeGreaterThan(before.values[0]!);
    expect(st.approxKl).toBeCloseTo(0, 6); // ratio = 1 before the step
    opt.dispose();
    policy.dispose();
    model.dispose();
  });
});

describe("GLAM's non-pretrained ablation (NPAE, action heads)", () => {
  it('starts near uniform over the six actions, where a random LM scoring the names does not', async () => {
    // Proves the ablation measures pretraining, not an action-length prior: the same random network
    // with an action head puts ≈ 1/6 on every action, while scoring the names with it puts most of
    // the mass on the one-token names (drop, toggle).
    const prompts = somePrompts().map((p) => tok.encode(p));
    const random = new Gpt(lm.config, 7);
    const npae = new ActionHeadPolicy(random, tok, 6, new Rng(7));
    const scoring = new GlamPolicy(random, scorer, tok);
    const piNpae = Array.from((await npae.evaluate(prompts)).logPi, Math.exp);
    const piScoring = Array.from((await scoring.evaluate(prompts)).logPi, Math.exp);
    expect(Math.max(...piNpae.map((p) => Math.abs(p - 1 / 6)))).toBeLessThan(0.03);
    for (let b = 0; b < prompts.length; b++) expect(piScoring[b * 6 + A.drop]! + piScoring[b * 6 + A.toggle]!).toBeGreaterThan(0.5);
    npae.dispose();
    scoring.dispose();
    random.dispose();
  });

  it('PPO raises π(a|s) through the action head where the advantage is positive and lowers it where negative', () => {
    // Every prompt twice: toggle with advantage +1, drop with advantage −1. (A random LM's states of
    // different prompts are nearly alike, so opposite advantages for the same action on different
    // prompts would cancel; opposite advantages for different actions must not.)
    const prompts = somePrompts().slice(0, 4).map((p) => tok.encode(p));
    const random = new Gpt(lm.config, 8);
    const npae = new ActionHeadPolicy(random, tok, 6, new Rng(8));
    const before = tf.tidy(() => Array.from(npae.forward(prompts).logPi.dataSync()));
    const opt = tf.train.adam(1e-3);
    const rows = [...prompts, ...prompts];
    const actions = [...prompts.map(() => A.toggle), ...prompts.map(() => A.drop)];
    const oldLogp = rows.map((_, r) => before[(r % prompts.length) * 6 + actions[r]!]!);
    for (let i = 0; i < 5; i++) {
      ppoStep(npae, opt, { prompts: rows, actions, oldLogp, advantages: rows.map((_, r) => (r < prompts.length ? 1 : -1)), returns: rows.map(() => 0) }, { clipCoef: 0.2, vfCoef: 0.5, entCoef: 0, maxGradNorm: 0.5 });
    }
    const after = tf.tidy(() => Array.from(npae.forward(prompts).logPi.dataSync()));
    for (let b = 0; b < prompts.length; b++) {
      expect(after[b * 6 + A.toggle]!).toBeGreaterThan(before[b * 6 + A.toggle]!);
      expect(after[b * 6 + A.drop]!).toBeLessThan(before[b * 6 + A.drop]!);
    }
    opt.dispose();
    npae.dispose();
    random.dispose();
  });
});
