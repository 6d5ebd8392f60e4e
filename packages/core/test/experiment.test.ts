import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { aggregate, aggregateCurves, binMeans, blockMeans, defaultTrainer, pairedDifference, parseCli, Rng, runLeaf, summarizeStats, UserError, verdictOf, VariantFailure, type Report, type SeedOutcome, type Variant } from '../src/index.ts';
import { leaf as demo } from './fixtures/demoLeaf.ts';
import { leaf as ortDemo, schema as ortSchema } from './fixtures/ortLeaf.ts';

const tmp = (p: string) => join(mkdtempSync(join(tmpdir(), p)), 'run');

describe('aggregation (hand cases)', () => {
  it('summarizes nested stats over seeds; a seed without a key is NaN there and left out of the mean', () => {
    const t = summarizeStats([{ a: 1, g: { b: 2 } }, { a: 3, g: { b: 4, c: 9 } }]);
    expect(t.a).toMatchObject({ mean: 2, perSeed: [1, 3], n: 2 });
    // t(0.975, 1) = 12.706; s = √2; half-width = 12.706 · √2 / √2 = 12.706
    expect((t.a as { ci95: number[] }).ci95[0]).toBeCloseTo(2 - 12.706, 3);
    expect((t.g as Record<string, unknown>).b).toMatchObject({ mean: 3, perSeed: [2, 4] });
    const c = (t.g as Record<string, { mean: number; perSeed: number[]; n: number }>).c!;
    expect(c.mean).toBe(9);
    expect(c.n).toBe(1);
    expect(Number.isNaN(c.perSeed[0])).toBe(true);
  });

  it('bins curves over seeds on the union of x, leaving out missing and NaN points', () => {
    const [c] = aggregateCurves('v', [
      [{ title: 't', x: [1, 2, 3], y: [1, NaN, 3], xLabel: 'x', yLabel: 'y' }],
      [{ title: 't', x: [1, 3, 4], y: [3, 5, NaN], xLabel: 'x', yLabel: 'y' }],
    ]);
    // x = 2 has only a NaN and x = 4 only a NaN: both dropped; x = 1 → mean(1, 3); x = 3 → mean(3, 5).
    expect(c!.x).toEqual([1, 3]);
    expect(c!.y).toEqual([2, 4]);
    expect(c!.lo[0]).toBeCloseTo(2 - 12.706, 3);
  });

  it('pairs seeds for differences and reads the verdict off the CI in the metric direction', () => {
    const d = pairedDifference([0.5, 0.6, 0.7], [0.1, 0.3, 0.2]);
    expect(d.perSeed.map((x) => +x.toFixed(10))).toEqual([0.4, 0.3, 0.5]);
    expect(d.mean).toBeCloseTo(0.4, 12);
    expect(verdictOf(d, true)).toBe('better');
    expect(verdictOf(d, false)).toBe('worse');
    expect(verdictOf(pairedDifference([1, 0], [0, 1]), true)).toBe('no difference shown');
    expect(verdictOf(pairedDifference([1], [0]), true)).toBe('one seed');
  });

  it('block means and bin means', () => {
    expect(blockMeans([1, 2, 3, 4, 5, 6, 7], 3)).toEqual({ x: [2, 4, 6], y: [1.5, 3.5, 5.5] });
    expect(binMeans([{ x: 1, y: 1 }, { x: 2, y: 3 }, { x: 5, y: 10 }], [2, 4, 6])).toEqual([2, NaN, 10]);
  });

  it('compares the method only with ablations and baselines, per group', () => {
    const v = (name: string, role: Variant<unknown>['role'], group?: string): Variant<unknown> => ({ name, role, group, about: '', run: async () => ({ metric: 0 }) });
    const variants = [v('m', 'method'), v('a', 'ablation'), v('b', 'baseline'), v('u', 'upper-bound'), v('r', 'reference'), v('m2', 'method', 'g2'), v('a2', 'ablation', 'g2')];
    const outcome = (seed: number, k: number): SeedOutcome => ({ seed, variants: Object.fromEntries(variants.map((x, i) => [x.name, { metric: k * (i + 1) }])), record: {} });
    const r = aggregate(variants, [outcome(1, 1), outcome(2, 2)], true);
    expect(r.comparisons.map((c) => `${c.method}-${c.variant}`)).toEqual(['m-a', 'm-b', 'm2-a2']);
    expect(r.variants.u!.role).toBe('upper-bound');
    expect(r.variants.m2!.group).toBe('g2');
  });
});

describe('Rng.fork(name)', () => {
  it('is a stream of the seed and the name alone, whatever was drawn before', () => {
    const a = new Rng(5);
    const x = a.fork('sft').random();
    a.random();
    a.fork('other').random();
    expect(a.fork('sft').random()).toBe(x);
    expect(new Rng(6).fork('sft').random()).not.toBe(x);
    expect(new Rng(5).fork('sfu').random()).not.toBe(x);
  });
});

describe('the experiment runner', () => {
  const strip = (r: Report) => ({ ...r, seconds: 0 });

  it('gives the same report with 1 and 2 worker processes', async () => {
    const one = await runLeaf(demo, { seeds: [1, 2, 3], out: tmp('w1-'), workers: 1, quiet: true });
    const two = await runLeaf(demo, { seeds: [1, 2, 3], out: tmp('w2-'), workers: 2, quiet: true });
    expect(strip(two)).toEqual(strip(one));
    // The pieces are really there: roles, stats, curves of variants and of the seed level, details per seed.
    expect(one.method).toBe('method');
    expect(Object.fromEntries(Object.entries(one.variants).map(([k, v]) => [k, v.role]))).toEqual({ method: 'method', ablation: 'ablation', reference: 'reference' });
    expect(one.variants.method!.perSeed).toHaveLength(3);
    expect(one.variants.method!.mean).toBeCloseTo(one.variants.method!.perSeed.reduce((a, b) => a + b, 0) / 3, 12);
    expect(one.comparisons.map((c) => c.variant)).toEqual(['ablation']);
    // method − ablation = mean(own draws) + 0.5 > 0 on every seed
    expect(one.comparisons[0]!.verdict).toBe('better');
    expect(one.curves.map((c) => `${c.variant}: ${c.title}`)).toEqual(['method: first draws', 'stage: stage']);
    expect(Object.keys(one.variants.method!.details!)).toEqual(['1', '2', '3']);
    expect(one.extra.stats).toHaveProperty('stageMean');
  });

  it('gives every seed its own numbers, and the same numbers as a run of that seed alone', async () => {
    const all = await runLeaf(demo, { seeds: [1, 2, 3], out: tmp('all-'), workers: 2, quiet: true });
    const alone = await runLeaf(demo, { seeds: [2], out: tmp('alone-'), workers: 1, quiet: true });
    expect(new Set(all.variants.method!.perSeed).size).toBe(3);
    expect(alone.variants.method!.perSeed[0]).toBe(all.variants.method!.perSeed[1]);
  });

  it('stops on a variant that throws: one-line error naming it and the seed, no report.json', async () => {
    for (const workers of [1, 2]) {
      const out = tmp('fail-');
      const err = await runLeaf(demo, { seeds: [1, 2, 3], out, workers, quiet: true, config: { failOnSeed: 2 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VariantFailure);
      expect((err as Error).message).toBe('variant "method" failed on seed 2: boom on seed 2');
      expect(existsSync(join(out, 'report.json'))).toBe(false);
      expect(readFileSync(join(out, 'events.jsonl'), 'utf8')).toMatch(/second line of the message/);
    }
  });
});

describe('the experiment runner with a leaf that trains on onnxruntime', () => {
  const threadsOf = (r: Report) => Object.values(r.variants.method!.details!).map((d) => (d as { threads: number }).threads);

  it('gives every seed the same numbers with 1 and 2 worker processes (each with its share of the cores as ORT threads)', async () => {
    const one = await runLeaf(ortDemo, { seeds: [1, 2, 3], out: tmp('ort1-'), workers: 1, quiet: true });
    const two = await runLeaf(ortDemo, { seeds: [1, 2, 3], out: tmp('ort2-'), workers: 2, quiet: true });
    expect(two.variants.method!.perSeed).toEqual(one.variants.method!.perSeed);
    expect(two.variants.method!.stats).toEqual(one.variants.method!.stats);
    expect(new Set(one.variants.method!.perSeed).size).toBe(3);
    // One process gets every core; each of two workers gets half (so, on 2 cores, 2 threads vs 1).
    const cores = availableParallelism();
    expect(threadsOf(one)).toEqual([cores, cores, cores]);
    expect(threadsOf(two)).toEqual(Array(3).fill(Math.max(1, Math.floor(cores / 2))));
  });

  it('sends the trainer to the worker processes and records it in the report; the CLI flag parses', async () => {
    const r = await runLeaf(ortDemo, { seeds: [1, 2], out: tmp('tfjs-'), workers: 2, trainer: 'tfjs', quiet: true });
    expect(r.trainer).toBe('tfjs');
    expect(Object.values(r.variants.method!.details!).map((d) => (d as { trainer: string }).trainer)).toEqual(['tfjs', 'tfjs']);
    const inProcess = await runLeaf(ortDemo, { seeds: [1], out: tmp('tfjs1-'), workers: 1, trainer: 'tfjs', quiet: true });
    expect(Object.values(inProcess.variants.method!.details!)).toEqual([{ threads: availableParallelism(), trainer: 'tfjs' }]);
    expect(defaultTrainer()).toBe('ort'); // the in-process run set it for its seeds only
    const spec = { name: 'ort-demo-tiny', description: '', schema: ortSchema, presets: ortDemo.presets };
    expect(parseCli(spec, ['--trainer', 'tfjs'])!.trainer).toBe('tfjs');
    expect(parseCli(spec, [])!.trainer).toBeUndefined();
    expect(() => parseCli(spec, ['--trainer', 'torch'])).toThrow(UserError);
  });
});
