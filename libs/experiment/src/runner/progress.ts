import type { Progress } from '@qf/loadgen';
import { formatCompactDuration } from './eta';

/** `es k=2 mixed step 3/6 @ 400 req/s: measure 9/11 s, 396 req/s answered, p95 41.2 ms, in flight 12, errors 0`. */
export const formatStepProgress = (
  where: string,
  step: { readonly number: number; readonly max: number; readonly rate: number },
  progress: Progress,
): string =>
  `${where} step ${step.number}/${step.max} @ ${step.rate} req/s: ${progress.phase} ${progress.elapsedSec.toFixed(0)}/${progress.totalSec.toFixed(0)} s, ` +
  `${progress.rate.toFixed(0)} req/s answered, p95 ${progress.window.p95.toFixed(1)} ms, in flight ${progress.inFlight}, errors ${progress.errors}`;

/**
 * Prints the run's progress: one line per phase and per load-generator report, each
 * prefixed with the elapsed time and the ETA; while a long phase prints nothing (fleet
 * start, replay) a heartbeat repeats it, so the run never looks stuck.
 */
export class RunProgressReporter {
  private readonly startedAt = Date.now();
  private lastLineAt = 0;
  private current = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly remainingSeconds: () => number,
    private readonly heartbeatMs = 15_000,
  ) {}

  start(): this {
    this.timer ??= setInterval(() => {
      if (this.current && Date.now() - this.lastLineAt >= this.heartbeatMs)
        this.line(`${this.current} …`);
    }, 1000);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Seconds since the run started. */
  get elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  /** A new phase: printed now and repeated by the heartbeat while nothing else prints. */
  phase(text: string): void {
    this.current = text;
    this.line(text);
  }

  /** A one-off line (a figure, a warning); the phase stays. */
  line(text: string): void {
    this.lastLineAt = Date.now();
    this.write(
      `[${formatCompactDuration(this.elapsedSeconds)} elapsed, ETA ${formatCompactDuration(this.remainingSeconds())}] ${text}`,
    );
  }
}
