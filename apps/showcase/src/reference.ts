/**
 * The shipped reference: each leaf's full run (`--full --seeds 5`), kept as
 * `apps/showcase/reference/<leaf>.json`. A `--quick` showcase runs with smoke-test budgets, where
 * methods often lose to their ablations; the page and the terminal show this reference first, as
 * the verdict, and the quick run after it, labelled as a smoke test of the same machinery.
 *
 * A reference file is the leaf's own report.json, trimmed to what the verdict rests on, plus the
 * command that produced it and when. It is made only by `npm run reference` (referenceMain.ts) from
 * a real run folder, which it refuses unless the run was the full preset over several seeds: a leaf
 * with no file shows "no reference run yet", never made-up numbers.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from '@rlllm/core/config';
import type { Leaf } from '@rlllm/core/leaf';
import { Report, writeJsonAtomic } from '@rlllm/core/report';
import { LEAVES, moduleOf, type LeafEntry } from './leaves.ts';

/** Where the shipped reference lives (next to src/, whatever the current directory). */
export const REFERENCE_DIR = fileURLToPath(new URL('../reference/', import.meta.url));

/** How the page and the errors name the refresh command. */
export const REFRESH_COMMAND = 'npm run reference -w @rlllm/showcase -- --from DIR';

export const ReferenceRun = z
  .object({
    /** Always "full": the loader refuses anything else, so a quick run cannot pose as the verdict. */
    preset: z.literal('full'),
    /** The command that produced the run, as a user would type it. */
    command: z.string().min(1),
    /** When the run finished (its report.json's modification time). */
    date: z.iso.datetime(),
    /** The run's report.json, trimmed by trimReport: still a valid core Report. */
    report: Report,
  })
  .refine((r) => r.report.seeds.length >= 2, { message: 'a reference needs two or more seeds (a CI over seeds)', path: ['report', 'seeds'] });
export type ReferenceRun = z.infer<typeof ReferenceRun>;

const fixLoad = `Fix: regenerate it with ${REFRESH_COMMAND} (DIR: a --full --seeds 5 run), or delete it`;

/**
 * Every `<leaf>.json` in `dir`, validated; a leaf without a file is simply absent. Throws a
 * one-line UserError naming the first bad file — before any leaf runs, so a broken reference costs
 * seconds, not a whole showcase run.
 */
export function loadReferences(dir: string = REFERENCE_DIR): Record<string, ReferenceRun> {
  const out: Record<string, ReferenceRun> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UserError(`reference ${file} is not valid JSON (${(e as Error).message.split('\n')[0]}). ${fixLoad}.`);
    }
    const parsed = ReferenceRun.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new UserError(`reference ${file} is invalid at "${i.path.join('.') || '(root)'}": ${i.message}. ${fixLoad}.`);
    }
    const leaf = parsed.data.report.leaf;
    if (name !== `${leaf}.json`) throw new UserError(`reference ${file} holds leaf "${leaf}", so the page would show it under the wrong leaf. Fix: rename it ${leaf}.json.`);
    out[leaf] = parsed.data;
  }
  return out;
}

/**
 * What the page needs of a report: the variants' roles, means, CIs and per-seed values, and the
 * paired comparisons on the metric (the verdict). Per-seed traces, extra stats, curves and
 * leaf-specific figures are dropped — they are the bulk of a report and the quick run shows curves.
 */
export function trimReport(r: Report): Report {
  const variants = Object.fromEntries(
    Object.entries(r.variants).map(([k, v]) => [k, { role: v.role, about: v.about, group: v.group, mean: v.mean, ci95: v.ci95, perSeed: v.perSeed, std: v.std }]),
  );
  // JSON drops undefined fields; the round trip also makes sure the result is plain data.
  return JSON.parse(JSON.stringify({ ...r, variants, comparisons: r.comparisons.filter((c) => c.measure === 'metric'), curves: [], extra: {} })) as Report;
}

/** The first line of events.jsonl: runLeaf's "start" event, the only record of the preset. */
const StartEvent = z.object({ type: z.literal('start'), leaf: z.string(), preset: z.string(), seeds: z.array(z.number().int()), model: z.string() });
type StartEvent = z.infer<typeof StartEvent>;

function firstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    // The start event is short; events.jsonl can be megabytes, so read only its head.
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split('\n')[0]!;
  } finally {
    closeSync(fd);
  }
}

/** A showcase output folder's results.json, as far as the command needs it. */
const ShowcaseRun = z.object({
  preset: z.string(),
  model: z.string(),
  seeds: z.array(z.number()).nullable(),
  leaves: z.array(z.object({ pkg: z.string(), status: z.string(), dir: z.string().optional() })),
});

const isOneToN = (seeds: number[]) => seeds.every((s, i) => s === i + 1);

/** The command that produced the run: the showcase's when the folder is a showcase's DIR/<leaf>, else the leaf's CLI. */
function commandOf(runDir: string, report: Report, start: StartEvent, defaultModel: string): string {
  const file = join(runDir, 'report.json');
  // --seeds N runs seeds 1..N; any other set came from code, and a command would misstate it.
  if (!isOneToN(report.seeds))
    throw new UserError(`${file}: seeds ${report.seeds.join(',')} cannot be written as a command (--seeds N runs 1..N). Fix: run with --full --seeds N.`);
  const seeds = `--seeds ${report.seeds.length}`;
  const results = join(dirname(runDir), 'results.json');
  if (existsSync(results)) {
    const s = ShowcaseRun.safeParse(JSON.parse(readFileSync(results, 'utf8')));
    if (s.success && s.data.leaves.some((l) => l.pkg === report.leaf && l.dir === basename(runDir))) {
      const ran = s.data.leaves.filter((l) => l.status !== 'skipped').map((l) => l.pkg);
      const only = ran.length < s.data.leaves.length ? ` --only ${ran.join(',')}` : '';
      return `npm run showcase -- --full ${seeds}${only}${s.data.model !== 'default' ? ` --model ${s.data.model}` : ''}`;
    }
  }
  const flags = Object.entries((report.extra.flags as Record<string, string> | undefined) ?? {}).map(([k, v]) => ` --${k} ${v}`).join('');
  return `npx ${report.leaf} --full ${seeds}${start.model !== defaultModel ? ` --model ${start.model}` : ''}${report.trainer === 'tfjs' ? ' --trainer tfjs' : ''}${flags}`;
}

/**
 * One run folder (its report.json and events.jsonl) → a reference, or a one-line UserError naming
 * the file: not a report, a quick run, one seed, or a config that is not the leaf's full preset.
 */
export async function referenceFromRun(runDir: string, registry: LeafEntry[] = LEAVES): Promise<ReferenceRun> {
  const file = join(runDir, 'report.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: cannot read it as JSON (${(e as Error).message.split('\n')[0]}). Fix: pass the folder of a finished leaf run.`);
  }
  const parsed = Report.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UserError(`${file}: not a leaf report (at "${i.path.join('.')}": ${i.message}). Fix: pass the folder of a leaf run, which holds its report.json.`);
  }
  const report = parsed.data;
  const rerun = `Fix: run npx ${report.leaf} --full --seeds 5 (or npm run showcase -- --full --seeds 5) and pass that folder`;

  // A report does not record its preset; runLeaf's start event beside it does.
  const events = join(runDir, 'events.jsonl');
  if (!existsSync(events))
    throw new UserError(`${file}: no events.jsonl beside it, so whether it was a --full run cannot be checked (a report does not record its preset). Fix: pass the whole run folder.`);
  const start = StartEvent.safeParse((() => {
    try {
      return JSON.parse(firstLine(events));
    } catch {
      return undefined;
    }
  })());
  if (!start.success) throw new UserError(`${file}: the first line of ${events} is not the run's start event. Fix: pass a run folder as the leaf or the showcase wrote it.`);
  if (start.data.leaf !== report.leaf || start.data.seeds.join(',') !== report.seeds.join(','))
    throw new UserError(`${file}: its events.jsonl is from another run (leaf ${start.data.leaf}, seeds ${start.data.seeds.join(',')}). Fix: pass a run folder as the leaf or the showcase wrote it.`);
  if (start.data.preset !== 'full') throw new UserError(`${file}: a --${start.data.preset} run (smoke-test budgets), not a full run. ${rerun}.`);
  if (report.seeds.length < 2) throw new UserError(`${file}: one seed (${report.seeds.join(',')}), so no CI over seeds. ${rerun}.`);

  // --full with --config or field flags is not the full preset: compare with the leaf's own.
  const entry = registry.find((e) => e.pkg === report.leaf);
  if (!entry) throw new UserError(`${file}: leaf "${report.leaf}" is not a leaf of the tree (${registry.map((e) => e.pkg).join(', ')}). Fix: pass a leaf's run folder.`);
  let leaf: Leaf<z.ZodObject<z.ZodRawShape>>;
  try {
    leaf = ((await import(moduleOf(entry))) as Record<string, Leaf<z.ZodObject<z.ZodRawShape>>>)[entry.exportName ?? 'leaf']!;
    if (!leaf?.presets) throw new Error(`no Leaf export "${entry.exportName ?? 'leaf'}"`);
  } catch (e) {
    throw new UserError(`${file}: cannot load leaf ${report.leaf} to check its full preset (${(e as Error).message.split('\n')[0]}). Fix: run npm ci at the repo root.`);
  }
  const full = leaf.schema.strict().parse(leaf.presets.full) as Record<string, unknown>;
  for (const k of new Set([...Object.keys(full), ...Object.keys(report.config)])) {
    const want = JSON.stringify(full[k]);
    const got = JSON.stringify(report.config[k]);
    if (want !== got)
      throw new UserError(`${file}: config "${k}" is ${got ?? 'absent'} where ${report.leaf}'s full preset has ${want ?? 'no such field'} (a --full run with overrides, or the preset changed since). ${rerun}.`);
  }

  const command = commandOf(runDir, report, start.data, leaf.meta.defaultModel ?? 'default');
  return ReferenceRun.parse({ preset: 'full', command, date: statSync(file).mtime.toISOString(), report: trimReport(report) });
}

/** The run folders under DIR: DIR itself when it holds a report.json (or DIR is one), else its sub-folders that do. */
export function runDirsOf(dir: string): { runs: string[]; without: string[] } {
  if (existsSync(dir) && statSync(dir).isFile() && basename(dir) === 'report.json') return { runs: [dirname(dir)], without: [] };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--from ${dir}: not a folder. Fix: pass a run folder or a showcase output folder.`);
  if (existsSync(join(dir, 'report.json'))) return { runs: [dir], without: [] };
  const subs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(dir, d.name)).sort();
  const runs = subs.filter((d) => existsSync(join(d, 'report.json')));
  if (!runs.length) throw new UserError(`--from ${dir}: no report.json in it or in its sub-folders. Fix: pass a leaf's run folder or a showcase output folder (DIR/<leaf>/report.json).`);
  return { runs, without: subs.filter((d) => !runs.includes(d)) };
}

export interface CopyResult {
  /** The reference files written. */
  written: string[];
  /** Sub-folders with no report.json (in a showcase folder: a leaf that failed or was not built). */
  without: string[];
  references: ReferenceRun[];
}

/**
 * Check every run under the `from` folders, then write `out/<leaf>.json` for each. All are checked
 * before anything is written, so one bad report leaves the reference folder as it was.
 */
export async function copyReferences(opts: { from: string[]; out?: string; registry?: LeafEntry[] }): Promise<CopyResult> {
  const out = opts.out ?? REFERENCE_DIR;
  const runs: string[] = [];
  const without: string[] = [];
  for (const dir of opts.from) {
    const r = runDirsOf(dir);
    runs.push(...r.runs);
    without.push(...r.without);
  }
  const refs: ReferenceRun[] = [];
  const seen = new Map<string, string>();
  for (const dir of runs) {
    const ref = await referenceFromRun(dir, opts.registry);
    const leaf = ref.report.leaf;
    if (seen.has(leaf)) throw new UserError(`${join(dir, 'report.json')}: a second run of ${leaf} (the first is ${join(seen.get(leaf)!, 'report.json')}). Fix: pass one run per leaf.`);
    seen.set(leaf, dir);
    refs.push(ref);
  }
  const written = refs.map((ref) => {
    const file = join(out, `${ref.report.leaf}.json`);
    writeJsonAtomic(file, ref);
    return file;
  });
  return { written, without, references: refs };
}
