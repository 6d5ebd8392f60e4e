/**
 * The showcase's own logic: the method-vs-ablation numbers, failure isolation (a throwing leaf, a
 * leaf over its time budget, a module that is not a leaf), not-built leaves, --only, and the CLI's
 * answers to bad flags.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '@rlllm/core/report';
import { UserError } from '@rlllm/core/config';
import { isBuilt, LEAVES, moduleOf } from '../src/leaves.ts';
import type { Leaf } from '@rlllm/core/leaf';
import type { z } from 'zod';
import { summaryTable } from '../src/render/table.ts';
import { killTree, runShowcase } from '../src/run.ts';
import { fmt, fmtDelta, fmtMeanCi, summarizeReport } from '../src/summary.ts';
import type { ShowcaseResults } from '../src/types.ts';
import { registry } from './registry.ts';

const quietStream = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
const tmp = mkdtempSync(join(tmpdir(), 'showcase-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A one-seed report; `roles` marks variants that are not ablations (the method is always 'method'). */
function report(higherIsBetter: boolean, means: Record<string, number>, method: string, roles: Record<string, 'baseline' | 'upper-bound' | 'reference'> = {}): Report {
  const role = (k: string): Report['variants'][string]['role'] => (k === method ? 'method' : roles[k] ?? 'ablation');
  const variants = Object.fromEntries(Object.entries(means).map(([k, m]) => [k, { role: role(k), mean: m, ci95: [m - 0.1, m + 0.1] as [number, number], perSeed: [m] }]));
  const comparisons = Object.keys(means)
    .filter((k) => role(k) === 'ablation' || role(k) === 'baseline')
    .map((k) => {
      const d = means[method]! - means[k]!;
      return { group: 'main', method, variant: k, role: role(k) as 'ablation' | 'baseline', measure: 'metric', diff: { mean: d, std: 0, ci95: [d, d] as [number, number], perSeed: [d], n: 1 }, verdict: 'one seed' as const };
    });
  return { leaf: 'x', taxonomy: 'A / b', paper: 'P', model: 'default', metric: { name: 'm', higherIsBetter }, method, variants, comparisons, curves: [], extra: {}, seeds: [1], config: {}, seconds: 1.25 };
}

describe('summary', () => {
  it('Δ is method − ablation, and "better" follows the direction of the metric', () => {
    const up = summarizeReport(report(true, { a: 0.5, m: 0.8, b: 0.9 }, 'm'));
    expect(up.method).toBe('m');
    expect(up.comparisons.map((c) => c.ablation)).toEqual(['a', 'b']);
    expect(up.comparisons[0]!.delta).toBeCloseTo(0.3);
    expect(up.comparisons[0]!.better).toBe(true);
    expect(up.comparisons[1]!.delta).toBeCloseTo(-0.1);
    expect(up.comparisons[1]!.better).toBe(false);
    const down = summarizeReport(report(false, { m: 2, a: 5 }, 'm'));
    expect(down.comparisons[0]!.delta).toBe(-3);
    expect(down.comparisons[0]!.better).toBe(true);
  });

  it('compares the method with ablations and baselines only, never with an upper bound or a reference', () => {
    const s = summarizeReport(report(true, { m: 0.5, a: 0.4, b: 0.3, oracle: 0.9, random: 0.1 }, 'm', { b: 'baseline', oracle: 'upper-bound', random: 'reference' }));
    expect(s.comparisons.map((c) => [c.ablation, c.role])).toEqual([['a', 'ablation'], ['b', 'baseline']]);
  });

  it('formats means with the CI half-width and signs the Δ', () => {
    expect(fmtMeanCi({ mean: 0.8, ci95: [0.7, 0.9] })).toBe('0.800 ± 0.100');
    expect(fmtDelta(0.3)).toBe('+0.300');
    expect(fmtDelta(-12.345)).toBe('-12.35');
    expect(fmt(212.04)).toBe('212.0');
    expect(fmt(1234567)).toBe('1.23e+6');
  });

  it('the terminal table has a row per ablation and lists failed and not-built leaves', () => {
    const text = summaryTable([
      { pkg: 'x-tiny', taxonomy: 'A / b', studies: '', section: '1', status: 'ok', report: report(true, { m: 0.8, a: 0.5, b: 0.2 }, 'm') },
      { pkg: 'y-tiny', taxonomy: 'A / c', studies: '', section: '2', status: 'failed', error: 'kaput' },
      { pkg: 'z-tiny', taxonomy: 'A / d', studies: '', section: '3', status: 'not built' },
    ]);
    expect(text).toContain('+0.300 ✓');
    expect(text).toContain('+0.600 ✓');
    expect(text).toContain('0.800 ± 0.100');
    expect(text).toContain('failed: y-tiny (A / c) — kaput');
    expect(text).toContain('not built: z-tiny');
  });
});

describe('runShowcase', () => {
  let res: ShowcaseResults;
  const out = join(tmp, 'mixed');

  it('records a throwing leaf, a leaf over budget and a non-leaf as failed while the others run', async () => {
    res = await runShowcase({
      registry: registry({
        'eureka-tiny': { pkg: 'not-a-leaf', exportName: 'notALeaf' },
        'ellm-tiny': { pkg: 'slow', exportName: 'slow' },
        'glam-tiny': { pkg: 'throws', exportName: 'throws' },
        'saycan-tiny': { pkg: 'walk-a', exportName: 'walkA' },
      }),
      seeds: [1, 2],
      out,
      timeoutPerLeafSeconds: 6,
      stream: quietStream,
    });
    const by = Object.fromEntries(res.leaves.map((l) => [l.pkg, l]));
    expect(by['walk-a']!.status).toBe('ok');
    expect(by['walk-a']!.report!.seeds).toEqual([1, 2]);
    expect(Object.keys(by['walk-a']!.report!.variants)).toEqual(['walk+drift', 'no-drift', 'backwards']);
    expect(by['throws']!.status).toBe('failed');
    expect(by['throws']!.error).toContain('boom');
    expect(by['slow']!.status).toBe('failed');
    expect(by['slow']!.error).toContain('time budget of 6 s');
    expect(by['not-a-leaf']!.status).toBe('failed');
    expect(by['not-a-leaf']!.error).toContain('does not export "notALeaf" as a Leaf');
    expect(res.leaves.filter((l) => l.status === 'not built').map((l) => l.pkg)).toEqual(['rlhf-tiny', 'rlaif-tiny', 'rlprompt-tiny', 'par-tiny']);
  });

  it('writes results.json, each leaf folder and index.html', () => {
    const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ShowcaseResults;
    expect(saved.leaves.map((l) => [l.pkg, l.status])).toEqual(res.leaves.map((l) => [l.pkg, l.status]));
    expect(saved.leaves.find((l) => l.pkg === 'walk-a')!.report!.method).toBe('walk+drift');
    expect(existsSync(join(out, 'walk-a', 'report.json'))).toBe(true);
    expect(existsSync(join(out, 'walk-a', 'events.jsonl'))).toBe(true);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const pkg of ['walk-a', 'throws', 'slow', 'not-a-leaf']) expect(html).toContain(`data-leaf="${pkg}"`);
    expect(html).toContain('boom: this test double always fails');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained: no script, no remote URL
  });

  it('--only runs the named leaves and marks the rest as not selected', async () => {
    const r = await runShowcase({
      registry: registry({ 'saycan-tiny': { pkg: 'walk-a', exportName: 'walkA' }, 'par-tiny': { pkg: 'walk-b', exportName: 'walkB' } }),
      only: ['walk-b'],
      out: join(tmp, 'only'),
      stream: quietStream,
    });
    expect(r.leaves.filter((l) => l.status !== 'skipped').map((l) => [l.pkg, l.status])).toEqual([['walk-b', 'ok']]);
    expect(r.leaves.find((l) => l.pkg === 'walk-b')!.report!.seeds).toEqual([1]); // the leaf's default seed
    await expect(runShowcase({ only: ['nope'], out: join(tmp, 'x'), stream: quietStream })).rejects.toThrow(UserError);
  });

  it('the registry lists the 8 leaves of the tree', () => {
    expect(LEAVES.map((l) => l.taxonomy.split(' / ')[0])).toEqual(['RL4LLM', 'RL4LLM', 'RL4LLM', 'LLM4RL', 'LLM4RL', 'LLM4RL', 'RL+LLM', 'RL+LLM']);
  });

  it('a workspace package counts as built only when the file its entry names exists', () => {
    const packages = mkdtempSync(join(tmpdir(), 'showcase-pkgs-'));
    try {
      const dir = join(packages, 'zz-tiny');
      mkdirSync(join(dir, 'src'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@rlllm/zz-tiny', exports: { '.': { import: './src/index.ts' } } }));
      const entry = { pkg: 'zz-tiny', taxonomy: 'A / z', studies: '', section: '1' };
      expect(isBuilt(entry, packages)).toBe(false); // package.json alone: its entry file is missing
      writeFileSync(join(dir, 'src', 'index.ts'), 'export const leaf = null;\n');
      expect(isBuilt(entry, packages)).toBe(true);
    } finally {
      rmSync(packages, { recursive: true, force: true });
    }
  });

  it('every real leaf is built and its package exports a Leaf of that name with one method', async () => {
    // A broken package would otherwise show as "not built" on the page while the suite stays green.
    for (const entry of LEAVES) {
      expect(isBuilt(entry), entry.pkg).toBe(true);
      const mod = (await import(moduleOf(entry))) as { leaf?: Leaf<z.ZodObject<z.ZodRawShape>> };
      expect(mod.leaf?.meta.leaf, entry.pkg).toBe(entry.pkg);
      const variants = mod.leaf!.variants(mod.leaf!.schema.parse(mod.leaf!.presets.quick), {});
      expect(variants.filter((v) => v.role === 'method' && !v.group), entry.pkg).toHaveLength(1);
    }
  });
});

describe('CLI', () => {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', tsx, main, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });

  it('answers a bad flag with one line and exit code 2', () => {
    for (const args of [['--bogus'], ['--seeds', '0'], ['--timeout-per-leaf', 'soon'], ['--only', 'nope', '--out', join(tmp, 'cli')]]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: .*Fix:/);
    }
  });

  it('--help prints the flags', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const flag of ['--quick', '--full', '--seeds', '--only', '--model', '--out', '--timeout-per-leaf']) expect(r.stdout).toContain(flag);
  });
});

describe('stopping a leaf', () => {
  it("kills the leaf's process and the worker processes below it", async () => {
    // A parent that starts a child which prints its pid; both would sleep for a minute.
    const parent = spawn(process.execPath, ['-e', "const c = require('child_process').spawn(process.execPath, ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'ignore'] }); setInterval(() => {}, 1000);"], { stdio: ['ignore', 'pipe', 'ignore'] });
    const grandchild = await new Promise<number>((done) => parent.stdout!.once('data', (d: Buffer) => done(Number(d.toString().trim()))));
    // Alive = listed and not a zombie (an orphan's exit status waits for a reaper that a container may not run).
    const alive = (pid: number) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
      } catch {
        return false;
      }
    };
    expect(alive(grandchild)).toBe(true);
    const exited = new Promise((done) => parent.on('exit', done));
    killTree(parent.pid);
    await exited;
    // SIGKILL is delivered at once; give the kernel a moment.
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(grandchild)).toBe(false);
  });
});
