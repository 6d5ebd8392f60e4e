/**
 * JSONL event log: one JSON object per line, `{t, type, ...fields}`, appended as a run goes so a
 * crashed run still leaves its history. Writes to `<dir>/events.jsonl` (or nowhere when dir is null).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class EventLog {
  private readonly t0 = performance.now();
  readonly events: Record<string, unknown>[] = [];

  constructor(
    readonly file: string | null,
    /** Keep events in memory too (small runs, tests). */
    private readonly keep = false,
    /** Add to an existing file instead of starting it afresh (the experiment runner's worker processes). */
    append = false,
  ) {
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      if (!append) writeFileSync(file, '');
    }
  }

  log(type: string, fields: Record<string, unknown> = {}): void {
    const ev = { t: +((performance.now() - this.t0) / 1000).toFixed(3), type, ...fields };
    if (this.keep) this.events.push(ev);
    if (this.file) appendFileSync(this.file, JSON.stringify(ev) + '\n');
  }
}

/** A log that goes nowhere: algorithms take a log and never check whether it is real. */
export const nullLog = new EventLog(null);
