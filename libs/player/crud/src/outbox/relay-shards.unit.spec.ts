import { SHARD_COUNT, shardFilter, shardOfPlayer } from './relay-shards';

describe('relay shards (ranges of player ids)', () => {
  it('puts every id in exactly one shard by its first character', () => {
    expect(shardOfPlayer('0b7c6f7e-1d2a-4c3b-9e8f-000000000001')).toBe(0);
    expect(shardOfPlayer('9fff')).toBe(9);
    expect(shardOfPlayer('a000')).toBe(10);
    expect(shardOfPlayer('ffff')).toBe(15);
    // Not hex: still one shard each (by string order).
    expect(shardOfPlayer('')).toBe(0);
    expect(shardOfPlayer('-x')).toBe(0);
    expect(shardOfPlayer('Zed')).toBe(9);
    expect(shardOfPlayer('zed')).toBe(15);
  });

  it('filters all shards as everything, none as null, and merges adjacent ones into one range', () => {
    expect(shardFilter(Array.from({ length: SHARD_COUNT }, (_, i) => i))).toEqual({});
    expect(shardFilter([])).toBeNull();
    expect(shardFilter([0])).toEqual({ _id: { $lt: '1' } });
    expect(shardFilter([15])).toEqual({ _id: { $gte: 'f' } });
    expect(shardFilter([3, 1, 2])).toEqual({ _id: { $gte: '1', $lt: '4' } });
    expect(shardFilter([0, 1, 9, 15])).toEqual({
      $or: [{ _id: { $lt: '2' } }, { _id: { $gte: '9', $lt: 'a' } }, { _id: { $gte: 'f' } }],
    });
  });
});
