/**
 * Soft Q-learning for token-by-token generation with a reward at the end (Guo et al. 2021,
 * "Efficient (Soft) Q-Learning for Text Generation with Limited Good Data"), the learner RLPrompt
 * uses (Deng et al. 2022, §2.2 and App. A). One file, read top to bottom.
 *
 * The policy's logits ARE its Q-values:
 *   π(a|s) = exp(Q(s,a) − V(s)),   V(s) = logsumexp_a Q(s,a),   A(s,a) = Q(s,a) − V(s) = log π(a|s).
 * A sequence s_0, a_0, …, a_{T−1} gets rewards r_t (here: 0 until the last token, then R) and V(s_T) = 0.
 *
 * Two path-consistency (PCL) losses, V from a slowly moving target network θ̄, A from the trained θ:
 *   single-step:  ½ (−V_θ̄(s_t) + V_θ̄(s_{t+1}) + r_t − A_θ(s_t,a_t))²
 *   multi-step:   ½ (−V_θ̄(s_t) + Σ_{l≥t} r_l      − Σ_{l≥t} A_θ(s_l,a_l))²
 * The single-step loss propagates the terminal reward back one token per update (the soft Bellman
 * target); the multi-step loss hands it to every token at once, which is what makes sparse,
 * end-of-sequence rewards learnable. RLPrompt trains on a mix of both ("sql_loss_impl" mixes them).
 *
 * Also here: RLPrompt's reward stabilization, a z-score of the rewards per input (§2.3).
 */
import * as tf from '@tensorflow/tfjs';

export type SoftQMode = 'single' | 'multi' | 'mixed';

/**
 * Input-specific z-score (RLPrompt §2.3): rewards of the outputs sampled for the same input are
 * normalized by that input's mean and standard deviation, so that easy inputs (high reward for
 * every prompt) and hard ones (low for every prompt) contribute comparable learning signals.
 * Population std; a group whose rewards are all equal (or a singleton) gets zeros.
 */
export function zScoreByKey(rewards: number[], keys: string[], eps = 1e-8): number[] {
  if (rewards.length !== keys.length) throw new Error('zScoreByKey: rewards and keys differ in length');
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => groups.set(k, [...(groups.get(k) ?? []), i]));
  const out = new Array<number>(rewards.length).fill(0);
  for (const idx of groups.values()) {
    const m = idx.reduce((s, i) => s + rewards[i]!, 0) / idx.length;
    const sd = Math.sqrt(idx.reduce((s, i) => s + (rewards[i]! - m) ** 2, 0) / idx.length);
    for (const i of idx) out[i] = sd > eps ? (rewards[i]! - m) / sd : 0;
  }
  return out;
}

/** log-sum-exp of a plain row (V(s) = logsumexp Q(s,·)). */
export function logSumExp(row: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let s = 0;
  for (let i = 0; i < row.length; i++) s += Math.exp(row[i]! - max);
  return max + Math.log(s);
}

/**
 * The regression targets of both losses in plain JS, for one sequence with a terminal reward:
 * what A_θ(s_t,a_t) (single) and Σ_{l≥t} A_θ(s_l,a_l) (multi) are pulled towards. For tests and for
 * reading; `softQLoss` computes the same thing in tfjs.
 *   targetV[t] = V_θ̄(s_t) for t < T (V_θ̄(s_T) = 0).
 */
export function softQTargets(targetV: number[], reward: number): { single: number[]; multi: number[] } {
  const T = targetV.length;
  const single = targetV.map((v, t) => -v + (t + 1 < T ? targetV[t + 1]! : 0) + (t === T - 1 ? reward : 0));
  const multi = targetV.map((v) => -v + reward);
  return { single, multi };
}

/**
 * Soft Q-learning loss for a batch of sequences with terminal rewards.
 *   logits        [B, T, A]  Q_θ (differentiable)
 *   targetLogits  [B, T, A]  Q_θ̄ (computed from the target network, outside the differentiated
 *                            function, so no gradient reaches θ̄)
 *   actions       [B][T]     the tokens taken
 *   rewards       [B]        terminal rewards (already stabilized)
 * Returns the mean loss over the B·T positions (a scalar).
 */
export function softQLoss(logits: tf.Tensor3D, targetLogits: tf.Tensor3D, actions: number[][], rewards: number[], mode: SoftQMode = 'mixed'): tf.Scalar {
  return tf.tidy(() => {
    const [B, T, A] = logits.shape;
    // A_θ(s_t,a_t) = log π_θ(a_t|s_t): a one-hot mask instead of gather (tfjs-wasm lacks gather's gradient).
    const onehot = tf.oneHot(tf.tensor2d(actions, [B, T], 'int32'), A) as tf.Tensor3D;
    const adv = tf.sum(tf.mul(tf.logSoftmax(logits), onehot), -1) as tf.Tensor2D; // [B, T]
    const vBar = tf.logSumExp(targetLogits, -1) as tf.Tensor2D; // [B, T]; no variable of θ in it
    const vNext = tf.concat([vBar.slice([0, 1], [B, T - 1]), tf.zeros([B, 1])], 1); // V_θ̄(s_{t+1}), V(s_T)=0
    const r = tf.tensor2d(rewards.map((R) => Array.from({ length: T }, (_, t) => (t === T - 1 ? R : 0))), [B, T]);
    const losses: tf.Scalar[] = [];
    if (mode !== 'multi') {
      const err = tf.sub(tf.add(tf.sub(vNext, vBar), r), adv);
      losses.push(tf.mul(0.5, tf.mean(tf.square(err))));
    }
    if (mode !== 'single') {
      // Σ_{l≥t} A_θ(s_l,a_l): a reverse cumulative sum along time.
      const advToGo = tf.reverse(tf.cumsum(tf.reverse(adv, 1), 1), 1);
      const rToGo = tf.reverse(tf.cumsum(tf.reverse(r, 1), 1), 1);
      const err = tf.sub(tf.sub(rToGo, vBar), advToGo);
      losses.push(tf.mul(0.5, tf.mean(tf.square(err))));
    }
    return tf.div(tf.addN(losses), losses.length) as tf.Scalar;
  });
}

/** REINFORCE with the (stabilized) terminal reward as the return of every token, plus an entropy bonus. */
export function reinforceLoss(logits: tf.Tensor3D, actions: number[][], rewards: number[], entropyCoef = 0): tf.Scalar {
  return tf.tidy(() => {
    const [B, T, A] = logits.shape;
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.tensor2d(actions, [B, T], 'int32'), A);
    const lpTaken = tf.sum(tf.mul(logp, onehot), -1); // [B, T]
    const ret = tf.tensor2d(rewards.map((R) => new Array(T).fill(R)), [B, T]);
    const pg = tf.neg(tf.mean(tf.mul(lpTaken, ret)));
    const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1)));
    return tf.sub(pg, tf.mul(entropyCoef, entropy)) as tf.Scalar;
  });
}
