/**
 * core's LM fine-tuning (lm/finetune.ts: SFT, the reward model; rl/lmPpo.ts: PPO with a value model)
 * on its two trainers, on the baked tiny-gpt: the onnxruntime trainer (compiled steps over the
 * GPT-2 parameters, batches padded to 32-token buckets) against the tfjs trainer (the model's own
 * tfjs forward), from the same weights with the same random draws. Compared to 3e-5 relative (TOL)
 * ("relative" = max |a − b| / max |b| over a tensor, b the tfjs value): the loss (or statistics) of
 * every step, and what the trained models compute — the same tfjs forward on both — on the data.
 *
 * Not the raw weights: Adam divides each step by √v + ε, so an element whose gradient is not far
 * above ε (1e-7) takes a step set by its rounding noise — e.g. the attention key biases, whose
 * exact gradient is 0 (softmax ignores a shift shared by all keys): measured, their ORT and tfjs
 * steps have opposite signs. After 3 SFT steps single elements differ by up to 7e-5 of their
 * tensor's largest weight (measured) while the functions the models compute agree to rounding. (The gradients themselves are compared to 1e-5 in
 * compile.test.ts, and the optimizers on a loss with exact gradients in core's compile.test.ts.)
 */
import { initTf, tf } from '@rlllm/core/backend';
import { Rng } from '@rlllm/core/rng';
import { relErr } from '@rlllm/core/stats';
import { LinearHead, loadLmTokenizer, type LmTokenizer } from '@rlllm/core/lm/trainable';
import { RewardModel, SftConfig, sftLoss, supervisedFineTune, trainRewardModel, type Comparison } from '@rlllm/core/lm/finetune';
import { packSequences, responseLogProbs } from '@rlllm/core/lm/trainable';
import { LmPpoConfig, LmPpoTrainer } from '@rlllm/core/rl/lmPpo';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../src/index.ts';
import { loadGpt } from '../src/loadWeights.ts';
import type { Gpt } from '../src/model.ts';
import { WHOLE_MODEL_TOL as TOL } from '../src/index.ts';



/** How far training moved a model: the largest relative change of any parameter tensor. */
async function moved(a: Gpt, start: Gpt): Promise<number> {
  const [wa, w0] = [await a.getWeights(), await start.getWeights()];
  return Math.max(...[...wa].map(([name, w]) => relErr(w.data, w0.get(name)!.data)));
}

let tok: LmTokenizer;
let start: Gpt;
const text = (s: string) => tok.encode(s);
beforeAll(async () => {
  expect(await initTf('wasm')).toBe('wasm');
  tok = await loadLmTokenizer(defaultModelDir());
  start = loadGpt(defaultModelDir());
});

describe('LM fine-tuning: the onnxruntime trainer against the tfjs trainer (baked tiny-gpt)', () => {
  it('SFT: three Adam steps give the same losses, and trained models with the same loss (3e-5 relative)', async () => {
    const demos = ['Human: How do I clean a spill? Assistant:', 'Human: Where do apples go? Assistant:', 'Human: What is a sponge for?'].map((p, i) => ({
      prompt: text(p),
      response: [...text([' Wipe it with a sponge, then dry the spot.', ' In the fridge.', ' Cleaning up.'][i]!), tok.eosId],
    }));
    const cfg = SftConfig.parse({ steps: 3, batchSize: 4, learningRate: 3e-4 });
    const [ort, ref] = [loadGpt(defaultModelDir()), loadGpt(defaultModelDir())];
    const lo = await supervisedFineTune(ort, demos, cfg, new Rng(1), { trainer: 'ort' });
    const lt = await supervisedFineTune(ref, demos, cfg, new Rng(1), { trainer: 'tfjs' });
    lo.forEach((l, i) => expect(Math.abs(l - lt[i]!), `loss at step ${i + 1}`).toBeLessThan(TOL * lt[i]!));
    // The trained models (ORT's weights written back into the tfjs model) compute the same losses.
    expect(await moved(ort, start)).toBeGreaterThan(1e-4);
    const batch = packSequences(demos.map((d) => d.prompt), demos.map((d) => d.response), start.config.nPositions);
    const [a, b] = [ort, ref].map((m) => tf.tidy(() => sftLoss(m, batch).dataSync()[0]!));
    expect(Math.abs(a! - b!)).toBeLessThan(TOL * b!);
    expect(a).toBeLessThan(tf.tidy(() => sftLoss(start, batch).dataSync()[0]!)); // and training lowered it
    ort.dispose();
    ref.dispose();
  });

  it('reward model: three Adam steps on hard and soft labels give the same losses, and trained models with the same rewards (3e-5 relative)', async () => {
    const p = text('Human: How do I clean a spill? Assistant:');
    const comparisons: Comparison[] = [
      { prompt: p, chosen: [...text(' Wipe it with a sponge.'), tok.eosId], rejected: [...text(' Figure it out.'), tok.eosId] },
      { prompt: text('Human: Where do apples go?'), chosen: [...text(' In the fridge.'), tok.eosId], rejected: text(' Nowhere at all, I think'), pChosen: 0.8 },
      { prompt: p, chosen: text(' Dry'), rejected: [tok.eosId], pChosen: 0.3 },
    ];
    const cfg = { steps: 3, batchSize: 3, learningRate: 1e-3, maxGradNorm: 1 };
    const [ort, ref] = [new RewardModel(loadGpt(defaultModelDir())), new RewardModel(loadGpt(defaultModelDir()))];
    const lo = await trainRewardModel(ort, comparisons, cfg, new Rng(2), { trainer: 'ort' });
    const lt = await trainRewardModel(ref, comparisons, cfg, new Rng(2), { trainer: 'tfjs' });
    lo.forEach((l, i) => expect(Math.abs(l - lt[i]!), `loss at step ${i + 1}`).toBeLessThan(TOL * Math.max(1, lt[i]!)));
    // The trained reward models (backbone and head written back) give the same rewards.
    expect(await moved(ort.backbone, start)).toBeGreaterThan(1e-4);
    const all = (rm: RewardModel) => rm.score([...comparisons.map((c) => c.prompt), ...comparisons.map((c) => c.prompt)], [...comparisons.map((c) => c.chosen), ...comparisons.map((c) => c.rejected)]);
    const [ra, rb] = [await all(ort), await all(ref)];
    expect(Math.max(...rb.map(Math.abs))).toBeGreaterThan(1e-3); // the head was trained from 0
    expect(relErr(ra, rb)).toBeLessThan(TOL);
    for (const rm of [ort, ref]) (rm.dispose(), rm.backbone.dispose());
  });

  it('LM-PPO with a separate value model: one iteration (8 minibatch steps) gives the same statistics, log-probs and values (3e-5 relative)', async () => {
    const run = async (trainer: 'ort' | 'tfjs') => {
      const policy = loadGpt(defaultModelDir());
      const reference = loadGpt(defaultModelDir());
      const trunk = loadGpt(defaultModelDir());
      const head = new LinearHead(trunk.config.nEmbd);
      head.w.assign(tf.randomNormal([trunk.config.nEmbd, 1], 0, 0.1, 'float32', 3));
      const cfg = LmPpoConfig.parse({ maxNewTokens: 12, learningRate: 1e-4 });
      const ppo = new LmPpoTrainer(policy, reference, cfg, new Rng(4), tok.eosId, { trunk, head }, { trainer });
      const prompts = ['Human: How do I clean a spill? Assistant:', 'Human: Where do apples go? Assistant:', 'Human: Hi!', 'Human: What is a sponge for? Assistant:'].map(text);
      // A score that prefers short answers, so the advantages carry signal.
      const { stats, responses } = await ppo.iteration(prompts, async (_p, rs) => rs.map((r) => 1 - r.length / 12));
      await ppo.dispose();
      return { policy, reference, trunk, head, stats, prompts, responses };
    };
    const [o, t] = [await run('ort'), await run('tfjs')];
    expect(o.responses).toEqual(t.responses); // the same start samples the same tokens (sampling is tfjs on both)
    expect(o.stats.kl).toBe(0); // π_old = π_ref on the first iteration, on both trainers
    expect(t.stats.kl).toBe(0);
    for (const k of ['policyLoss', 'valueLoss', 'approxKl', 'clipFrac'] as const) expect(Math.abs(o.stats[k] - t.stats[k]), k).toBeLessThan(TOL * Math.max(1, Math.abs(t.stats[k])));
    // The trained policies and value models give the same token log-probs and values on the rollout.
    expect(await moved(o.policy, start)).toBeGreaterThan(1e-5);
    expect(await moved(o.trunk, start)).toBeGreaterThan(1e-5);
    const batch = packSequences(o.prompts, o.responses, start.config.nPositions, tok.eosId);
    const outputs = (r: typeof o) =>
      tf.tidy(() => [responseLogProbs(r.policy, batch).logp.dataSync(), r.head.apply(responseLogProbs(r.trunk, batch).hidden).dataSync()] as const);
    const [[lpo, vo], [lpt, vt]] = [outputs(o), outputs(t)];
    expect(relErr(lpo, lpt)).toBeLessThan(TOL);
    expect(relErr(vo, vt)).toBeLessThan(TOL);
    for (const r of [o, t]) {
      for (const m of [r.policy, r.reference, r.trunk]) m.dispose();
      r.head.dispose();
    }
  });
});
