export interface GroupCommitPacerOptions {
  /** The longest interval, reached at maxIntervalMs × ratePerMs commands/s and above (QF_PROCESSOR_TXN_INTERVAL_MS). */
  readonly maxIntervalMs: number;
  /** Commands/s of arrival rate per ms of interval (QF_PROCESSOR_TXN_RATE_PER_MS). */
  readonly ratePerMs: number;
  /**
   * At high rates the interval shrinks so that a transaction carries about this many
   * commands: at most targetCommands / rate (QF_PROCESSOR_TXN_TARGET_COMMANDS). 0 or
   * absent: off (the interval stays at maxIntervalMs however high the rate).
   */
  readonly targetCommands?: number;
}

/** Arrivals are folded into the rate estimate at most this often. */
const WINDOW_MS = 200;

/**
 * The group-commit interval: how soon after a transaction started the next may start. It
 * grows with the arrival rate (rate / ratePerMs ms) up to maxIntervalMs. At low load a
 * command hardly waits (latency); at higher load transactions space out so each carries
 * more commands (CPU: every transaction costs a fixed set of round trips, log appends and
 * markers whatever its size). With the default ratePerMs 40: 200/s → 5 ms (about one
 * command a transaction: a transaction takes that long anyway), 500/s → 12.5 ms (~6),
 * 1,000/s and more → 25 ms (~25). With 100 (the first default) 500/s gave 3 commands a
 * transaction, and CPU per command at 500/s was twice that at 1,000/s (ADR 0015).
 * With targetCommands the interval falls again past the rate where it would hold that many
 * commands: rising with the rate up to there, then targetCommands / rate, so at high rates
 * each command waits less for its transaction (for more transactions, i.e. more CPU).
 */
export class GroupCommitPacer {
  private rate = 0;
  private count = 0;
  private windowStart = 0;

  constructor(private readonly options: GroupCommitPacerOptions) {}

  /** Counts commands handed over at `now` (ms). */
  arrived(count: number, now: number): void {
    if (this.windowStart === 0) this.windowStart = now;
    this.count += count;
    this.fold(now);
  }

  /** The interval to keep between transaction starts now, ms. */
  interval(now = Date.now()): number {
    this.fold(now);
    const { maxIntervalMs, ratePerMs, targetCommands = 0 } = this.options;
    const paced = Math.min(maxIntervalMs, this.rate / ratePerMs);
    if (targetCommands <= 0 || this.rate <= 0) return paced;
    return Math.min(paced, (targetCommands * 1000) / this.rate);
  }

  /** Commands/s, smoothed over about a second. */
  get ratePerSecond(): number {
    return this.rate;
  }

  private fold(now: number): void {
    const elapsed = now - this.windowStart;
    if (this.windowStart === 0 || elapsed < WINDOW_MS) return;
    const instant = (this.count * 1000) / elapsed;
    // Weight by the time covered: a long quiet spell replaces the estimate outright.
    const weight = Math.min(1, elapsed / 1000);
    this.rate += weight * (instant - this.rate);
    this.count = 0;
    this.windowStart = now;
  }
}
