import { productivity, responseValue } from './jogalekar-woodside.metric';

describe('responseValue f = 1/(1 + T/T^)', () => {
  it.each([
    [0, 100, 1],
    [100, 100, 0.5],
    [300, 100, 0.25],
    [50, 200, 0.8],
  ])('T = %p ms, T^ = %p ms -> %p', (latency, target, expected) => {
    expect(responseValue(latency, target)).toBeCloseTo(expected, 12);
  });

  it('rejects a non-positive target', () => {
    expect(() => responseValue(10, 0)).toThrow(RangeError);
  });
});

describe('productivity F = λ·f/C', () => {
  it('is value-weighted throughput per unit of cost', () => {
    expect(productivity(200, 0.5, 0.01)).toBeCloseTo(10_000, 9);
  });

  it('rejects a cost that is not positive', () => {
    expect(() => productivity(200, 0.5, 0)).toThrow(RangeError);
  });
});
