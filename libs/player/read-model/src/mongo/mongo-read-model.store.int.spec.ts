import type { Db, MongoClient } from 'mongodb';
import type { PlayerEvent } from '@qf/player-domain';
import { createMongoClient } from '@qf/shared-mongo';
import { uniqueName } from '@qf/shared-testing';
import { readModelCollections } from '../projection/projection-target';
import { PlayerStateCache } from '../store/player-state.cache';
import { ReadModelWriter } from '../store/read-model.writer';
import { expectedReadModels, randomHistories, readModelSnapshot } from '../testing';
import { idempotentBulkWrite } from './idempotent-bulk-write';
import { MongoReadModelStore } from './mongo-read-model.store';
import { ensureReadModelIndexes } from './read-model.indexes';

// The version guards of the Mongo store on the real Mongo-wire server.
describe('MongoReadModelStore on the Mongo-wire server', () => {
  let client: MongoClient;
  let db: Db;
  const collections = readModelCollections();

  beforeAll(async () => {
    client = await createMongoClient().connect();
    db = client.db(uniqueName('qf_rm_store').replace(/-/g, '_'));
    await ensureReadModelIndexes(db, collections);
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  const fresh = async () => {
    await Promise.all(Object.values(collections).map((name) => db.collection(name).deleteMany({})));
    return new MongoReadModelStore(db, collections);
  };

  const applyAll = async (batches: PlayerEvent[][], cacheSize: number) => {
    const writer = new ReadModelWriter(await fresh(), new PlayerStateCache(cacheSize));
    for (const batch of batches) await writer.apply(batch);
    return readModelSnapshot(db, collections);
  };

  const log = randomHistories({ players: 12, commandsPerPlayer: 30, seed: 42 });

  it('applying the same events twice (a redelivery, a replay) gives identical documents', async () => {
    const once = await applyAll([log], 1000);
    expect(once).toEqual(expectedReadModels(log));
    const twice = await applyAll([log, log], 1000);
    expect(twice).toEqual(once);
  });

  it('overlapping redelivered chunks with a cold cache give the documents of a plain fold', async () => {
    const third = Math.floor(log.length / 3);
    const deliveries = [
      log.slice(0, 2 * third),
      log.slice(third, log.length),
      log.slice(0, third),
      log.slice(third),
    ];
    expect(await applyAll(deliveries, 0)).toEqual(expectedReadModels(log));
  });

  it('a stale version refused by the guard does not stop the other operations of the bulk write', async () => {
    const collection = db.collection<{ _id: string; version: number }>(uniqueName('guard'));
    await collection.insertMany([
      { _id: 'a', version: 5 },
      { _id: 'c', version: 5 },
    ]);
    const refused = await idempotentBulkWrite(
      collection,
      (['a', 'b', 'c', 'd'] as const).map((_id) => ({
        replaceOne: {
          filter: { _id, version: { $lt: 3 } },
          replacement: { _id, version: 3 },
          upsert: true,
        },
      })),
    );
    expect(refused.sort()).toEqual([0, 2]);
    expect(await collection.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', version: 5 },
      { _id: 'b', version: 3 },
      { _id: 'c', version: 5 },
      { _id: 'd', version: 3 },
    ]);
  });

  it('player_details is a compare-and-set: a write from a stale base is refused, not applied', async () => {
    const store = await fresh();
    const [registered] = log;
    const writer = new ReadModelWriter(store);
    await writer.apply([registered!]);
    const doc = {
      ...(await store.loadPlayerDetails([registered!.metadata.aggregateId]))[0]!,
      version: 9,
    };
    const conflicts = await store.writePlayerDetails([{ expectedVersion: 0, doc }]);
    expect([...conflicts]).toEqual([registered!.metadata.aggregateId]);
    expect((await store.loadPlayerDetails([registered!.metadata.aggregateId]))[0]?.version).toBe(1);
  });
});
