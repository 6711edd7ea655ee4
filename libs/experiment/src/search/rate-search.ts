/**
 * Finds the highest offered arrival rate whose step holds the SLO: grow geometrically from
 * `startRate` while steps pass, then bisect between the last passing and the first failing rate.
 * Pure state machine: the runner asks `next()`, measures a step at that rate, and `record()`s it.
 */

export interface RateSearchSettings {
  readonly startRate: number;
  readonly maxRate: number;
  readonly growthFactor: number;
  readonly bisectionSteps: number;
  readonly maxSteps: number;
}

export interface RateSearchState {
  readonly phase: 'grow' | 'bisect' | 'done';
  /** Highest rate that held the SLO so far. */
  readonly bestPassing?: number;
  /** Lowest rate that broke the SLO so far. */
  readonly lowestFailing?: number;
  readonly stepsTaken: number;
  /** Why the search stopped. */
  readonly stopReason?: string;
}

/** Bisection stops when the bracket is narrower than this share of its lower end (or 1 req/s). */
const RESOLUTION = 0.05;

export class RateSearch {
  private phase: RateSearchState['phase'] = 'grow';
  private bestPassing: number | undefined;
  private lowestFailing: number | undefined;
  private stepsTaken = 0;
  private bisectionsLeft: number;
  private pending: number | undefined;
  private stopReason: string | undefined;

  constructor(private readonly settings: RateSearchSettings) {
    if (
      !(settings.startRate > 0) ||
      !(settings.maxRate >= settings.startRate) ||
      !(settings.growthFactor > 1)
    ) {
      throw new RangeError('rate search needs 0 < startRate <= maxRate and growthFactor > 1');
    }
    this.bisectionsLeft = settings.bisectionSteps;
    this.pending = Math.round(settings.startRate);
  }

  /** The next rate to measure, or undefined when the search is over. */
  next(): number | undefined {
    return this.phase === 'done' ? undefined : this.pending;
  }

  /** Records the outcome of the step measured at `rate` (the rate `next()` returned). */
  record(rate: number, withinSlo: boolean): void {
    if (this.phase === 'done') throw new Error('the rate search is over');
    this.stepsTaken += 1;
    if (withinSlo) this.bestPassing = Math.max(this.bestPassing ?? 0, rate);
    else this.lowestFailing = Math.min(this.lowestFailing ?? Number.POSITIVE_INFINITY, rate);

    if (this.stepsTaken >= this.settings.maxSteps)
      return this.stop(`reached search.maxSteps (${this.settings.maxSteps})`);

    if (this.phase === 'grow') {
      if (withinSlo) {
        if (rate >= this.settings.maxRate)
          return this.stop(`held the SLO at search.maxRate (${this.settings.maxRate} req/s)`);
        this.pending = Math.min(
          Math.round(rate * this.settings.growthFactor),
          this.settings.maxRate,
        );
        return;
      }
      this.phase = 'bisect';
    } else {
      this.bisectionsLeft -= 1;
    }
    this.bisect();
  }

  state(): RateSearchState {
    return {
      phase: this.phase,
      ...(this.bestPassing === undefined ? {} : { bestPassing: this.bestPassing }),
      ...(this.lowestFailing === undefined ? {} : { lowestFailing: this.lowestFailing }),
      stepsTaken: this.stepsTaken,
      ...(this.stopReason === undefined ? {} : { stopReason: this.stopReason }),
    };
  }

  private bisect(): void {
    if (this.bisectionsLeft <= 0) return this.stop('bisection steps used up');
    const low = this.bestPassing ?? 0;
    const high = this.lowestFailing ?? this.settings.maxRate;
    if (high - low <= Math.max(1, low * RESOLUTION))
      return this.stop('bracket narrower than the search resolution');
    const middle = Math.round((low + high) / 2);
    if (middle <= low || middle >= high) return this.stop('bracket narrower than 1 req/s');
    this.pending = middle;
  }

  private stop(reason: string): void {
    this.phase = 'done';
    this.pending = undefined;
    this.stopReason = reason;
  }
}
