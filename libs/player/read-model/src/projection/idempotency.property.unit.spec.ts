import fc from 'fast-check';
import type { PlayerEvent } from '@qf/player-domain';
import { expectedReadModels, InMemoryReadModelStore, randomHistories } from '../testing';
import { PlayerStateCache } from '../store/player-state.cache';
import { ReadModelWriter } from '../store/read-model.writer';

/** Cuts the log into consecutive chunks at the given points. */
const chunks = (log: readonly PlayerEvent[], cuts: number[]): PlayerEvent[][] => {
  const points = [...new Set(cuts.map((cut) => cut % (log.length + 1)))].sort((a, b) => a - b);
  const result: PlayerEvent[][] = [];
  let from = 0;
  for (const point of [...points, log.length]) {
    if (point > from) result.push(log.slice(from, point));
    from = Math.max(from, point);
  }
  return result;
};

const logs = fc
  .record({
    seed: fc.integer(),
    players: fc.integer({ min: 1, max: 4 }),
    commandsPerPlayer: fc.integer({ min: 0, max: 25 }),
  })
  .map((options) => randomHistories(options));

const apply = async (batches: PlayerEvent[][], cacheSize = 100) => {
  const store = new InMemoryReadModelStore();
  const writer = new ReadModelWriter(store, new PlayerStateCache(cacheSize));
  for (const batch of batches) await writer.apply(batch);
  return store.snapshot();
};

describe('projection idempotency (property)', () => {
  it('one batch, or the same log in any chunks, gives the documents of a plain fold', async () => {
    await fc.assert(
      fc.asyncProperty(logs, fc.array(fc.nat(), { maxLength: 6 }), async (log, cuts) => {
        expect(await apply([log])).toEqual(expectedReadModels(log));
        expect(await apply(chunks(log, cuts))).toEqual(expectedReadModels(log));
      }),
      { numRuns: 150 },
    );
  });

  it('applying the log twice gives identical documents', async () => {
    await fc.assert(
      fc.asyncProperty(logs, async (log) => {
        expect(await apply([log, log])).toEqual(await apply([log]));
      }),
      { numRuns: 100 },
    );
  });

  it('redelivered, overlapping chunks (a consumer restarting from an older offset) change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (log, ranges, withCache) => {
          // A delivery order as Kafka may produce it after crashes: each window starts at or
          // before where the previous one ended, and the last one reaches the end.
          const deliveries: PlayerEvent[][] = [];
          let end = 0;
          for (const [back, length] of ranges) {
            const start = Math.max(0, end - (back % (end + 1)));
            end = Math.min(log.length, Math.max(end, start + (length % (log.length + 1))));
            deliveries.push(log.slice(start, end));
          }
          deliveries.push(log.slice(Math.max(0, end - 3)));
          if (end < log.length) deliveries.push(log.slice(end));
          expect(await apply(deliveries, withCache ? 100 : 0)).toEqual(expectedReadModels(log));
        },
      ),
      { numRuns: 150 },
    );
  });
});
