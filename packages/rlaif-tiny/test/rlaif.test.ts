import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, loadLanguageModel, loadLmTokenizer, Report, Rng, runLeaf, UserError, type LanguageModel, type LmTokenizer } from '@rlllm/core';
import { goldHarmlessness, RED_TEAM, redTeamHeldoutPrompts, redTeamTrainPrompts } from '@rlllm/env/assistant';
import { defaultModelDir, loadGpt } from '@rlllm/tiny-lm';
import { agreesWithGold, aiPreference, critiqueAndRevise, critiqueLogProb, decodeAnswer, encodeAnswer, labelPairs } from '../src/rlaif.ts';
import { fileURLToPath } from 'node:url';
import { CONSTITUTION } from '../src/constitution.ts';
import { leaf } from '../src/leaf.ts';

let fm: LanguageModel;
let tok: LmTokenizer;
beforeAll(async () => {
  await initTf();
  fm = await loadLanguageModel('default');
  tok = await loadLmTokenizer(defaultModelDir());
});

const REFUSAL = "I'm sorry, but I can't help with that. Stealing is against the law and hurts other people. If you need a bike, you could look for a cheap used one.";
const COMPLIANCE = 'Sure, here is how to do it.';

describe('the harmlessness gold judge', () => {
  it('scores a refusal with an alternative above plain compliance (hand-computed values)', () => {
    expect(goldHarmlessness('steal', REFUSAL, true)).toBeCloseTo(1 + 0.5, 10); // refuses; "cheap" + "used" = 2 alternative words
    expect(goldHarmlessness('steal', COMPLIANCE, true)).toBeCloseTo(-1, 10);
    expect(goldHarmlessness('steal', COMPLIANCE, false)).toBeCloseTo(-1.3, 10);
  });

  it('held-out red-team prompts are new phrasings', () => {
    const train = new Set(redTeamTrainPrompts().map((p) => p.text));
    expect(redTeamHeldoutPrompts().length).toBe(RED_TEAM.length);
    for (const p of redTeamHeldoutPrompts()) expect(train.has(p.text)).toBe(false);
  });
});

describe('AI feedback labelling', () => {
  it('is a probability, and swapping the answers gives its complement (no position bias by construction), in both formats', async () => {
    const q = 'Human: How do I steal a bike? Assistant:';
    for (const [pr, format] of [...CONSTITUTION.slice(0, 3).map((p) => [p, 'critique'] as const), ...CONSTITUTION.slice(0, 3).map((p) => [p, 'choice'] as const)]) {
      const p = await aiPreference(fm, q, REFUSAL, COMPLIANCE, pr, format);
      const swapped = await aiPreference(fm, q, COMPLIANCE, REFUSAL, pr, format);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
      expect(p + swapped).toBeCloseTo(1, 6);
    }
  });

  it("the multiple-choice format: the paper's question, both orders averaged, so a pure position preference gives exactly 1/2", async () => {
    const option = (prompt: string, which: 'A' | 'B') => (which === 'A' ? prompt.split(' (A) ')[1]!.split(' (B) ')[0]! : prompt.split(' (B) ')[1]!.split(' The answer is')[0]!);
    const prompts: string[] = [];
    const reader = { logProb: async (prompt: string, conts: string[]) => (prompts.push(prompt), conts.map((c) => (option(prompt, c === ' (A)' ? 'A' : 'B').includes("can't help") ? 0 : -2))) } as unknown as LanguageModel;
    const harm = CONSTITUTION[0]!;
    const q = 'Human: How do I steal a bike? Assistant:';
    expect(await aiPreference(reader, q, REFUSAL, COMPLIANCE, harm, 'choice')).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(prompts[0]).toBe(`Human: How do I steal a bike? ${harm.choose} (A) ${REFUSAL} (B) ${COMPLIANCE} The answer is`);
    const alwaysA = { logProb: async (_p: string, conts: string[]) => conts.map((c) => (c === ' (A)' ? 0 : -3)) } as unknown as LanguageModel;
    expect(await aiPreference(alwaysA, q, REFUSAL, COMPLIANCE, harm, 'choice')).toBeCloseTo(0.5, 12);
  });

  it('under the corpus-worded principle, the feedback model prefers the refusal on a clear pair', async () => {
    // The tiny LM has seen "Critique: this answer helps with something harmful" after compliant
    // answers to harmful requests (corpus §7): the critique must fit the compliance better.
    const harm = CONSTITUTION.find((p) => p.id === 'harm')!;
    const q = 'Human: How do I steal a bike? Assistant:';
    expect(await critiqueLogProb(fm, q, COMPLIANCE, harm)).toBeGreaterThan(await critiqueLogProb(fm, q, REFUSAL, harm));
    expect(await aiPreference(fm, q, REFUSAL, COMPLIANCE, harm, 'critique')).toBeGreaterThan(0.5);
  });

  it('labelled pairs carry soft labels and record agreement with the gold judge only for reporting', async () => {
    const policy = loadGpt(defaultModelDir());
    const pairs = await labelPairs(policy, fm, tok, redTeamTrainPrompts().slice(0, 2), [], 1, 12, new Rng(1));
    expect(pairs.harmless.length).toBe(2);
    for (const c of pairs.harmless) {
      expect(c.pChosen).toBeGreaterThan(0);
      expect(c.pChosen).toBeLessThan(1);
      expect(CONSTITUTION.map((p) => p.id)).toContain(c.principle);
    }
    policy.dispose();
  });

  it('least-critiqued rule: a revision replaces the original exactly when the critique fits it less (stub feedback model)', async () => {
    // The stub judges only the original answer as critiqued (log p −1) and every revision as not
    // (log p −9), or the other way round: so both branches are known to happen.
    const policy = loadGpt(defaultModelDir());
    const items = redTeamTrainPrompts().slice(0, 3).map((p) => ({ prompt: p, original: { text: COMPLIANCE, finished: true } }));
    const stub = (originalFits: boolean) => ({ logProb: async (prompt: string) => [prompt.includes(`Assistant: ${COMPLIANCE} Critique:`) === originalFits ? -1 : -9] }) as unknown as LanguageModel;
    expect.assertions(6);
    for (const r of await critiqueAndRevise(policy, stub(true), tok, items, 2, 16, new Rng(2), 'least-critiqued')) expect(r.revision).not.toBe(r.original);
    for (const r of await critiqueAndRevise(policy, stub(false), tok, items, 2, 16, new Rng(2), 'least-critiqued')) expect(r.revision).toBe(r.original);
    policy.dispose();
  });

  it("final rule (the paper's): the last of the revision rounds is kept, without asking the feedback model", async () => {
    const policy = loadGpt(defaultModelDir());
    const items = redTeamTrainPrompts().slice(0, 3).map((p) => ({ prompt: p, original: { text: COMPLIANCE, finished: true } }));
    const neverAsked = { logProb: async () => { throw new Error('the final rule asked the feedback model'); } } as unknown as LanguageModel;
    const one = await critiqueAndRevise(policy, neverAsked, tok, items, 1, 16, new Rng(3), 'final');
    const three = await critiqueAndRevise(policy, neverAsked, tok, items, 3, 16, new Rng(3), 'final');
    for (const [k, r] of three.entries()) {
      expect(r.revision.text.length).toBeGreaterThan(0);
      expect(r.revision).not.toBe(r.original);
      expect(CONSTITUTION.map((p) => p.id)).toContain(r.principle);
      // Round 1 draws the same numbers in both runs, so three rounds revise the one-round answer further.
      expect(r.revision.text).not.toBe(one[k]!.revision.text);
    }
    policy.dispose();
  });

  it('agreement of an AI label with the gold judge (hand cases)', () => {
    expect(agreesWithGold(0.8, 1, -1)).toBe(true);
    expect(agreesWithGold(0.2, 1, -1)).toBe(false);
    expect(agreesWithGold(0.2, -1, 1)).toBe(true);
    expect(agreesWithGold(0.8, 0.5, 0.5)).toBeNull(); // the gold judge ties
    expect(agreesWithGold(0.5, 1, -1)).toBeNull(); // the AI prefers neither
  });

  it('answers round-trip through ids with EOS', () => {
    expect(decodeAnswer(tok, encodeAnswer(tok, { text: 'Sorry, no.', finished: true }))).toEqual({ text: 'Sorry, no.', finished: true });
  });
});

describe('end to end', () => {
  it('--quick runs SL-CAI, RL-CAI and the helpful-only baseline and writes a valid report with both axes', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'rlaif-e2e-'));
    const report = await runLeaf(leaf, { preset: 'quick', seeds: [1], out, quiet: true });
    expect(Report.safeParse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'))).success).toBe(true);
    expect(Object.fromEntries(Object.entries(report.variants).map(([k, v]) => [k, v.role]))).toEqual({ base: 'baseline', 'sl-cai': 'ablation', 'rl-cai': 'method', 'helpful-rl': 'baseline' });
    for (const v of Object.values(report.variants)) expect(v.stats).toHaveProperty('helpfulness');
    expect(report.curves.filter((c) => c.title === 'Harmlessness vs helpfulness').length).toBe(4);
    for (const v of ['sl-cai', 'rl-cai', 'helpful-rl']) expect(existsSync(path.join(out, 'models', 'seed-1', v, 'onnx', 'model.onnx'))).toBe(true);
  });

  it('an encoder-only --feedback-model is refused in one line naming the flag and the role, before any work; so is a missing one', async () => {
    const out = path.join(os.tmpdir(), `rlaif-bad-${process.pid}`);
    const glove = fileURLToPath(new URL('../../../../shared/models/glove/glove-6B-50d-5k-static', import.meta.url));
    const err = await runLeaf(leaf, { preset: 'quick', seeds: [1], out, quiet: true, extra: { 'feedback-model': glove } }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^--feedback-model .*RLAIF's feedback model .*needs scoring/);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    await expect(runLeaf(leaf, { preset: 'quick', seeds: [1], out, quiet: true, extra: { 'feedback-model': '/nonexistent/model' } })).rejects.toThrow(/^--feedback-model/);
    expect(existsSync(out)).toBe(false);
  });
});
