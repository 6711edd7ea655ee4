/**
 * Finds the highest offered arrival rate whose step holds the SLO, to a stated resolution:
 * first a bracket (a rate that held and one that did not), then bisection until the bracket is
 * within `resolution` of its lower end or `resolutionRate` req/s. A search seeded with an
 * earlier λ (the previous repetition of the cell, or the previous k) starts there and moves by
 * `seedSpread`, doubling the move while the outcome repeats (at most `growthFactor`); an
 * unseeded one grows from
 * `startRate` by `growthFactor`. Pure state machine: the runner asks `next()`, measures a step
 * at that rate, and `record()`s whether it held the SLO.
 */

export interface RateSearchSettings {
  readonly startRate: number;
  readonly maxRate: number;
  readonly minRate: number;
  readonly growthFactor: number;
  readonly seedSpread: number;
  readonly resolution: number;
  readonly resolutionRate: number;
  readonly maxSteps: number;
}

/** Where a search starts: an earlier λ and where it came from. */
export interface SearchSeed {
  readonly rate: number;
  /** e.g. `es k=1 repetition 1` or `es k=1 (previous k, scaled by 2/1)`. */
  readonly source: string;
}

export interface RateSearchState {
  readonly phase: 'bracket' | 'bisect' | 'done';
  /** Highest rate that held the SLO so far. */
  readonly low?: number;
  /** Lowest rate that broke the SLO so far. */
  readonly high?: number;
  readonly stepsTaken: number;
  /** Did the search end with a bracket within the resolution? */
  readonly converged: boolean;
  readonly stopReason?: string;
  readonly seed?: SearchSeed;
}

/** The unseeded start of a cell: the configured rate at one unit of budget, scaled by its cores, within range. */
export const startRateFor = (
  settings: Omit<RateSearchSettings, 'startRate'> & {
    readonly startRate: number | Readonly<Record<'es' | 'crud', number>>;
  },
  arch: 'es' | 'crud',
  cores: number,
  unitCores: number,
): number => {
  const perUnit =
    typeof settings.startRate === 'number' ? settings.startRate : settings.startRate[arch];
  return Math.round(
    Math.min(settings.maxRate, Math.max(settings.minRate, (perUnit * cores) / unitCores)),
  );
};

/** Is the bracket [low, high) narrow enough: within `resolution` of low, or `resolutionRate` req/s? */
export const bracketResolved = (
  low: number,
  high: number,
  settings: Pick<RateSearchSettings, 'resolution' | 'resolutionRate'>,
): boolean => high - low <= Math.max(settings.resolution * low, settings.resolutionRate);

export class RateSearch {
  private phase: RateSearchState['phase'] = 'bracket';
  private low: number | undefined;
  private high: number | undefined;
  private stepsTaken = 0;
  private pending: number | undefined;
  private stopReason: string | undefined;
  private converged = false;
  /** Multiplier of the next bracketing move; grows while the outcome repeats (seeded). */
  private factor: number;
  private lastOutcome: boolean | undefined;

  constructor(
    private readonly settings: RateSearchSettings,
    private readonly seed?: SearchSeed,
  ) {
    const { startRate, maxRate, minRate, growthFactor } = settings;
    if (!(minRate > 0 && minRate <= startRate && startRate <= maxRate) || !(growthFactor > 1))
      throw new RangeError(
        'rate search needs 0 < minRate <= startRate <= maxRate and growthFactor > 1',
      );
    this.factor = seed ? 1 + settings.seedSpread : growthFactor;
    this.pending = this.clamp(seed ? seed.rate : startRate);
  }

  /** The next rate to measure, or undefined when the search is over. */
  next(): number | undefined {
    return this.phase === 'done' ? undefined : this.pending;
  }

  /** Records the outcome of the step measured at `rate` (the rate `next()` returned). */
  record(rate: number, withinSlo: boolean): void {
    if (this.phase === 'done') throw new Error('the rate search is over');
    this.stepsTaken += 1;
    if (withinSlo) this.low = Math.max(this.low ?? 0, rate);
    else this.high = Math.min(this.high ?? Number.POSITIVE_INFINITY, rate);

    // Bracketing moves toward the other outcome and bisection probes inside the bracket, so
    // once both ends exist low < high holds whatever the noise near λ.
    if (this.low !== undefined && this.high !== undefined) {
      this.phase = 'bisect';
      this.bisect();
    } else {
      this.move(rate, withinSlo);
    }
    if (
      (this.phase as RateSearchState['phase']) !== 'done' &&
      this.stepsTaken >= this.settings.maxSteps
    )
      this.stop(`reached search.maxSteps (${this.settings.maxSteps}) with ${this.describe()}`);
  }

  state(): RateSearchState {
    return {
      phase: this.phase,
      ...(this.low === undefined ? {} : { low: this.low }),
      ...(this.high === undefined ? {} : { high: this.high }),
      stepsTaken: this.stepsTaken,
      converged: this.converged,
      ...(this.stopReason === undefined ? {} : { stopReason: this.stopReason }),
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }

  /** Bracketing: up while the SLO holds, down while it does not. */
  private move(rate: number, withinSlo: boolean): void {
    const { maxRate, minRate } = this.settings;
    if (withinSlo && rate >= maxRate)
      return this.stop(`held the SLO at search.maxRate (${maxRate} req/s)`);
    if (!withinSlo && rate <= minRate)
      return this.stop(`no rate down to search.minRate (${minRate} req/s) held the SLO`);
    // Moves away from a seed double while the outcome repeats, up to the unseeded growth.
    if (this.seed && this.lastOutcome === withinSlo)
      this.factor = Math.min(1 + 2 * (this.factor - 1), this.settings.growthFactor);
    this.lastOutcome = withinSlo;
    this.pending = this.clamp(withinSlo ? rate * this.factor : rate / this.factor);
  }

  private bisect(): void {
    const low = this.low as number;
    const high = this.high as number;
    if (bracketResolved(low, high, this.settings)) {
      this.converged = true;
      return this.stop(`bracket [${low}, ${high}) req/s within the resolution`);
    }
    const middle = Math.round((low + high) / 2);
    if (middle <= low || middle >= high) {
      this.converged = true;
      return this.stop(`bracket [${low}, ${high}) req/s narrower than 1 req/s`);
    }
    this.pending = middle;
  }

  private clamp(rate: number): number {
    return Math.round(Math.min(this.settings.maxRate, Math.max(this.settings.minRate, rate)));
  }

  private describe(): string {
    if (this.low !== undefined && this.high !== undefined)
      return `bracket [${this.low}, ${this.high}) req/s`;
    if (this.low !== undefined) return `no failing rate above ${this.low} req/s`;
    if (this.high !== undefined) return `no passing rate below ${this.high} req/s`;
    return 'nothing measured';
  }

  private stop(reason: string): void {
    this.phase = 'done';
    this.pending = undefined;
    this.stopReason = reason;
  }
}
