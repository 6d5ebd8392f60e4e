/**
 * One progress line per leaf. On a terminal the line is live (elapsed seconds tick while the leaf
 * runs) and is replaced by the result; under CI or in a pipe only the result line is printed, so
 * logs get exactly one line per leaf. Same TTY/CI rule as core's Progress. Core's Progress is a
 * counter bar; a leaf running in a child process is opaque to us, so elapsed time is all there is.
 */
export class LeafLine {
  private readonly live: boolean;
  private timer?: NodeJS.Timeout;
  private readonly t0 = performance.now();

  constructor(
    private readonly prefix: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    /** Draw a live line on a terminal (off when several leaves run at once). */
    allowLive = true,
  ) {
    this.live = allowLive && !!stream.isTTY && !process.env.CI;
  }

  start(what: string): void {
    if (!this.live) return;
    const draw = () => this.stream.write(`\r\x1b[2K${this.prefix} ${what} ${((performance.now() - this.t0) / 1000).toFixed(0)}s`);
    draw();
    this.timer = setInterval(draw, 1000);
    this.timer.unref();
  }

  finish(text: string): void {
    if (this.timer) clearInterval(this.timer);
    this.stream.write(`${this.live ? '\r\x1b[2K' : ''}${this.prefix} ${text}\n`);
  }
}
