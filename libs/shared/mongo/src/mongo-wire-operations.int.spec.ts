/**
 * The MongoDB operations Quest Fleet relies on, run against the configured server (local
 * mongo-java-server by default, real MongoDB under docker-compose). Every assertion here is
 * behaviour real MongoDB has too; see docs/adr/0001-mongo-wire-server.md for the gaps of the
 * local stand-ins that the code must avoid (and that are therefore NOT asserted here):
 *   - bulkWrite ordered:true: mongo-java-server goes on after the first error (MongoDB stops),
 *   - partialFilterExpression: accepted but ignored by mongo-java-server,
 *   - duplicate-key errors carry no keyPattern/keyValue on the stand-ins: read only `code`,
 *   - no transactions, no change streams, no $lookup (FerretDB), no arrays nested in arrays (FerretDB).
 * Each test works in its own random database, dropped afterwards.
 */
import {
  type Collection,
  type Db,
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
} from 'mongodb';
import { uniqueName } from '@qf/shared-testing';
import { isDuplicateKeyError } from './mongo-client';

interface Player {
  _id: string;
  name: string;
  roomId: string;
  level: number;
  xp: number;
  version: number;
  tags?: string[];
  outbox?: Array<{ id: string; type: string }>;
}

const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';

const player = (id: string, overrides: Partial<Player> = {}): Player => ({
  _id: id,
  name: `name-${id}`,
  roomId: 'room-1',
  level: 1,
  xp: 0,
  version: 1,
  ...overrides,
});

/** The projector's write: apply only when the stored version is older; else the upsert collides on _id. */
const guardedUpsert = (
  col: Collection<Player>,
  id: string,
  version: number,
  set: Partial<Player> = {},
) =>
  col.updateOne(
    { _id: id, version: { $lt: version } },
    { $set: { ...set, version } },
    { upsert: true },
  );

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to be rejected');
};

describe('MongoDB-wire operations Quest Fleet uses', () => {
  let client: MongoClient;
  let db: Db;
  let players: Collection<Player>;

  beforeAll(async () => {
    client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
  });

  beforeEach(() => {
    db = client.db(uniqueName('mwops').replace(/-/g, '_'));
    players = db.collection<Player>('players');
  });

  afterEach(async () => {
    await db.dropDatabase();
  });

  describe('1. single upsert guarded by version', () => {
    it('inserts when absent and applies a newer version', async () => {
      const inserted = await guardedUpsert(players, 'p1', 1, { name: 'first' });
      expect(inserted.upsertedCount).toBe(1);
      expect(inserted.upsertedId).toBe('p1');

      const updated = await guardedUpsert(players, 'p1', 2, { name: 'second' });
      expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
      expect(await players.findOne({ _id: 'p1' })).toEqual({
        _id: 'p1',
        name: 'second',
        version: 2,
      });
    });

    it.each([
      ['the same', 5],
      ['an older', 3],
    ])(
      'rejects %s version with duplicate-key error 11000 and leaves the document alone',
      async (_, stale) => {
        await guardedUpsert(players, 'p1', 5, { name: 'newer' });

        const error = await rejection(guardedUpsert(players, 'p1', stale, { name: 'stale' }));

        expect(error).toBeInstanceOf(MongoServerError);
        expect((error as MongoServerError).code).toBe(11000);
        expect(isDuplicateKeyError(error)).toBe(true);
        expect(await players.findOne({ _id: 'p1' })).toEqual({
          _id: 'p1',
          name: 'newer',
          version: 5,
        });
      },
    );
  });

  describe('2. bulkWrite of guarded upserts', () => {
    const upsert = (id: string, version: number) => ({
      updateOne: {
        filter: { _id: id, version: { $lt: version } },
        update: { $set: { name: `bulk-${id}`, version } },
        upsert: true,
      },
    });

    it('ordered:false applies every operation and reports the stale ones as 11000 write errors by index', async () => {
      await guardedUpsert(players, 'b', 10, { name: 'newer-b' });
      await guardedUpsert(players, 'd', 10, { name: 'newer-d' });

      const error = await rejection(
        players.bulkWrite(
          [upsert('a', 1), upsert('b', 1), upsert('c', 1), upsert('d', 2), upsert('e', 1)],
          {
            ordered: false,
          },
        ),
      );

      expect(error).toBeInstanceOf(MongoBulkWriteError);
      const bulkError = error as MongoBulkWriteError;
      const writeErrors = Array.isArray(bulkError.writeErrors)
        ? bulkError.writeErrors
        : [bulkError.writeErrors];
      expect(writeErrors.map((e) => [e.index, e.code])).toEqual([
        [1, 11000],
        [3, 11000],
      ]);
      expect(bulkError.result.upsertedCount).toBe(3);
      const stored = await players.find({}).sort({ _id: 1 }).toArray();
      expect(stored.map((p) => [p._id, p.name, p.version])).toEqual([
        ['a', 'bulk-a', 1],
        ['b', 'newer-b', 10],
        ['c', 'bulk-c', 1],
        ['d', 'newer-d', 10],
        ['e', 'bulk-e', 1],
      ]);
    });

    it('ordered:false without conflicts reports upserted and modified counts', async () => {
      await players.insertMany([player('a', { version: 1 }), player('b', { version: 1 })]);

      const result = await players.bulkWrite([upsert('a', 2), upsert('b', 2), upsert('c', 1)], {
        ordered: false,
      });

      expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2, upsertedCount: 1 });
      expect(await players.countDocuments({ version: { $gte: 1 } })).toBe(3);
    });

    it('ordered:true reports the first conflict with its index (what follows it is not relied upon)', async () => {
      await guardedUpsert(players, 'b', 10);

      const error = await rejection(
        players.bulkWrite([upsert('a', 1), upsert('b', 1), upsert('c', 1)], { ordered: true }),
      );

      expect(error).toBeInstanceOf(MongoBulkWriteError);
      const bulkError = error as MongoBulkWriteError;
      const writeErrors = Array.isArray(bulkError.writeErrors)
        ? bulkError.writeErrors
        : [bulkError.writeErrors];
      expect(writeErrors[0]).toMatchObject({ index: 1, code: 11000 });
      expect(await players.findOne({ _id: 'a' })).toMatchObject({ version: 1 });
    });
  });

  describe('3. findOneAndUpdate', () => {
    it('applies $set, $inc, $push and returns the document after the update', async () => {
      await players.insertOne(player('p1', { tags: ['x', 'y'], xp: 10 }));

      const after = await players.findOneAndUpdate(
        { _id: 'p1', version: 1 },
        { $set: { roomId: 'room-9' }, $inc: { xp: 5, version: 1 }, $push: { tags: 'z' } },
        { returnDocument: 'after' },
      );

      expect(after).toMatchObject({ roomId: 'room-9', xp: 15, version: 2, tags: ['x', 'y', 'z'] });
    });

    it('applies $pull of a value and of array elements matching a condition', async () => {
      await players.insertOne(
        player('p1', {
          tags: ['x', 'y'],
          outbox: [
            { id: 'e1', type: 'T' },
            { id: 'e2', type: 'T' },
            { id: 'e3', type: 'T' },
          ],
        }),
      );

      const after = await players.findOneAndUpdate(
        { _id: 'p1' },
        { $pull: { tags: 'x', outbox: { id: { $in: ['e1', 'e3'] } } }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      );

      expect(after?.tags).toEqual(['y']);
      expect(after?.outbox).toEqual([{ id: 'e2', type: 'T' }]);
      expect(after?.version).toBe(2);
    });

    it('returns null and changes nothing when the version filter does not match (optimistic concurrency)', async () => {
      await players.insertOne(player('p1', { version: 3, xp: 7 }));

      const result = await players.findOneAndUpdate(
        { _id: 'p1', version: 2 },
        { $inc: { xp: 1, version: 1 } },
        { returnDocument: 'after' },
      );

      expect(result).toBeNull();
      expect(await players.findOne({ _id: 'p1' })).toMatchObject({ version: 3, xp: 7 });
    });

    it('returns the document before the update when asked', async () => {
      await players.insertOne(player('p1', { xp: 1 }));

      const before = await players.findOneAndUpdate(
        { _id: 'p1' },
        { $inc: { xp: 1 } },
        { returnDocument: 'before' },
      );

      expect(before?.xp).toBe(1);
      expect((await players.findOne({ _id: 'p1' }))?.xp).toBe(2);
    });

    it('caps an array with $push $each + $slice', async () => {
      await players.insertOne(player('p1', { outbox: [{ id: 'e1', type: 'T' }] }));

      const after = await players.findOneAndUpdate(
        { _id: 'p1' },
        {
          $push: {
            outbox: {
              $each: [
                { id: 'e2', type: 'T' },
                { id: 'e3', type: 'T' },
              ],
              $slice: -2,
            },
          },
        },
        { returnDocument: 'after' },
      );

      expect(after?.outbox?.map((e) => e.id)).toEqual(['e2', 'e3']);
    });
  });

  describe('4. indexes', () => {
    it('a unique index rejects a duplicate insert with 11000', async () => {
      await players.createIndex({ name: 1 }, { unique: true });
      await players.insertOne(player('p1', { name: 'same' }));

      const error = await rejection(players.insertOne(player('p2', { name: 'same' })));

      expect((error as MongoServerError).code).toBe(11000);
      expect(await players.countDocuments()).toBe(1);
    });

    it('a unique index rejects an upsert that would duplicate it with 11000', async () => {
      await players.createIndex({ name: 1 }, { unique: true });
      await players.insertOne(player('p1', { name: 'same' }));

      const error = await rejection(
        players.updateOne({ _id: 'p2' }, { $set: { name: 'same' } }, { upsert: true }),
      );

      expect(isDuplicateKeyError(error)).toBe(true);
    });

    it('creates a compound index idempotently and lists it', async () => {
      const name = await players.createIndex({ roomId: 1, name: 1 });
      const again = await players.createIndex({ roomId: 1, name: 1 });

      expect(again).toBe(name);
      const names = (await players.listIndexes().toArray()).map((index) => index['name'] as string);
      expect(names).toEqual(expect.arrayContaining(['_id_', name]));
    });

    it('a compound unique index rejects only the duplicate combination', async () => {
      await players.createIndex({ roomId: 1, name: 1 }, { unique: true });
      await players.insertMany([
        player('p1', { roomId: 'r1', name: 'n' }),
        player('p2', { roomId: 'r2', name: 'n' }),
      ]);

      const error = await rejection(players.insertOne(player('p3', { roomId: 'r1', name: 'n' })));

      expect((error as MongoServerError).code).toBe(11000);
    });

    it('a sparse unique index allows many documents without the field', async () => {
      const emails = db.collection<{ _id: string; email?: string }>('emails');
      await emails.createIndex({ email: 1 }, { unique: true, sparse: true });
      await emails.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c', email: 'x' }]);

      const error = await rejection(emails.insertOne({ _id: 'd', email: 'x' }));

      expect((error as MongoServerError).code).toBe(11000);
      expect(await emails.countDocuments()).toBe(3);
    });
  });

  describe('5. find with sort + limit (leaderboard)', () => {
    it('returns the top 10 by level then xp, projected', async () => {
      await players.createIndex({ level: -1, xp: -1 });
      const all = Array.from({ length: 200 }, (_, i) =>
        player(`p${i}`, { level: (i * 7919) % 50, xp: (i * 104729) % 1000 }),
      );
      await players.insertMany(all);

      const top = await players
        .find({}, { projection: { _id: 1, level: 1, xp: 1 } })
        .sort({ level: -1, xp: -1 })
        .limit(10)
        .toArray();

      const expected = [...all]
        .sort((a, b) => b.level - a.level || b.xp - a.xp)
        .slice(0, 10)
        .map(({ _id, level, xp }) => ({ _id, level, xp }));
      expect(top).toEqual(expected);
    });

    it('filters, skips and counts', async () => {
      await players.insertMany(
        Array.from({ length: 30 }, (_, i) =>
          player(`p${String(i).padStart(2, '0')}`, { roomId: `r${i % 3}` }),
        ),
      );

      expect(await players.countDocuments({ roomId: { $in: ['r0', 'r1'] } })).toBe(20);
      const page = await players.find({ roomId: 'r0' }).sort({ _id: 1 }).skip(2).limit(2).toArray();
      expect(page.map((p) => p._id)).toEqual(['p06', 'p09']);
    });
  });

  describe('6. aggregation', () => {
    beforeEach(async () => {
      await players.insertMany([
        player('a', { roomId: 'r1', level: 3, xp: 30 }),
        player('b', { roomId: 'r1', level: 5, xp: 50 }),
        player('c', { roomId: 'r2', level: 7, xp: 70 }),
        player('d', { roomId: 'r3', level: 1, xp: 0 }),
      ]);
    });

    it('$match + $group with $sum (count and field) + $sort', async () => {
      const rows = await players
        .aggregate([
          { $match: { level: { $gt: 1 } } },
          { $group: { _id: '$roomId', players: { $sum: 1 }, xp: { $sum: '$xp' } } },
          { $sort: { players: -1, _id: 1 } },
        ])
        .toArray();

      expect(rows).toEqual([
        { _id: 'r1', players: 2, xp: 80 },
        { _id: 'r2', players: 1, xp: 70 },
      ]);
    });

    it('$group with $max, $push and $first', async () => {
      const rows = await players
        .aggregate([
          { $match: { level: { $gt: 1 } } },
          { $sort: { _id: 1 } },
          {
            $group: {
              _id: '$roomId',
              maxLevel: { $max: '$level' },
              ids: { $push: '$_id' },
              first: { $first: '$_id' },
            },
          },
          { $sort: { _id: 1 } },
        ])
        .toArray();

      expect(rows).toEqual([
        { _id: 'r1', maxLevel: 5, ids: ['a', 'b'], first: 'a' },
        { _id: 'r2', maxLevel: 7, ids: ['c'], first: 'c' },
      ]);
    });
  });
});
