/**
 * LM fine-tuning objectives over GPT-2 (gpt2.ts) in the compile API, term for term as lm/finetune.ts
 * (SFT, the reward model) and rl/lmPpo.ts (PPO with a value head) compute them in tfjs, so those
 * run as compiled onnxruntime steps by default (lm/compiledLm.ts builds the steps).
 *
 * Batches are lm/trainable.ts's packed sequences (left-padded prompts, right-padded responses),
 * given whole: `ids` int [B, T] and `attention` [B, T], plus per-position arrays [B, T − 1] where
 * position t concerns the token at column t + 1 (the one its logits predict) — `mask` is 1 where
 * that token is a response token. Working on all T − 1 positions with a mask, instead of slicing
 * the response columns out, makes a graph's shape depend on (B, T) alone: padding every batch to a
 * few lengths then bounds the number of compiled graphs (step.ts caches one per shape).
 *
 * Heads (a reward head, a value head) are linear d → 1 maps named `<prefix>w` [d, 1] and
 * `<prefix>b` [1], as lm/trainable.ts's `LinearHead`.
 */
import type { Tensor } from './graph.ts';
import { abs, add, cast, clip, div, exp, greater, matmul, maximum, mean, mul, neg, reshape, slice, softplus, sub, sum, unsqueeze } from './ops.ts';
import { gptForward, lmLoss, tokenLogProbs, type GptConfig } from './gpt2.ts';
import type { Batch, ParamSpec, Params } from './step.ts';

export function headParams(prefix: string, d: number): ParamSpec[] {
  return [
    { name: `${prefix}w`, shape: [d, 1] },
    { name: `${prefix}b`, shape: [1] },
  ];
}

/** hidden [..., d] → [...] through the head `prefix`. */
export function applyHead(p: Params, prefix: string, hidden: Tensor): Tensor {
  const d = hidden.shape[hidden.rank - 1]!;
  const flat = add(matmul(reshape(hidden, [-1, d]), p[`${prefix}w`]!), p[`${prefix}b`]!);
  return reshape(flat, hidden.shape.slice(0, -1));
}

/** The parameters named `<prefix><name>`, under their names without the prefix (a second GPT-2 in one graph). */
export function unprefixed(p: Params, prefix: string): Params {
  return Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** The GPT-2 forward of a packed batch (attention mask: left padding). */
function forward(p: Params, c: GptConfig, b: Batch) {
  return gptForward(p, c, b.ids!, { attentionMask: b.attention });
}

/** SFT (lm/finetune.ts `sftLoss`): mean −log p(response token) over the response tokens. */
export function sftObjective(p: Params, c: GptConfig, b: Batch): Tensor {
  return lmLoss(forward(p, c, b).logits, b.ids!, b.mask);
}

/**
 * r(x, y) [B] (lm/finetune.ts `RewardModel.rewards`): the final hidden state at each row's last real
 * token — `pick` [B, T] is 1 at that column — through the head `head.`.
 */
export function rewards(p: Params, c: GptConfig, b: Batch): Tensor {
  const { hidden } = forward(p, c, b);
  const last = sum(mul(hidden, unsqueeze(b.pick!, 2)), [1]); // [B, d]
  return applyHead(p, 'head.', last);
}

/**
 * The pairwise reward-model loss (lm/finetune.ts `bradleyTerryLoss`) on a batch of n chosen rows
 * followed by n rejected rows: mean softplus(r_rejected − r_chosen), or with soft labels `pChosen`
 * [n] the cross-entropy p·softplus(r_r − r_c) + (1 − p)·softplus(r_c − r_r).
 */
export function rewardModelObjective(p: Params, c: GptConfig, b: Batch): Tensor {
  const r = rewards(p, c, b);
  const n = r.shape[0]! / 2;
  const [rc, rr] = [slice(r, [0], [n]), slice(r, [n], [2 * n])];
  const hard = softplus(sub(rr, rc));
  if (!b.pChosen) return mean(hard);
  return mean(add(mul(hard, b.pChosen), mul(softplus(sub(rc, rr)), sub(1, b.pChosen))));
}

/**
 * Per-position log-probs [B, T − 1] of the policy (`logp`) and its value estimates (`values`): the
 * value head `valueHead.` on the hidden state that predicts each token — the policy's own, or with
 * `valueModel` a second GPT-2 whose parameters are named `value.<name>` (lm/trainable.ts's
 * `ValueModel`, rl/lmPpo.ts).
 */
export function policyAndValues(p: Params, c: GptConfig, b: Batch, valueModel: boolean): { logp: Tensor; values: Tensor } {
  const out = forward(p, c, b);
  const [B, T] = b.ids!.shape as [number, number];
  const hidden = valueModel ? forward(unprefixed(p, 'value.'), c, b).hidden : out.hidden;
  const values = applyHead(p, 'valueHead.', slice(hidden, [0, 0, 0], [B, T - 1, c.nEmbd]));
  return { logp: tokenLogProbs(out.logits, b.ids!), values };
}

export interface LmPpoLossConfig {
  clipCoef: number;
  vfCoef: number;
}

/**
 * rl/lmPpo.ts's minibatch loss, term for term: the clipped surrogate on token ratios and the value
 * loss, each averaged over the minibatch's response tokens (`mask`), given the rollout's `oldLogp`,
 * advantages `adv` and returns `ret` [B, T − 1] (zero off the response tokens); plus the statistics
 * it logs (clip fraction, approx KL (r − 1) − log r).
 */
export function lmPpoObjective(p: Params, c: GptConfig, b: Batch, cfg: LmPpoLossConfig, valueModel: boolean): { loss: Tensor; stats: Record<string, Tensor> } {
  const { logp, values } = policyAndValues(p, c, b, valueModel);
  const m = b.mask!;
  const n = maximum(sum(m), 1);
  const overTokens = (x: Tensor) => div(sum(mul(x, m)), n);
  const logRatio = mul(sub(logp, b.oldLogp!), m);
  const ratio = exp(logRatio);
  const pg1 = neg(mul(b.adv!, ratio));
  const pg2 = neg(mul(b.adv!, clip(ratio, 1 - cfg.clipCoef, 1 + cfg.clipCoef)));
  const policyLoss = overTokens(maximum(pg1, pg2));
  const err = sub(values, b.ret!);
  const valueLoss = mul(overTokens(mul(err, err)), 0.5);
  const clipFrac = overTokens(cast(greater(abs(sub(ratio, 1)), cfg.clipCoef), 'float32'));
  const approxKl = overTokens(sub(sub(ratio, 1), logRatio));
  return { loss: add(policyLoss, mul(valueLoss, cfg.vfCoef)), stats: { policyLoss, valueLoss, clipFrac, approxKl } };
}
