/**
 * Benchmark: wall time of every leaf's `npx <leaf> --quick` (the "≤ 60 s on our 2 cores" target of
 * the leaf issues), as a whole command — process start, model loading, the run, the report.
 * Each leaf runs RUNS times (default 3) into a fresh temporary directory; prints each time and the
 * median. Run it on an otherwise idle machine: other jobs on the two cores slow every leaf down.
 *
 *   npm run bench:quick                       # all leaves
 *   LEAVES=rlhf-tiny,rlaif-tiny RUNS=5 npm run bench:quick
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median } from '@rlllm/core/stats';

const root = path.resolve(import.meta.dirname, '..');
const all = readdirSync(path.join(root, 'packages')).filter((p) => existsSync(path.join(root, 'packages', p, 'bin', `${p}.js`)));
const leaves = process.env.LEAVES ? process.env.LEAVES.split(',') : all;
const runs = Number(process.env.RUNS ?? 3);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`RUNS=${process.env.RUNS}: not a positive integer. Fix: e.g. RUNS=3`);
  process.exit(2);
}

const rows: { leaf: string; times: number[] }[] = [];
for (const leaf of leaves) {
  const bin = path.join(root, 'packages', leaf, 'bin', `${leaf}.js`);
  if (!existsSync(bin)) {
    console.error(`LEAVES: no leaf "${leaf}". Fix: use a comma-separated subset of ${all.join(', ')}`);
    process.exit(2);
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(path.join(tmpdir(), `bench-${leaf}-`));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, '--quick', '--out', out], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const s = (performance.now() - t0) / 1000;
    rmSync(out, { recursive: true, force: true });
    if (r.status !== 0) {
      console.error(`${leaf} --quick exited ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
      process.exit(1);
    }
    times.push(s);
  }
  rows.push({ leaf, times });
  console.log(`${leaf.padEnd(16)} median ${median(times).toFixed(1)} s   (${times.map((t) => t.toFixed(1)).join(', ')})`);
}
const over = rows.filter((r) => median(r.times) > 60);
console.log(over.length ? `over 60 s: ${over.map((r) => r.leaf).join(', ')}` : `all ${rows.length} leaves: median --quick ≤ 60 s`);
