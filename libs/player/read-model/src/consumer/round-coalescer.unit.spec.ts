import type { PlayerEvent } from '@qf/player-domain';
import { expectedReadModels, InMemoryReadModelStore, randomHistories } from '../testing';
import { PlayerStateCache } from '../store/player-state.cache';
import { ReadModelWriter } from '../store/read-model.writer';
import type { DerivedViewWrites } from '../store/read-model.store.port';
import { RoundCoalescer } from './round-coalescer';

const log = randomHistories({ players: 24, commandsPerPlayer: 20, seed: 11 });
/** The log split as partitions would hold it: each player's events in one part, in order. */
const parts = (events: readonly PlayerEvent[], count: number): PlayerEvent[][] => {
  const out = Array.from({ length: count }, (): PlayerEvent[] => []);
  const ids = [...new Set(events.map((event) => event.metadata.aggregateId))];
  for (const event of events) out[ids.indexOf(event.metadata.aggregateId) % count]!.push(event);
  return out;
};

describe('RoundCoalescer (group commit of the projector)', () => {
  it('chunks handed over together share one round, and the views equal the fold of the log', async () => {
    const store = new InMemoryReadModelStore();
    const rounds: number[] = [];
    const coalescer = new RoundCoalescer(new ReadModelWriter(store, new PlayerStateCache(100)), {
      maxEvents: 10_000,
      concurrentRounds: 1,
      onRound: (_outcome, chunks) => rounds.push(chunks),
    });
    const failed = await Promise.all(parts(log, 6).map((part) => coalescer.apply(part)));
    expect(failed.flat()).toEqual([]);
    expect(rounds).toEqual([6]);
    expect(store.snapshot()).toEqual(expectedReadModels(log));
  });

  it('chunks arriving while a round is written wait for the next one; a round stays within maxEvents', async () => {
    const store = new InMemoryReadModelStore();
    const rounds: number[] = [];
    const coalescer = new RoundCoalescer(new ReadModelWriter(store, new PlayerStateCache(100)), {
      maxEvents: 2 * Math.ceil(log.length / 6),
      concurrentRounds: 1,
      onRound: (outcome) => rounds.push(outcome.applied),
    });
    const [first, ...rest] = parts(log, 6);
    const pending = [coalescer.apply(first!)];
    await new Promise((resolve) => setImmediate(resolve));
    pending.push(...rest.map((part) => coalescer.apply(part)));
    await Promise.all(pending);
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...rounds)).toBeLessThanOrEqual(2 * Math.ceil(log.length / 6));
    expect(rounds.reduce((sum, applied) => sum + applied, 0)).toBe(log.length);
    expect(store.snapshot()).toEqual(expectedReadModels(log));
  });

  it('each chunk gets back only its own events the fold threw on', async () => {
    const [a, b] = parts(log, 2);
    const bogus = { ...b![1]!, type: 'Teleported', data: {} } as unknown as PlayerEvent;
    const coalescer = new RoundCoalescer(new ReadModelWriter(new InMemoryReadModelStore()), {
      maxEvents: 10_000,
      concurrentRounds: 1,
    });
    const [failedA, failedB] = await Promise.all([
      coalescer.apply(a!),
      coalescer.apply([b![0]!, bogus, ...b!.slice(2)]),
    ]);
    expect(failedA).toEqual([]);
    expect(failedB!.map(({ event }) => event)).toEqual([bogus]);
  });

  it('a failed round fails every chunk in it; each can be applied again', async () => {
    const store = new InMemoryReadModelStore();
    let down = true;
    const flaky = Object.assign(Object.create(store) as InMemoryReadModelStore, {
      writeDerivedViews: async (writes: DerivedViewWrites) => {
        if (down) throw new Error('database down');
        return store.writeDerivedViews(writes);
      },
    });
    const writer = new ReadModelWriter(flaky, new PlayerStateCache(100));
    const coalescer = new RoundCoalescer(writer, { maxEvents: 10_000, concurrentRounds: 2 });
    const chunks = parts(log, 3);
    const results = await Promise.allSettled(chunks.map((part) => coalescer.apply(part)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    down = false;
    writer.forgetStates();
    await Promise.all(chunks.map((part) => coalescer.apply(part)));
    expect(store.snapshot()).toEqual(expectedReadModels(log));
  });

  it('a chunk whose write keeps failing fails alone: the chunks it shared a round with are written', async () => {
    const store = new InMemoryReadModelStore();
    const chunks = parts(log, 3);
    const poisoned = chunks[1]![0]!.metadata.aggregateId;
    const failing = Object.assign(Object.create(store) as InMemoryReadModelStore, {
      writePlayerDetails: async (
        ...args: Parameters<InMemoryReadModelStore['writePlayerDetails']>
      ) => {
        if (args[0].some(({ doc }) => doc._id === poisoned)) throw new Error('document too large');
        return store.writePlayerDetails(...args);
      },
    });
    const coalescer = new RoundCoalescer(new ReadModelWriter(failing, new PlayerStateCache(100)), {
      maxEvents: 10_000,
      concurrentRounds: 1,
    });
    const results = await Promise.allSettled(
      chunks.map((part, i) => coalescer.apply(part, `p${i}`)),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const expected = expectedReadModels([...chunks[0]!, ...chunks[2]!]);
    expect(store.snapshot().playerDetails).toEqual(expected.playerDetails);
    // Its next attempt goes alone too, while the others share rounds again.
    const rounds: number[] = [];
    const watched = new RoundCoalescer(new ReadModelWriter(failing), {
      maxEvents: 10_000,
      concurrentRounds: 1,
      onRound: (_outcome, count) => rounds.push(count),
    });
    await expect(watched.apply(chunks[1]!, 'p1')).rejects.toThrow('document too large');
    const again = await Promise.allSettled([
      watched.apply(chunks[1]!, 'p1'),
      watched.apply(chunks[0]!, 'p0'),
      watched.apply(chunks[2]!, 'p2'),
    ]);
    expect(again.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(rounds).toEqual([2]);
  });
});
