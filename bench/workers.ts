/**
 * Benchmark: the experiment runner's worker processes. Runs a leaf's seeds with `--workers 1` and
 * with `--workers 2` (both cores), as whole commands, RUNS times each (interleaved), and prints each
 * wall time, the medians, their ratio (the runner's promise on 2 cores: ≤ 0.6), and whether the two
 * reports' numbers are identical (they must be: a seed's numbers never depend on the process).
 * Run it on an otherwise idle machine.
 *
 *   LEAF=ellm-tiny ARGS="--full --seeds 5" RUNS=1 npx tsx bench/workers.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median } from '@rlllm/core/stats';

const root = path.resolve(import.meta.dirname, '..');
const leaf = process.env.LEAF ?? 'ellm-tiny';
const args = (process.env.ARGS ?? '--quick --seeds 4').split(/\s+/).filter(Boolean);
const runs = Number(process.env.RUNS ?? 1);
const bin = path.join(root, 'packages', leaf, 'bin', `${leaf}.js`);
if (!existsSync(bin)) {
  console.error(`LEAF=${leaf}: no such leaf. Fix: e.g. LEAF=ellm-tiny`);
  process.exit(2);
}
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`RUNS=${process.env.RUNS}: not a positive integer. Fix: e.g. RUNS=3`);
  process.exit(2);
}

/** The report without what may differ between runs (wall times). */
function numbers(file: string): string {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete r.seconds;
  return JSON.stringify(r);
}

const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
const reports: Record<1 | 2, string[]> = { 1: [], 2: [] };
for (let i = 0; i < runs; i++) {
  for (const workers of [1, 2] as const) {
    const out = mkdtempSync(path.join(tmpdir(), `bench-workers-${leaf}-`));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, ...args, '--workers', String(workers), '--out', out], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) {
      console.error(`${leaf} ${args.join(' ')} --workers ${workers} exited ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
      process.exit(1);
    }
    times[workers].push(s);
    reports[workers].push(numbers(path.join(out, 'report.json')));
    rmSync(out, { recursive: true, force: true });
    console.log(`${leaf} ${args.join(' ')} --workers ${workers}: ${s.toFixed(1)} s`);
  }
}
const [m1, m2] = [median(times[1]), median(times[2])];
const same = [...reports[1], ...reports[2]].every((r) => r === reports[1][0]);
console.log(`median --workers 1: ${m1.toFixed(1)} s; --workers 2: ${m2.toFixed(1)} s; ratio ${(m2 / m1).toFixed(2)} (target ≤ 0.60)`);
console.log(same ? 'reports: identical numbers with 1 and 2 workers' : 'reports: NUMBERS DIFFER between runs');
if (!same) process.exitCode = 1;
