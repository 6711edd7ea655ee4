import type { PlayerView } from '@qf/contracts';
import type { PlayerEvent } from '@qf/player-domain';
import { PLAYER_ID, registeredPlayer } from '@qf/player-domain/testing';
import { expectedReadModels, InMemoryReadModelStore, randomHistories } from '../testing';
import { PlayerStateCache } from './player-state.cache';
import { ConcurrentWriterError, ReadModelWriter } from './read-model.writer';
import type { DerivedViewWrites } from './read-model.store.port';
import type { PendingVersion, ViewCacheWriter } from './view-cache.port';

const xp = (n: number) => ({ type: 'ExperienceGained', data: { amount: 10, xp: 10 * n } }) as const;
const log = registeredPlayer(PLAYER_ID, ...Array.from({ length: 9 }, (_, i) => xp(i + 1)));

describe('ReadModelWriter', () => {
  it('catches a stale cached state through the version compare-and-set and folds from the stored one', async () => {
    const store = new InMemoryReadModelStore();
    const a = new ReadModelWriter(store, new PlayerStateCache(10));
    const b = new ReadModelWriter(store, new PlayerStateCache(10));
    await a.apply(log.slice(0, 5)); // a caches v5
    await b.apply(log.slice(0, 8)); // b takes over (a rebalance) and reaches v8
    const outcome = await a.apply(log.slice(5, 10)); // a comes back with a stale v5
    expect(store.snapshot()).toEqual(expectedReadModels(log));
    expect(outcome).toMatchObject({ applied: 2, skipped: 3 });
  });

  it('a crash between player_details and the derived views is repaired by the redelivery', async () => {
    const store = new InMemoryReadModelStore();
    let crash = true;
    const crashing = Object.assign(Object.create(store) as InMemoryReadModelStore, {
      writeDerivedViews: async (writes: DerivedViewWrites) => {
        if (crash) throw new Error('process killed');
        return store.writeDerivedViews(writes);
      },
    });
    await expect(new ReadModelWriter(crashing).apply(log)).rejects.toThrow('process killed');
    expect(store.playerDetails.get(PLAYER_ID)?.version).toBe(10);
    expect(store.playerEvents.size).toBe(0);
    crash = false;
    await new ReadModelWriter(crashing).apply(log.slice(0, 4)); // a smaller redelivered batch
    await new ReadModelWriter(crashing).apply(log.slice(4));
    expect(store.snapshot()).toEqual(expectedReadModels(log));
  });

  it('gives up with a retriable error when another writer keeps winning', async () => {
    const store = new InMemoryReadModelStore();
    const losing = Object.assign(Object.create(store) as InMemoryReadModelStore, {
      writePlayerDetails: async () => new Set([PLAYER_ID]),
    });
    await expect(
      new ReadModelWriter(losing, undefined, undefined, 3).apply(log),
    ).rejects.toBeInstanceOf(ConcurrentWriterError);
  });

  it('reports an event the fold throws on and applies the rest without it', async () => {
    const [registered, ...rest] = log;
    const bogus = { ...rest[0]!, type: 'Teleported', data: {} } as unknown as PlayerEvent;
    const events = [registered!, bogus, ...rest.slice(1).map((event) => ({ ...event }))];
    const store = new InMemoryReadModelStore();
    const outcome = await new ReadModelWriter(store).apply(events);
    expect(outcome.failed.map(({ event }) => event)).toEqual([bogus]);
    expect(store.playerEvents.has(`${PLAYER_ID}:2`)).toBe(false);
    expect(store.playerDetails.get(PLAYER_ID)).toMatchObject({ version: 10, xp: 90 });
  });

  it('marks versions pending in the cache before writing Mongo and publishes views after', async () => {
    const calls: string[] = [];
    const store = new InMemoryReadModelStore();
    const recording = Object.assign(Object.create(store) as InMemoryReadModelStore, {
      writePlayerDetails: async (
        ...args: Parameters<InMemoryReadModelStore['writePlayerDetails']>
      ) => {
        calls.push('mongo');
        return store.writePlayerDetails(...args);
      },
    });
    const cache: ViewCacheWriter = {
      markPending: async (entries: readonly PendingVersion[]) =>
        void calls.push(`pending ${entries.map((e) => e.version).join(',')}`),
      publish: async (views: readonly PlayerView[]) =>
        void calls.push(`publish ${views.map((v) => v.version).join(',')}`),
    };
    await new ReadModelWriter(recording, undefined, cache).apply(log);
    expect(calls).toEqual(['pending 10', 'mongo', 'publish 10']);
  });

  it('projects many interleaved players in one batch like a fold of each', async () => {
    const many = randomHistories({ players: 50, commandsPerPlayer: 20, seed: 7 });
    const store = new InMemoryReadModelStore();
    await new ReadModelWriter(store, new PlayerStateCache(1000)).apply(many);
    expect(store.snapshot()).toEqual(expectedReadModels(many));
  });
});
