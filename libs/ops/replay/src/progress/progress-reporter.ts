import { progressBar, progressLine, type ProgressSnapshot } from './replay-progress';

export interface ProgressReporterOptions {
  /** Where to draw (stderr, so stdout stays for --json). */
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Without a terminal: one line at most this often. */
  readonly lineEveryMs?: number;
  readonly now?: () => number;
}

/**
 * Shows progress: on a terminal a bar redrawn in place; otherwise (a log, CI, a pipe) a
 * plain line every lineEveryMs, so the output stays readable.
 */
export class ProgressReporter {
  private lastLineAt = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly options: ProgressReporterOptions) {}

  private get tty(): boolean {
    return this.options.stream.isTTY === true;
  }

  progress(snapshot: ProgressSnapshot): void {
    if (this.tty) {
      const width = Math.max(10, Math.min(40, (this.options.stream.columns ?? 100) - 90));
      this.options.stream.write(`\r\x1b[2K${progressBar(snapshot, width)}`);
      this.drawn = true;
      return;
    }
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastLineAt < (this.options.lineEveryMs ?? 5000)) return;
    this.lastLineAt = now;
    this.options.stream.write(`${progressLine(snapshot)}\n`);
  }

  /** A message on its own line (the bar, if any, is redrawn below it by the next report). */
  message(text: string): void {
    if (this.drawn) this.options.stream.write('\r\x1b[2K');
    this.drawn = false;
    this.options.stream.write(`${text}\n`);
  }

  /** Ends the bar's line. */
  end(): void {
    if (this.drawn) this.options.stream.write('\n');
    this.drawn = false;
  }
}
