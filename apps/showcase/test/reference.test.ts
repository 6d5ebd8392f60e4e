/**
 * The shipped reference: loading and validating reference/<leaf>.json; turning real runs of the
 * test-double leaves into reference files, and refusing what is not a full multi-seed run (a quick
 * run, one seed, a full run with overrides, a report without its events.jsonl) without writing
 * anything; the CLI's one-line errors; and the verdict-first layout of the terminal summary and the
 * page for --quick, user-first for --full. The browser check of the page is in page.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '@rlllm/core/config';
import { runLeaf } from '@rlllm/core/leaf';
import { Report } from '@rlllm/core/report';
import { LEAVES } from '../src/leaves.ts';
import { copyReferences, loadReferences, REFERENCE_DIR, referenceFromRun, type ReferenceRun } from '../src/reference.ts';
import { renderHtml } from '../src/render/html.ts';
import { QUICK_TITLE, showcaseSummary } from '../src/render/table.ts';
import { runShowcase } from '../src/run.ts';
import { fmtCi, fmtDeltaCi, summarizeReport } from '../src/summary.ts';
import type { ShowcaseResults } from '../src/types.ts';
import { walkA } from './fixtures/leaves.ts';
import { registry } from './registry.ts';

const quietStream = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
const tmp = mkdtempSync(join(tmpdir(), 'showcase-reference-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const reg = registry({ 'saycan-tiny': { pkg: 'walk-a', exportName: 'walkA' }, 'par-tiny': { pkg: 'walk-b', exportName: 'walkB' } });
const readReport = (file: string) => Report.parse(JSON.parse(readFileSync(file, 'utf8')));
const dirs = { full: join(tmp, 'full'), quick: join(tmp, 'quick'), oneSeed: join(tmp, 'one-seed'), single: join(tmp, 'single'), override: join(tmp, 'override') };
let quickRes: ShowcaseResults;

/** Expect `p` to reject with a one-line UserError matching `re`. */
async function refused(p: Promise<unknown>, re: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  expect((e as Error).message).toMatch(re);
  expect((e as Error).message).toContain('Fix:');
  expect((e as Error).message.split('\n')).toHaveLength(1);
}

beforeAll(async () => {
  // Real runs of the test doubles: a showcase --full over 3 seeds, a --quick one, a --full one-seed
  // one, a single leaf run folder (as `npx <leaf> --full --seeds 2 --out DIR` writes it) and a
  // --full run with a config override.
  await runShowcase({ registry: reg, preset: 'full', seeds: [1, 2, 3], out: dirs.full, stream: quietStream, referenceDir: join(tmp, 'none') });
  quickRes = await runShowcase({ registry: reg, preset: 'quick', out: dirs.quick, stream: quietStream, referenceDir: join(tmp, 'none') });
  await runShowcase({ registry: reg, preset: 'full', seeds: [1], only: ['walk-a'], out: dirs.oneSeed, stream: quietStream, referenceDir: join(tmp, 'none') });
  await runLeaf(walkA, { preset: 'full', seeds: [1, 2], out: dirs.single, workers: 1, quiet: true });
  await runLeaf(walkA, { preset: 'full', seeds: [1, 2], out: dirs.override, config: { steps: 5 }, workers: 1, quiet: true });
});

describe('npm run reference: full runs → reference files', () => {
  it('copies a showcase --full --seeds N folder: one file per leaf, trimmed, with the numbers of the run and its command', async () => {
    const out = join(tmp, 'ref-showcase');
    const res = await copyReferences({ from: [dirs.full], out, registry: reg });
    expect(readdirSync(out).sort()).toEqual(['walk-a.json', 'walk-b.json']);
    expect(res.without).toEqual([]);
    const refs = loadReferences(out);
    for (const leaf of ['walk-a', 'walk-b']) {
      const src = readReport(join(dirs.full, leaf, 'report.json'));
      const ref = refs[leaf]!;
      expect(ref.preset).toBe('full');
      expect(ref.command).toBe('npm run showcase -- --full --seeds 3');
      expect(Number.isNaN(Date.parse(ref.date))).toBe(false);
      expect(ref.report.seeds).toEqual([1, 2, 3]);
      expect(ref.report.config).toEqual(src.config);
      for (const [k, v] of Object.entries(src.variants)) {
        expect(ref.report.variants[k]).toMatchObject({ role: v.role, mean: v.mean, ci95: v.ci95, perSeed: v.perSeed });
        expect(ref.report.variants[k]!.details).toBeUndefined(); // per-seed traces are trimmed
      }
      expect(ref.report.comparisons).toEqual(src.comparisons.filter((c) => c.measure === 'metric'));
      expect(ref.report.comparisons.length).toBeGreaterThan(0);
      expect(ref.report.curves).toEqual([]);
      expect(src.curves.length).toBeGreaterThan(0);
    }
  });

  it("gives a single leaf run folder the leaf's own command", async () => {
    const ref = await referenceFromRun(dirs.single, reg);
    expect(ref.command).toBe('npx walk-a --full --seeds 2');
    expect(summarizeReport(ref.report).mean).toBe(readReport(join(dirs.single, 'report.json')).variants['walk+drift']!.mean);
  });

  it('refuses a --quick run in one line naming the file, and writes nothing even when other runs are good', async () => {
    const out = join(tmp, 'ref-refused');
    await refused(copyReferences({ from: [dirs.full, dirs.quick], out, registry: reg }), new RegExp(`^${join(dirs.quick, 'walk-a', 'report.json')}: a --quick run \\(smoke-test budgets\\), not a full run\\. Fix:`));
    expect(existsSync(out)).toBe(false);
  });

  it('refuses one seed, a full run with overrides, a report without its events.jsonl, and a file that is not a report', async () => {
    await refused(referenceFromRun(join(dirs.oneSeed, 'walk-a'), reg), /report\.json: one seed \(1\), so no CI over seeds/);
    await refused(referenceFromRun(dirs.override, reg), /config "steps" is 5 where walk-a's full preset has 60/);
    const alone = join(tmp, 'alone');
    mkdirSync(alone);
    copyFileSync(join(dirs.single, 'report.json'), join(alone, 'report.json'));
    await refused(referenceFromRun(alone, reg), /no events\.jsonl beside it/);
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'report.json'), JSON.stringify({ leaf: 'walk-a' }));
    await refused(referenceFromRun(bad, reg), /not a leaf report \(at "taxonomy"/);
    await refused(copyReferences({ from: [join(tmp, 'nowhere')], out: join(tmp, 'x'), registry: reg }), /--from .*nowhere: not a folder/);
  });

  it('the CLI answers a quick report with one line and exit code 2, and writes nothing', () => {
    const main = fileURLToPath(new URL('../src/referenceMain.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', tsx, main, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    const out = join(tmp, 'ref-cli');
    for (const [args, re] of [
      [['--from', join(dirs.quick, 'walk-a'), '--out', out], /a --quick run/],
      [['--from'], /--from: expected a folder/],
      [['--bogus'], /unknown flag "--bogus"/],
      [[], /no --from given/],
    ] as [string[], RegExp][]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^error: .*${re.source}.*Fix:`));
    }
    expect(existsSync(out)).toBe(false);
    expect(cli('--help').stdout).toContain('--from DIR');
  });
});

describe('loading the reference', () => {
  let dir: string;
  let good: ReferenceRun;
  beforeAll(async () => {
    dir = join(tmp, 'load');
    good = (await copyReferences({ from: [join(dirs.full, 'walk-a')], out: dir, registry: reg })).references[0]!;
  });
  const write = (name: string, body: string) => {
    const d = mkdtempSync(join(tmp, 'bad-ref-'));
    writeFileSync(join(d, name), body);
    return join(d, name);
  };
  const loadFails = (file: string, re: RegExp) => {
    expect(() => loadReferences(join(file, '..'))).toThrow(UserError);
    try {
      loadReferences(join(file, '..'));
    } catch (e) {
      const m = (e as Error).message;
      expect(m.startsWith(`reference ${file}`), m).toBe(true);
      expect(m).toMatch(re);
      expect(m).toContain('Fix:');
      expect(m.split('\n')).toHaveLength(1);
    }
  };

  it('loads a valid folder; a missing folder is no reference at all', () => {
    expect(Object.keys(loadReferences(dir))).toEqual(['walk-a']);
    expect(loadReferences(join(tmp, 'no-such-folder'))).toEqual({});
  });

  it('refuses a quick preset, one seed, a broken report, bad JSON and a misnamed file, naming the file', () => {
    loadFails(write('walk-a.json', JSON.stringify({ ...good, preset: 'quick' })), /invalid at "preset"/);
    loadFails(write('walk-a.json', JSON.stringify({ ...good, report: { ...good.report, seeds: [1] } })), /invalid at "report\.seeds": a reference needs two or more seeds/);
    loadFails(write('walk-a.json', JSON.stringify({ ...good, report: { ...good.report, method: 'nope' } })), /invalid at "report\.method"/);
    loadFails(write('walk-a.json', '{ "preset": '), /is not valid JSON/);
    loadFails(write('walk-b.json', JSON.stringify(good)), /holds leaf "walk-a".*Fix: rename it walk-a\.json/);
  });

  it('runShowcase stops before running any leaf when a reference file is invalid', async () => {
    const bad = write('walk-a.json', JSON.stringify({ ...good, preset: 'quick' }));
    const out = join(tmp, 'never');
    await expect(runShowcase({ registry: reg, out, referenceDir: join(bad, '..'), stream: quietStream })).rejects.toThrow(/invalid at "preset"/);
    expect(existsSync(out)).toBe(false);
  });

  it('the shipped reference folder is valid: real leaves of the tree, full preset, several seeds', () => {
    const refs = loadReferences(REFERENCE_DIR);
    expect(Object.keys(refs).length).toBeGreaterThan(0);
    for (const [leaf, ref] of Object.entries(refs)) {
      expect(LEAVES.map((l) => l.pkg), leaf).toContain(leaf);
      expect(ref.report.seeds.length, leaf).toBeGreaterThanOrEqual(2);
      expect(ref.command, leaf).toMatch(new RegExp(`^(npx ${leaf}|npm run showcase --) --full --seeds ${ref.report.seeds.length}`));
    }
  });
});

describe('summary and page: the reference verdict first for --quick, the user’s own numbers first for --full', () => {
  let refs: Record<string, ReferenceRun>;
  beforeAll(async () => {
    const dir = join(tmp, 'ref-layout');
    await copyReferences({ from: [join(dirs.full, 'walk-a')], out: dir, registry: reg });
    refs = loadReferences(dir);
  });

  it('a --quick run is shown with the reference and labelled a smoke test', async () => {
    // The reference rides along only for leaves that ran (walk-a has one, walk-b none).
    const res = await runShowcase({ registry: reg, preset: 'quick', out: join(tmp, 'quick-ref'), stream: quietStream, referenceDir: join(tmp, 'ref-layout') });
    expect(Object.keys(res.references!)).toEqual(['walk-a']);
    const text = showcaseSummary(res);
    const s = summarizeReport(refs['walk-a']!.report);
    const at = (needle: string) => {
      expect(text).toContain(needle);
      return text.indexOf(needle);
    };
    expect(at('Reference verdict')).toBeLessThan(at(fmtCi(s)));
    expect(at(fmtCi(s))).toBeLessThan(at(QUICK_TITLE));
    for (const c of s.comparisons) expect(at(`${fmtDeltaCi(c)}`)).toBeLessThan(at(QUICK_TITLE));
    expect(at('no reference run yet')).toBeLessThan(at(QUICK_TITLE));
    expect(at('npm run showcase -- --full --seeds 3')).toBeLessThan(at(QUICK_TITLE));
  });

  it('a --full run leads with its own numbers and shows the reference after them, labelled, for comparison', async () => {
    const full: ShowcaseResults = { ...quickRes, preset: 'full', references: refs };
    const text = showcaseSummary(full);
    expect(text.startsWith('Your --full run:')).toBe(true);
    expect(text).not.toContain('Reference verdict');
    const html = await renderHtml(full);
    expect(html).toContain('id="reference" data-role="comparison"');
    expect(html).not.toContain('data-role="verdict"');
    expect(html.indexOf('id="summary"')).toBeLessThan(html.indexOf('id="reference"'));
    expect(html).toContain('Shipped reference (for comparison)');
    expect(html).not.toContain('smoke-test budgets');
    const quick = await renderHtml({ ...quickRes, references: refs });
    expect(quick.indexOf('id="reference" data-role="verdict"')).toBeGreaterThan(-1);
    expect(quick.indexOf('id="reference"')).toBeLessThan(quick.indexOf('id="summary"'));
  });
});
