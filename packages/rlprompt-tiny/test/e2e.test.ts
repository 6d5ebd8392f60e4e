import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runLeaf, Report } from '@rlllm/core';
import { leaf, DEFAULT_TRANSFER_MODEL } from '../src/index.ts';

const bin = fileURLToPath(new URL('../bin/rlprompt-tiny.js', import.meta.url));

describe('end to end', () => {
  it('a short quick run writes a valid report with every variant, curves, the learned prompt and transfer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rlprompt-e2e-'));
    const report = await runLeaf(leaf, { preset: 'quick', seeds: [1], out: dir, config: { steps: 4, promptsPerStep: 4, randomPrompts: 2 }, quiet: true });
    const onDisk = Report.parse(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')));
    expect(onDisk.method).toBe('rlprompt');
    expect(Object.fromEntries(Object.entries(onDisk.variants).map(([k, v]) => [k, v.role]))).toEqual({ 'no-prompt': 'baseline', manual: 'baseline', random: 'baseline', rlprompt: 'method' });
    // Test accuracy is a count over the 120 test sentences (random: the mean of 2 prompts' counts).
    for (const [name, v] of Object.entries(onDisk.variants)) {
      const k = name === 'random' ? 240 : 120;
      expect(Math.abs(v.perSeed[0]! * k - Math.round(v.perSeed[0]! * k))).toBeLessThan(1e-9);
    }
    const reward = onDisk.curves.find((c) => c.yLabel.includes('reward'))!;
    expect(reward.x).toEqual([1, 2, 3, 4]);
    expect(onDisk.curves.some((c) => c.yLabel.includes('train accuracy'))).toBe(true);
    const learned = report.variants.rlprompt!.details!['1'] as { prompt: string };
    expect(learned.prompt.split(' ')).toHaveLength(3);
    const stats = report.variants.rlprompt!.stats as Record<string, unknown>;
    // The default second LM lives in ../shared/models; CI has it, so there the transfer must be
    // measured; without it the leaf leaves transfer out (the next test covers that case by flag).
    expect('transfer' in stats).toBe(existsSync(DEFAULT_TRANSFER_MODEL) || process.env.CI === 'true');
    expect(readFileSync(path.join(dir, 'events.jsonl'), 'utf8')).toContain('"learned"');
  });

  it('seeds change the policy: two seeds give different training histories', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rlprompt-seeds-'));
    const r = await runLeaf(leaf, { preset: 'quick', seeds: [1, 2], workers: 1, out: dir, config: { steps: 2, promptsPerStep: 4, randomPrompts: 1 }, extra: { 'transfer-model': 'none' }, quiet: true });
    const lines = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const best = (seed: number) => lines.filter((e) => e.type === 'step' && e.seed === seed).map((e) => e.bestPrompt);
    expect(best(1)).toHaveLength(2);
    expect(best(1)).not.toEqual(best(2));
    expect(r.variants.rlprompt!.stats).not.toHaveProperty('transfer');
  });

  it('the bin exits 2 with one line on a bad transfer model', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rlprompt-bin-'));
    const r = spawnSync(process.execPath, [bin, '--quick', '--steps', '1', '--prompts-per-step', '2', '--random-prompts', '1', '--transfer-model', path.join(dir, 'nope'), '--out', path.join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    // Progress lines (non-TTY) also go to stderr; the error itself is one line.
    const errors = r.stderr.trim().split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/transfer-model/);
  });
});
