/**
 * RLPrompt (Deng et al. 2022) on a few-shot sentiment task, read top to bottom like the paper's
 * method section (§2):
 *
 *   §2.1  Discrete prompt optimization as RL: a prompt z = (z_1..z_K) is generated token by token by
 *         a policy π_θ; the frozen task LM, used as a black box, turns [z] [x] "It was" into verbalizer
 *         scores, and the reward R(x, z) says how well the prompt made it classify.
 *   §2.2  The policy is a frozen LM with a small trainable MLP (policy.ts); it is trained with soft
 *         Q-learning (core rl/softq.ts), whose Q-values are the policy's logits.
 *   §2.3  Reward engineering: the piecewise "gap" reward (classifier.ts) and input-specific z-score
 *         stabilization (core rl/softq.ts `zScoreByKey`).
 *   §3.1  The final prompt is chosen on the validation (dev) set; test is only reported.
 */
import { mean, Rng } from '@rlllm/core';
import { zScoreByKey } from '@rlllm/core/rl/softq';
import type { LanguageModel } from '@rlllm/core';
import { promptReward, type VerbalizerClassifier } from './classifier.ts';
import type { Example } from './data.ts';
import { PromptPolicy, type PolicyConfig } from './policy.ts';

export interface RLPromptConfig extends PolicyConfig {
  /** Training steps (one batch of sampled prompts and one policy update each). */
  steps: number;
  /** Prompts sampled from the policy per step. */
  promptsPerStep: number;
  /** Training examples (class-balanced) each sampled prompt is scored on per step. */
  examplesPerStep: number;
  /** Multiplier on the z-scored reward: the inverse temperature of the soft-Q optimum π* ∝ exp(Q*). */
  rewardScale: number;
  /** Prompts compared on dev at the end: the greedy one plus the best-rewarded sampled ones. */
  finalists: number;
}

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
  seed: number,
  onStep?: (r: StepRecord) => void,
): Promise<RLPromptResult> {
  // The seed sets the policy's initialization, the prompt sampling and the training minibatches.
  const rng = new Rng(seed * 7919 + 17);
  const policy = new PromptPolicy(featureLm, vocab, cfg, rng.fork());
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
