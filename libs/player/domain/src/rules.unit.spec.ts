import fc from 'fast-check';
import {
  INVENTORY_CAPACITY,
  isValidId,
  isValidName,
  isValidQuantity,
  levelForXp,
  MAX_AMOUNT,
  START_LEVEL,
  START_MAX_HEALTH,
  START_XP,
  xpToReachLevel,
} from './index';

describe('rules', () => {
  it('fixes the start stats and the capacity', () => {
    expect({ START_LEVEL, START_XP, START_MAX_HEALTH, INVENTORY_CAPACITY, MAX_AMOUNT }).toEqual({
      START_LEVEL: 1,
      START_XP: 0,
      START_MAX_HEALTH: 100,
      INVENTORY_CAPACITY: 50,
      MAX_AMOUNT: 1_000_000,
    });
  });

  it.each([
    [1, 0],
    [2, 100],
    [3, 300],
    [4, 600],
    [5, 1000],
    [10, 4500],
  ])('needs xpToReachLevel(%i) = %i', (level, xp) => {
    expect(xpToReachLevel(level)).toBe(xp);
  });

  it.each([
    [0, 1],
    [99, 1],
    [100, 2],
    [299, 2],
    [300, 3],
    [599, 3],
    [600, 4],
    [4499, 9],
    [4500, 10],
  ])('puts %i xp at level %i', (xp, level) => {
    expect(levelForXp(xp)).toBe(level);
  });

  it('inverts xpToReachLevel for any safe-integer xp', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (xp) => {
        const level = levelForXp(xp);
        expect(xpToReachLevel(level)).toBeLessThanOrEqual(xp);
        expect(xpToReachLevel(level + 1)).toBeGreaterThan(xp);
      }),
    );
  });

  it('is exact right at and just below every threshold', () => {
    for (const level of [2, 3, 50, 1000, 100_000, 13_000_000]) {
      expect(levelForXp(xpToReachLevel(level))).toBe(level);
      expect(levelForXp(xpToReachLevel(level) - 1)).toBe(level - 1);
    }
  });
});

describe('validation', () => {
  it('accepts ids of 1..64 allowed characters only', () => {
    expect(isValidId('a')).toBe(true);
    expect(isValidId('x'.repeat(64))).toBe(true);
    expect(isValidId('Room_1.north:west-2')).toBe(true);
    expect(isValidId('x'.repeat(65))).toBe(false);
    expect(isValidId('')).toBe(false);
    expect(isValidId('a\n')).toBe(false);
    expect(isValidId(7)).toBe(false);
  });

  it('accepts quantities that are positive safe integers up to MAX_AMOUNT', () => {
    expect([1, MAX_AMOUNT].map(isValidQuantity)).toEqual([true, true]);
    expect(
      [0, -1, 1.5, MAX_AMOUNT + 1, Number.NaN, Infinity, '1', null].map(isValidQuantity),
    ).toEqual(Array(8).fill(false));
  });

  it('accepts names of printable characters that are not blank', () => {
    expect(isValidName(' a ')).toBe(true);
    expect(isValidName('\u200d')).toBe(false);
    expect(isValidName(null)).toBe(false);
  });

  it('never accepts a name holding a C0 or C1 control character', () => {
    const control = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0x9f }),
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        control,
        fc.string({ maxLength: 10 }),
        (before, code, after) => {
          expect(isValidName(`${before}${String.fromCharCode(code)}${after}`)).toBe(false);
        },
      ),
    );
  });
});
