/**
 * The prompt policy (RLPrompt §2.2, Fig. 2): a frozen LM provides features of the prompt so far,
 * and a small trainable MLP on top maps them to a distribution over the next prompt token. In the
 * paper the frozen LM is distilGPT-2 and the MLP sits before its LM head (so it acts over the whole
 * vocabulary); here the frozen features are `LanguageModel.embed` of the prefix (mean-pooled final
 * hidden states of the tiny LM) plus a one-hot of the position, and the MLP's outputs are the
 * logits — equivalently, the soft Q-values — over the candidate words (vocab.ts).
 *
 * Acting runs the MLP in plain JS over a weight snapshot (no tfjs dispatch per step); learning runs
 * it in tfjs with autodiff. Only the MLP is trained; the LM that gives features is never updated.
 */
import { MLP, forward, type LanguageModel, type Rng } from '@rlllm/core';
import { reinforceLoss, softQLoss, type SoftQMode } from '@rlllm/core/rl/softq';
import * as tf from '@tensorflow/tfjs';

export interface PolicyConfig {
  /** K: prompt tokens (words) per prompt. */
  promptLength: number;
  hidden: number[];
  learningRate: number;
  algo: 'sql' | 'reinforce';
  sqlMode: SoftQMode;
  /** Polyak rate of the target Q-network (RLPrompt: 0.001 over 12k steps; we take far fewer steps). */
  targetUpdate: number;
  entropyCoef: number;
}

export class PromptPolicy {
  readonly q: MLP;
  readonly target: MLP;
  private readonly opt: tf.Optimizer;
  private readonly featureCache = new Map<string, Float32Array>();
  readonly inputSize: number;

  /**
   * `featureSize` is the length of `lm.embed`'s vectors — measured by the caller (`PromptPolicy.for`),
   * not taken from the model's config: a model without a hidden-state output embeds with its logits.
   */
  constructor(
    private readonly lm: LanguageModel,
    readonly vocab: string[],
    readonly cfg: PolicyConfig,
    rng: Rng,
    readonly featureSize: number,
  ) {
    this.inputSize = featureSize + cfg.promptLength;
    // A small output gain makes the initial policy nearly uniform over the candidates, so training
    // starts from the same distribution as the random-prompt baseline.
    this.q = new MLP([this.inputSize, ...cfg.hidden, vocab.length], rng, { activation: 'tanh', outputGain: 0.01, name: 'rlprompt_q' });
    this.target = new MLP([this.inputSize, ...cfg.hidden, vocab.length], rng, { activation: 'tanh', outputGain: 0.01, name: 'rlprompt_qtarget' });
    this.target.copyFrom(this.q);
    this.opt = tf.train.adam(cfg.learningRate);
  }

  /** A policy over `lm`'s features, their size measured on the empty prefix. */
  static async for(lm: LanguageModel, vocab: string[], cfg: PolicyConfig, rng: Rng): Promise<PromptPolicy> {
    const [probe] = await lm.embed(['']);
    return new PromptPolicy(lm, vocab, cfg, rng, probe!.length);
  }

  /** The prompt text of a sequence of candidate indices: the words joined by spaces. */
  text(actions: number[]): string {
    return actions.map((a) => this.vocab[a]!).join(' ');
  }

  /** State features for each (prefix, position): frozen-LM embedding ⊕ one-hot(position). */
  private async features(prefixes: number[][]): Promise<Float32Array> {
    const texts = prefixes.map((p) => this.text(p));
    const missing = [...new Set(texts.filter((t) => !this.featureCache.has(t)))];
    if (missing.length) {
      const vecs = await this.lm.embed(missing);
      missing.forEach((t, i) => this.featureCache.set(t, vecs[i]!));
    }
    const D = this.featureSize;
    const x = new Float32Array(prefixes.length * this.inputSize);
    prefixes.forEach((p, i) => {
      x.set(this.featureCache.get(texts[i]!)!, i * this.inputSize);
      x[i * this.inputSize + D + p.length] = 1;
    });
    return x;
  }

  /** Q-values (= logits) of the next token for each prefix, in plain JS. */
  async qValues(prefixes: number[][]): Promise<Float32Array[]> {
    const x = await this.features(prefixes);
    const out = forward(this.q.snapshot(), x, prefixes.length);
    const N = this.vocab.length;
    return prefixes.map((_, i) => out.subarray(i * N, (i + 1) * N));
  }

  /** Sample B prompts token by token from π(a|s) = softmax(Q(s,·)) (on-policy exploration). */
  async sample(B: number, rng: Rng): Promise<number[][]> {
    const seqs: number[][] = Array.from({ length: B }, () => []);
    for (let t = 0; t < this.cfg.promptLength; t++) {
      const qs = await this.qValues(seqs);
      qs.forEach((q, b) => {
        const max = Math.max(...q);
        seqs[b]!.push(rng.categorical(Array.from(q, (v) => Math.exp(v - max))));
      });
    }
    return seqs;
  }

  /** The greedy prompt: argmax Q at every step. */
  async greedy(): Promise<number[]> {
    const seq: number[] = [];
    for (let t = 0; t < this.cfg.promptLength; t++) {
      const [q] = await this.qValues([seq]);
      let best = 0;
      for (let a = 1; a < q!.length; a++) if (q![a]! > q![best]!) best = a;
      seq.push(best);
    }
    return seq;
  }

  /** Entropy (nats) of π at the first position: how far the policy has committed. */
  async firstStepEntropy(): Promise<number> {
    const [q] = await this.qValues([[]]);
    const max = Math.max(...q!);
    const w = Array.from(q!, (v) => Math.exp(v - max));
    const z = w.reduce((a, b) => a + b, 0);
    return -w.reduce((h, v) => (v > 0 ? h + (v / z) * Math.log(v / z) : h), 0);
  }

  /**
   * One learning step on sampled prompts and their (stabilized) rewards: soft Q-learning
   * (RLPrompt §2.2) or REINFORCE. Returns the loss.
   */
  async update(actions: number[][], rewards: number[]): Promise<number> {
    const B = actions.length;
    const K = this.cfg.promptLength;
    const N = this.vocab.length;
    const prefixes = actions.flatMap((seq) => Array.from({ length: K }, (_, t) => seq.slice(0, t)));
    const x = await this.features(prefixes);
    const loss = tf.tidy(() => {
      const xs = tf.tensor2d(x, [B * K, this.inputSize]);
      const targetLogits = this.target.apply(xs).reshape([B, K, N]) as tf.Tensor3D;
      const l = this.opt.minimize(
        () => {
          const logits = this.q.apply(xs).reshape([B, K, N]) as tf.Tensor3D;
          return this.cfg.algo === 'sql' ? softQLoss(logits, targetLogits, actions, rewards, this.cfg.sqlMode) : reinforceLoss(logits, actions, rewards, this.cfg.entropyCoef);
        },
        true,
        this.q.variables,
      )!;
      return l.dataSync()[0]!;
    });
    // Polyak-averaged target network (Guo et al. 2021; RLPrompt's target_update_method "polyak").
    const tau = this.cfg.targetUpdate;
    tf.tidy(() => this.target.variables.forEach((v, i) => v.assign(tf.add(tf.mul(1 - tau, v), tf.mul(tau, this.q.variables[i]!)))));
    return loss;
  }

  dispose(): void {
    this.q.dispose();
    this.target.dispose();
    this.opt.dispose();
  }
}
