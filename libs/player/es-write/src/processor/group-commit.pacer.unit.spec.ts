import { DEFAULT_TXN_INTERVAL_MS, DEFAULT_TXN_RATE_PER_MS } from '../config/write-path.config';
import { GroupCommitPacer } from './group-commit.pacer';

/** Feeds `rate` commands/s in 10 ms steps for `ms`, from `start`; returns the end time. */
const feed = (pacer: GroupCommitPacer, rate: number, ms: number, start: number): number => {
  for (let t = 0; t < ms; t += 10) pacer.arrived((rate * 10) / 1000, start + t);
  return start + ms;
};

describe('GroupCommitPacer', () => {
  const options = { maxIntervalMs: 25, ratePerMs: 100 };

  it('keeps transactions nearly back to back at low load', () => {
    const pacer = new GroupCommitPacer(options);
    const end = feed(pacer, 200, 3000, 1_000_000);
    expect(pacer.interval(end)).toBeGreaterThan(1.5);
    expect(pacer.interval(end)).toBeLessThan(2.5);
  });

  it('spaces them out with the load, up to the maximum', () => {
    const pacer = new GroupCommitPacer(options);
    let end = feed(pacer, 1500, 3000, 1_000_000);
    expect(pacer.interval(end)).toBeGreaterThan(14);
    expect(pacer.interval(end)).toBeLessThan(16);
    end = feed(pacer, 6000, 3000, end);
    expect(pacer.interval(end)).toBe(25);
  });

  it('comes back down when the load stops', () => {
    const pacer = new GroupCommitPacer(options);
    const end = feed(pacer, 3000, 2000, 1_000_000);
    expect(pacer.interval(end)).toBe(25);
    pacer.arrived(1, end + 5000);
    expect(pacer.interval(end + 5000)).toBeLessThan(1);
  });

  it('by default reaches the longest interval at 1,000 commands/s: about 25 commands a transaction', () => {
    const pacer = new GroupCommitPacer({
      maxIntervalMs: DEFAULT_TXN_INTERVAL_MS,
      ratePerMs: DEFAULT_TXN_RATE_PER_MS,
    });
    let end = feed(pacer, 500, 3000, 1_000_000);
    expect(pacer.interval(end)).toBeGreaterThan(11);
    expect(pacer.interval(end)).toBeLessThan(14);
    end = feed(pacer, 1000, 3000, end);
    expect(pacer.interval(end)).toBeGreaterThan(24);
  });
});
