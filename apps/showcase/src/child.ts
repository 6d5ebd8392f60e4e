/**
 * One leaf, in its own process (started by run.ts with tsx's loader). It receives a `ChildJob`
 * over IPC, runs the leaf through core's `runLeaf` — exactly what the leaf's own CLI does — and
 * sends back the report or the error, then exits even if the leaf left handles open (model
 * sessions, timers).
 */
import { runLeaf, type Leaf } from '@rlllm/core/leaf';
import type { Report } from '@rlllm/core/report';

export interface ChildJob {
  module: string;
  exportName: string;
  preset: 'quick' | 'full';
  seeds?: number[];
  model?: string;
  out: string;
  /** Worker processes for the leaf's seeds. */
  workers?: number;
}

export type ChildResult = { type: 'report'; report: Report } | { type: 'error'; message: string; stack?: string };

function isLeaf(x: unknown): x is Leaf<never> {
  const l = x as Partial<Leaf<never>> | undefined;
  return !!l && typeof l.variants === 'function' && !!l.meta && !!l.schema && !!l.presets;
}

async function runJob(job: ChildJob): Promise<ChildResult> {
  try {
    const mod = (await import(job.module)) as Record<string, unknown>;
    const leaf = mod[job.exportName];
    if (!isLeaf(leaf)) throw new Error(`${job.module} does not export "${job.exportName}" as a Leaf (meta, schema, presets, variants) from @rlllm/core`);
    const report = await runLeaf(leaf, { preset: job.preset, seeds: job.seeds, model: job.model, out: job.out, workers: job.workers, quiet: true });
    return { type: 'report', report };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { type: 'error', message: err.message, stack: err.stack };
  }
}

process.once('message', (job: ChildJob) => {
  void runJob(job).then((result) => {
    process.send!(result, () => process.exit(result.type === 'report' ? 0 : 1));
  });
});
