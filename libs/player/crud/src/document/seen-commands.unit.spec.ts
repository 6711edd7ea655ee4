import type { RecentCommand } from './player-document';
import { appendSeen, findSeen, SEEN_ENTRY_BYTES, seenBytes } from './seen-commands';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-05T12:00:00.000Z');

const entry = (commandId: string, decidedAt: number, count = 1): RecentCommand => ({
  commandId,
  requestHash: `hash-of-${commandId}`,
  version: 1,
  count,
  occurredAt: new Date(decidedAt).toISOString(),
  decidedAt,
  events: '[]',
});

describe('packed command ids (the idempotency horizon beyond recent)', () => {
  it('finds an id within the horizon with its event count, and tells a reused key by its request', () => {
    const { bytes } = appendSeen(undefined, [entry('a', T0, 3), entry('b', T0 + 1000)], 0, 100);
    expect(bytes?.length).toBe(2 * SEEN_ENTRY_BYTES);
    expect(findSeen(bytes, 'a', 'hash-of-a', T0 - MINUTE)).toMatchObject({
      sameRequest: true,
      count: 3,
    });
    expect(findSeen(bytes, 'a', 'another body', T0 - MINUTE)).toMatchObject({ sameRequest: false });
    expect(findSeen(bytes, 'c', 'hash-of-c', T0 - MINUTE)).toBeUndefined();
  });

  it('forgets ids older than the horizon, counting them', () => {
    const first = appendSeen(undefined, [entry('old', T0), entry('new', T0 + 10 * MINUTE)], 0, 100);
    // 16 minutes after the first, with a 15-minute horizon.
    const notBefore = T0 + 16 * MINUTE - 15 * MINUTE;
    expect(findSeen(first.bytes, 'old', 'hash-of-old', notBefore)).toBeUndefined();
    expect(findSeen(first.bytes, 'new', 'hash-of-new', notBefore)).toBeDefined();
    const pruned = appendSeen(first.bytes, [], notBefore, 100);
    expect(pruned).toMatchObject({ expired: 1, bounded: 0 });
    expect(pruned.bytes?.length).toBe(SEEN_ENTRY_BYTES);
  });

  it('keeps at most the bound, dropping the oldest first, and says how many went early', () => {
    const many = Array.from({ length: 10 }, (_, i) => entry(`c${i}`, T0 + i));
    const { bytes, bounded } = appendSeen(undefined, many, 0, 4);
    expect(bounded).toBe(6);
    expect(findSeen(bytes, 'c5', 'hash-of-c5', 0)).toBeUndefined();
    expect(findSeen(bytes, 'c6', 'hash-of-c6', 0)).toBeDefined();
  });

  it('changes nothing when nothing is added or expires', () => {
    const { bytes } = appendSeen(undefined, [entry('a', T0)], 0, 10);
    expect(appendSeen(bytes, [], T0 - MINUTE, 10)).toEqual({ expired: 0, bounded: 0 });
  });

  it('reads the stored value as the driver returns it (a BSON Binary)', () => {
    const { bytes } = appendSeen(undefined, [entry('a', T0)], 0, 10);
    const binary = { buffer: new Uint8Array(bytes!) };
    expect(seenBytes(binary).equals(bytes!)).toBe(true);
    expect(() => seenBytes('text')).toThrow(/not binary/);
  });
});
