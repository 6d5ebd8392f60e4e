/**
 * GLAM's PPO on the onnxruntime trainer (core/src/trainer.ts): a GLAM policy (policy.ts, either
 * kind) as a compiled step over the LM's weights and its heads — π and V from the policy's own
 * graph (`LmPolicy.compiled()`), glam.ts `ppoStep`'s loss term for term, global-norm clipping and
 * Adam — plus a forward-only graph over the same weights for the rollout's log π and V.
 *
 * Weights are read from the policy's tfjs variables when training starts and written back by
 * `sync()` when it ends, so evaluation and export read the trained weights as before. Batches are
 * the policy's rows padded on the left to a multiple of 32 tokens (exact), and the rollout
 * evaluates its prompts in fixed chunks (the last one filled with copies of its last prompt) so a
 * run compiles a handful of graphs, not one per number of prompts.
 */
import { compile, normalizeAdvantages } from '@rlllm/core';
import { lmStep, padToBucket } from '@rlllm/core/lm/compiledLm';
import type { GlamPpoConfig, PpoMinibatch, PpoStepStats } from './glam.ts';
import type { CompiledPolicyParts, LmPolicy } from './policy.ts';

const { abs, add, cast, clip, exp, gatherElements, greater, maximum, mean, mul, neg, reshape, sub, sum, unsqueeze } = compile;

/** Prompts per forward-only run of the rollout (glam.ts evaluates 16 envs' prompts at a time). */
const EVAL_CHUNK = 8;

export class CompiledGlamPolicy {
  private readonly parts: CompiledPolicyParts;
  private readonly step: compile.CompiledStep;
  /** The LM's context length (the rows' padded length never exceeds it). */
  private readonly nPositions: number;

  constructor(
    readonly policy: LmPolicy,
    readonly cfg: Pick<GlamPpoConfig, 'adamEps' | 'clipCoef' | 'vfCoef' | 'entCoef' | 'maxGradNorm'>,
  ) {
    this.parts = policy.compiled();
    this.nPositions = this.parts.params.find((p) => p.name === 'wpe.weight')!.shape[0]!;
    this.step = lmStep({ params: this.parts.params, loss: (p, b) => this.loss(p, b), optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: cfg.adamEps }, maxGradNorm: cfg.maxGradNorm }, this.parts.readWeights());
  }

  /** No-gradient log π [B·nA] (row-major) and V [B] of the current weights, for acting. */
  async evaluate(prompts: number[][]): Promise<{ logPi: Float32Array; values: Float32Array }> {
    const nA = this.policy.nActions;
    const logPi = new Float32Array(prompts.length * nA);
    const values = new Float32Array(prompts.length);
    for (let s = 0; s < prompts.length; s += EVAL_CHUNK) {
      const part = prompts.slice(s, s + EVAL_CHUNK);
      const n = part.length;
      while (part.length < EVAL_CHUNK) part.push(part[n - 1]!);
      const out = await this.step.evaluate('policy', (p, b) => this.parts.build(p, b.ids!, b.attention!), this.feeds(part));
      logPi.set(out.logPi!.subarray(0, n * nA), s * nA);
      values.set(out.values!.subarray(0, n), s);
    }
    return { logPi, values };
  }

  /** One gradient step on a minibatch (glam.ts `ppoStep` on this trainer) at learning rate `lr`. */
  async update(mb: PpoMinibatch, lr: number): Promise<PpoStepStats> {
    const n = mb.prompts.length;
    // Advantages normalized per minibatch (CleanRL's norm_adv), as ppoStep.
    const adv = Float32Array.from(normalizeAdvantages([...mb.advantages]));
    const r = await this.step.step(
      {
        ...this.feeds(mb.prompts),
        actions: { data: Int32Array.from(mb.actions), shape: [n] },
        oldLogp: { data: Float32Array.from(mb.oldLogp), shape: [n] },
        adv: { data: adv, shape: [n] },
        ret: { data: Float32Array.from(mb.returns), shape: [n] },
      },
      lr,
    );
    const s = r.stats;
    return { policyLoss: s.policyLoss!, valueLoss: s.valueLoss!, entropy: s.entropy!, approxKl: s.approxKl!, clipFrac: s.clipFrac! };
  }

  /** Write the trained weights back into the policy's tfjs variables. */
  sync(): void {
    this.parts.writeWeights(this.step.getWeights());
  }

  async dispose(): Promise<void> {
    await this.step.dispose();
  }

  private feeds(prompts: number[][]): Record<string, compile.Feed> {
    const rows = padToBucket(this.parts.rows(prompts), this.nPositions);
    const T = rows.P + rows.L;
    return { ids: { data: rows.ids, shape: [rows.B, T] }, attention: { data: rows.attention, shape: [rows.B, T] } };
  }

  /** glam.ts `ppoStep`'s loss: clipped surrogate, ½(V − R)², minus the entropy bonus over the actions. */
  private loss(p: compile.Params, b: compile.Batch): { loss: compile.Tensor; stats: Record<string, compile.Tensor> } {
    const { clipCoef, vfCoef, entCoef } = this.cfg;
    const { logPi, values } = this.parts.build(p, b.ids!, b.attention!);
    const n = b.actions!.shape[0]!;
    const newLogp = reshape(gatherElements(logPi, unsqueeze(b.actions!, 1), 1), [n]);
    const logRatio = sub(newLogp, b.oldLogp!);
    const ratio = exp(logRatio);
    const negAdv = neg(b.adv!);
    const policyLoss = mean(maximum(mul(negAdv, ratio), mul(negAdv, clip(ratio, 1 - clipCoef, 1 + clipCoef))));
    const err = sub(values, b.ret!);
    const valueLoss = mul(mean(mul(err, err)), 0.5);
    const entropy = mean(neg(sum(mul(exp(logPi), logPi), [1])));
    const approxKl = mean(sub(sub(ratio, 1), logRatio));
    const clipFrac = mean(cast(greater(abs(sub(ratio, 1)), clipCoef), 'float32'));
    const loss = sub(add(policyLoss, mul(valueLoss, vfCoef)), mul(entropy, entCoef));
    return { loss, stats: { policyLoss, valueLoss, entropy, approxKl, clipFrac } };
  }
}

