import { hasReached } from '../kafka/partition-positions';
import { ProgressReporter } from './progress-reporter';
import {
  etaSeconds,
  formatDuration,
  isCaughtUp,
  lagToHead,
  progressBar,
  progressLine,
  progressOf,
  RateMeter,
  reachedTarget,
  snapshotOf,
  type PartitionPosition,
} from './replay-progress';

const at = (
  partition: number,
  committed: number | null,
  target: number,
  head = target,
  low = 0,
): PartitionPosition => ({ partition, low, target, committed, head });

describe('replay progress from committed offsets', () => {
  it('done / total sums the partitions from the log start to the target', () => {
    expect(progressOf([at(0, 40, 100), at(1, null, 50), at(2, 30, 30, 30, 10)])).toEqual({
      done: 40 + 0 + 20,
      total: 100 + 50 + 20,
    });
  });

  it('a group past the target (live traffic) counts as done, not more', () => {
    expect(progressOf([at(0, 130, 100, 140)])).toEqual({ done: 100, total: 100 });
  });

  it('caught up: every target reached and at most maxLag behind the head', () => {
    const positions = [at(0, 100, 100, 103), at(1, 50, 50, 51)];
    expect(reachedTarget(positions)).toBe(true);
    expect(lagToHead(positions)).toBe(4);
    expect(isCaughtUp(positions, 4)).toBe(true);
    expect(isCaughtUp(positions, 3)).toBe(false);
    expect(isCaughtUp([at(0, 99, 100), at(1, 50, 50)], 1000)).toBe(false);
    expect(isCaughtUp([], 0)).toBe(false);
  });

  it('an empty partition is reached before any commit', () => {
    expect(reachedTarget([at(0, null, 0)])).toBe(true);
  });
});

describe('rate and ETA', () => {
  it('the rate is measured over the sliding window', () => {
    const meter = new RateMeter(10_000);
    expect(meter.rate()).toBeNull();
    meter.add(0, 0);
    meter.add(5_000, 50_000);
    expect(meter.rate()).toBe(10_000);
    meter.add(10_000, 60_000);
    meter.add(20_000, 160_000);
    // The window now starts at the sample of t=10 s: (160k - 60k) / 10 s.
    expect(meter.rate()).toBe(10_000);
  });

  it('ETA = remaining / rate; unknown without a rate; 0 when done', () => {
    expect(etaSeconds(1000, 250)).toBe(4);
    expect(etaSeconds(1000, null)).toBeNull();
    expect(etaSeconds(1000, 0)).toBeNull();
    expect(etaSeconds(0, null)).toBe(0);
  });

  it('durations read as 42s, 3:05, 1:02:03', () => {
    expect(formatDuration(42.2)).toBe('42s');
    expect(formatDuration(185)).toBe('3:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('?');
  });
});

describe('progress output', () => {
  const half = snapshotOf('all@v3', { done: 50_000, total: 100_000 }, 12_500);

  it('a bar for a terminal: done/total, events/s and ETA', () => {
    expect(progressBar(half, 10)).toBe(
      'all@v3 [#####-----] 50.0% 50,000/100,000 events  12,500 ev/s  ETA 4s',
    );
  });

  it('a plain line otherwise; once the target is reached it shows the lag to the head', () => {
    expect(progressLine(half)).toBe(
      'all@v3: 50,000/100,000 events (50.0%), 12,500 events/s, ETA 4s',
    );
    expect(progressLine(snapshotOf('all@v3', { done: 10, total: 10 }, null, 3))).toBe(
      'all@v3: 10/10 events (100.0%), ? events/s, head lag 3',
    );
  });

  it('redraws in place on a TTY; writes a line at most every lineEveryMs otherwise', () => {
    const written: string[] = [];
    let now = 0;
    const plain = new ProgressReporter({
      stream: { write: (text: string) => written.push(text) } as never,
      lineEveryMs: 1000,
      now: () => now,
    });
    plain.progress(half);
    now = 500;
    plain.progress(half);
    now = 1000;
    plain.progress(half);
    expect(written).toEqual([`${progressLine(half)}\n`, `${progressLine(half)}\n`]);

    const drawn: string[] = [];
    const tty = new ProgressReporter({
      stream: { isTTY: true, columns: 100, write: (text: string) => drawn.push(text) } as never,
    });
    tty.progress(half);
    tty.message('switched');
    tty.end();
    expect(drawn[0]!.startsWith('\r\x1b[2Kall@v3 [')).toBe(true);
    expect(drawn.slice(1)).toEqual(['\r\x1b[2K', 'switched\n']);
  });
});

describe('handover', () => {
  it('the rebuild group has reached the live group on every partition the live group committed', () => {
    const live = new Map<number, number | null>([
      [0, 10],
      [1, null],
    ]);
    expect(hasReached(new Map([[0, 10]]), live)).toBe(true);
    expect(hasReached(new Map([[0, 9]]), live)).toBe(false);
    expect(hasReached(new Map(), new Map([[0, null]]))).toBe(true);
  });
});
