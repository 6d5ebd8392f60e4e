/**
 * InstructGPT's three steps (Ouyang et al. 2022 §3.5, Fig. 2), on the tiny LM, top to bottom:
 *
 *   Step 1  supervised fine-tuning (SFT) on labeler demonstrations          → stepSft
 *   Step 2  a reward model (RM) trained on labeler comparisons              → stepRewardModel
 *   Step 3  PPO against the RM, per-token KL penalty to the SFT policy      → stepPpo
 *
 * plus the baseline of Bai et al. 2022 / Nakano et al. 2021 — best-of-n (rejection) sampling from
 * the SFT model with the RM as the ranker (`bestOfN`) — and the evaluation (`evaluate`): every model
 * is exported through the tiny-lm exporter and sampled through transformers.js (`LanguageModel`),
 * exactly like any other model, and judged by the simulated human's rubric on held-out prompts.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  decodeResponse,
  LmPpoConfig,
  loadLanguageModel,
  prefixed,
  RewardModelConfig,
  rewardModelFrom,
  rlhfPpo,
  SftConfig,
  supervisedFineTune,
  withDefaults,
  type ClonableLm,
  type Comparison,
  type Demonstration,
  type LanguageModel,
  type LmTokenizer,
  type RewardModel,
  type Rng,
} from '@rlllm/core';
import { loadGpt, type Gpt } from '@rlllm/tiny-lm';
import { goldHelpfulness, type PromptItem } from '@rlllm/env/assistant';

/** The three steps' settings are the core algorithms' own fields (SFT, the RM, LM-PPO), with this leaf's defaults where they differ. */
export const RlhfConfig = z.object({
  ...prefixed('sft', SftConfig.pick({ steps: true, batchSize: true, learningRate: true })),
  ...withDefaults(prefixed('rm', RewardModelConfig.pick({ steps: true, batchSize: true, learningRate: true })), { rmLearningRate: 1e-4 }),
  ppoIterations: z.number().int().positive().default(20).describe('step 3: PPO iterations (each samples ppoBatchSize prompts)'),
  ppoBatchSize: z.number().int().positive().default(32).describe('prompts (rollouts) per PPO iteration'),
  ...withDefaults(LmPpoConfig.pick({ klCoef: true, maxNewTokens: true, temperature: true }).shape, { klCoef: 0.1, maxNewTokens: 40 }),
  ...withDefaults(prefixed('ppo', LmPpoConfig.pick({ learningRate: true, updateEpochs: true, nMinibatches: true, vfCoef: true })), { ppoLearningRate: 3e-5 }),
  valueFromRm: z.boolean().default(true).describe('value function = a copy of the reward model (InstructGPT) instead of a zero head on the policy'),
  bestOfN: z.number().int().min(2).default(8).describe('n of the best-of-n baseline'),
  evalSamples: z.number().int().positive().default(3).describe('answers per held-out prompt per model'),
  evalPrompts: z.number().int().positive().default(20).describe('held-out prompts evaluated (of 20)'),
});
export type RlhfConfig = z.infer<typeof RlhfConfig>;

// ── Step 1: SFT (InstructGPT §3.5 "Supervised fine-tuning") ─────────────────────────────────
/** The pretrained LM fine-tuned on demonstrations with the next-token loss on the response. */
export async function stepSft(modelDir: string, demos: Demonstration[], c: RlhfConfig, rng: Rng): Promise<{ sft: Gpt; losses: number[] }> {
  const sft = loadGpt(modelDir);
  const losses = await supervisedFineTune(sft, demos, { steps: c.sftSteps, batchSize: c.sftBatchSize, learningRate: c.sftLearningRate, maxGradNorm: 1 }, rng);
  return { sft, losses };
}

// ── Step 2: reward model (InstructGPT §3.5 "Reward modeling", eq. 1) ─────────────────────────
/**
 * RM = the SFT model's trunk + a scalar head on the last token (InstructGPT starts its RM from the
 * SFT model with the unembedding layer removed), trained with the pairwise loss on comparisons
 * (core's `rewardModelFrom`).
 */
export function stepRewardModel(sft: Gpt, comparisons: Comparison[], c: RlhfConfig, rng: Rng) {
  return rewardModelFrom(sft, comparisons, RewardModelConfig.parse({ steps: c.rmSteps, batchSize: c.rmBatchSize, learningRate: c.rmLearningRate, maxGradNorm: 1 }), rng);
}

// ── Step 3: PPO against the RM (InstructGPT §3.5 "Reinforcement learning", eq. 2) ────────────
export interface PpoPoint {
  iteration: number;
  /** Mean RM score of the iteration's rollouts. */
  rmScore: number;
  /** Mean gold (rubric) score of the same rollouts — never seen by training. */
  gold: number;
  /** Mean per-response KL(π ‖ π_SFT) estimate of the rollouts. */
  kl: number;
}

/**
 * Maximize E[r_θ(x, y)] − β KL(π ‖ π_SFT) with PPO (core's `rlhfPpo`: sampling, KL penalty, value
 * function, GAE, clipped update), from the SFT model, on the train prompts. The value function is a
 * copy of the RM when `valueFromRm` (InstructGPT), so the first advantages already say which tokens
 * moved the score; else a zero head on π's trunk. The gold judge scores the rollouts too (never used
 * by training) to show over-optimization.
 */
export async function stepPpo(sft: Gpt, rm: RewardModel<ClonableLm>, prompts: PromptItem[], tok: LmTokenizer, c: RlhfConfig, klCoef: number, rng: Rng, onIteration: (p: PpoPoint) => void = () => {}): Promise<{ policy: Gpt; curve: PpoPoint[] }> {
  const cfg = { ...LmPpoConfig.parse({ maxNewTokens: c.maxNewTokens, temperature: c.temperature, gamma: 1, klCoef, learningRate: c.ppoLearningRate, updateEpochs: c.ppoUpdateEpochs, nMinibatches: c.ppoNMinibatches, vfCoef: c.ppoVfCoef }), iterations: c.ppoIterations, batchSize: c.ppoBatchSize };
  const curve: PpoPoint[] = [];
  const policy = await rlhfPpo(sft, (p, r) => rm.score(p, r), prompts, (p) => tok.encode(p.text), cfg, rng, tok.eosId, {
    valueFrom: c.valueFromRm ? rm : undefined,
    onIteration: (iteration, stats, batch, responses) => {
      const gold = responses.map((r, i) => {
        const d = decodeResponse(tok, r);
        return goldHelpfulness(batch[i]!.topic, d.text, d.finished);
      });
      const point = { iteration, rmScore: stats.score, gold: gold.reduce((a, b) => a + b, 0) / gold.length, kl: stats.kl };
      curve.push(point);
      onIteration(point);
    },
  });
  return { policy: policy as Gpt, curve };
}

// ── Baseline: best-of-n with the RM (Bai et al. 2022 §4.3; Nakano et al. 2021) ───────────────
export interface Sample {
  topic: string;
  prompt: string;
  text: string;
  finished: boolean;
  gold: number;
}

async function sampleServed(lm: LanguageModel, p: PromptItem, seed: number, maxNewTokens: number, temperature: number): Promise<Sample> {
  const g = await lm.generateDetailed(p.text, { temperature, maxNewTokens, seed });
  const finished = g.stoppedBy === 'eos';
  return { topic: p.topic, prompt: p.text, text: g.text, finished, gold: goldHelpfulness(p.topic, g.text, finished) };
}

/** `samples` answers per prompt, each the RM's favourite of n fresh samples from the served SFT model. */
export async function bestOfN(sftDir: string, rm: RewardModel, tok: LmTokenizer, prompts: PromptItem[], samples: number, n: number, rng: Rng, maxNewTokens: number, temperature: number): Promise<Sample[]> {
  const lm = await loadLanguageModel(sftDir);
  const out: Sample[] = [];
  for (const [i, p] of prompts.entries()) {
    for (let k = 0; k < samples; k++) {
      const cands: Sample[] = [];
      for (let j = 0; j < n; j++) cands.push(await sampleServed(lm, p, rng.fork(`best-of-n ${i} ${k} ${j}`).seed(), maxNewTokens, temperature));
      const scores = await rm.score(cands.map(() => tok.encode(p.text)), cands.map((c) => [...tok.encode(c.text), ...(c.finished ? [tok.eosId] : [])]));
      out.push(cands[scores.indexOf(Math.max(...scores))]!);
    }
  }
  return out;
}

// ── Evaluation through transformers.js, judged by the rubric ────────────────────────────────
/**
 * `samples` answers per held-out prompt from a served model folder, with their gold scores. Answer k
 * to prompt i is drawn with the seed of the stream "i k" of `rng`, so every model is sampled with the
 * same random numbers.
 */
export async function evaluate(dir: string, prompts: PromptItem[], samples: number, rng: Rng, maxNewTokens: number, temperature: number): Promise<Sample[]> {
  const lm = await loadLanguageModel(dir);
  const out: Sample[] = [];
  for (const [i, p] of prompts.entries()) for (let k = 0; k < samples; k++) out.push(await sampleServed(lm, p, rng.fork(`${i} ${k}`).seed(), maxNewTokens, temperature));
  return out;
}

/**
 * Mean KL(π ‖ π_SFT) on the evaluation samples of π, estimated as mean[log π(y|x) − log π_SFT(y|x)]
 * with both served models' logProb (the end-of-text token is not scored by logProb).
 */
export async function servedKl(dir: string, sftDir: string, samples: Sample[]): Promise<number> {
  if (dir === sftDir) return 0;
  const [lm, ref] = [await loadLanguageModel(dir), await loadLanguageModel(sftDir)];
  let sum = 0;
  for (const s of samples) {
    if (s.text.length === 0) continue;
    const [a] = await lm.logProb(s.prompt, [s.text]);
    const [b] = await ref.logProb(s.prompt, [s.text]);
    sum += a! - b!;
  }
  return sum / Math.max(1, samples.length);
}

/** Share of prompts×samples where `a` beats `b` on the gold judge (ties count half); paired by index. */
export function winRate(a: Sample[], b: Sample[]): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w += a[i]!.gold > b[i]!.gold ? 1 : a[i]!.gold === b[i]!.gold ? 0.5 : 0;
  return w / Math.max(1, a.length);
}

export const modelDirFor = (out: string, seed: number, variant: string) => path.join(out, 'models', `seed-${seed}`, variant);
