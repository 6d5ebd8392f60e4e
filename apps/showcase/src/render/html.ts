/**
 * `DIR/index.html`: one self-contained page — inline CSS and inline SVG, no script, no font, no
 * image, nothing fetched. A Content-Security-Policy of `default-src 'none'` makes the browser
 * refuse any request the page might try, so "works offline" is enforced, not hoped for.
 */
import { barChartSvg, curveChartSvg, groupCurves, STATUS_COLOR, treeSvg } from './charts.ts';
import { fmt, fmtDelta, fmtMeanCi, summarizeReport } from '../summary.ts';
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
.muted { color: #868e96; }
`;

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

async function leafSection(l: LeafOutcome): Promise<string> {
  const head = `<h2>${taxonomyTitle(l.taxonomy)} <span class="pkg">${esc(l.pkg)} · §${esc(l.section)}</span>${badge(l)}</h2>`;
  const files = l.dir && l.files?.length
    ? `<dd>${l.files.map((f) => `<a href="${esc(`${l.dir}/${f}`)}">${f}</a>`).join(' · ')}</dd>`
    : '';
  if (l.status !== 'ok' || !l.report) {
    return `<section class="card leaf" id="${anchorOf(l.pkg)}" data-leaf="${esc(l.pkg)}" data-status="${esc(l.status)}">${head}
<p class="paper">${esc(l.studies)}</p>
<pre class="error">${esc(l.error ?? '')}${l.details ? '\n\n' + esc(l.details) : ''}</pre>
<dl class="meta">${l.wallSeconds !== undefined ? `<dt>wall time</dt><dd>${l.wallSeconds.toFixed(1)} s</dd>` : ''}${files ? `<dt>files</dt>${files}` : ''}</dl></section>`;
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
<p class="headline">${esc(r.metric.name)}: method <b style="color:#e8590c">${esc(s.method)}</b> ${fmtMeanCi(s)}${headline ? ' vs ' + headline : ''}${oneSeed}</p>
<div class="charts">${charts.join('\n')}</div>
<dl class="meta">
<dt>model</dt><dd><code>${esc(r.model)}</code></dd>
<dt>seeds</dt><dd>${esc(r.seeds.join(', '))}</dd>
<dt>timings</dt><dd>run ${fmt(r.seconds)} s${l.wallSeconds !== undefined ? ` · wall ${fmt(l.wallSeconds)} s (with process start and model loading)` : ''}</dd>
<dt>config</dt><dd><details><summary>${Object.keys(r.config).length} field${Object.keys(r.config).length === 1 ? '' : 's'}</summary><pre>${json(r.config)}</pre></details></dd>
${extra}${files ? `<dt>files</dt>${files}` : ''}
</dl></section>`;
}

export async function renderHtml(res: ShowcaseResults): Promise<string> {
  const count = (s: string) => res.leaves.filter((l) => l.status === s).length;
  const tree = await treeSvg(res.leaves.map((l) => ({ ...l, anchor: l.status === 'ok' || l.status === 'failed' ? anchorOf(l.pkg) : undefined })));
  const legend = (['ok', 'failed', 'not built', 'skipped'] as const)
    .map((s) => `<span><span class="dot" style="background:${STATUS_COLOR[s]}"></span>${s === 'ok' ? 'ran' : s === 'skipped' ? 'not selected (--only)' : s}</span>`)
    .join('');
  const sections = await Promise.all(res.leaves.filter((l) => l.status === 'ok' || l.status === 'failed').map(leafSection));
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
<p class="sub">Pternea et al. 2024 · run ${esc(res.startedAt)} · --${res.preset} · seeds ${res.seeds ? esc(res.seeds.join(', ')) : 'leaf default'} · model <code>${esc(res.model)}</code> · ${res.seconds.toFixed(1)} s · ${counts}</p>
<section class="card" id="tree"><h2>The tree</h2><div class="tree">${tree}</div><div class="legend">${legend}</div></section>
<section class="card" id="summary"><h2>Each paper's method against its ablations</h2>${summaryTable(res.leaves)}
${notBuilt.length ? `<p class="muted">Not built yet: ${notBuilt.map((l) => `${esc(l.pkg)} (${taxonomyTitle(l.taxonomy)})`).join(', ')}.</p>` : ''}</section>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
