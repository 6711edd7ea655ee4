import {
  DEFAULT_TXN_INTERVAL_MS,
  DEFAULT_TXN_RATE_PER_MS,
  DEFAULT_TXN_TARGET_COMMANDS,
} from '../config/write-path.config';
import { GroupCommitPacer } from './group-commit.pacer';

/** Feeds `rate` commands/s in 10 ms steps for `ms`, from `start`; returns the end time. */
const feed = (pacer: GroupCommitPacer, rate: number, ms: number, start: number): number => {
  for (let t = 0; t < ms; t += 10) pacer.arrived((rate * 10) / 1000, start + t);
  return start + ms;
};

/** The pacer's interval at `at` lies strictly between low and high (ms). */
const expectIntervalWithin = (pacer: GroupCommitPacer, at: number, low: number, high: number) => {
  const interval = pacer.interval(at);
  expect(interval).toBeGreaterThan(low);
  expect(interval).toBeLessThan(high);
};

describe('GroupCommitPacer', () => {
  const options = { maxIntervalMs: 25, ratePerMs: 100 };

  it('keeps transactions nearly back to back at low load', () => {
    const pacer = new GroupCommitPacer(options);
    const end = feed(pacer, 200, 3000, 1_000_000);
    expectIntervalWithin(pacer, end, 1.5, 2.5);
  });

  it('spaces them out with the load, up to the maximum', () => {
    const pacer = new GroupCommitPacer(options);
    let end = feed(pacer, 1500, 3000, 1_000_000);
    expectIntervalWithin(pacer, end, 14, 16);
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
    expectIntervalWithin(pacer, end, 11, 14);
    end = feed(pacer, 1000, 3000, end);
    expect(pacer.interval(end)).toBeGreaterThan(24);
  });

  describe('with a target of commands per transaction', () => {
    const capped = { maxIntervalMs: 25, ratePerMs: 40, targetCommands: 25 };

    it('changes nothing below the rate where the interval holds that many commands', () => {
      const pacer = new GroupCommitPacer(capped);
      const end = feed(pacer, 500, 3000, 1_000_000);
      // 500 / 40 = 12.5 ms, below 25 commands / 500/s = 50 ms.
      expectIntervalWithin(pacer, end, 11.5, 13.5);
    });

    it('shrinks the interval to that many commands / rate above it', () => {
      const pacer = new GroupCommitPacer(capped);
      let end = feed(pacer, 2000, 3000, 1_000_000);
      // 25 commands at 2,000/s: 12.5 ms (25 without the target).
      expectIntervalWithin(pacer, end, 11.5, 13.5);
      end = feed(pacer, 5000, 3000, end);
      expectIntervalWithin(pacer, end, 4.5, 5.5);
    });

    it('is off at 0: the longest interval holds at any rate', () => {
      const pacer = new GroupCommitPacer({ ...capped, targetCommands: 0 });
      const end = feed(pacer, 5000, 3000, 1_000_000);
      expect(pacer.interval(end)).toBe(25);
    });

    it('gives no interval before any arrival (no division by a zero rate)', () => {
      const pacer = new GroupCommitPacer(capped);
      expect(pacer.interval(1_000_000)).toBe(0);
    });

    it('is off by default (ADR 0015, Follow-up 3): the interval holds at its longest', () => {
      expect(DEFAULT_TXN_TARGET_COMMANDS).toBe(0);
      const pacer = new GroupCommitPacer({
        maxIntervalMs: DEFAULT_TXN_INTERVAL_MS,
        ratePerMs: DEFAULT_TXN_RATE_PER_MS,
        targetCommands: DEFAULT_TXN_TARGET_COMMANDS,
      });
      const end = feed(pacer, 4000, 3000, 1_000_000);
      expect(pacer.interval(end)).toBe(DEFAULT_TXN_INTERVAL_MS);
    });

    it('follows min(longest, rate / ratePerMs, target / rate) across rates', () => {
      const settings = { maxIntervalMs: 25, ratePerMs: 40, targetCommands: 25 };
      for (const rate of [200, 500, 1000, 1500, 2000, 3000, 4000]) {
        const pacer = new GroupCommitPacer(settings);
        const end = feed(pacer, rate, 5000, 1_000_000);
        const expected = Math.min(25, rate / 40, (25 * 1000) / rate);
        expect(pacer.interval(end)).toBeGreaterThan(expected * 0.95);
        expect(pacer.interval(end)).toBeLessThan(expected * 1.05);
      }
    });
  });
});
