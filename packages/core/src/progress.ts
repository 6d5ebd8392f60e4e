/**
 * Progress display: a live single-line bar when stderr is a terminal, plain periodic lines when it
 * is not (pipes, files) or under CI, and nothing when `quiet`. Progress goes to stderr so stdout
 * stays clean for results.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  quiet?: boolean;
  /** Minimum seconds between plain (non-TTY) lines. */
  plainEvery?: number;
  stream?: NodeJS.WriteStream;
}

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly live: boolean;
  private readonly t0 = performance.now();
  private lastDraw = 0;
  private done = 0;
  private note = '';

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.live = !!this.stream.isTTY && !process.env.CI;
  }

  update(done: number, note = ''): void {
    this.done = done;
    this.note = note;
    if (this.opts.quiet) return;
    const now = performance.now();
    const every = this.live ? 100 : 1000 * (this.opts.plainEvery ?? 10);
    if (now - this.lastDraw < every && done < this.opts.total) return;
    this.lastDraw = now;
    this.draw(false);
  }

  finish(note = this.note): void {
    this.done = this.opts.total;
    this.note = note;
    if (!this.opts.quiet) this.draw(true);
  }

  private draw(final: boolean): void {
    const { label, total } = this.opts;
    const frac = total > 0 ? Math.min(1, this.done / total) : 1;
    const secs = (performance.now() - this.t0) / 1000;
    const eta = frac > 0 && frac < 1 ? ` eta ${((secs / frac) * (1 - frac)).toFixed(0)}s` : '';
    const text = `${label} ${this.done}/${total} ${(100 * frac).toFixed(0)}% ${secs.toFixed(1)}s${eta}${this.note ? ' ' + this.note : ''}`;
    if (this.live) {
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.stream.write(`\r\x1b[2K${bar} ${text}` + (final ? '\n' : ''));
    } else {
      this.stream.write(text + '\n');
    }
  }
}
