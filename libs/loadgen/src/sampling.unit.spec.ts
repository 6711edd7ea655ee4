import { indexSampler, seededRandom, weightedChoice } from './sampling';
import { parseMix } from './scenario';

const count = (draw: () => number, n: number, samples: number): number[] => {
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < samples; i += 1) {
    const index = draw();
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
};

describe('load sampling', () => {
  it('a seeded generator repeats its sequence', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('uniform picks every index in range about equally', () => {
    const counts = count(indexSampler(10, { kind: 'uniform' }, seededRandom(1)), 10, 100_000);
    expect(Math.min(...counts)).toBeGreaterThan(9000);
    expect(Math.max(...counts)).toBeLessThan(11_000);
  });

  it('Zipf makes the first keys hot: index k about 1/(k+1)^s of the first', () => {
    const counts = count(
      indexSampler(1000, { kind: 'zipf', exponent: 1 }, seededRandom(2)),
      1000,
      200_000,
    );
    const first = counts[0] as number;
    expect((counts[1] as number) / first).toBeCloseTo(0.5, 1);
    expect((counts[9] as number) / first).toBeCloseTo(0.1, 1);
    // The top 1 % of players take a large share of the load (H(10)/H(1000) ≈ 39 %).
    const top = counts.slice(0, 10).reduce((sum, n) => sum + n, 0);
    expect(top / 200_000).toBeGreaterThan(0.35);
  });

  it('weighted choice follows the weights and ignores zero weights', () => {
    const pick = weightedChoice(
      [
        ['a', 3],
        ['b', 1],
        ['never', 0],
      ],
      seededRandom(3),
    );
    const draws = Array.from({ length: 40_000 }, pick);
    const share = draws.filter((item) => item === 'a').length / draws.length;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
    expect(draws).not.toContain('never');
  });

  it('parses a mix and names a bad part', () => {
    expect(parseMix('move=30, pick-up=20,heal=0.5')).toEqual({
      move: 30,
      'pick-up': 20,
      heal: 0.5,
    });
    expect(() => parseMix('fly=3')).toThrow(/"fly=3"/);
    expect(() => parseMix('move=0')).toThrow(/positive/);
  });
});
