/**
 * Success rate of a policy on fresh BabyAI-Text episodes — the measure of GLAM's Fig. 2 and of its
 * generalization tests (§4): the same episodes (room seeds) for every policy, so differences are the
 * policies', not the rooms'.
 *
 * The policy is *sampled* (a ~ π(· | s)), as during training: the zero-shot LM's argmax is "go
 * forward" in almost every state (README), so greedy evaluation would measure a single action, not
 * the policy. Each episode draws its actions from its own Rng (seeded by the episode), so two
 * implementations of the same π — tfjs and transformers.js — draw the same actions wherever their
 * probabilities agree, and their trajectories can be compared step by step.
 */
import { Rng, type LanguageModel } from '@rlllm/core';
import { BabyAIText, type BabyAITextOptions, type BabyaiSplit } from '@rlllm/env';
import { ACTION_CONTINUATIONS, glamPrompt, type LmPolicy } from './policy.ts';

/** log π(· | state) for a batch of envs (one row of nActions log-probs per env). */
export type PolicyFn = (envs: BabyAIText[]) => Promise<Float64Array[]>;

export interface EvalEpisode {
  success: boolean;
  length: number;
  actions: number[];
}

export interface EvalResult {
  success: number;
  meanLength: number;
  episodes: EvalEpisode[];
}

export interface EvalOptions {
  split: BabyaiSplit;
  episodes: number;
  /** Episode e uses room seed `seed + e` and action Rng `seed + e`. */
  seed: number;
  env: Omit<BabyAITextOptions, 'targets'>;
}

/** Run `episodes` episodes in lockstep (so batched policies score all live envs at once). */
export async function evaluateSuccess(policy: PolicyFn, o: EvalOptions): Promise<EvalResult> {
  const envs = Array.from({ length: o.episodes }, () => new BabyAIText({ ...o.env, targets: o.split }));
  envs.forEach((env, e) => env.reset({ seed: o.seed + e }));
  const rngs = envs.map((_, e) => new Rng(o.seed + e));
  const eps: EvalEpisode[] = envs.map(() => ({ success: false, length: 0, actions: [] }));
  let live = envs.map((_, e) => e);
  while (live.length) {
    const logPi = await policy(live.map((e) => envs[e]!));
    const next: number[] = [];
    live.forEach((e, j) => {
      const a = rngs[e]!.categorical(Array.from(logPi[j]!, Math.exp));
      const r = envs[e]!.step(a);
      const ep = eps[e]!;
      ep.actions.push(a);
      ep.length++;
      if (r.terminated) ep.success = true;
      if (!(r.terminated || r.truncated)) next.push(e);
    });
    live = next;
  }
  return {
    success: eps.filter((e) => e.success).length / eps.length,
    meanLength: eps.reduce((s, e) => s + e.length, 0) / eps.length,
    episodes: eps,
  };
}

/** The tfjs policy (the weights being trained), batched over envs. */
export function tfjsPolicy(policy: LmPolicy, chunk = 8): PolicyFn {
  const nA = policy.nActions;
  return async (envs) => {
    const { logPi } = await policy.evaluate(policy.encode(envs.map(glamPrompt)), chunk);
    return envs.map((_, i) => Float64Array.from(logPi.subarray(i * nA, (i + 1) * nA)));
  };
}

/**
 * The same policy through transformers.js (ONNX Runtime): `lm.logProb(prompt, [" turn left", …])`
 * gives log p_LM(action | prompt) for the six actions; π is their softmax, exactly as in policy.ts.
 */
export function transformersPolicy(lm: LanguageModel, prompt: (env: BabyAIText) => string = glamPrompt): PolicyFn {
  return async (envs) => {
    const out: Float64Array[] = [];
    for (const env of envs) out.push(logSoftmax(await lm.logProb(prompt(env), ACTION_CONTINUATIONS)));
    return out;
  };
}

export function logSoftmax(xs: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]!);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i]! - m);
  const lse = m + Math.log(s);
  return Float64Array.from(xs, (x) => x - lse);
}
