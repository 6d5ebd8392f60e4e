/**
 * Charts as static SVG strings, rendered server-side by Vega (`View.toSVG()` with no renderer and
 * no DOM), so the page embeds them inline and needs no script and no network. Vega-Lite writes the
 * bar and line charts in a few declarative lines (error bars, CI bands, legends, axes); the tree
 * uses Vega's own tree layout. Vega measures text without a canvas by estimation, which is fine
 * for these labels.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Curve, Report } from '@rlllm/core/report';
import { fmt, variantOrder } from '../summary.ts';

const FONT = 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';
/** The paper's method is always this colour, on bars and lines alike. */
export const METHOD_COLOR = '#e8590c';
const ABLATION_COLORS = ['#1c7ed6', '#868e96', '#0ca678', '#7048e8', '#f59f00', '#d6336c', '#495057', '#66a80f'];
/** Beyond this many points a curve is thinned: the page stays small and the shape is unchanged to the eye. */
const MAX_POINTS = 400;

const baseConfig = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', titleColor: '#495057', labelColor: '#495057', gridColor: '#eee' },
  title: { fontSize: 13, fontWeight: 600, anchor: 'start', color: '#212529' },
  legend: { labelFontSize: 11 },
} as const;

async function svgOf(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const svgOfLite = (spec: TopLevelSpec) => svgOf(compile(spec).spec);

/** Variant → colour for one leaf: the method highlighted, ablations from a muted palette. */
export function variantColors(r: Report): { domain: string[]; range: string[] } {
  const domain = variantOrder(r);
  // Curves may name variants that have no headline number; they get colours too.
  for (const c of r.curves) if (!domain.includes(c.variant)) domain.push(c.variant);
  const range = domain.map((v, i) => (v === r.method ? METHOD_COLOR : ABLATION_COLORS[(i - 1) % ABLATION_COLORS.length]!));
  return { domain, range };
}

const jsString = (s: string) => JSON.stringify(s);

/** Headline: one bar per variant (mean), its 95% CI as an error bar, and the per-seed values as dots. */
export function barChartSvg(r: Report): Promise<string> {
  const order = variantOrder(r);
  const colors = variantColors(r);
  const bars = order.map((v) => {
    const x = r.variants[v]!;
    return { variant: v, mean: x.mean, lo: x.ci95[0], hi: x.ci95[1], label: fmt(x.mean) };
  });
  const seeds = order.flatMap((v) => r.variants[v]!.perSeed.map((value) => ({ variant: v, value })));
  const longest = Math.max(...order.map((v) => v.length));
  const x = {
    field: 'variant',
    type: 'nominal' as const,
    sort: order,
    axis: {
      title: null,
      labelAngle: longest > 14 ? -20 : 0,
      labelLimit: 180,
      labelPadding: 6,
      // The method's label gets a second line saying so (an array is drawn as lines).
      labelExpr: `datum.value === ${jsString(r.method)} ? [datum.value, '(method)'] : datum.value`,
      labelFontWeight: { condition: { test: `datum.value === ${jsString(r.method)}`, value: 'bold' }, value: 'normal' },
    },
  };
  const title = `${r.metric.name} (${r.metric.higherIsBetter ? 'higher' : 'lower'} is better)`;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: baseConfig,
    background: 'white',
    padding: 8,
    title: { text: title },
    width: { step: Math.max(70, Math.min(120, 8 * longest)) },
    height: 200,
    layer: [
      {
        name: 'bars',
        data: { values: bars },
        mark: { type: 'bar', cornerRadiusEnd: 2, width: { band: 0.62 } },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', title: r.metric.name, axis: { tickCount: 5 } },
          color: { field: 'variant', type: 'nominal', scale: colors, legend: null },
        },
      },
      {
        name: 'ci',
        data: { values: bars },
        mark: { type: 'errorbar', ticks: { width: 10 }, color: '#212529', thickness: 1.4 },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: r.metric.name }, y2: { field: 'hi' } },
      },
      {
        name: 'seeds',
        data: { values: seeds },
        mark: { type: 'circle', size: 16, color: '#212529', opacity: 0.45 },
        encoding: { x, y: { field: 'value', type: 'quantitative' } },
      },
      {
        name: 'labels',
        data: { values: bars },
        mark: { type: 'text', dy: -9, fontSize: 11, color: '#212529' },
        encoding: { x, y: { field: 'hi', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
  return svgOfLite(spec as unknown as TopLevelSpec);
}

/** Curves of one leaf grouped into charts: curves that share a title (or axes) share a chart. */
export function groupCurves(curves: Curve[]): { title: string; curves: Curve[] }[] {
  const groups = new Map<string, Curve[]>();
  for (const c of curves) {
    const key = c.title ?? `${c.yLabel} vs ${c.xLabel}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups].map(([title, cs]) => ({ title, curves: cs }));
}

function thin(c: Curve): { x: number; y: number; lo?: number; hi?: number }[] {
  const step = Math.max(1, Math.ceil(c.x.length / MAX_POINTS));
  const rows = [];
  for (let i = 0; i < c.x.length; i += step) {
    rows.push({ x: c.x[i]!, y: c.y[i]!, ...(c.lo && c.hi ? { lo: c.lo[i]!, hi: c.hi[i]! } : {}) });
  }
  const last = c.x.length - 1;
  if (last > 0 && last % step !== 0) rows.push({ x: c.x[last]!, y: c.y[last]!, ...(c.lo && c.hi ? { lo: c.lo[last]!, hi: c.hi[last]! } : {}) });
  return rows;
}

/** One line chart: a line per variant, its CI band shaded when the curve carries lo/hi. */
export function curveChartSvg(r: Report, title: string, curves: Curve[]): Promise<string> {
  const colors = variantColors(r);
  const hex = (v: string) => colors.range[colors.domain.indexOf(v)]!;
  const rows = curves.flatMap((c) => thin(c).map((p) => ({ variant: c.variant, hex: hex(c.variant), ...p })));
  const withBand = curves.some((c) => c.lo && c.hi);
  const few = Math.max(...curves.map((c) => c.x.length)) <= 25;
  const color = { field: 'variant', type: 'nominal', scale: colors, legend: { orient: 'bottom', title: null, symbolType: 'stroke', symbolStrokeWidth: 3 } };
  const x = { field: 'x', type: 'quantitative', title: curves[0]!.xLabel, axis: { tickCount: 6 } };
  const layer: unknown[] = [];
  if (withBand)
    layer.push({
      name: 'band',
      transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
      mark: { type: 'area', opacity: 0.18 },
      // Literal colours (scale: null) rather than the colour scale: then the band has no legend of
      // its own to merge into the lines' legend, which keeps its solid line symbols.
      encoding: {
        x,
        y: { field: 'lo', type: 'quantitative' },
        y2: { field: 'hi' },
        fill: { field: 'hex', type: 'nominal', scale: null },
        detail: { field: 'variant', type: 'nominal' },
      },
    });
  layer.push({
    name: 'lines',
    mark: { type: 'line', point: few ? { size: 22 } : false, interpolate: 'linear' },
    encoding: {
      x,
      y: { field: 'y', type: 'quantitative', title: curves[0]!.yLabel, scale: { zero: false } },
      color,
      strokeWidth: { condition: { test: `datum.variant === ${jsString(r.method)}`, value: 2.6 }, value: 1.6 },
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: baseConfig,
    background: 'white',
    padding: 8,
    title: { text: title },
    width: 360,
    height: 190,
    data: { values: rows },
    layer,
  };
  return svgOfLite(spec as unknown as TopLevelSpec);
}

export type TreeStatus = 'ok' | 'failed' | 'not built' | 'skipped';
export const STATUS_COLOR: Record<TreeStatus, string> = { ok: '#2f9e44', failed: '#e03131', 'not built': '#adb5bd', skipped: '#dee2e6' };
const STATUS_TEXT: Record<TreeStatus, string> = { ok: '✓ ran', failed: '✗ failed', 'not built': 'not built', skipped: 'not selected' };

/** Break a label into lines of at most `width` characters at spaces. */
function wrap(s: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of s.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * The taxonomy tree as a dendrogram: root → RL4LLM / LLM4RL / RL+LLM → … → the leaves, all leaves
 * on one row (Vega's cluster layout), each coloured by status and linked to its section.
 */
export function treeSvg(leaves: { pkg: string; taxonomy: string; section: string; status: TreeStatus; anchor?: string }[]): Promise<string> {
  type Node = { id: string; parent?: string; label: string[]; kind: 'root' | 'branch' | 'leaf'; color: string; href?: string; textColor?: string };
  const nodes: Node[] = [{ id: 'root', label: ['RL/LLM Taxonomy Tree'], kind: 'root', color: '#212529' }];
  const seen = new Set<string>();
  for (const l of leaves) {
    const parts = l.taxonomy.split(' / ');
    let parent = 'root';
    for (let d = 0; d < parts.length - 1; d++) {
      const id = parts.slice(0, d + 1).join(' / ');
      if (!seen.has(id)) {
        seen.add(id);
        nodes.push({ id, parent, label: [parts[d]!], kind: 'branch', color: '#495057' });
      }
      parent = id;
    }
    nodes.push({
      id: `leaf:${l.pkg}`,
      parent,
      label: [...wrap(parts[parts.length - 1]!, 16), `${l.pkg} §${l.section}`, STATUS_TEXT[l.status]],
      kind: 'leaf',
      color: STATUS_COLOR[l.status],
      textColor: l.status === 'ok' ? '#212529' : l.status === 'failed' ? '#c92a2a' : '#868e96',
      href: l.anchor ? `#${l.anchor}` : undefined,
    });
  }
  const nLeaves = Math.max(1, leaves.length);
  const spacing = 128;
  const width = nLeaves * spacing;
  const spec: vega.Spec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width,
    height: 300,
    padding: 8,
    background: 'white',
    config: { text: { font: FONT } },
    data: [
      {
        name: 'tree',
        values: nodes,
        transform: [
          { type: 'stratify', key: 'id', parentKey: 'parent' },
          // Leaves sit 64px above the bottom so their three-line labels fit under them.
          { type: 'tree', method: 'cluster', size: [width - spacing, 210], separation: false, as: ['x', 'y', 'depth', 'children'] },
        ],
      },
      { name: 'links', source: 'tree', transform: [{ type: 'treelinks' }, { type: 'linkpath', orient: 'vertical', shape: 'orthogonal' }] },
      { name: 'leafNodes', source: 'tree', transform: [{ type: 'filter', expr: "datum.kind === 'leaf'" }] },
      { name: 'innerNodes', source: 'tree', transform: [{ type: 'filter', expr: "datum.kind !== 'leaf'" }] },
    ],
    marks: [
      {
        type: 'group',
        encode: { update: { x: { value: spacing / 2 }, y: { value: 14 } } },
        marks: [
          {
            type: 'path',
            name: 'tree-links',
            from: { data: 'links' },
            encode: { update: { path: { field: 'path' }, stroke: { value: '#adb5bd' }, strokeWidth: { value: 1.5 } } },
          },
          {
            type: 'symbol',
            name: 'tree-nodes',
            from: { data: 'tree' },
            encode: {
              update: {
                x: { field: 'x' },
                y: { field: 'y' },
                size: { signal: "datum.kind === 'leaf' ? 170 : 90" },
                fill: { field: 'color' },
                stroke: { value: '#fff' },
                strokeWidth: { value: 1.5 },
                href: { field: 'href' },
              },
            },
          },
          {
            type: 'text',
            name: 'tree-inner-labels',
            from: { data: 'innerNodes' },
            encode: {
              update: {
                x: { signal: "datum.x + (datum.kind === 'root' ? 0 : 9)" },
                y: { signal: "datum.y + (datum.kind === 'root' ? -9 : -7)" },
                align: { signal: "datum.kind === 'root' ? 'center' : 'left'" },
                baseline: { value: 'bottom' },
                text: { field: 'label' },
                fontSize: { signal: "datum.kind === 'root' ? 13 : 12" },
                fontWeight: { value: 'bold' },
                fill: { value: '#343a40' },
              },
            },
          },
          {
            type: 'text',
            name: 'tree-leaf-labels',
            from: { data: 'leafNodes' },
            encode: {
              update: {
                x: { field: 'x' },
                y: { signal: 'datum.y + 12' },
                align: { value: 'center' },
                baseline: { value: 'top' },
                text: { field: 'label' },
                lineHeight: { value: 14 },
                fontSize: { value: 11 },
                fill: { field: 'textColor' },
                href: { field: 'href' },
              },
            },
          },
        ],
      },
    ],
  };
  return svgOf(spec);
}
