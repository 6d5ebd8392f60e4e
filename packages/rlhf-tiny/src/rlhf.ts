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
  copyLmWeights,
  LinearHead,
  LmPpoConfig,
  LmPpoTrainer,
  loadLanguageModel,
  pairAccuracy,
  RewardModel,
  RewardModelConfig,
  SftConfig,
  supervisedFineTune,
  trainRewardModel,
  type Comparison,
  type Demonstration,
  type LanguageModel,
  type LmTokenizer,
  type Rng,
  type ValueModel,
} from '@rlllm/core';
import { loadGpt, type Gpt } from '@rlllm/tiny-lm';
import { decodeResponse } from './data.ts';
import { goldHelpfulness, type PromptItem } from '@rlllm/env/assistant';

export const RlhfConfig = z.object({
  sftSteps: z.number().int().positive().default(60).describe('step 1: SFT gradient steps'),
  sftBatch: z.number().int().positive().default(16),
  sftLr: z.number().positive().default(3e-4),
  rmSteps: z.number().int().positive().default(80).describe('step 2: reward-model gradient steps'),
  rmBatch: z.number().int().positive().default(16).describe('comparisons per RM step'),
  rmLr: z.number().positive().default(1e-4),
  ppoIterations: z.number().int().positive().default(20).describe('step 3: PPO iterations (each samples ppoBatch prompts)'),
  ppoBatch: z.number().int().positive().default(32).describe('prompts (rollouts) per PPO iteration'),
  klCoef: z.number().min(0).default(0.1).describe('β: per-token KL penalty to the SFT policy (InstructGPT eq. 2)'),
  ppoLr: z.number().positive().default(3e-5),
  updateEpochs: z.number().int().positive().default(4),
  nMinibatches: z.number().int().positive().default(2),
  vfCoef: z.number().min(0).default(0.1),
  valueFromRm: z.boolean().default(true).describe('value function = a copy of the reward model (InstructGPT) instead of a zero head on the policy'),
  maxNewTokens: z.number().int().min(4).max(96).default(40).describe('answer length cap (tokens), rollouts and evaluation'),
  temperature: z.number().positive().default(1).describe('sampling temperature, rollouts and evaluation'),
  bestOfN: z.number().int().min(2).default(8).describe('n of the best-of-n baseline'),
  evalSamples: z.number().int().positive().default(3).describe('answers per held-out prompt per model'),
  evalPrompts: z.number().int().positive().default(20).describe('held-out prompts evaluated (of 20)'),
});
export type RlhfConfig = z.infer<typeof RlhfConfig>;

// ── Step 1: SFT (InstructGPT §3.5 "Supervised fine-tuning") ─────────────────────────────────
/** The pretrained LM fine-tuned on demonstrations with the next-token loss on the response. */
export function stepSft(modelDir: string, demos: Demonstration[], cfg: SftConfig, rng: Rng): { sft: Gpt; losses: number[] } {
  const sft = loadGpt(modelDir);
  const losses = supervisedFineTune(sft, demos, cfg, rng);
  return { sft, losses };
}

// ── Step 2: reward model (InstructGPT §3.5 "Reward modeling", eq. 1) ─────────────────────────
/**
 * RM = the SFT model's trunk + a scalar head on the last token (InstructGPT starts its RM from the
 * SFT model with the unembedding layer removed), trained with the pairwise loss on comparisons.
 * Its pair accuracy on held-out comparisons says how well it learned the labeler.
 */
export async function stepRewardModel(modelDir: string, sft: Gpt, comparisons: Comparison[], heldout: Comparison[], cfg: RewardModelConfig, rng: Rng) {
  const backbone = loadGpt(modelDir);
  copyLmWeights(sft, backbone);
  const rm = new RewardModel(backbone);
  const losses = trainRewardModel(rm, comparisons, cfg, rng);
  return { rm, backbone, losses, trainAccuracy: await pairAccuracy(rm, comparisons), heldoutAccuracy: await pairAccuracy(rm, heldout) };
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
 * Maximize E[r_θ(x, y)] − β KL(π ‖ π_SFT) with PPO (core's LmPpoTrainer: sampling, KL penalty,
 * value head, GAE, clipped update). Prompts are drawn from the train prompts only.
 */
export async function stepPpo(
  modelDir: string,
  sft: Gpt,
  rm: RewardModel,
  prompts: PromptItem[],
  tok: LmTokenizer,
  cfg: LmPpoConfig & { iterations: number; batchSize: number; valueFromRm: boolean },
  rng: Rng,
  onIteration: (p: PpoPoint) => void = () => {},
): Promise<{ policy: Gpt; curve: PpoPoint[] }> {
  const policy = loadGpt(modelDir);
  copyLmWeights(sft, policy); // π starts at π_SFT; the SFT model itself stays frozen as the reference
  // The value function: InstructGPT initializes it from the RM (a separate model, trunk + head), so
  // the first advantages already say which tokens moved the score; otherwise a zero head on π's trunk.
  let valueModel: ValueModel | null = null;
  if (cfg.valueFromRm) {
    const trunk = loadGpt(modelDir);
    copyLmWeights(rm.backbone, trunk);
    const head = new LinearHead(trunk.config.nEmbd);
    head.w.assign(rm.head.w);
    head.b.assign(rm.head.b);
    valueModel = { trunk, head };
  }
  const ppo = new LmPpoTrainer(policy, sft, cfg, rng, tok.eosId, valueModel);
  const curve: PpoPoint[] = [];
  for (let it = 1; it <= cfg.iterations; it++) {
    const batch = Array.from({ length: cfg.batchSize }, () => prompts[rng.int(prompts.length)]!);
    const ids = batch.map((p) => tok.encode(p.text));
    const { stats, responses } = await ppo.iteration(ids, (p, r) => rm.score(p, r));
    const gold = responses.map((r, i) => {
      const d = decodeResponse(tok, r);
      return goldHelpfulness(batch[i]!.topic, d.text, d.finished);
    });
    const point = { iteration: it, rmScore: stats.score, gold: gold.reduce((a, b) => a + b, 0) / gold.length, kl: stats.kl };
    curve.push(point);
    onIteration(point);
  }
  ppo.dispose();
  if (valueModel) {
    (valueModel.trunk as Gpt).dispose();
    valueModel.head.dispose();
  }
  return { policy, curve };
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
export async function bestOfN(sftDir: string, rm: RewardModel, tok: LmTokenizer, prompts: PromptItem[], samples: number, n: number, seed: number, maxNewTokens: number, temperature: number): Promise<Sample[]> {
  const lm = await loadLanguageModel(sftDir);
  const out: Sample[] = [];
  for (const [i, p] of prompts.entries()) {
    for (let k = 0; k < samples; k++) {
      const cands: Sample[] = [];
      for (let j = 0; j < n; j++) cands.push(await sampleServed(lm, p, sampleSeed(seed, i, 1000 + k * n + j), maxNewTokens, temperature));
      const scores = await rm.score(cands.map(() => tok.encode(p.text)), cands.map((c) => [...tok.encode(c.text), ...(c.finished ? [tok.eosId] : [])]));
      out.push(cands[scores.indexOf(Math.max(...scores))]!);
    }
  }
  return out;
}

// ── Evaluation through transformers.js, judged by the rubric ────────────────────────────────
/** Seeds per (run seed, prompt, sample) so every model is sampled with the same random numbers. */
export function sampleSeed(seed: number, prompt: number, k: number): number {
  return (seed * 1_000_003 + prompt * 1009 + k) >>> 0;
}

/** `samples` answers per held-out prompt from a served model folder, with their gold scores. */
export async function evaluate(dir: string, prompts: PromptItem[], samples: number, seed: number, maxNewTokens: number, temperature: number): Promise<Sample[]> {
  const lm = await loadLanguageModel(dir);
  const out: Sample[] = [];
  for (const [i, p] of prompts.entries()) for (let k = 0; k < samples; k++) out.push(await sampleServed(lm, p, sampleSeed(seed, i, k), maxNewTokens, temperature));
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
