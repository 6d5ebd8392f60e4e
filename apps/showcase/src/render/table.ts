/**
 * The terminal summary: one row per (leaf, ablation) with the leaf's own cells spanning its rows,
 * drawn by cli-table3 (word wrap and row spans are its job). No colours: the output is as readable
 * in a CI log as in a terminal.
 */
import Table from 'cli-table3';
import { fmtDelta, fmtMeanCi, summarizeReport } from '../summary.ts';
import type { LeafOutcome } from '../types.ts';

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
