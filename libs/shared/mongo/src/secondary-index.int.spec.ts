/**
 * Queries on a field with a non-unique index must find exactly what a full scan finds,
 * whatever inserts, updates, upserts, deletions and array values came before: the local
 * Mongo-wire server answers such queries from its own secondary indexes, real MongoDB from
 * its own. Both are checked against the same query written so no index can answer it.
 */
import { type Collection, MongoClient } from 'mongodb';
import { uniqueName } from '@qf/shared-testing';

interface Row {
  _id: string;
  roomId: string | number | null;
  tags?: string[];
  level: number;
}

const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';

/** A small deterministic generator, so a failure can be replayed. */
const lcg = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

describe('non-unique indexes answer equality queries like a scan', () => {
  let client: MongoClient;
  let rows: Collection<Row>;
  const dbName = uniqueName('int_sidx').replace(/-/g, '_');

  beforeAll(async () => {
    client = await new MongoClient(url).connect();
    rows = client.db(dbName).collection<Row>('rows');
    await rows.insertMany([1, 2, 3].map((i) => ({ _id: `pre-${i}`, roomId: 'room-1', level: i })));
    // Created after documents exist: they must be indexed too.
    await rows.createIndex({ roomId: 1, _id: 1 });
    await rows.createIndex({ tags: 1 });
  });

  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  const rooms: Array<string | number | null> = ['room-1', 'room-2', 'room-3', 7, null];
  const viaIndex = async (roomId: string | number | null) =>
    (await rows.find({ roomId }).sort({ _id: 1 }).toArray()).map((row) => row._id);
  const viaScan = async (roomId: string | number | null) =>
    (
      await rows
        .find({ $or: [{ roomId }, { roomId }] })
        .sort({ _id: 1 })
        .toArray()
    ).map((row) => row._id);

  it('after random inserts, moves, upserts and deletions', async () => {
    const random = lcg(42);
    const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
    for (let step = 0; step < 400; step += 1) {
      const id = `p-${Math.floor(random() * 60)}`;
      const roll = random();
      if (roll < 0.35)
        await rows.updateOne(
          { _id: id },
          { $set: { roomId: pick(rooms), level: step } },
          { upsert: true },
        );
      else if (roll < 0.55)
        await rows.replaceOne(
          { _id: id },
          { roomId: pick(rooms), level: step, tags: [pick(['a', 'b']), 'c'] },
          { upsert: true },
        );
      else if (roll < 0.7) await rows.deleteOne({ _id: id });
      else if (roll < 0.85) await rows.updateOne({ _id: id }, { $unset: { roomId: '' } });
      else
        await rows.bulkWrite(
          [{ updateOne: { filter: { _id: id }, update: { $set: { roomId: 7.0 } }, upsert: true } }],
          { ordered: false },
        );
    }
    for (const roomId of rooms) expect(await viaIndex(roomId)).toEqual(await viaScan(roomId));
    expect(await rows.countDocuments({ roomId: 'room-1', level: { $gte: 0 } })).toBe(
      (await viaScan('room-1')).length,
    );
  });

  it('answers ranges on the first field like a scan, on a sparse index too', async () => {
    const since = client
      .db(dbName)
      .collection<{ _id: string; at?: Date | number | string; n: number }>('ranges');
    await since.createIndex({ at: 1 }, { sparse: true });
    const random = lcg(11);
    const values = [new Date(0), new Date(1000), new Date(5000), 3, 'x', null] as const;
    for (let step = 0; step < 300; step += 1) {
      const id = `r-${Math.floor(random() * 50)}`;
      const roll = random();
      if (roll < 0.2) await since.updateOne({ _id: id }, { $unset: { at: '' } }, { upsert: true });
      else if (roll < 0.3) await since.deleteOne({ _id: id });
      else
        await since.updateOne(
          { _id: id },
          { $set: { at: values[Math.floor(random() * values.length)] ?? undefined, n: step } },
          { upsert: true },
        );
    }
    const ids = async (filter: object) =>
      (await since.find(filter).sort({ _id: 1 }).toArray()).map((row) => row._id);
    for (const range of [
      { $gte: new Date(0) },
      { $gt: new Date(0) },
      { $gte: new Date(500), $lte: new Date(5000) },
      { $lt: new Date(5000) },
      { $lte: 3 },
      { $gt: 'a' },
    ]) {
      // $and of the same range: written so no index answers it (a scan).
      expect(await ids({ at: range })).toEqual(await ids({ $and: [{ at: range }, { at: range }] }));
    }
    // The outbox relay's query: the oldest few of a range, in order.
    const oldest = await since
      .find({ at: { $gte: new Date(0) } })
      .sort({ at: 1, _id: 1 })
      .limit(3)
      .toArray();
    const all = await since
      .find({ $and: [{ at: { $gte: new Date(0) } }, { n: { $gte: 0 } }] })
      .toArray();
    expect(oldest.map((row) => row._id)).toEqual(
      all
        .sort((a, b) => +(a.at as Date) - +(b.at as Date) || (a._id < b._id ? -1 : 1))
        .slice(0, 3)
        .map((row) => row._id),
    );
  });

  it('finds documents by one element of an indexed array', async () => {
    await rows.insertOne({ _id: 'tagged', roomId: 'room-9', tags: ['x', 'y'], level: 1 });
    const byIndex = (await rows.find({ tags: 'y' }).toArray()).map((row) => row._id);
    const byScan = (await rows.find({ tags: { $in: ['y'] } }).toArray()).map((row) => row._id);
    expect(byIndex.sort()).toEqual(byScan.sort());
    expect(byIndex).toContain('tagged');
  });

  it.each([
    ["exactly the index's keys", { level: -1, xp: -1, _id: 1 }],
    ["the index's keys, then _id", { level: -1, xp: -1 }],
  ] as const)('answers a sort on %s like a full sort, after updates', async (_, keys) => {
    const board = client
      .db(dbName)
      .collection<{ _id: string; level: number; xp: number; name: string }>(
        `board-${Object.keys(keys).length}`,
      );
    await board.createIndex(keys);
    const random = lcg(7);
    for (let step = 0; step < 300; step += 1) {
      const id = `p-${Math.floor(random() * 80)}`;
      if (random() < 0.1) await board.deleteOne({ _id: id });
      else
        await board.updateOne(
          { _id: id },
          { $set: { level: Math.floor(random() * 5), xp: Math.floor(random() * 50), name: id } },
          { upsert: true },
        );
    }
    const all = await board.find({}).toArray();
    const expected = [...all]
      .sort(
        (a, b) => b.level - a.level || b.xp - a.xp || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0),
      )
      .map((row) => row._id);
    const top = await board.find({}).sort({ level: -1, xp: -1, _id: 1 }).limit(20).toArray();
    expect(top.map((row) => row._id)).toEqual(expected.slice(0, 20));
    const page = await board
      .find({})
      .sort({ level: -1, xp: -1, _id: 1 })
      .skip(5)
      .limit(10)
      .toArray();
    expect(page.map((row) => row._id)).toEqual(expected.slice(5, 15));
    const filtered = await board
      .find({ xp: { $lt: 25 } })
      .sort({ level: -1, xp: -1, _id: 1 })
      .limit(15)
      .toArray();
    expect(filtered.map((row) => row._id)).toEqual(
      expected.filter((id) => (all.find((row) => row._id === id)?.xp ?? 99) < 25).slice(0, 15),
    );
  });
});
