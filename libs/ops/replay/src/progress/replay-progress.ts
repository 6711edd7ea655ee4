/** One partition as the progress sees it. */
export interface PartitionPosition {
  readonly partition: number;
  /** First offset still in the log (0 with infinite retention). */
  readonly low: number;
  /** The offset the rebuild must reach: the high watermark when it began. */
  readonly target: number;
  /** Next offset the rebuild group reads; null before its first commit. */
  readonly committed: number | null;
  /** The high watermark now (the live head). */
  readonly head: number;
}

/** Events done and to do (offsets: a transaction marker counts as one). */
export interface ProgressCounts {
  readonly done: number;
  readonly total: number;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const next = (position: PartitionPosition) =>
  Math.max(position.committed ?? position.low, position.low);

/** Progress towards the target offsets, from the group's committed offsets. */
export const progressOf = (positions: readonly PartitionPosition[]): ProgressCounts => {
  let done = 0;
  let total = 0;
  for (const position of positions) {
    const span = Math.max(0, position.target - position.low);
    total += span;
    done += clamp(next(position) - position.low, 0, span);
  }
  return { done, total };
};

/** Whether the group has reached the target offset of every partition. */
export const reachedTarget = (positions: readonly PartitionPosition[]): boolean =>
  positions.every((position) => next(position) >= position.target);

/** How far the group is behind the live head, summed over partitions. */
export const lagToHead = (positions: readonly PartitionPosition[]): number =>
  positions.reduce((sum, position) => sum + Math.max(0, position.head - next(position)), 0);

/**
 * Caught up: the target offsets reached, and at most maxLag events behind the live head
 * (the rebuild keeps consuming after the switch, so a small lag under live traffic is fine).
 */
export const isCaughtUp = (positions: readonly PartitionPosition[], maxLag: number): boolean =>
  positions.length > 0 && reachedTarget(positions) && lagToHead(positions) <= maxLag;

/** Events per second over a sliding window of (time, done) samples. */
export class RateMeter {
  private readonly samples: Array<{ at: number; done: number }> = [];

  constructor(private readonly windowMs = 10_000) {}

  add(at: number, done: number): void {
    this.samples.push({ at, done });
    // Keep one sample at or before the window's start, so the window is always spanned.
    while (this.samples.length > 2 && (this.samples[1]?.at ?? at) <= at - this.windowMs)
      this.samples.shift();
  }

  /** null until two samples at different times exist. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at <= first.at) return null;
    return Math.max(0, ((last.done - first.done) * 1000) / (last.at - first.at));
  }
}

/** Seconds left at rate; null when it cannot be told (no rate yet, or standing still). */
export const etaSeconds = (remaining: number, rate: number | null): number | null => {
  if (remaining <= 0) return 0;
  if (rate === null || rate <= 0) return null;
  return remaining / rate;
};

/** 42s, 3:05, 1:02:03. */
export const formatDuration = (seconds: number | null): string => {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** What one progress report shows. */
export interface ProgressSnapshot {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly rate: number | null;
  readonly eta: number | null;
  /** Events behind the live head once the target is reached (shown instead of the ETA). */
  readonly headLag?: number;
}

export const snapshotOf = (
  label: string,
  counts: ProgressCounts,
  rate: number | null,
  headLag?: number,
): ProgressSnapshot => ({
  label,
  done: counts.done,
  total: counts.total,
  rate,
  eta: etaSeconds(counts.total - counts.done, rate),
  ...(headLag === undefined ? {} : { headLag }),
});

const percent = ({ done, total }: ProgressSnapshot) => (total > 0 ? (100 * done) / total : 100);

const tail = (snapshot: ProgressSnapshot) =>
  snapshot.done >= snapshot.total && snapshot.headLag !== undefined
    ? `head lag ${count(snapshot.headLag)}`
    : `ETA ${formatDuration(snapshot.eta)}`;

/** One line for a terminal, redrawn in place: `label [#####-----] 50.0% 1,000/2,000 events 512 ev/s ETA 2s`. */
export const progressBar = (snapshot: ProgressSnapshot, width = 30): string => {
  const filled = Math.round((clamp(percent(snapshot), 0, 100) / 100) * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const rate = snapshot.rate === null ? '? ev/s' : `${count(snapshot.rate)} ev/s`;
  return `${snapshot.label} [${bar}] ${percent(snapshot).toFixed(1)}% ${count(snapshot.done)}/${count(snapshot.total)} events  ${rate}  ${tail(snapshot)}`;
};

/** One line for a log (no terminal): the same figures, plain. */
export const progressLine = (snapshot: ProgressSnapshot): string => {
  const rate = snapshot.rate === null ? '?' : count(snapshot.rate);
  return `${snapshot.label}: ${count(snapshot.done)}/${count(snapshot.total)} events (${percent(snapshot).toFixed(1)}%), ${rate} events/s, ${tail(snapshot)}`;
};
