/**
 * `DIR/index.html`: one self-contained page — inline CSS and inline SVG, no script, no font, no
 * image, nothing fetched. A Content-Security-Policy of `default-src 'none'` makes the browser
 * refuse any request the page might try, so "works offline" is enforced, not hoped for.
 *
 * A --quick run's numbers come from smoke-test budgets, where a method often loses to its
 * ablations; so the page puts the shipped reference (full runs, reference.ts) first as the verdict
 * and labels the quick run as a smoke test. A --full run is the user's own verdict: it leads, and
 * the reference is shown after it, labelled, for comparison.
 */
import { barChartSvg, curveChartSvg, groupCurves, STATUS_COLOR, treeSvg } from './charts.ts';
import { REFRESH_COMMAND, type ReferenceRun } from '../reference.ts';
import { fmt, fmtCi, fmtDelta, fmtDeltaCi, fmtMeanCi, summarizeReport, type Comparison } from '../summary.ts';
import type { LeafOutcome, ShowcaseResults } from '../types.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
export const anchorOf = (pkg: string) => `leaf-${pkg.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
const taxonomyTitle = (t: string) => esc(t.split(' / ').join(' · '));
const badge = (l: LeafOutcome) => `<span class="badge" style="background:${STATUS_COLOR[l.status]}">${l.status === 'ok' ? 'ran' : esc(l.status)}</span>`;
const json = (v: unknown) => esc(JSON.stringify(v, null, 2));

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #212529; background: #f1f3f5; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 6px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.run-label.quick, .smoke { color: #e67700; }
.reference-block { border-left: 4px solid #2f9e44; padding: 2px 0 2px 12px; margin: 8px 0 14px; }
details.reference-block > summary { font-weight: 600; }
.sub { color: #495057; margin: 0 0 18px; }
.card { background: #fff; border: 1px solid #dee2e6; border-radius: 8px; padding: 16px 18px; margin: 0 0 18px; }
.tree { overflow-x: auto; }
.tree svg, .chart svg { display: block; max-width: 100%; height: auto; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; color: #495057; font-size: 12px; margin-top: 6px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 5px; vertical-align: -1px; }
.badge { color: #fff; border-radius: 10px; padding: 1px 9px; font-size: 12px; font-weight: 600; vertical-align: 3px; margin-left: 6px; }
.pkg { color: #868e96; font-weight: normal; font-size: 14px; }
.paper { margin: 0 0 8px; color: #343a40; }
.headline { margin: 0 0 12px; }
.better { color: #2b8a3e; font-weight: 600; }
.worse { color: #c92a2a; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.chart { margin: 0; border: 1px solid #f1f3f5; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e9ecef; vertical-align: top; }
th { color: #495057; font-weight: 600; background: #f8f9fa; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 14px 0 0; font-size: 13px; }
dl.meta dt { color: #868e96; }
dl.meta dd { margin: 0; }
pre { background: #f8f9fa; border: 1px solid #e9ecef; border-radius: 6px; padding: 8px 10px; overflow-x: auto; font-size: 12px; margin: 4px 0; max-height: 320px; }
pre.error { background: #fff5f5; border-color: #ffc9c9; color: #c92a2a; }
details summary { cursor: pointer; color: #495057; }
a { color: #1c7ed6; }
code { font-size: 12px; }
.muted { color: #868e96; }
`;

const ran = (l: LeafOutcome) => l.status === 'ok' || l.status === 'failed';
const seedsText = (seeds: number[]) => `${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${seeds.join(', ')})`;
/** The verdict of the paired CI, coloured only when the CI excludes zero. */
const verdictCell = (c: Comparison) => `<span class="${c.verdict === 'better' ? 'better' : c.verdict === 'worse' ? 'worse' : 'muted'}">${esc(c.verdict)}</span>`;
const NO_REFERENCE = 'no reference run yet';

/** Per leaf that ran: the reference's method against each ablation/baseline, with CIs, verdict and how it was run. */
function referenceTable(leaves: LeafOutcome[], refs: Record<string, ReferenceRun>): string {
  const rows: string[] = [];
  for (const l of leaves.filter(ran)) {
    const link = `<a href="#${anchorOf(l.pkg)}">${taxonomyTitle(l.taxonomy)}</a> <span class="muted">${esc(l.pkg)}</span>`;
    const ref = refs[l.pkg];
    if (!ref) {
      rows.push(`<tr data-leaf="${esc(l.pkg)}" class="no-reference"><td>${link}</td><td colspan="6" class="muted">${NO_REFERENCE}</td></tr>`);
      continue;
    }
    const r = ref.report;
    const s = summarizeReport(r);
    const n = Math.max(1, s.comparisons.length);
    const comps = s.comparisons.length ? s.comparisons : [undefined];
    comps.forEach((c, i) => {
      const lead =
        i === 0
          ? `<td rowspan="${n}">${link}<br>${esc(r.paper)}</td><td rowspan="${n}">${esc(r.metric.name)} ${r.metric.higherIsBetter ? '↑' : '↓'}</td><td rowspan="${n}" class="num method-ci"><b>${esc(s.method)}</b><br>${fmtCi(s)}</td>`
          : '';
      const comp = c
        ? `<td class="num compared-ci">${esc(c.ablation)} <span class="muted">${c.role}</span><br>${fmtCi(c)}</td><td class="num delta-ci">${fmtDeltaCi(c)}</td><td>${verdictCell(c)}</td>`
        : `<td class="muted">no ablation</td><td></td><td></td>`;
      const run =
        i === 0
          ? `<td rowspan="${n}" class="run">model <code>${esc(r.model)}</code><br>${seedsText(r.seeds)}<br><code>${esc(ref.command)}</code><br><span class="muted">${esc(ref.date.slice(0, 10))}</span></td>`
          : '';
      rows.push(`<tr data-leaf="${esc(l.pkg)}">${lead}${comp}${run}</tr>`);
    });
  }
  if (!rows.length) return '<p class="muted">No leaf ran.</p>';
  return `<table class="reference-table"><thead><tr><th>taxonomy leaf · paper</th><th>metric</th><th>method (mean [95% CI])</th><th>compared with (mean [95% CI])</th><th>Δ [95% CI]</th><th>verdict</th><th>run</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function referenceCard(res: ShowcaseResults): string {
  const refs = res.references ?? {};
  if (res.preset === 'quick')
    return `<section class="card" id="reference" data-role="verdict"><h2>Reference verdict — full runs</h2>
<p class="sub">Read these numbers. Each leaf's <b>full</b> preset over several seeds, measured with the command shown and shipped with the showcase (<code>apps/showcase/reference/</code>). Δ = method − compared variant, paired by seed; the verdict is what its 95% CI shows (better / worse only when the CI excludes 0). A leaf without a full run says "${NO_REFERENCE}". Your <code>--full</code> run replaces this with your own numbers.</p>
${referenceTable(res.leaves, refs)}</section>`;
  return `<section class="card" id="reference" data-role="comparison"><h2>Shipped reference (for comparison)</h2>
<p class="sub">Your <code>--full</code> run above is the verdict for your machine and model. For comparison, the full runs shipped with the showcase (<code>apps/showcase/reference/</code>); to ship yours instead: <code>${esc(REFRESH_COMMAND)}</code>.</p>
${referenceTable(res.leaves, refs)}</section>`;
}

/** A leaf section's reference: leading as the verdict beside a quick run, folded away beside a full one. */
async function referenceBlock(ref: ReferenceRun | undefined, preset: 'quick' | 'full'): Promise<string> {
  if (!ref) return preset === 'quick' ? `<p class="reference-block no-reference muted">Reference verdict: ${NO_REFERENCE}.</p>` : '';
  const r = ref.report;
  const s = summarizeReport(r);
  const vs = s.comparisons.map((c) => `${esc(c.ablation)} ${fmtCi(c)} (Δ ${fmtDeltaCi(c)}, ${verdictCell(c)})`).join(' · ');
  const body = `<p class="headline">${esc(r.metric.name)}: method <b style="color:#e8590c">${esc(s.method)}</b> ${fmtCi(s)}${vs ? ' vs ' + vs : ''}</p>
<div class="charts"><figure class="chart reference-chart" data-bars="${Object.keys(r.variants).length}">${await barChartSvg(r)}</figure></div>
<dl class="meta">
<dt>model</dt><dd><code>${esc(r.model)}</code></dd>
<dt>seeds</dt><dd>${esc(r.seeds.join(', '))}</dd>
<dt>command</dt><dd><code>${esc(ref.command)}</code> · ${esc(ref.date.slice(0, 10))} · run ${fmt(r.seconds)} s</dd>
<dt>config</dt><dd><details><summary>${Object.keys(r.config).length} field${Object.keys(r.config).length === 1 ? '' : 's'} (the full preset)</summary><pre>${json(r.config)}</pre></details></dd>
</dl>`;
  const title = `full run, ${r.seeds.length} seeds`;
  return preset === 'quick'
    ? `<div class="reference-block" data-role="verdict"><h3>Reference verdict — ${title}</h3>${body}</div>`
    : `<details class="reference-block" data-role="comparison"><summary>Shipped reference — ${title}, for comparison</summary>${body}</details>`;
}

const QUICK_LABEL = 'Quick run — smoke-test budgets, not evidence';

function summaryTable(leaves: LeafOutcome[]): string {
  const rows: string[] = [];
  for (const l of leaves) {
    if (l.status === 'ok' && l.report) {
      const s = summarizeReport(l.report);
      const n = Math.max(1, s.comparisons.length);
      const comps = s.comparisons.length ? s.comparisons : [undefined];
      comps.forEach((c, i) => {
        const lead =
          i === 0
            ? `<td rowspan="${n}"><a href="#${anchorOf(l.pkg)}">${taxonomyTitle(l.taxonomy)}</a></td><td rowspan="${n}">${esc(l.report!.paper)}</td><td rowspan="${n}">${esc(l.report!.metric.name)} ${l.report!.metric.higherIsBetter ? '↑' : '↓'}</td><td rowspan="${n}" class="num"><b>${esc(s.method)}</b> ${fmtMeanCi(s)}</td>`
            : '';
        const comp = c
          ? `<td class="num">${esc(c.ablation)} ${fmtMeanCi(c)}</td><td class="num ${c.better ? 'better' : 'worse'}">${fmtDelta(c.delta)}</td>`
          : `<td class="muted">no ablation</td><td></td>`;
        const secs = i === 0 ? `<td rowspan="${n}" class="num">${l.report!.seconds.toFixed(1)} s</td>` : '';
        rows.push(`<tr>${lead}${comp}${secs}</tr>`);
      });
    } else if (l.status === 'failed') {
      rows.push(`<tr><td><a href="#${anchorOf(l.pkg)}">${taxonomyTitle(l.taxonomy)}</a></td><td colspan="6" class="worse">failed: ${esc(l.error ?? '')}</td></tr>`);
    }
  }
  if (!rows.length) return '<p class="muted">No leaf ran.</p>';
  return `<table><thead><tr><th>taxonomy leaf</th><th>paper</th><th>metric</th><th>method (mean ± 95% CI)</th><th>ablation (mean ± 95% CI)</th><th>Δ</th><th>seconds</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

async function leafSection(l: LeafOutcome, res: ShowcaseResults): Promise<string> {
  const ref = await referenceBlock(res.references?.[l.pkg], res.preset);
  // Beside a quick run the reference leads; beside a full run it follows the user's numbers.
  const [before, after] = res.preset === 'quick' ? [ref, ''] : ['', ref];
  const label = res.preset === 'quick' ? `<h3 class="run-label quick">${QUICK_LABEL}</h3>` : '<h3 class="run-label">Your run (--full)</h3>';
  const head = `<h2>${taxonomyTitle(l.taxonomy)} <span class="pkg">${esc(l.pkg)} · §${esc(l.section)}</span>${badge(l)}</h2>`;
  const files = l.dir && l.files?.length
    ? `<dd>${l.files.map((f) => `<a href="${esc(`${l.dir}/${f}`)}">${f}</a>`).join(' · ')}</dd>`
    : '';
  if (l.status !== 'ok' || !l.report) {
    return `<section class="card leaf" id="${anchorOf(l.pkg)}" data-leaf="${esc(l.pkg)}" data-status="${esc(l.status)}">${head}
<p class="paper">${esc(l.studies)}</p>
${before}${label}
<pre class="error">${esc(l.error ?? '')}${l.details ? '\n\n' + esc(l.details) : ''}</pre>
<dl class="meta run-meta">${l.wallSeconds !== undefined ? `<dt>wall time</dt><dd>${l.wallSeconds.toFixed(1)} s</dd>` : ''}${files ? `<dt>files</dt>${files}` : ''}</dl>${after}</section>`;
  }
  const r = l.report;
  const s = summarizeReport(r);
  const headline = s.comparisons
    .map((c) => `${esc(c.ablation)} ${fmtMeanCi(c)} (<span class="${c.better ? 'better' : 'worse'}">Δ ${fmtDelta(c.delta)}</span>)`)
    .join(' · ');
  const oneSeed = r.seeds.length < 2 ? ' <span class="muted">(one seed: no confidence interval; run with --seeds N)</span>' : '';
  const groups = groupCurves(r.curves);
  const charts = [
    `<figure class="chart bar-chart" data-bars="${Object.keys(r.variants).length}">${await barChartSvg(r)}</figure>`,
    ...(await Promise.all(
      groups.map(async (g) => `<figure class="chart curve-chart" data-curves="${g.curves.length}">${await curveChartSvg(r, g.title, g.curves)}</figure>`),
    )),
  ];
  const extra = Object.keys(r.extra).length ? `<dt>extra</dt><dd><details><summary>leaf-specific figures</summary><pre>${json(r.extra)}</pre></details></dd>` : '';
  return `<section class="card leaf" id="${anchorOf(l.pkg)}" data-leaf="${esc(l.pkg)}" data-status="ok">${head}
<p class="paper"><b>${esc(r.paper)}</b> — studies: ${esc(l.studies)}</p>
${before}${label}
<p class="headline">${esc(r.metric.name)}: method <b style="color:#e8590c">${esc(s.method)}</b> ${fmtMeanCi(s)}${headline ? ' vs ' + headline : ''}${oneSeed}</p>
<div class="charts">${charts.join('\n')}</div>
<dl class="meta run-meta">
<dt>model</dt><dd><code>${esc(r.model)}</code></dd>
<dt>seeds</dt><dd>${esc(r.seeds.join(', '))}</dd>
<dt>timings</dt><dd>run ${fmt(r.seconds)} s${l.wallSeconds !== undefined ? ` · wall ${fmt(l.wallSeconds)} s (with process start and model loading)` : ''}</dd>
<dt>config</dt><dd><details><summary>${Object.keys(r.config).length} field${Object.keys(r.config).length === 1 ? '' : 's'}</summary><pre>${json(r.config)}</pre></details></dd>
${extra}${files ? `<dt>files</dt>${files}` : ''}
</dl>${after}</section>`;
}

export async function renderHtml(res: ShowcaseResults): Promise<string> {
  const count = (s: string) => res.leaves.filter((l) => l.status === s).length;
  const tree = await treeSvg(res.leaves.map((l) => ({ ...l, anchor: l.status === 'ok' || l.status === 'failed' ? anchorOf(l.pkg) : undefined })));
  const legend = (['ok', 'failed', 'not built', 'skipped'] as const)
    .map((s) => `<span><span class="dot" style="background:${STATUS_COLOR[s]}"></span>${s === 'ok' ? 'ran' : s === 'skipped' ? 'not selected (--only)' : s}</span>`)
    .join('');
  const sections = await Promise.all(res.leaves.filter((l) => l.status === 'ok' || l.status === 'failed').map((l) => leafSection(l, res)));
  const notBuilt = res.leaves.filter((l) => l.status === 'not built');
  const counts = `${count('ok')} ran · ${count('failed')} failed · ${count('not built')} not built${count('skipped') ? ` · ${count('skipped')} not selected` : ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RL/LLM Taxonomy Tree — showcase</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>The RL/LLM Taxonomy Tree, leaf by leaf</h1>
<p class="sub">Pternea et al. 2024 · run ${esc(res.startedAt)} · --${res.preset}${res.preset === 'quick' ? ' (smoke test)' : ''} · seeds ${res.seeds ? esc(res.seeds.join(', ')) : 'leaf default'} · model <code>${esc(res.model)}</code> · ${res.seconds.toFixed(1)} s · ${counts}</p>
<section class="card" id="tree"><h2>The tree</h2><div class="tree">${tree}</div><div class="legend">${legend}</div></section>
${res.preset === 'quick' ? referenceCard(res) : ''}
<section class="card" id="summary" data-run="${res.preset}">${
    res.preset === 'quick'
      ? `<h2 class="smoke">${QUICK_LABEL}</h2>
<p class="sub">The same machinery as the reference — each leaf's code, variants and statistics — run with <code>--quick</code> budgets (seconds per leaf) to show that it works end to end on this machine. With these budgets a method often loses to its ablations: read the reference verdict above. <code>npm run showcase -- --full --seeds 5</code> measures your own.</p>`
      : "<h2>Each paper's method against its ablations — your --full run</h2>"
  }${summaryTable(res.leaves)}
${notBuilt.length ? `<p class="muted">Not built yet: ${notBuilt.map((l) => `${esc(l.pkg)} (${taxonomyTitle(l.taxonomy)})`).join(', ')}.</p>` : ''}</section>
${res.preset === 'full' ? referenceCard(res) : ''}
${sections.join('\n')}
</main>
</body>
</html>
`;
}
