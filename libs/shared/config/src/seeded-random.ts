/** A source of uniform numbers in [0, 1): Math.random, or a seeded generator for repeatable runs. */
export type Random = () => number;

/**
 * mulberry32: a tiny fast seeded PRNG, good enough to pick players and operations and to
 * generate test histories; the same seed gives the same sequence.
 */
export const seededRandom = (seed: number): Random => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
