/** The shape of `DIR/results.json`: every leaf's status and, when it ran, its report. */
import type { Report } from '@rlllm/core/report';
import type { ReferenceRun } from './reference.ts';

/** ok: ran and reported · failed: threw, timed out or crashed · not built: no package yet · skipped: left out by --only. */
export type LeafStatus = 'ok' | 'failed' | 'not built' | 'skipped';

export interface LeafOutcome {
  pkg: string;
  taxonomy: string;
  studies: string;
  section: string;
  status: LeafStatus;
  /** One line (and the stack or the leaf's last stderr lines in `details`) when failed. */
  error?: string;
  details?: string;
  /** Wall time including process start and model loading; report.seconds is the leaf's own run. */
  wallSeconds?: number;
  /** Output folder relative to the showcase's DIR (report.json, events.jsonl, showcase.log). */
  dir?: string;
  /** The files that exist in `dir` once the leaf finished. */
  files?: string[];
  report?: Report;
}

export interface ShowcaseResults {
  startedAt: string;
  seconds: number;
  preset: 'quick' | 'full';
  /** null: each leaf's default seeds. */
  seeds: number[] | null;
  model: string;
  timeoutPerLeafSeconds: number;
  leaves: LeafOutcome[];
  /**
   * The shipped reference (full runs) of the leaves that ran, by leaf: the verdict beside a --quick
   * run, a comparison beside a --full one. Absent in results.json written before it existed.
   */
  references?: Record<string, ReferenceRun>;
}
