/**
 * End to end: run the showcase on two test-double leaves, open DIR/index.html in real headless
 * Chromium (Debian's, driven by playwright-core) and check that everything rendered, that nothing
 * was fetched and nothing logged an error. The screenshot goes to test-artifacts/showcase.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { runShowcase } from '../src/run.ts';
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

    const res = await runShowcase({
      registry: registry({ 'saycan-tiny': { pkg: 'walk-a', exportName: 'walkA' }, 'par-tiny': { pkg: 'walk-b', exportName: 'walkB' } }),
      seeds: [1, 2, 3],
      out: dir,
      timeoutPerLeafSeconds: 60,
      stream: quietStream,
    });
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
    const url = pathToFileURL(join(dir, 'index.html')).href;
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
      const meta = await s.locator('dl.meta').textContent();
      expect(meta).toContain('model');
      expect(meta).toContain('1, 2, 3');
    }
    // The summary table has a row per (leaf, ablation): 2 for walk-a, 1 for walk-b.
    expect(await page.locator('#summary tbody tr').count()).toBe(3);

    // Inline SVGs share one document: element ids (clip paths) must not collide.
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'showcase.png'), fullPage: true });
  });
});
