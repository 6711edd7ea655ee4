import { IdempotencyIndex } from './idempotency-index';

const minute = 60_000;

describe('IdempotencyIndex', () => {
  it('finds a command id per player, and only for that player', () => {
    const index = new IdempotencyIndex({ horizonMs: 15 * minute, maxEntries: 10 });
    index.add('c-1', 'p-1', 'line-1', 0);
    index.add('c-1', 'p-2', 'line-2', 1);
    expect(index.find('p-1', 'c-1')?.line).toBe('line-1');
    expect(index.find('p-2', 'c-1')?.line).toBe('line-2');
    expect(index.find('p-3', 'c-1')).toBeUndefined();
    expect(index.find('p-1', 'c-2')).toBeUndefined();
  });

  it('forgets ids once older than the horizon, oldest first, and counts them', () => {
    const evicted: Array<[string, number]> = [];
    const index = new IdempotencyIndex({
      horizonMs: 15 * minute,
      maxEntries: 100,
      onEvicted: (reason, count) => evicted.push([reason, count]),
    });
    index.add('c-1', 'p', 'l1', 0);
    index.add('c-2', 'p', 'l2', 5 * minute);
    index.add('c-3', 'p', 'l3', 10 * minute);
    index.expire(15 * minute);
    expect(index.size).toBe(3);
    index.expire(20 * minute + 1);
    expect(index.find('p', 'c-1')).toBeUndefined();
    expect(index.find('p', 'c-2')).toBeUndefined();
    expect(index.find('p', 'c-3')?.line).toBe('l3');
    expect(index.oldestAt).toBe(10 * minute);
    expect(evicted).toEqual([['expired', 2]]);
  });

  it('is bounded: past maxEntries the oldest go before their horizon, counted as such', () => {
    const evicted: Array<[string, number]> = [];
    const index = new IdempotencyIndex({
      horizonMs: 15 * minute,
      maxEntries: 1000,
      onEvicted: (reason, count) => evicted.push([reason, count]),
    });
    for (let i = 0; i < 5000; i += 1) index.add(`c-${i}`, `p-${i % 7}`, `l-${i}`, i);
    expect(index.size).toBe(1000);
    expect(index.find('p-0', 'c-0')).toBeUndefined();
    expect(index.find(`p-${4999 % 7}`, 'c-4999')?.line).toBe('l-4999');
    expect(index.find(`p-${4000 % 7}`, 'c-4000')?.line).toBe('l-4000');
    expect(index.oldestAt).toBe(4000);
    expect(evicted.every(([reason]) => reason === 'bound')).toBe(true);
    expect(evicted.reduce((sum, [, count]) => sum + count, 0)).toBe(4000);
  });

  it('unlinks the right entry when several players share a command id', () => {
    const index = new IdempotencyIndex({ horizonMs: minute, maxEntries: 10 });
    index.add('c', 'p-1', 'a', 0);
    index.add('c', 'p-2', 'b', 30_000);
    index.add('c', 'p-3', 'c', 40_000);
    index.expire(minute + 1);
    expect(index.find('p-1', 'c')).toBeUndefined();
    expect(index.find('p-2', 'c')?.line).toBe('b');
    expect(index.find('p-3', 'c')?.line).toBe('c');
    index.expire(minute + 30_001);
    expect(index.find('p-2', 'c')).toBeUndefined();
    expect(index.find('p-3', 'c')?.line).toBe('c');
  });
});
