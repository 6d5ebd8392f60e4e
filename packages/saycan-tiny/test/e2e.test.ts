import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runLeaf, Report } from '@rlllm/core';
import { leaf } from '../src/index.ts';
import { DEFAULT_INSTRUCTIONS_FILE } from '../src/instructions.ts';

const bin = fileURLToPath(new URL('../bin/saycan-tiny.js', import.meta.url));

describe('end to end', () => {
  it('a quick run on a few instructions writes a valid report', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'saycan-e2e-'));
    const all = JSON.parse(readFileSync(DEFAULT_INSTRUCTIONS_FILE, 'utf8')).instructions;
    const file = path.join(dir, 'few.json');
    writeFileSync(file, JSON.stringify({ instructions: [all.find((i: { id: string }) => i.id === 'nat-spill-coke'), all.find((i: { id: string }) => i.id === 'lh-towel-drawer')] }));
    const report = await runLeaf(leaf, { preset: 'quick', seeds: [1, 2], workers: 1, out: path.join(dir, 'out'), extra: { instructions: file }, config: { skillEpisodes: 800 }, quiet: true });
    const onDisk = Report.parse(JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')));
    expect(onDisk.method).toBe('saycan');
    expect(Object.fromEntries(Object.entries(onDisk.variants).map(([k, v]) => [k, v.role]))).toEqual({ saycan: 'method', 'llm-only': 'ablation', 'affordance-only': 'ablation' });
    // Two instructions, one rollout: every per-seed rate is a multiple of 1/2, and the mean is their average.
    for (const v of Object.values(report.variants)) {
      expect(v.perSeed).toHaveLength(2);
      for (const x of v.perSeed) expect([0, 0.5, 1]).toContain(x);
      expect(v.mean).toBeCloseTo((v.perSeed[0]! + v.perSeed[1]!) / 2, 12);
    }
    const stats = report.variants.saycan!.stats as { perFamily: Record<string, unknown>; perInstruction: Record<string, unknown> };
    expect(Object.keys(stats.perFamily).sort()).toEqual(['long-horizon', 'natural']);
    expect(Object.keys(stats.perInstruction).sort()).toEqual(['lh-towel-drawer', 'nat-spill-coke']);
    expect(report.comparisons.map((c) => c.variant)).toEqual(['llm-only', 'affordance-only']);
    // The paired bootstrap over the two instructions: each resample's mean difference is one of the
    // instructions' differences or their mean, so the interval spans exactly those.
    const boot = (report.extra.bootstrapOverInstructions as Record<string, { mean: number; ci95: [number, number]; items: number }>)['llm-only']!;
    const d = Object.keys(stats.perInstruction).map((id) => ((stats.perInstruction[id] as { execution: { mean: number } }).execution.mean - ((report.variants['llm-only']!.stats as { perInstruction: Record<string, { execution: { mean: number } }> }).perInstruction[id]!.execution.mean)));
    expect(boot.items).toBe(2);
    expect(boot.mean).toBeCloseTo((d[0]! + d[1]!) / 2, 12);
    expect(boot.ci95[0]).toBeCloseTo(Math.min(...d), 12);
    expect(boot.ci95[1]).toBeCloseTo(Math.max(...d), 12);
    const budget = report.curves.find((c) => c.variant === 'saycan' && c.xLabel.includes('budget'))!;
    expect(budget.x).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
    expect(readFileSync(path.join(dir, 'out', 'events.jsonl'), 'utf8')).toContain('"episode"');
  });

  it('the bin exits 2 with one line on a bad instructions file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'saycan-bin-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ instructions: [{ id: 'a', family: 'f', text: 't', plans: [['done']], goal: { robotAt: 'moon' } }] }));
    const r = spawnSync(process.execPath, [bin, '--quick', '--instructions', file, '--out', path.join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/instructions\.0\.goal\.robotAt/);
  });
});
