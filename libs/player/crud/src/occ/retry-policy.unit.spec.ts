import fc from 'fast-check';
import { backoffDelay, DEFAULT_RETRY_POLICY, mayRetry } from './retry-policy';

describe('OCC retry policy', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 2, maxDelayMs: 20 };

  it('draws the delay from a window that doubles per attempt up to the cap (full jitter)', () => {
    const upper = (attempt: number) => backoffDelay(attempt, policy, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(upper)).toEqual([1, 3, 7, 15, 19, 19]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('stays within [0, cap) for any attempt and random draw (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, DEFAULT_RETRY_POLICY, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(DEFAULT_RETRY_POLICY.maxDelayMs);
        },
      ),
    );
  });

  it('allows maxAttempts attempts in all', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => mayRetry(attempt, policy))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});
