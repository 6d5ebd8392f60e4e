/**
 * Orchestration: run every built leaf, each in its own child process — one per core at a time when
 * each leaf runs one seed, else one at a time with its seeds spread over worker processes — then
 * write DIR/results.json and DIR/index.html, with the shipped reference (reference.ts) of the
 * leaves that ran beside their results.
 *
 * Why a child process per leaf (rather than racing an in-process promise against a timer):
 *  - a time budget must hold even for a leaf that computes synchronously for minutes (a training
 *    loop, an ONNX session), which never yields to a timer in the same thread;
 *  - a leaf over budget is really stopped (SIGKILL), so on our 2 cores its abandoned work does not
 *    slow down and skew the timings of the leaves after it;
 *  - a native crash or out-of-memory in one leaf (tfjs, onnxruntime) cannot take the showcase down;
 *  - each leaf starts from a clean process, as it does from its own CLI.
 * The cost is ~1 s of process start and module loading per leaf, small next to a leaf's run.
 */
import { fork } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '@rlllm/core/config';
import { Report, writeJsonAtomic } from '@rlllm/core/report';
import type { ChildJob, ChildResult } from './child.ts';
import { isBuilt, LEAVES, moduleOf, type LeafEntry } from './leaves.ts';
import { loadReferences } from './reference.ts';
import { renderHtml } from './render/html.ts';
import { LeafLine } from './status.ts';
import { fmt, fmtDelta, summarizeReport } from './summary.ts';
import type { LeafOutcome, ShowcaseResults } from './types.ts';

/** Per-leaf wall-time budgets (seconds) when --timeout-per-leaf is not given. */
export const DEFAULT_TIMEOUT_SECONDS = { quick: 120, full: 1800 } as const;

export interface ShowcaseOptions {
  /** The leaves to show; defaults to the 8 leaves of the tree. Tests register test doubles here. */
  registry?: LeafEntry[];
  preset?: 'quick' | 'full';
  /** Seeds for every leaf; undefined lets each leaf use its default (seed 1). */
  seeds?: number[];
  /** Run only these packages; the others are shown as not selected. */
  only?: string[];
  model?: string;
  out: string;
  timeoutPerLeafSeconds?: number;
  /** Where progress lines go (default stderr). */
  stream?: NodeJS.WriteStream;
  /**
   * Leaves run at the same time (default: one per core when each leaf runs one seed; else one, whose
   * seeds then go to one worker process per core). Each leaf gets cores / leavesAtOnce workers.
   */
  leavesAtOnce?: number;
  /** The shipped reference's folder (default apps/showcase/reference); tests point it elsewhere. */
  referenceDir?: string;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
// The child runs TypeScript through tsx's loader, found from here so the current directory does not matter.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Same idea as core's writeJsonAtomic: a reader sees the old page or the whole new one. */
export function writeTextAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

interface ChildOutcome {
  report?: Report;
  error?: string;
  details?: string;
}

/**
 * SIGKILL a process and every process below it. A leaf runs its seeds in worker processes of its
 * own (core's experiment runner, Eureka's JobPool); they leave when their IPC channel closes, but a
 * worker inside a synchronous training loop only notices when the loop yields, so a stopped leaf's
 * workers would go on eating the CPU of the leaves after it. Descendants are found through /proc
 * (Linux); elsewhere only the leaf's own process is killed.
 */
export function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  const parentOf = new Map<number, number>();
  try {
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        // /proc/PID/stat: "pid (comm) state ppid ..."; comm may contain spaces, so read after the last ')'.
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        parentOf.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // the process ended while we listed them
      }
    }
  } catch {
    // no /proc: only the leaf's own process
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parentOf) if (pp === tree[i]) tree.push(p);
  for (const p of tree) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function runInChild(job: ChildJob, timeoutSeconds: number, logFile: string): Promise<ChildOutcome> {
  return new Promise((done) => {
    const log = createWriteStream(logFile);
    let stderrTail = '';
    let outcome: ChildOutcome | undefined;
    const child = fork(CHILD, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.on('data', (d: Buffer) => {
      log.write(d);
      stderrTail = (stderrTail + d.toString()).slice(-3000);
    });
    const timer = setTimeout(() => {
      outcome ??= { error: `exceeded its time budget of ${timeoutSeconds} s and was stopped (raise it with --timeout-per-leaf)` };
      killTree(child.pid);
    }, timeoutSeconds * 1000);
    child.on('message', (m: ChildResult) => {
      if (m.type === 'error') outcome ??= { error: m.message.split('\n')[0] || 'error', details: m.stack };
      else {
        const parsed = Report.safeParse(m.report);
        outcome ??= parsed.success
          ? { report: parsed.data }
          : { error: `invalid report at "${parsed.error.issues[0]!.path.join('.')}": ${parsed.error.issues[0]!.message}` };
      }
    });
    child.on('error', (e) => {
      outcome ??= { error: `could not start the leaf's process: ${e.message}` };
    });
    // 'close' comes after 'exit' and after the IPC and stdio pipes are drained, so a report sent
    // just before the child exits has been received by then.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log.end();
      done(outcome ?? { error: `the leaf's process exited (${signal ?? `code ${code}`}) without a report`, details: stderrTail.trim() || undefined });
    });
    child.send(job);
  });
}

function resultLine(r: Report, wall: number): string {
  const s = summarizeReport(r);
  const vs = s.comparisons.map((c) => `vs ${c.ablation} ${fmtDelta(c.delta)} ${c.better ? '✓' : '✗'}`).join(', ');
  return `ok  ${wall.toFixed(1)}s  ${s.method} ${fmt(s.mean)}${vs ? ` (Δ ${vs})` : ''}`;
}

export async function runShowcase(opts: ShowcaseOptions): Promise<ShowcaseResults> {
  const registry = opts.registry ?? LEAVES;
  const preset = opts.preset ?? 'quick';
  const timeout = opts.timeoutPerLeafSeconds ?? DEFAULT_TIMEOUT_SECONDS[preset];
  const stream = opts.stream ?? process.stderr;
  const names = registry.map((e) => e.pkg);
  for (const name of opts.only ?? [])
    if (!names.includes(name)) throw new UserError(`--only: unknown leaf "${name}". Fix: use some of ${names.join(', ')}.`);
  // Read before any leaf runs: a broken reference file fails the showcase in seconds, not at the end.
  const loaded = loadReferences(opts.referenceDir);
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const results: ShowcaseResults = {
    startedAt: new Date().toISOString(),
    seconds: 0,
    preset,
    seeds: opts.seeds ?? null,
    model: opts.model ?? 'default',
    timeoutPerLeafSeconds: timeout,
    leaves: [],
    references: {},
  };
  const save = () => {
    results.seconds = (performance.now() - t0) / 1000;
    writeJsonAtomic(join(out, 'results.json'), results);
  };

  const cores = availableParallelism();
  const atOnce = Math.max(1, opts.leavesAtOnce ?? ((opts.seeds?.length ?? 1) <= 1 ? cores : 1));
  const workers = Math.max(1, Math.floor(cores / atOnce));
  const outcomes: (LeafOutcome | undefined)[] = registry.map(() => undefined);
  const runEntry = async (i: number, entry: LeafEntry): Promise<LeafOutcome> => {
    // With several leaves at once, a live line per leaf would overwrite the others': result lines only.
    const line = new LeafLine(`[${i + 1}/${registry.length}] ${entry.pkg.padEnd(14)}`, stream, atOnce === 1);
    const base = { pkg: entry.pkg, taxonomy: entry.taxonomy, studies: entry.studies, section: entry.section };
    if (opts.only?.length && !opts.only.includes(entry.pkg)) {
      line.finish('not selected');
      return { ...base, status: 'skipped' };
    }
    if (!isBuilt(entry)) {
      line.finish('not built');
      return { ...base, status: 'not built' };
    }
    const dir = join(out, entry.pkg);
    mkdirSync(dir, { recursive: true });
    line.start('running');
    const started = performance.now();
    const job: ChildJob = { module: moduleOf(entry), exportName: entry.exportName ?? 'leaf', preset, seeds: opts.seeds, model: opts.model, out: dir, workers };
    const r = await runInChild(job, timeout, join(dir, 'showcase.log'));
    const wallSeconds = (performance.now() - started) / 1000;
    const rel = relative(out, dir).split('\\').join('/');
    const files = ['report.json', 'events.jsonl', 'showcase.log'].filter((f) => existsSync(join(dir, f)));
    if (r.report) {
      line.finish(resultLine(r.report, wallSeconds));
      return { ...base, status: 'ok', wallSeconds, dir: rel, files, report: r.report };
    }
    line.finish(`FAILED after ${wallSeconds.toFixed(1)}s: ${r.error}`);
    return { ...base, status: 'failed', wallSeconds, dir: rel, files, error: r.error, details: r.details };
  };
  // A pool of `atOnce` runners over the registry; results keep the registry's order.
  let next = 0;
  const runner = async () => {
    for (let i = next++; i < registry.length; i = next++) {
      outcomes[i] = await runEntry(i, registry[i]!);
      const ref = loaded[registry[i]!.pkg];
      if (ref && (outcomes[i]!.status === 'ok' || outcomes[i]!.status === 'failed')) results.references![registry[i]!.pkg] = ref;
      results.leaves = outcomes.filter((o): o is LeafOutcome => o !== undefined);
      save(); // after every leaf, so an interrupted run still leaves what finished
    }
  };
  await Promise.all(Array.from({ length: atOnce }, runner));
  results.leaves = outcomes as LeafOutcome[];
  save();
  writeTextAtomic(join(out, 'index.html'), await renderHtml(results));
  return results;
}
