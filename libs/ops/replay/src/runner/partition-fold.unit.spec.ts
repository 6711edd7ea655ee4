import fc from 'fast-check';
import type { PlayerEvent } from '@qf/player-domain';
import {
  stateFromPlayerDetails,
  type PlayerDetailsDocument,
  type ViewName,
} from '@qf/player-read-model';
import {
  expectedReadModels,
  InMemoryReadModelStore,
  randomHistories,
} from '@qf/player-read-model/testing';
import { PartitionFold } from './partition-fold';
import { storeFoldRound } from './store-fold-round';

/** Counts the player_details reads that reach the store. */
class CountingStore extends InMemoryReadModelStore {
  reads = 0;
  override async loadPlayerDetails(playerIds: readonly string[]): Promise<PlayerDetailsDocument[]> {
    this.reads += playerIds.length;
    return super.loadPlayerDetails(playerIds);
  }
}

const ALL: ReadonlySet<ViewName> = new Set([
  'player_details',
  'room_occupancy',
  'leaderboard',
  'player_events',
]);
const log = randomHistories({ players: 12, commandsPerPlayer: 30, seed: 5 });
const batches = (events: readonly PlayerEvent[], size: number) =>
  Array.from({ length: Math.ceil(events.length / size) }, (_, i) =>
    events.slice(i * size, (i + 1) * size),
  );

/** What RebuildConsumer does per batch, without Kafka: bases for players met mid-stream, fold, a round every `roundEvery` batches. */
const replay = async (
  store: InMemoryReadModelStore,
  fold: PartitionFold<number>,
  events: readonly PlayerEvent[],
  size: number,
  roundEvery = 1,
  views = ALL,
) => {
  for (const [index, batch] of batches(events, size).entries()) {
    const groups = fold.group(batch);
    const needed = fold.basesNeeded(groups);
    if (needed.length > 0)
      fold.seed((await store.loadPlayerDetails(needed)).map(stateFromPlayerDetails));
    fold.fold(groups, (event) => index * size + batch.indexOf(event));
    if ((index + 1) % roundEvery === 0)
      await storeFoldRound(store, fold, fold.takeRound(String(index)), views);
  }
  await storeFoldRound(store, fold, fold.takeRound('end'), views);
};

describe('the in-memory fold of a rebuild, stored in rounds', () => {
  it('from offset 0 it reads no base and the store equals the fold of the log, one player_details write per changed player per round', async () => {
    const store = new CountingStore();
    const fold = new PartitionFold<number>({ playerEvents: true });
    await replay(store, fold, log, 50, 3);
    expect(store.reads).toBe(0);
    expect(store.snapshot()).toEqual(expectedReadModels(log));
  });

  it('a round holds only the players changed since the previous one, and the index entries of its events', () => {
    const fold = new PartitionFold<number>({ playerEvents: true });
    fold.fold(fold.group(log.slice(0, 40)), () => 0);
    const first = fold.takeRound('40');
    expect(first).toMatchObject({ nextOffset: '40', events: 40 });
    expect(first.eventDocs).toHaveLength(40);
    const later = log.slice(40, 45);
    fold.fold(fold.group(later), () => 0);
    const second = fold.takeRound('45');
    expect(new Set(second.states.map((state) => state.id))).toEqual(
      new Set(later.map((event) => event.metadata.aggregateId)),
    );
    expect(fold.takeRound('45')).toMatchObject({ states: [], eventDocs: [], events: 0 });
  });

  it('a partition taken over half-way (another replica, a resume) starts its players from the store', async () => {
    const store = new CountingStore();
    const half = Math.floor(log.length / 2);
    await replay(store, new PartitionFold<number>({ playerEvents: true }), log.slice(0, half), 40);
    await replay(store, new PartitionFold<number>({ playerEvents: true }), log.slice(half), 40);
    expect(store.reads).toBeGreaterThan(0);
    expect(store.snapshot()).toEqual(expectedReadModels(log));
  });

  it('a redelivery from an earlier offset over what is stored (a resume after a crash) settles on the stored documents', async () => {
    const store = new InMemoryReadModelStore();
    await replay(store, new PartitionFold<number>({ playerEvents: true }), log, 100);
    const again = new PartitionFold<number>({ playerEvents: true });
    await replay(store, again, log.slice(0, Math.floor(log.length / 3)), 25);
    expect(store.snapshot()).toEqual(expectedReadModels(log));
    // It goes on from the stored states, not from its own shorter fold.
    await replay(store, again, log.slice(Math.floor(log.length / 3)), 25);
    expect(store.snapshot()).toEqual(expectedReadModels(log));
  });

  it('players forgotten to bound memory are read again when met, and the result is the same', async () => {
    const store = new CountingStore();
    const fold = new PartitionFold<number>({ playerEvents: true });
    for (const [index, batch] of batches(log, 30).entries()) {
      const groups = fold.group(batch);
      const needed = fold.basesNeeded(groups);
      if (needed.length > 0)
        fold.seed((await store.loadPlayerDetails(needed)).map(stateFromPlayerDetails));
      fold.fold(groups, () => index);
      await storeFoldRound(store, fold, fold.takeRound(String(index)), ALL);
      fold.evictClean();
      expect(fold.size).toBe(0);
    }
    expect(store.reads).toBeGreaterThan(0);
    expect(store.snapshot()).toEqual(expectedReadModels(log));
  });

  it('one derived view writes only it and player_details (the base a resume starts from)', async () => {
    const store = new InMemoryReadModelStore();
    await replay(
      store,
      new PartitionFold<number>({ playerEvents: false }),
      log,
      64,
      1,
      new Set(['leaderboard']),
    );
    const expected = expectedReadModels(log);
    expect(store.snapshot()).toEqual({
      playerDetails: expected.playerDetails,
      roomOccupancy: [],
      leaderboard: expected.leaderboard,
      playerEvents: [],
    });
  });

  it('events the fold throws on become dead letters with their records and get no index entry', () => {
    const [registered, ...rest] = log.filter(
      (event) => event.metadata.aggregateId === log[0]!.metadata.aggregateId,
    );
    const bogus = { ...rest[0]!, type: 'Teleported', data: {} } as unknown as PlayerEvent;
    const fold = new PartitionFold<string>({ playerEvents: true });
    const batch = [registered!, bogus];
    fold.fold(fold.group(batch), (event) => ['r1', 'r2'][batch.indexOf(event)]!);
    fold.reject('r3', new Error('not JSON'));
    const round = fold.takeRound('3');
    expect(round.letters.map(({ record }) => record)).toEqual(['r2', 'r3']);
    expect(round.eventDocs.map((doc) => doc.version)).toEqual([1]);
  });

  it('any batching and any round boundaries give the same read models (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 6 }),
        async (size, roundEvery) => {
          const store = new InMemoryReadModelStore();
          await replay(
            store,
            new PartitionFold<number>({ playerEvents: true }),
            log,
            size,
            roundEvery,
          );
          expect(store.snapshot()).toEqual(expectedReadModels(log));
        },
      ),
      { numRuns: 25 },
    );
  });
});
