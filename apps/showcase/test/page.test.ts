/**
 * End to end: run the showcase on two test-double leaves, open DIR/index.html in real headless
 * Chromium (Debian's, driven by playwright-core) and check that everything rendered, that nothing
 * was fetched and nothing logged an error. The screenshot goes to test-artifacts/showcase.png.
 *
 * Before the --quick run, a --full run of one double is turned into a reference file by the same
 * code as `npm run reference`; the page must show that reference's verdict, with its CIs, first,
 * the other double as "no reference run yet", and the quick run labelled as a smoke test.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { copyReferences, loadReferences } from '../src/reference.ts';
import { runShowcase } from '../src/run.ts';
import { fmtCi, fmtDeltaCi, summarizeReport } from '../src/summary.ts';
import { registry } from './registry.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const quietStream = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

describe('index.html in headless Chromium', () => {
  let dir: string;
  let browser: Browser | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'showcase-page-'));
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the tree, every leaf section, bar chart and curve, offline and without errors', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} not found: this test needs Debian's chromium. Fix: apt-get install -y chromium (CI's .ci/run does it). Do not run "npx playwright install".`);

    const reg = registry({ 'saycan-tiny': { pkg: 'walk-a', exportName: 'walkA' }, 'par-tiny': { pkg: 'walk-b', exportName: 'walkB' } });
    const fullDir = join(dir, 'full');
    const referenceDir = join(dir, 'reference');
    await runShowcase({ registry: reg, preset: 'full', seeds: [1, 2, 3, 4], only: ['walk-a'], out: fullDir, timeoutPerLeafSeconds: 60, stream: quietStream, referenceDir });
    await copyReferences({ from: [fullDir], out: referenceDir, registry: reg });
    const res = await runShowcase({ registry: reg, seeds: [1, 2, 3], out: join(dir, 'quick'), timeoutPerLeafSeconds: 60, stream: quietStream, referenceDir });
    expect(res.leaves.map((l) => l.status)).toEqual(['not built', 'not built', 'not built', 'not built', 'not built', 'not built', 'ok', 'ok']);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(dir, 'quick', 'index.html')).href;
    await page.goto(url, { waitUntil: 'load' });

    // The tree: root, 3 branches, "Fine-tuning", and all 8 leaves, each labelled with its package.
    const treeNodes = await page.locator('#tree g.tree-nodes path').count();
    expect(treeNodes).toBe(1 + 3 + 1 + 8);
    const leafLabels = await page.locator('#tree g.tree-leaf-labels text').allTextContents();
    expect(leafLabels).toHaveLength(8);
    for (const pkg of ['rlhf-tiny', 'rlaif-tiny', 'rlprompt-tiny', 'eureka-tiny', 'ellm-tiny', 'glam-tiny', 'walk-a', 'walk-b'])
      expect(leafLabels.some((t) => t.includes(pkg))).toBe(true);
    expect(leafLabels.filter((t) => t.includes('not built'))).toHaveLength(6);

    // One section per leaf that ran; in each, one bar per variant and one line per curve.
    const sections = page.locator('section.leaf');
    expect(await sections.count()).toBe(2);
    const expected = { 'walk-a': { bars: 3, charts: [3], bands: 3 }, 'walk-b': { bars: 2, charts: [2, 2], bands: 4 } };
    for (const [leaf, want] of Object.entries(expected)) {
      const s = page.locator(`section.leaf[data-leaf="${leaf}"]`);
      expect(await s.getAttribute('data-status')).toBe('ok');
      const bar = s.locator('figure.bar-chart');
      expect(await bar.count()).toBe(1);
      expect(await bar.locator('g.bars_marks path').count()).toBe(want.bars);
      expect(await bar.locator('g.ci_layer_2_marks line, g.ci_layer_2_marks path').count()).toBe(want.bars); // CI whiskers
      const curves = s.locator('figure.curve-chart');
      expect(await curves.count()).toBe(want.charts.length);
      for (const [i, n] of want.charts.entries()) expect(await curves.nth(i).locator('g.lines_marks path').count()).toBe(n);
      expect(await s.locator('g.band_marks path').count()).toBe(want.bands);
      // Drawn, not just present: every chart has a real size on the page.
      for (const svg of await s.locator('figure svg').all()) {
        const box = await svg.boundingBox();
        expect(box!.width).toBeGreaterThan(200);
        expect(box!.height).toBeGreaterThan(150);
      }
      const meta = await s.locator('dl.run-meta').textContent();
      expect(meta).toContain('model');
      expect(meta).toContain('1, 2, 3');
    }
    // The summary table has a row per (leaf, ablation): 2 for walk-a, 1 for walk-b.
    expect(await page.locator('#summary tbody tr').count()).toBe(3);

    // The reference verdict comes before the quick run, with the full run's CIs; the quick run is labelled.
    const reference = page.locator('#reference');
    expect(await reference.getAttribute('data-role')).toBe('verdict');
    expect(await reference.locator('h2').textContent()).toContain('Reference verdict');
    expect(await reference.locator('table').isVisible()).toBe(true);
    const y = async (sel: string) => (await page.locator(sel).boundingBox())!.y;
    expect(await y('#reference')).toBeLessThan(await y('#summary'));
    const ref = summarizeReport(loadReferences(referenceDir)['walk-a']!.report);
    expect(ref.comparisons).toHaveLength(2);
    const refRows = reference.locator('tr[data-leaf="walk-a"]');
    expect(await refRows.count()).toBe(2);
    expect(await refRows.first().locator('td.method-ci').textContent()).toContain(fmtCi(ref));
    for (const [i, c] of ref.comparisons.entries()) {
      expect(await refRows.nth(i).locator('td.compared-ci').textContent()).toContain(fmtCi(c));
      expect(await refRows.nth(i).locator('td.delta-ci').textContent()).toBe(fmtDeltaCi(c));
    }
    const run = await refRows.first().locator('td.run').textContent();
    expect(run).toContain('4 seeds (1, 2, 3, 4)');
    expect(run).toContain('npm run showcase -- --full --seeds 4 --only walk-a');
    expect(await reference.locator('tr[data-leaf="walk-b"]').textContent()).toContain('no reference run yet');
    expect(await page.locator('#summary').getAttribute('data-run')).toBe('quick');
    expect(await page.locator('#summary h2').textContent()).toBe('Quick run — smoke-test budgets, not evidence');
    // In a leaf's section: the reference's verdict and bar chart first, then the labelled quick run.
    const a = page.locator('section.leaf[data-leaf="walk-a"]');
    const block = a.locator('.reference-block[data-role="verdict"]');
    expect(await block.locator('.headline').textContent()).toContain(fmtCi(ref));
    expect(await block.locator('figure.reference-chart g.bars_marks path').count()).toBe(3);
    expect(await block.locator('figure.reference-chart g.ci_layer_2_marks line, figure.reference-chart g.ci_layer_2_marks path').count()).toBe(3);
    expect(await block.boundingBox().then((b) => b!.y)).toBeLessThan(await a.locator('h3.run-label.quick').boundingBox().then((b) => b!.y));
    expect(await a.locator('h3.run-label.quick').textContent()).toContain('smoke-test budgets, not evidence');
    expect(await page.locator('section.leaf[data-leaf="walk-b"] .reference-block.no-reference').textContent()).toContain('no reference run yet');

    // Inline SVGs share one document: element ids (clip paths) must not collide.
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'showcase.png'), fullPage: true });
  });
});
