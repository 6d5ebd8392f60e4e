/**
 * The GLAM policy (Carta et al. 2023, §3.2): the language model *is* the policy.
 *
 *   prompt p   = "Goal of the agent: <mission>. Observation: <sentences> Next action:"
 *   score(a)   = log p_LM(" <action name>" | p) = Σ_k log p_LM(a_k | p, a_<k)     (the action's tokens)
 *   π(a | p)   = softmax_a score(a)                                              (normalized over the 6 actions)
 *   V(p)       = w·h_last(p) + b                                                 (value head on the LM)
 *
 * Exactness with less compute. Scoring naively takes one row "prompt + action" per action (6 rows).
 * Under a causal mask the prompt's columns do not depend on what follows, and a row "prompt + t₁"
 * already gives the full next-token distribution after the prompt (at its last prompt column) and
 * after t₁ (at t₁'s column). So it suffices to run one row per *maximal proper prefix* of the
 * action token sequences: the six names tokenize as [turn, left], [turn, right], [go, forward],
 * [pick, up], [drop], [toggle] → three rows (prompt+turn, prompt+go, prompt+pick), each one token
 * longer than the prompt — about half the tokens of the naive six rows. `ActionScorer` builds those
 * rows and a constant 0/1 matrix that picks and sums each action's token log-probs out of the
 * log-softmaxed columns; the test checks the result against the naive per-action sequences.
 *
 * The value head reads the final hidden state of the prompt's last token (a causal LM's summary of
 * the prompt; GLAM puts its value head on the LM's output for the prompt). It is the same in every
 * row of a prompt, so row 0's is used.
 *
 * Each policy also describes itself in core's compile API (`compiled`: its parameters, the same π
 * and V as a graph), which the onnxruntime trainer of glam.ts runs (compiledPolicy.ts).
 */
import { compile, LinearHead, orthogonal, packSequences, tf, type LmTokenizer, type Rng, type SequenceBatch, type TrainableLm } from '@rlllm/core';
import { gptConfigOf, headVars, readWeights, writeWeights } from '@rlllm/core/lm/compiledLm';
import { BABYAI_ACTIONS, babyaiPrompt, type BabyAIText } from '@rlllm/env';
import { mm } from '@rlllm/tiny-lm';

/** The continuation scored for each action: " turn left", … (the corpus writes "Next action: turn left."). */
export const ACTION_CONTINUATIONS = BABYAI_ACTIONS.map((a) => ` ${a}`);

/**
 * The prompt GLAM's LM reads for the env's current state — the corpus' headerless form (the
 * "Possible actions of the agent: …" header was measured to make the zero-shot LM worse; README).
 */
export function glamPrompt(env: BabyAIText): string {
  const { mission, sentences } = env.textParts();
  return babyaiPrompt(mission, sentences, null);
}

export class ActionScorer {
  /** Token ids of each action's continuation. */
  readonly actionIds: number[][];
  /** Response tokens of each row per prompt (the maximal proper prefixes of the action sequences). */
  readonly rowResponses: number[][];
  /** Response width (longest row response). */
  readonly L: number;
  /** [R·(L+1)·V, nActions] 0/1: which (row, column, token) log-probs make up each action's score. */
  private readonly select: tf.Tensor2D;
  /** The same matrix as plain data (a constant of the compiled graph). */
  readonly selectData: Float32Array;

  constructor(
    tokenizer: Pick<LmTokenizer, 'encode'>,
    readonly vocabSize: number,
    readonly nPositions: number,
    continuations: readonly string[] = ACTION_CONTINUATIONS,
  ) {
    this.actionIds = continuations.map((c) => tokenizer.encode(c));
    if (this.actionIds.some((t) => t.length === 0)) throw new Error('ActionScorer: an action encodes to no tokens');
    const key = (t: number[]) => t.join(',');
    // Every proper prefix t[0..k), k ≥ 1, needs the logits after it; the empty prefix is served by the
    // prompt's last column, present in every row.
    const needed = new Map<string, number[]>();
    for (const t of this.actionIds) for (let k = 1; k < t.length; k++) needed.set(key(t.slice(0, k)), t.slice(0, k));
    const isProperPrefix = (a: number[], b: number[]) => a.length < b.length && a.every((x, i) => x === b[i]);
    const rows = [...needed.values()].filter((p) => ![...needed.values()].some((q) => isProperPrefix(p, q)));
    // All actions single-token: one row; its response token is never read.
    this.rowResponses = rows.length ? rows : [[this.actionIds[0]![0]!]];
    this.L = Math.max(...this.rowResponses.map((r) => r.length));
    const R = this.rowResponses.length;
    const V = vocabSize;
    const nA = this.actionIds.length;
    const sel = new Float32Array(R * (this.L + 1) * V * nA);
    this.actionIds.forEach((t, a) => {
      for (let k = 0; k < t.length; k++) {
        // A row whose response starts with t[0..k) holds, at its column P−1+k, the distribution of t[k].
        const r = k === 0 ? 0 : this.rowResponses.findIndex((resp) => resp.length >= k && t.slice(0, k).every((x, i) => x === resp[i]));
        if (r < 0) throw new Error(`ActionScorer: no row covers prefix ${t.slice(0, k)}`);
        sel[((r * (this.L + 1) + k) * V + t[k]!) * nA + a] = 1;
      }
    });
    this.select = tf.tensor2d(sel, [R * (this.L + 1) * V, nA]);
    this.selectData = sel;
  }

  get nActions(): number {
    return this.actionIds.length;
  }

  get rowsPerPrompt(): number {
    return this.rowResponses.length;
  }

  /** Rows for B prompts: prompt b's rows are b·R … b·R+R−1. */
  batch(prompts: number[][]): SequenceBatch {
    const R = this.rowsPerPrompt;
    return packSequences(
      prompts.flatMap((p) => Array.from({ length: R }, () => p)),
      prompts.flatMap(() => this.rowResponses),
      this.nPositions,
    );
  }

  /**
   * Differentiable scores: log p_LM(action | prompt) [B, nActions] (unnormalized over actions) and
   * the prompt's last hidden state [B, d]. Call inside tf.tidy or a gradient function.
   */
  scores(lm: TrainableLm, batch: SequenceBatch): { scores: tf.Tensor2D; lastHidden: tf.Tensor2D } {
    const R = this.rowsPerPrompt;
    const { P, L } = batch;
    const rows = batch.B;
    const B = rows / R;
    const T = P + L;
    const V = this.vocabSize;
    const ids = tf.tensor2d(batch.ids, [rows, T], 'int32');
    const mask = tf.tensor2d(batch.attention, [rows, T]);
    const { logits, hidden } = lm.forward(ids, { attentionMask: mask });
    // Columns P−1 … P+L−1: the distributions after the prompt and after each response token.
    const cols = tf.logSoftmax(logits.slice([0, P - 1, 0], [rows, L + 1, V]));
    if (L !== this.L) throw new Error('ActionScorer.scores: the batch was not built by this scorer');
    // mm: tiny-lm's matmul whose gradient avoids tfjs-wasm's slow transposed-operand kernel.
    const scores = mm(cols.reshape([B, R * (L + 1) * V]), this.select) as tf.Tensor2D;
    const d = hidden.shape[2];
    const lastHidden = hidden.slice([0, P - 1, 0], [rows, 1, d]).reshape([B, R, d]).slice([0, 0, 0], [B, 1, d]).reshape([B, d]) as tf.Tensor2D;
    return { scores, lastHidden };
  }

  /**
   * `scores` in the compile API, from the final hidden states of a batch this scorer built (padded
   * on the left, so P = T − L): the same columns, log-softmax and selection. The logits are formed
   * for those L + 1 columns only (tied head, h · wteᵀ), not for the whole sequence.
   */
  compiledScores(p: compile.Params, hidden: compile.Tensor): { scores: compile.Tensor; lastHidden: compile.Tensor } {
    const { reshape, slice, matmul, transpose, logSoftmax } = compile;
    const [rows, T, d] = hidden.shape as [number, number, number];
    const R = this.rowsPerPrompt;
    const B = rows / R;
    const { L, vocabSize: V } = this;
    const P = T - L;
    const cols = slice(hidden, [0, P - 1, 0], [rows, P + L, d]); // [rows, L + 1, d]
    const logits = reshape(matmul(reshape(cols, [rows * (L + 1), d]), transpose(p['wte.weight']!)), [rows, L + 1, V]);
    const select = hidden.graph.constant(this.selectData, [R * (L + 1) * V, this.nActions]);
    const scores = matmul(reshape(logSoftmax(logits), [B, R * (L + 1) * V]), select);
    const lastHidden = reshape(slice(reshape(slice(cols, [0, 0, 0], [rows, 1, d]), [B, R, d]), [0, 0, 0], [B, 1, d]), [B, d]);
    return { scores, lastHidden };
  }

  dispose(): void {
    this.select.dispose();
  }
}

/**
 * A policy in core's compile API, for the onnxruntime trainer (compiledPolicy.ts): its parameters
 * (the LM's, named as core's gptParams, and the heads'), their current values in the tfjs
 * variables and the way back, the rows a batch of prompts needs, and π and V as a graph.
 */
export interface CompiledPolicyParts {
  params: compile.ParamSpec[];
  readWeights(): compile.Weights;
  writeWeights(w: compile.Weights): void;
  /** The rows of B prompts (left-padded prompts, right-padded responses). */
  rows(prompts: number[][]): SequenceBatch;
  /** log π [B, nA] and V [B] from the rows' ids and attention mask [rows, T]. */
  build(p: compile.Params, ids: compile.Tensor, attention: compile.Tensor): { logPi: compile.Tensor; values: compile.Tensor };
}

/** What GLAM's PPO (glam.ts) and the evaluation need of a policy over the actions. */
export interface LmPolicy {
  readonly nActions: number;
  /** Every trainable variable (the LM's and the heads'). */
  readonly variables: tf.Variable[];
  encode(prompts: string[]): number[][];
  /** Differentiable log π(a | p) [B, nA] and V(p) [B]. */
  forward(prompts: number[][], chunk?: number): { logPi: tf.Tensor2D; values: tf.Tensor1D };
  /** No-gradient log π [B·nA] (row-major) and V [B], for acting. */
  evaluate(prompts: number[][], chunk?: number): Promise<{ logPi: Float32Array; values: Float32Array }>;
  /** The same policy for the onnxruntime trainer. */
  compiled(): CompiledPolicyParts;
  dispose(): void;
}

/** π(· | p) and V(p) from the LM, the scorer and a value head. */
export class GlamPolicy implements LmPolicy {
  readonly valueHead: LinearHead;

  constructor(
    readonly lm: TrainableLm,
    readonly scorer: ActionScorer,
    readonly tokenizer: Pick<LmTokenizer, 'encode'>,
  ) {
    this.valueHead = new LinearHead(lm.config.nEmbd);
  }

  get nActions(): number {
    return this.scorer.nActions;
  }

  /** Trainable variables: every LM weight and the value head (GLAM fine-tunes the whole LM). */
  get variables(): tf.Variable[] {
    return [...this.lm.params.values(), ...this.valueHead.variables];
  }

  encode(prompts: string[]): number[][] {
    return prompts.map((p) => this.tokenizer.encode(p));
  }

  /**
   * Differentiable log π(a | p) [B, nA] (log-softmax over the actions) and V(p) [B], in the given
   * order. The prompts run in chunks of `chunk`, so callers that sort them by length (lengthOrder)
   * pad each chunk only to its own longest prompt — the same numbers as one big padded batch, with
   * ~40% fewer tokens through the LM (prompts span 20–76 tokens).
   */
  forward(prompts: number[][], chunk = 8): { logPi: tf.Tensor2D; values: tf.Tensor1D } {
    const logPi: tf.Tensor2D[] = [];
    const values: tf.Tensor1D[] = [];
    for (let s = 0; s < prompts.length; s += chunk) {
      const { scores, lastHidden } = this.scorer.scores(this.lm, this.scorer.batch(prompts.slice(s, s + chunk)));
      logPi.push(tf.logSoftmax(scores) as tf.Tensor2D);
      values.push(this.valueHead.apply(lastHidden) as tf.Tensor1D);
    }
    return { logPi: tf.concat(logPi, 0), values: tf.concat(values, 0) };
  }

  evaluate(prompts: number[][], chunk = 8): Promise<{ logPi: Float32Array; values: Float32Array }> {
    return evaluateSorted(this, prompts, chunk);
  }

  compiled(): CompiledPolicyParts {
    const c = gptConfigOf(this.lm);
    return {
      params: [...compile.gptParams(c), ...compile.headParams('valueHead.', c.nEmbd)],
      readWeights: () => new Map([...readWeights(this.lm.params), ...readWeights(headVars(this.valueHead), 'valueHead.')]),
      writeWeights: (w) => (writeWeights(this.lm.params, w), writeWeights(headVars(this.valueHead), w, 'valueHead.')),
      rows: (prompts) => this.scorer.batch(prompts),
      build: (p, ids, attention) => {
        const { hidden } = compile.gptForward(p, c, ids, { attentionMask: attention });
        const { scores, lastHidden } = this.scorer.compiledScores(p, hidden);
        return { logPi: compile.logSoftmax(scores), values: compile.applyHead(p, 'valueHead.', lastHidden) };
      },
    };
  }

  dispose(): void {
    this.valueHead.dispose();
  }
}

/**
 * GLAM's non-pretrained ablation with action heads ("NPAE", the official `use_action_heads=true,
 * pretrained=false`): the same network from random weights, but π does not score the action names
 * with the LM — a linear head over the six actions reads the prompt's last hidden state, and PPO
 * trains the LM and the head. Scoring names with a random LM would start two-token actions several
 * nats less likely, a prior about action-name length rather than the absence of pretraining; the
 * head starts near uniform (orthogonal, gain 0.01, as CleanRL's policy output layer).
 */
export class ActionHeadPolicy implements LmPolicy {
  readonly valueHead: LinearHead;
  readonly actionW: tf.Variable;
  readonly actionB: tf.Variable;

  constructor(
    readonly lm: TrainableLm,
    readonly tokenizer: Pick<LmTokenizer, 'encode'>,
    readonly nActions: number,
    rng: Rng,
  ) {
    const d = lm.config.nEmbd;
    this.valueHead = new LinearHead(d);
    this.actionW = tf.variable(tf.tensor2d(orthogonal(d, nActions, 0.01, rng), [d, nActions]), true);
    this.actionB = tf.variable(tf.zeros([nActions]), true);
  }

  get variables(): tf.Variable[] {
    return [...this.lm.params.values(), this.actionW, this.actionB, ...this.valueHead.variables];
  }

  encode(prompts: string[]): number[][] {
    return prompts.map((p) => this.tokenizer.encode(p));
  }

  forward(prompts: number[][], chunk = 8): { logPi: tf.Tensor2D; values: tf.Tensor1D } {
    const logPi: tf.Tensor2D[] = [];
    const values: tf.Tensor1D[] = [];
    for (let s = 0; s < prompts.length; s += chunk) {
      const part = prompts.slice(s, s + chunk);
      // Left-padded prompts with a one-token dummy response: column P−1 is every prompt's last token.
      const batch = packSequences(part, part.map(() => [0]), this.lm.config.nPositions);
      const T = batch.P + batch.L;
      const { hidden } = this.lm.forward(tf.tensor2d(batch.ids, [batch.B, T], 'int32'), { attentionMask: tf.tensor2d(batch.attention, [batch.B, T]) });
      const d = hidden.shape[2];
      const last = hidden.slice([0, batch.P - 1, 0], [batch.B, 1, d]).reshape([batch.B, d]) as tf.Tensor2D;
      logPi.push(tf.logSoftmax(last.matMul(this.actionW).add(this.actionB)) as tf.Tensor2D);
      values.push(this.valueHead.apply(last) as tf.Tensor1D);
    }
    return { logPi: tf.concat(logPi, 0), values: tf.concat(values, 0) };
  }

  evaluate(prompts: number[][], chunk = 8): Promise<{ logPi: Float32Array; values: Float32Array }> {
    return evaluateSorted(this, prompts, chunk);
  }

  compiled(): CompiledPolicyParts {
    const c = gptConfigOf(this.lm);
    const heads = (): [string, tf.Variable][] => [['actionHead.w', this.actionW], ['actionHead.b', this.actionB], ...headVars(this.valueHead).map(([k, v]): [string, tf.Variable] => [`valueHead.${k}`, v])];
    return {
      params: [...compile.gptParams(c), { name: 'actionHead.w', shape: [c.nEmbd, this.nActions] }, { name: 'actionHead.b', shape: [this.nActions] }, ...compile.headParams('valueHead.', c.nEmbd)],
      readWeights: () => new Map([...readWeights(this.lm.params), ...readWeights(heads())]),
      writeWeights: (w) => (writeWeights(this.lm.params, w), writeWeights(heads(), w)),
      // Left-padded prompts with a one-token dummy response, as `forward`.
      rows: (prompts) => packSequences(prompts, prompts.map(() => [0]), this.lm.config.nPositions),
      build: (p, ids, attention) => {
        const { hidden } = compile.gptForward(p, c, ids, { attentionMask: attention });
        const [B, T, d] = hidden.shape as [number, number, number];
        const last = compile.reshape(compile.slice(hidden, [0, T - 2, 0], [B, T - 1, d]), [B, d]); // column P − 1 (L = 1)
        const logits = compile.add(compile.matmul(last, p['actionHead.w']!), p['actionHead.b']!);
        return { logPi: compile.logSoftmax(logits), values: compile.applyHead(p, 'valueHead.', last) };
      },
    };
  }

  dispose(): void {
    this.valueHead.dispose();
    this.actionW.dispose();
    this.actionB.dispose();
  }
}

/** No-gradient log π [B·nA] (row-major, in the prompts' order) and V [B]: prompts run sorted by length, so chunks pad little. */
async function evaluateSorted(policy: Pick<LmPolicy, 'nActions' | 'forward'>, prompts: number[][], chunk: number): Promise<{ logPi: Float32Array; values: Float32Array }> {
  const nA = policy.nActions;
  const order = lengthOrder(prompts);
  const [lp, v] = tf.tidy(() => {
    const out = policy.forward(order.map((i) => prompts[i]!), chunk);
    return [out.logPi, out.values];
  });
  const sortedLogPi = (await lp!.data()) as Float32Array;
  const sortedValues = (await v!.data()) as Float32Array;
  tf.dispose([lp!, v!]);
  const logPi = new Float32Array(prompts.length * nA);
  const values = new Float32Array(prompts.length);
  order.forEach((i, j) => {
    logPi.set(sortedLogPi.subarray(j * nA, (j + 1) * nA), i * nA);
    values[i] = sortedValues[j]!;
  });
  return { logPi, values };
}

/** Indices of `prompts` sorted by token length (stable: ties keep their order). */
export function lengthOrder(prompts: number[][]): number[] {
  return prompts.map((_, i) => i).sort((a, b) => prompts[a]!.length - prompts[b]!.length || a - b);
}
