/**
 * RLPrompt (Deng et al. 2022) on a few-shot sentiment task, read top to bottom like the paper's
 * method section (§2) and its evaluation (§3.1):
 *
 *   §2.1  Discrete prompt optimization as RL: a prompt z = (z_1..z_K) is generated token by token by
 *         a policy π_θ; the frozen task LM, used as a black box, turns [z] [x] "It was" into verbalizer
 *         scores, and the reward R(x, z) says how well the prompt made it classify.
 *   §2.2  The policy is a frozen LM with a small trainable MLP (policy.ts); it is trained with soft
 *         Q-learning (core rl/softq.ts), whose Q-values are the policy's logits.
 *   §2.3  Reward engineering: the piecewise "gap" reward (classifier.ts) and input-specific z-score
 *         stabilization (core rl/softq.ts `zScoreByKey`).
 *   §3.1  The final prompt is chosen on the validation (dev) set; test is only reported, against no
 *         prompt, a manual prompt and random prompts of the same words; learned prompts also transfer
 *         to another LM ("prompts transfer across LMs").
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { mean, type Rng } from '@rlllm/core';
import { zScoreByKey } from '@rlllm/core/rl/softq';
import type { LanguageModel } from '@rlllm/core';
import { predict, promptReward, type Scored, type VerbalizerClassifier } from './classifier.ts';
import type { Example } from './data.ts';
import { PromptPolicy } from './policy.ts';

export const RLPromptConfig = z.object({
  promptLength: z.number().int().min(1).max(8).default(3).describe('K: words per learned prompt'),
  vocabSize: z.number().int().min(2).max(1000).default(200).describe('candidate words (most frequent corpus words)'),
  steps: z.number().int().min(1).default(50).describe('RL training steps (one batch of sampled prompts and one policy update each)'),
  promptsPerStep: z.number().int().min(2).default(16).describe('prompts sampled per step'),
  examplesPerStep: z.number().int().min(2).max(32).default(16).describe('training examples (class-balanced) each prompt is scored on per step'),
  hidden: z.array(z.number().int().min(4)).default([64]).describe('hidden layer sizes of the policy MLP'),
  learningRate: z.number().gt(0).default(0.01).describe('Adam learning rate of the policy MLP'),
  sqlMode: z.enum(['single', 'multi', 'mixed']).default('mixed').describe('soft-Q loss: single-step, multi-step PCL, or their mean (RLPrompt)'),
  targetUpdate: z.number().gt(0).max(1).default(0.1).describe('Polyak rate of the target Q-network'),
  rewardScale: z.number().gt(0).default(10).describe('multiplier on the z-scored reward (inverse soft-Q temperature)'),
  entropyCoef: z.number().min(0).default(0.01).describe('entropy bonus (REINFORCE only)'),
  finalists: z.number().int().min(1).default(4).describe('prompts compared on dev at the end: the greedy one plus the best-rewarded sampled ones'),
  randomPrompts: z.number().int().min(1).default(8).describe('random K-word prompts per seed for the baseline'),
  reinforce: z.boolean().default(false).describe('also train with REINFORCE (variant rlprompt-reinforce)'),
});
export type RLPromptConfig = z.infer<typeof RLPromptConfig> & { algo: 'sql' | 'reinforce' };

export interface StepRecord {
  step: number;
  /** Mean raw (unnormalized) reward of the prompts sampled this step. */
  reward: number;
  /** Mean accuracy of the sampled prompts on this step's training batch. */
  trainAccuracy: number;
  loss: number;
  /** Entropy of π at the first prompt position (nats; log N at the start). */
  entropy: number;
  bestPrompt: string;
}

export interface RLPromptResult {
  prompt: string;
  greedyPrompt: string;
  finalists: { prompt: string; devAccuracy: number; devReward: number; trainReward: number }[];
  history: StepRecord[];
}

/** A class-balanced random batch of training examples (the few-shot minibatch). */
export function balancedBatch(train: Example[], size: number, rng: Rng): Example[] {
  const byLabel = [train.filter((e) => e.label === 'positive'), train.filter((e) => e.label === 'negative')];
  const per = Math.max(1, Math.floor(size / 2));
  return byLabel.flatMap((xs) => {
    const idx = rng.permutation(xs.length);
    return Array.from(idx.slice(0, Math.min(per, xs.length)), (i) => xs[i]!);
  });
}

export async function trainRLPrompt(
  featureLm: LanguageModel,
  clf: VerbalizerClassifier,
  vocab: string[],
  data: { train: Example[]; dev: Example[] },
  cfg: RLPromptConfig,
  rng: Rng,
  onStep?: (r: StepRecord) => void,
): Promise<RLPromptResult> {
  // `rng` sets the policy's initialization, the prompt sampling and the training minibatches.
  const policy = await PromptPolicy.for(featureLm, vocab, cfg, rng.fork());
  const history: StepRecord[] = [];
  const seen = new Map<string, { sum: number; n: number; step: number }>(); // prompt → training rewards

  for (let step = 1; step <= cfg.steps; step++) {
    // §2.1: sample prompts z ~ π_θ, K tokens each.
    const actions = await policy.sample(cfg.promptsPerStep, rng);
    const prompts = actions.map((a) => policy.text(a));

    // §2.3: score each prompt on a batch of training inputs through the frozen LM (black box)
    // and average RLPrompt's piecewise gap reward over the batch.
    const batch = balancedBatch(data.train, cfg.examplesPerStep, rng);
    const scored = await Promise.all(prompts.map(async (p) => promptReward(await clf.margins(p, batch))));
    const rewards = scored.map((s) => s.reward);
    prompts.forEach((p, i) => {
      const s = seen.get(p) ?? { sum: 0, n: 0, step };
      seen.set(p, { sum: s.sum + rewards[i]!, n: s.n + 1, step });
    });

    // §2.3 reward stabilization: z-score the rewards per input. A classification prompt does not
    // depend on the sentence (the policy's input is empty), so every prompt sampled this step
    // shares the one input and is normalized against the others, as in RLPrompt's code.
    const z = zScoreByKey(rewards, prompts.map(() => '')).map((r) => r * cfg.rewardScale);

    // §2.2: one soft Q-learning (or REINFORCE) update of the MLP on these sequences.
    const loss = await policy.update(actions, z);

    const best = rewards.indexOf(Math.max(...rewards));
    const rec: StepRecord = { step, reward: mean(rewards), trainAccuracy: mean(scored.map((s) => s.accuracy)), loss, entropy: await policy.firstStepEntropy(), bestPrompt: prompts[best]! };
    history.push(rec);
    onStep?.(rec);
  }

  // §3.1: pick the final prompt on the dev set among the greedy prompt of the final policy and the
  // prompts with the highest mean training reward sampled in the second half of training.
  const greedyPrompt = policy.text(await policy.greedy());
  const late = [...seen.entries()].filter(([, s]) => s.step > cfg.steps / 2).sort((a, b) => b[1].sum / b[1].n - a[1].sum / a[1].n);
  const candidates = [greedyPrompt, ...late.map(([p]) => p).filter((p) => p !== greedyPrompt)].slice(0, cfg.finalists);
  const finalists = [];
  for (const p of candidates) {
    const dev = promptReward(await clf.margins(p, data.dev));
    const tr = promptReward(await clf.margins(p, data.train));
    finalists.push({ prompt: p, devAccuracy: dev.accuracy, devReward: dev.reward, trainReward: tr.reward });
  }
  const chosen = [...finalists].sort((a, b) => b.devAccuracy - a.devAccuracy || b.devReward - a.devReward)[0]!;
  policy.dispose();
  return { prompt: chosen.prompt, greedyPrompt, finalists, history };
}

// ── §3.1 Evaluation: test accuracy of a prompt, and the baselines' prompts ─────────────────────

/** Written before any result was seen: the corpus's own review format starts with "Review:". */
export const MANUAL_PROMPT = 'Review:';

export interface PromptEval {
  prompt: string;
  accuracy: number;
  /** Share of test sentences called positive (the LM's " great" bias). */
  positiveRate: number;
  /** ROC AUC of the margin: how well the prompt lets the LM rank positives above negatives, at any threshold. */
  auc: number;
}

/** P(margin of a random positive > margin of a random negative): the ceiling any bias shift can reach. */
export function rocAuc(s: Scored[]): number {
  const pos = s.filter((x) => x.label === 'positive').map((x) => x.margin);
  const neg = s.filter((x) => x.label === 'negative').map((x) => x.margin);
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

export async function evaluatePrompt(clf: VerbalizerClassifier, prompt: string, examples: Example[]): Promise<PromptEval> {
  const s = await clf.margins(prompt, examples);
  return { prompt, accuracy: promptReward(s).accuracy, positiveRate: mean(s.map((x) => (predict(x.margin) === 'positive' ? 1 : 0))), auc: rocAuc(s) };
}

/** A random K-word prompt from the candidate words (the random-prompt baseline). */
export function randomPrompt(vocab: string[], k: number, rng: Rng): string {
  return Array.from({ length: k }, () => vocab[rng.int(vocab.length)]!).join(' ');
}

/** Default second LM for transfer (a different architecture, tokenizer and training corpus). */
export const DEFAULT_TRANSFER_MODEL = path.resolve(fileURLToPath(new URL('../../../../shared/models/karpathy/stories260K', import.meta.url)));
