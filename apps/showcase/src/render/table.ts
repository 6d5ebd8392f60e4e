/**
 * The terminal summary: one row per (leaf, ablation) with the leaf's own cells spanning its rows,
 * drawn by cli-table3 (word wrap and row spans are its job). No colours: the output is as readable
 * in a CI log as in a terminal. After a --quick run the shipped reference's verdict comes first and
 * the quick run's table is labelled as a smoke test (html.ts explains why).
 */
import Table from 'cli-table3';
import { REFRESH_COMMAND, type ReferenceRun } from '../reference.ts';
import { fmtCi, fmtDeltaCi, fmtDelta, fmtMeanCi, summarizeReport } from '../summary.ts';
import type { LeafOutcome, ShowcaseResults } from '../types.ts';

export const QUICK_TITLE = 'Quick run — smoke-test budgets, not evidence (the same machinery; --full --seeds 5 measures your own):';

/**
 * The reference verdict of each leaf that ran: method vs each ablation/baseline with CIs, the model
 * and seeds; then each run's command on a line of its own, so it can be copied whole.
 */
export function referenceTable(leaves: LeafOutcome[], refs: Record<string, ReferenceRun>): string {
  const table = new Table({
    head: ['taxonomy leaf', 'metric', 'method', 'compared with', 'Δ [95% CI]', 'run'],
    // Wide enough that a mean [CI] or a Δ [CI] stays on one line.
    colWidths: [22, 14, 24, 26, 26, 22],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  const commands: string[] = [];
  for (const l of leaves.filter((x) => x.status === 'ok' || x.status === 'failed')) {
    const ref = refs[l.pkg];
    if (!ref) {
      table.push([`${l.taxonomy}\n(${l.pkg})`, { colSpan: 5, content: 'no reference run yet' }]);
      continue;
    }
    const r = ref.report;
    const s = summarizeReport(r);
    const span = Math.max(1, s.comparisons.length);
    const lead = [
      { rowSpan: span, content: `${r.taxonomy}\n(${l.pkg})` },
      { rowSpan: span, content: `${r.metric.name} ${r.metric.higherIsBetter ? '↑' : '↓'}` },
      { rowSpan: span, content: `${s.method}\n${fmtCi(s)}` },
    ];
    const run = { rowSpan: span, content: `${r.model}\n${r.seeds.length} seeds (${r.seeds.join(',')})` };
    commands.push(`  ${l.pkg}: ${ref.command}  (${ref.date.slice(0, 10)})`);
    if (!s.comparisons.length) table.push([...lead, 'no ablation', '', run]);
    s.comparisons.forEach((c, i) => {
      const cells = [`${c.ablation} (${c.role})\n${fmtCi(c)}`, `${fmtDeltaCi(c)}\n${c.verdict}`];
      table.push(i === 0 ? [...lead, ...cells, run] : cells);
    });
  }
  if (!table.length) return 'No leaf ran.';
  return [table.toString(), ...(commands.length ? ['Measured with:', ...commands] : [])].join('\n');
}

/** What main prints after a run: the reference verdict, then the quick run labelled; or the user's --full run. */
export function showcaseSummary(res: ShowcaseResults): string {
  if (res.preset === 'full')
    return [
      'Your --full run:',
      summaryTable(res.leaves),
      `The shipped reference (apps/showcase/reference/) is on the page for comparison; to ship this run as the reference: ${REFRESH_COMMAND}`,
    ].join('\n');
  return [
    'Reference verdict — full runs shipped in apps/showcase/reference/ (read these):',
    referenceTable(res.leaves, res.references ?? {}),
    'Δ = method − compared variant, paired by seed, with its 95% CI; the verdict is what that CI shows.',
    '',
    QUICK_TITLE,
    summaryTable(res.leaves),
  ].join('\n');
}

export function summaryTable(leaves: LeafOutcome[]): string {
  const table = new Table({
    head: ['taxonomy leaf', 'paper', 'metric', 'method', 'ablation', 'Δ', 'seconds'],
    colWidths: [24, 22, 18, 20, 24, 12, 9],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const l of leaves) {
    if (l.status !== 'ok' || !l.report) continue;
    const r = l.report;
    const s = summarizeReport(r);
    const span = Math.max(1, s.comparisons.length);
    const lead = [
      { rowSpan: span, content: `${r.taxonomy}\n(${l.pkg})` },
      { rowSpan: span, content: r.paper },
      { rowSpan: span, content: `${r.metric.name} ${r.metric.higherIsBetter ? '↑' : '↓'}` },
      { rowSpan: span, content: `${s.method}\n${fmtMeanCi(s)}` },
    ];
    const secs = { rowSpan: span, content: r.seconds.toFixed(1) };
    if (!s.comparisons.length) table.push([...lead, 'no ablation', '', secs]);
    s.comparisons.forEach((c, i) => {
      const cells = [`${c.ablation}\n${fmtMeanCi(c)}`, `${fmtDelta(c.delta)} ${c.better ? '✓' : '✗'}`];
      table.push(i === 0 ? [...lead, ...cells, secs] : cells);
    });
  }
  const lines: string[] = [];
  if (table.length) lines.push(table.toString(), 'Δ = method − ablation; ✓ when it goes the way the metric wants. ± is the half-width of the 95% CI over seeds.');
  else lines.push('No leaf ran.');
  const failed = leaves.filter((l) => l.status === 'failed');
  for (const l of failed) lines.push(`failed: ${l.pkg} (${l.taxonomy}) — ${l.error}`);
  const notBuilt = leaves.filter((l) => l.status === 'not built');
  if (notBuilt.length) lines.push(`not built: ${notBuilt.map((l) => l.pkg).join(', ')}`);
  const skipped = leaves.filter((l) => l.status === 'skipped');
  if (skipped.length) lines.push(`not selected (--only): ${skipped.map((l) => l.pkg).join(', ')}`);
  return lines.join('\n');
}
