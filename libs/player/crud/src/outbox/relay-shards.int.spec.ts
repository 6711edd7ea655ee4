import { MongoClient, type Db } from 'mongodb';
import { databaseName } from '@qf/shared-mongo';
import { uniqueName } from '@qf/shared-testing';
import { PlayerRepository } from '../document/player-repository';
import { RelayShards, SHARD_COUNT, shardFilter, shardOfPlayer } from './relay-shards';

jest.setTimeout(60_000);

// Relays share the players by shard leases instead of claiming documents one by one: each
// shard is held by one relay at a time, relays split them fairly, a relay that stops hands
// its shards over at once, and a shard's filter selects exactly its players.
describe('relay shard leases on the Mongo-wire server', () => {
  const dbName = uniqueName('qf_shards').replace(/-/g, '_');
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    client = await new MongoClient(process.env['MONGO_URL']!).connect();
    db = client.db(databaseName({ QF_MONGO_DB: dbName }));
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  const all = Array.from({ length: SHARD_COUNT }, (_, shard) => shard);

  it('splits the shards between two relays, never both holding one, and hands them over on release', async () => {
    const a = new RelayShards(db, 'relay-a', 30_000);
    const b = new RelayShards(db, 'relay-b', 30_000);
    expect(await a.refresh()).toHaveLength(SHARD_COUNT);
    // b sees a live relay: its fair share is half, and nothing is free yet.
    expect(await b.refresh()).toEqual([]);
    // a sees b and sheds down to its share; b takes what a gave up.
    expect(await a.refresh()).toHaveLength(SHARD_COUNT / 2);
    expect(await b.refresh()).toHaveLength(SHARD_COUNT / 2);
    const heldA = a.owned();
    const heldB = b.owned();
    expect([...heldA, ...heldB].sort((x, y) => x - y)).toEqual(all);
    // Renewals keep the split.
    expect((await a.refresh()).sort()).toEqual([...heldA].sort());
    await a.release();
    expect(a.owned()).toEqual([]);
    expect(await b.refresh()).toHaveLength(SHARD_COUNT);
  });

  it("selects exactly each shard's players by _id, whatever the ids look like", async () => {
    const players = new PlayerRepository(db);
    const ids = [
      ...'0123456789abcdef'.split('').map((c) => `${c}0b7c6f7e-1d2a-4c3b-9e8f-00000000000`),
      'A-upper',
      'zz-not-hex',
      '-dash',
      'ffffffff-last',
    ];
    await players.collection.insertMany(ids.map((_id) => ({ _id }) as never));
    const found = async (shards: number[]) =>
      (await players.collection.find(shardFilter(shards)!, { projection: { _id: 1 } }).toArray())
        .map((doc) => doc._id)
        .sort();
    for (const shard of all)
      expect(await found([shard])).toEqual(ids.filter((id) => shardOfPlayer(id) === shard).sort());
    expect(await found(all)).toEqual([...ids].sort());
    // Two runs of shards (0-2 and 9): two ranges, nothing else.
    expect(await found([0, 1, 2, 9])).toEqual(
      ids.filter((id) => [0, 1, 2, 9].includes(shardOfPlayer(id))).sort(),
    );
    expect(shardFilter([])).toBeNull();
  });
});
