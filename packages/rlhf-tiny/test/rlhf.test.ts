import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { bradleyTerryLoss, copyLmWeights, decodeResponse, initTf, klPenalty, LmPpoConfig, LmPpoTrainer, loadLmTokenizer, Report, RewardModel, Rng, runLeaf, UserError, type LmTokenizer } from '@rlllm/core';
import { defaultModelDir, loadGpt } from '@rlllm/tiny-lm';
import { encodeResponseText as encodeResponse, loadHumanData, readJsonl, ComparisonLine, shippedDataDir } from '../src/data.ts';
import { goldHelpfulness, heldoutPrompts, labelerPrefers, trainPrompts, TOPICS } from '@rlllm/env/assistant';
import { leaf } from '../src/leaf.ts';
import { bestOfN, servedKl, stepSft, winRate, type Sample } from '../src/rlhf.ts';
import { RlhfConfig } from '../src/rlhf.ts';
import { exportTrained } from '@rlllm/tiny-lm';
import { packSequences, sftLoss } from '@rlllm/core';

let tok: LmTokenizer;
beforeAll(async () => {
  await initTf();
  tok = await loadLmTokenizer(defaultModelDir());
});

describe('the simulated human', () => {
  it('the rubric ranks a polite on-topic answer over an unhelpful, a rude and a wandering one', () => {
    const good = goldHelpfulness('spill', 'Sure! Wipe the spill with a sponge, then dry the spot with a towel.', true);
    const unhelpful = goldHelpfulness('spill', 'I do not know.', true);
    const rude = goldHelpfulness('spill', 'Figure it out yourself, stupid.', true);
    const wandering = goldHelpfulness('spill', 'Wipe it with a sponge. Critique: this answer is rude.', true);
    const unfinished = goldHelpfulness('spill', 'Sure! Wipe the spill with a sponge, then dry the spot with a towel.', false);
    expect(good).toBeCloseTo(1.2, 10); // 3 of the topic's keywords (wipe, sponge, dry, towel → capped at 3) + polite
    expect(unhelpful).toBeCloseTo(-0.5, 10);
    expect(rude).toBeCloseTo(-1, 10);
    expect(wandering).toBeCloseTo(2 / 3 - 0.5, 10);
    expect(unfinished).toBeCloseTo(0.9, 10);
    expect(labelerPrefers('spill', { text: 'I do not know.', finished: true }, { text: 'Maybe.', finished: true })).toBeNull(); // a tie is not labelled
  });

  it('held-out prompts are new phrasings: none is a train prompt', () => {
    const train = new Set(trainPrompts().map((p) => p.text));
    expect(heldoutPrompts().length).toBe(TOPICS.length);
    for (const p of heldoutPrompts()) expect(train.has(p.text)).toBe(false);
  });

  it('the shipped comparisons agree with the rubric, and no comparison is on a held-out prompt', () => {
    const held = new Set(heldoutPrompts().map((p) => p.text));
    const lines = readJsonl(path.join(shippedDataDir(), 'comparisons.jsonl'), ComparisonLine);
    expect(lines.length).toBeGreaterThan(100);
    for (const c of lines) {
      expect(held.has(c.prompt)).toBe(false);
      const end = (s: string) => ({ text: s.replace(/<\|endoftext\|>$/, ''), finished: s.endsWith('<|endoftext|>') });
      expect(labelerPrefers(c.topic, end(c.chosen), end(c.rejected))).toBe(1);
    }
  });

  it('a bad data file is a one-line UserError naming the file, line and field', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rlhf-data-'));
    for (const f of ['demonstrations.jsonl', 'comparisons-heldout.jsonl']) writeFileSync(path.join(dir, f), readFileSync(path.join(shippedDataDir(), f)));
    writeFileSync(path.join(dir, 'comparisons.jsonl'), '{"topic":"spill","prompt":"Human: x Assistant:","chosen":" a"}\n');
    expect(() => loadHumanData(dir, tok)).toThrow(UserError);
    expect(() => loadHumanData(dir, tok)).toThrow(/comparisons\.jsonl:1: field "rejected"/);
  });

  it('a response ending in <|endoftext|> round-trips through ids with the EOS token', () => {
    const ids = encodeResponse(tok, ' Sure! Wipe it.<|endoftext|>');
    expect(ids.at(-1)).toBe(tok.eosId);
    expect(decodeResponse(tok, ids)).toEqual({ text: ' Sure! Wipe it.', finished: true });
  });
});

describe('RLHF pieces on the real tiny LM', () => {
  it('reward-model loss on a hand example equals softplus(r_rejected − r_chosen) of its own scores', async () => {
    const rm = new RewardModel(loadGpt(defaultModelDir()));
    rm.head.w.assign(tf.randomNormal([rm.backbone.config.nEmbd, 1], 0, 0.1, 'float32', 7));
    const prompt = tok.encode('Human: How do I clean a spill? Assistant:');
    const chosen = encodeResponse(tok, ' Wipe the spill with a sponge.<|endoftext|>');
    const rejected = encodeResponse(tok, ' Figure it out yourself.<|endoftext|>');
    const [rc, rr] = await rm.score([prompt, prompt], [chosen, rejected]);
    const loss = (await bradleyTerryLoss(tf.tensor1d([rc!]), tf.tensor1d([rr!])).data())[0]!;
    expect(loss).toBeCloseTo(Math.log(1 + Math.exp(rr! - rc!)), 5);
    expect(rc).not.toBe(rr);
  });

  it('KL is 0 when the policy is the reference (first PPO iteration, real GPT)', async () => {
    const sft = loadGpt(defaultModelDir());
    const policy = loadGpt(defaultModelDir());
    copyLmWeights(sft, policy);
    const ppo = new LmPpoTrainer(policy, sft, LmPpoConfig.parse({ maxNewTokens: 8 }), new Rng(3), tok.eosId);
    const prompts = trainPrompts().slice(0, 4).map((p) => tok.encode(p.text));
    const { stats } = await ppo.iteration(prompts, async (_p, r) => r.map(() => 0));
    expect(stats.kl).toBe(0);
    expect(Array.from(klPenalty(new Float32Array([-1.5, -0.25]), new Float32Array([-1.5, -0.25]), new Float32Array([1, 1]), 0.05)).every((x) => x === 0)).toBe(true);
  });
});

describe('RLHF mechanisms (hand cases)', () => {
  const sample = (gold: number, text = ''): Sample => ({ topic: 'spill', prompt: 'p', text, finished: true, gold });

  it('win rate: wins count 1, ties ½, losses 0, paired by index', () => {
    expect(winRate([sample(1), sample(0), sample(-1), sample(2)], [sample(0), sample(0), sample(0), sample(3)])).toBe((1 + 0.5 + 0 + 0) / 4);
  });

  it('the KL penalty at β = 0.1: −β (log π − log π_ref) on response tokens only', () => {
    expect(Array.from(klPenalty(new Float32Array([-1, -3]), new Float32Array([-2, -1]), new Float32Array([1, 0]), 0.1)).map((x) => +x.toFixed(6))).toEqual([-0.1, 0]);
  });

  it('best-of-n returns, for each answer, the candidate the reward model scores highest', async () => {
    // A stub reward model: the score of a response is the sum of its token ids (distinct for distinct
    // samples), and it records what it saw.
    const seen: { texts: string[]; scores: number[] }[] = [];
    const rm = { score: async (_p: number[][], r: number[][]) => { const scores = r.map((x) => x.reduce((a, b) => a + b, 0)); seen.push({ texts: r.map((x) => decodeResponse(tok, x).text), scores }); return scores; } } as unknown as RewardModel;
    const prompts = heldoutPrompts().slice(0, 2);
    const out = await bestOfN(defaultModelDir(), rm, tok, prompts, 2, 6, new Rng(4), 16, 1);
    expect(out).toHaveLength(4);
    expect(seen).toHaveLength(4);
    out.forEach((o, i) => {
      const { texts, scores } = seen[i]!;
      expect(texts).toHaveLength(6);
      // The first of the best (a confident model may sample the same answer twice).
      expect(o.text).toBe(texts[scores.indexOf(Math.max(...scores))]);
    });
    // The choice is not trivial: some answer had candidates the reward model tells apart, and the
    // chosen one is not simply the first candidate.
    expect(seen.some(({ scores }) => scores.indexOf(Math.max(...scores)) > 0)).toBe(true);
  });

  it('served KL: 0 for a copy of the reference folder, not 0 for a changed model', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rlhf-kl-'));
    const same = loadGpt(defaultModelDir());
    const changed = loadGpt(defaultModelDir());
    const w = changed.p('h.0.mlp.c_fc.weight');
    w.assign(w.mul(1.5));
    const copyDir = await exportTrained(same, defaultModelDir(), path.join(dir, 'copy'), tok.eosId);
    const changedDir = await exportTrained(changed, defaultModelDir(), path.join(dir, 'changed'), tok.eosId);
    const samples = [sample(0, ' Wipe the spill with a sponge.'), sample(0, ' Open the window.')].map((x, i) => ({ ...x, prompt: heldoutPrompts()[i]!.text }));
    expect(await servedKl(copyDir, defaultModelDir(), samples)).toBe(0);
    expect(await servedKl(changedDir, defaultModelDir(), samples)).not.toBe(0);
    same.dispose();
    changed.dispose();
  });

  it('SFT lowers the response loss on its demonstrations', async () => {
    const data = loadHumanData(shippedDataDir(), tok);
    const demos = data.demonstrations.slice(0, 16);
    const batch = packSequences(demos.map((d) => d.prompt), demos.map((d) => d.response), 128);
    const base = loadGpt(defaultModelDir());
    const before = (await sftLoss(base, batch).data())[0]!;
    const { sft } = await stepSft(defaultModelDir(), demos, RlhfConfig.parse({ sftSteps: 8, sftBatchSize: 16 }), new Rng(1));
    const after = (await sftLoss(sft, batch).data())[0]!;
    expect(after).toBeLessThan(before);
    base.dispose();
    sft.dispose();
  });
});

describe('end to end', () => {
  it('--quick runs the three steps and all four variants, exports served models and writes a valid report', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'rlhf-e2e-'));
    const report = await runLeaf(leaf, { preset: 'quick', seeds: [1], out, quiet: true });
    expect(Report.safeParse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'))).success).toBe(true);
    expect(Object.fromEntries(Object.entries(report.variants).map(([k, v]) => [k, v.role]))).toEqual({ sft: 'baseline', 'best-of-n': 'baseline', 'rlhf-ppo': 'method', 'ppo-no-kl': 'ablation' });
    for (const v of ['sft', 'rlhf-ppo', 'ppo-no-kl']) expect(existsSync(path.join(out, 'models', 'seed-1', v, 'onnx', 'model.onnx'))).toBe(true);
    expect(report.curves.map((c) => c.yLabel)).toContain('KL(π ‖ π_SFT) per answer (nats)');
    // SFT against itself: win rate ½ (every pair ties), served KL exactly 0.
    const stats = (v: string) => report.variants[v]!.stats as { winRateVsSft: { mean: number }; heldoutKlToSft: { mean: number } };
    expect(stats('sft').winRateVsSft.mean).toBe(0.5);
    expect(stats('sft').heldoutKlToSft.mean).toBe(0);
    // The RM's held-out pair accuracy is a count over the shipped held-out comparisons.
    const acc = ((report.extra.stats as Record<string, Record<string, { perSeed: number[] }>>).rewardModelPairAccuracy!.heldout!).perSeed[0]!;
    const n = loadHumanData(shippedDataDir(), tok).heldoutComparisons.length;
    expect(Math.abs(acc * n - Math.round(acc * n))).toBeLessThan(1e-9);
  });

  it('--model that is not a tiny-lm folder is a UserError and leaves no output behind', async () => {
    const bad = mkdtempSync(path.join(os.tmpdir(), 'rlhf-bad-model-'));
    mkdirSync(path.join(bad, 'onnx'));
    const out = path.join(os.tmpdir(), `rlhf-bad-out-${process.pid}`);
    await expect(runLeaf(leaf, { preset: 'quick', seeds: [1], out, model: bad, quiet: true })).rejects.toThrow(/--model .*no config\.json/);
    expect(existsSync(out)).toBe(false);
  });
});
