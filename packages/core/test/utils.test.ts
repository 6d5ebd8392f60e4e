import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { Rng, mean, std, ci95, summarize, parseCli, UserError, readJsonFile, writeReport, EventLog, runLeaf, type Report, type Leaf } from '../src/index.ts';

const vr = (role: 'method' | 'ablation', perSeed: number[]) => { const s = summarize(perSeed); return { role, mean: s.mean, ci95: s.ci95, perSeed, std: s.std }; };

describe('Rng', () => {
  it('is a pure function of its seed', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const xs = Array.from({ length: 5 }, () => a.random());
    expect(Array.from({ length: 5 }, () => b.random())).toEqual(xs);
    expect(new Rng(8).random()).not.toBe(xs[0]);
  });
  it('gives roughly uniform and normal draws', () => {
    const r = new Rng(1);
    const u = Array.from({ length: 20000 }, () => r.random());
    expect(mean(u)).toBeGreaterThan(0.49);
    expect(mean(u)).toBeLessThan(0.51);
    const n = Array.from({ length: 20000 }, () => r.normal());
    expect(Math.abs(mean(n))).toBeLessThan(0.03);
    expect(Math.abs(std(n) - 1)).toBeLessThan(0.03);
  });
  it('samples categorical in proportion to weights', () => {
    const r = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[r.categorical([1, 2, 7])]!++;
    expect(counts[2]! / 30000).toBeGreaterThan(0.68);
    expect(counts[2]! / 30000).toBeLessThan(0.72);
  });
});

describe('stats', () => {
  it('computes mean, sample std and a t-based 95% CI', () => {
    const xs = [1, 2, 3, 4, 5];
    expect(mean(xs)).toBe(3);
    expect(std(xs)).toBeCloseTo(Math.sqrt(2.5), 12);
    // t(0.975, 4) = 2.776; half-width = 2.776 · 1.5811 / √5 = 1.9630
    const [lo, hi] = ci95(xs);
    expect(lo).toBeCloseTo(3 - 1.963, 3);
    expect(hi).toBeCloseTo(3 + 1.963, 3);
    expect(summarize([4]).ci95).toEqual([4, 4]);
  });
});

describe('CLI config', () => {
  const schema = z.object({
    lr: z.number().positive().default(0.1).describe('learning rate'),
    steps: z.number().int().positive().default(10),
    mode: z.enum(['a', 'b']).default('a'),
    verbose: z.boolean().default(false),
  });
  const spec = { name: 'demo', description: 'a demo', schema, presets: { quick: { steps: 5 }, full: { steps: 500 } } };

  it('applies presets, flags and seeds', () => {
    const r = parseCli(spec, ['--full', '--lr', '0.5', '--seeds', '3', '--verbose', '--model', 'x/y'])!;
    expect(r.config).toEqual({ lr: 0.5, steps: 500, mode: 'a', verbose: true });
    expect(r.seeds).toEqual([1, 2, 3]);
    expect(r.model).toBe('x/y');
    expect(parseCli(spec, ['--seed', '9'])!.seeds).toEqual([9]);
    expect(parseCli(spec, [])!.config.steps).toBe(5);
  });

  it('answers bad input with one line naming the field and the fix', () => {
    const msg = (argv: string[]) => {
      try {
        parseCli(spec, argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(msg(['--lr', '-1'])).toMatch(/"lr".*--lr.*Fix:/);
    expect(msg(['--mode', 'c'])).toMatch(/"mode".*use one of a, b/);
    expect(msg(['--bogus'])).toMatch(/unknown flag "--bogus"/);
    expect(msg(['--seeds', '0'])).toMatch(/--seeds.*integer ≥ 1/);
    expect(msg(['--steps'])).toMatch(/needs a value/);
    for (const m of [msg(['--lr', 'abc']), msg(['--steps', '2.5'])]) expect(m.split('\n')).toHaveLength(1);
  });

  it('validates a config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ lr: 0.2 }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ lr: 'fast' }));
    writeFileSync(join(dir, 'broken.json'), '{ lr: ');
    expect(parseCli(spec, ['--config', join(dir, 'ok.json')])!.config.lr).toBe(0.2);
    expect(() => parseCli(spec, ['--config', join(dir, 'bad.json')])).toThrow(/field "lr"/);
    expect(() => readJsonFile(schema, join(dir, 'broken.json'))).toThrow(/not valid JSON/);
    expect(() => readJsonFile(schema, join(dir, 'missing.json'))).toThrow(/does not exist/);
  });
});

describe('report and events', () => {
  it('validates and writes report.json atomically; rejects a report whose method is not a variant', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rep-'));
    const report: Report = {
      leaf: 'demo-tiny',
      taxonomy: 'X / Y',
      paper: 'Someone 2024',
      model: 'default',
      metric: { name: 'success', higherIsBetter: true },
      method: 'm',
      variants: { m: vr('method', [0.5, 0.7]), base: vr('ablation', [0.1, 0.2]) },
      comparisons: [],
      curves: [{ variant: 'm', x: [1, 2], y: [0.1, 0.2], xLabel: 'step', yLabel: 'success' }],
      extra: {},
      seeds: [1, 2],
      config: {},
      seconds: 1,
    };
    const file = writeReport(dir, report);
    expect(JSON.parse(readFileSync(file, 'utf8')).variants.m.mean).toBeCloseTo(0.6);
    const dir2 = mkdtempSync(join(tmpdir(), 'rep-'));
    expect(() => writeReport(dir2, { ...report, method: 'nope' })).toThrow(/method/);
    expect(() => writeReport(dir2, { ...report, method: 'base' })).toThrow(/role 'method'/);
    expect(existsSync(join(dir2, 'report.json'))).toBe(false);
  });

  it('appends one JSON object per line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ev-'));
    const log = new EventLog(join(dir, 'events.jsonl'));
    log.log('a', { x: 1 });
    log.log('b');
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['a', 'b']);
    expect(lines[0].x).toBe(1);
  });
});

describe('runLeaf', () => {
  const schema = z.object({ n: z.number().int().positive().default(3) });
  const make = (fail?: Error): Leaf<typeof schema> => ({
    meta: { leaf: 'demo-tiny', taxonomy: 'X / Y', paper: 'P 2024', description: 'demo', metric: { name: 'm', higherIsBetter: true } },
    module: import.meta.url,
    schema,
    presets: { quick: { n: 2 }, full: { n: 5 } },
    variants: () => [
      { name: 'a', role: 'method', about: 'a', run: async (seed, config) => { if (fail) throw fail; return { metric: seed * config.n }; } },
      { name: 'b', role: 'ablation', about: 'b', run: async (seed, config) => ({ metric: (seed * config.n) / 2 }) },
    ],
  });

  it('fills identity, seeds and config from the leaf and writes report.json + events.jsonl', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'leaf-')), 'run');
    const r = await runLeaf(make(), { preset: 'full', seeds: [1, 2], out, quiet: true, workers: 1 });
    expect(r.leaf).toBe('demo-tiny');
    expect(r.config).toEqual({ n: 5 });
    expect(r.variants.a!.perSeed).toEqual([5, 10]);
    expect(r.comparisons[0]!.diff.perSeed).toEqual([2.5, 5]);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    expect(readFileSync(join(out, 'events.jsonl'), 'utf8')).toMatch(/"type":"end"/);
  });

  it('uses the leaf\'s default model unless --model is given', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'leaf-')), 'run');
    const base = make();
    const coderLeaf = { ...base, meta: { ...base.meta, defaultModel: 'rlllm/tiny-coder' } };
    expect((await runLeaf(base, { out, quiet: true })).model).toBe('rlllm/tiny-gpt');
    expect((await runLeaf(coderLeaf, { out, quiet: true })).model).toBe('rlllm/tiny-coder');
    expect((await runLeaf(coderLeaf, { out, quiet: true, model: 'some/dir' })).model).toBe('some/dir');
  });

  it('leaves no output behind when the user handed in something bad', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'leaf-')), 'run');
    await expect(runLeaf(make(new UserError('bad model folder')), { out, quiet: true })).rejects.toThrow(/bad model/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an output path under a file before any work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leaf-'));
    writeFileSync(join(dir, 'f'), 'x');
    await expect(runLeaf(make(), { out: join(dir, 'f', 'sub'), quiet: true })).rejects.toThrow(/--out .*is a file/);
    await expect(runLeaf(make(), { out: join(dir, 'f'), quiet: true })).rejects.toThrow(/--out .*is a file/);
  });
});

describe('paired bootstrap over items', () => {
  it('gives a point interval when every item differs by the same amount, and covers the mean otherwise', async () => {
    const { bootstrapPairedMean } = await import('../src/stats.ts');
    const same = bootstrapPairedMean([1, 1, 0, 0], [0, 0, -1, -1], new Rng(1), 2000);
    expect(same).toEqual({ mean: 1, ci95: [1, 1], items: 4 });
    // 2 of 20 items differ by 1: the mean difference is 0.1, and resampling the items can lose both.
    const a = Array.from({ length: 20 }, (_, i) => (i < 2 ? 1 : 0));
    const b = new Array(20).fill(0);
    const r = bootstrapPairedMean(a, b, new Rng(2), 4000);
    expect(r.mean).toBeCloseTo(0.1, 12);
    expect(r.ci95[0]).toBe(0);
    expect(r.ci95[1]).toBeGreaterThan(0.1);
  });
});
