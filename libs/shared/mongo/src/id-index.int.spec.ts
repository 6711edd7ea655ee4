/**
 * The _id index as MongoDB keeps it: one document per _id, where 3 and 3.0 are the same _id.
 * The local Mongo-wire server answers it from the documents' own map (no second map from
 * _id to _id, see ADR 0001); this checks that it still finds, refuses and forgets ids
 * exactly as a unique index does, on whichever server runs.
 */
import { MongoClient, type Collection } from 'mongodb';
import { uniqueName } from '@qf/shared-testing';

const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';

describe('the _id index', () => {
  let client: MongoClient;
  let docs: Collection<{ _id: unknown; v: number }>;
  const dbName = uniqueName('int_idx').replace(/-/g, '_');

  beforeAll(async () => {
    client = await new MongoClient(url).connect();
    docs = client.db(dbName).collection('docs');
  });

  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  it('refuses a second document under an equal _id, finds by equal values, forgets deleted ids', async () => {
    await docs.insertMany([
      { _id: 'a', v: 1 },
      { _id: 3, v: 2 },
      { _id: { k: 1 }, v: 3 },
    ]);
    for (const duplicate of ['a', 3, 3.5 - 0.5, { k: 1 }]) {
      await expect(docs.insertOne({ _id: duplicate, v: 9 })).rejects.toMatchObject({ code: 11000 });
    }
    await expect(
      docs.bulkWrite([{ insertOne: { document: { _id: 'a', v: 9 } } }], { ordered: false }),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await docs.findOne({ _id: 3.0 })).toEqual({ _id: 3, v: 2 });
    expect(await docs.findOne({ _id: { k: 1 } })).toEqual({ _id: { k: 1 }, v: 3 });
    expect(
      (await docs.find({ _id: { $in: ['a', 'missing', 3] } }).toArray()).map((d) => d.v).sort(),
    ).toEqual([1, 2]);
    await docs.deleteOne({ _id: 'a' });
    expect(await docs.findOne({ _id: 'a' })).toBeNull();
    await docs.insertOne({ _id: 'a', v: 4 });
    await docs.updateOne({ _id: 'new' }, { $set: { v: 5 } }, { upsert: true });
    await docs.updateOne({ _id: 'new' }, { $set: { v: 6 } }, { upsert: true });
    expect(await docs.countDocuments()).toBe(4);
    expect(await docs.findOne({ _id: 'new' })).toEqual({ _id: 'new', v: 6 });
    expect((await docs.indexes()).map((index) => index.name)).toContain('_id_');
  });
});
