/**
 * The _id index as MongoDB keeps it: one document per _id, where 3 and 3.0 are the same _id.
 * The local Mongo-wire server answers it from the documents' own map (no second map from
 * _id to _id, see ADR 0001); this checks that it still finds, refuses and forgets ids
 * exactly as a unique index does, on whichever server runs.
 */
import { MongoClient, type Collection, type Document, type Filter } from 'mongodb';
import { uniqueName } from '@qf/shared-testing';

const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';

// Ids of several types on purpose; the driver's types want ObjectIds.
const doc = (_id: unknown, v: number) => ({ _id, v }) as unknown as Document;
const byId = (_id: unknown) => ({ _id }) as Filter<Document>;

describe('the _id index', () => {
  let client: MongoClient;
  let docs: Collection;
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
    await docs.insertMany([doc('a', 1), doc(3, 2), doc({ k: 1 }, 3)]);
    for (const duplicate of ['a', 3, 3.5 - 0.5, { k: 1 }]) {
      await expect(docs.insertOne(doc(duplicate, 9))).rejects.toMatchObject({ code: 11000 });
    }
    await expect(
      docs.bulkWrite([{ insertOne: { document: doc('a', 9) } }], { ordered: false }),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await docs.findOne(byId(3.0))).toEqual({ _id: 3, v: 2 });
    expect(await docs.findOne(byId({ k: 1 }))).toEqual({ _id: { k: 1 }, v: 3 });
    expect(
      (await docs.find(byId({ $in: ['a', 'missing', 3] })).toArray()).map((d) => d['v']).sort(),
    ).toEqual([1, 2]);
    await docs.deleteOne(byId('a'));
    expect(await docs.findOne(byId('a'))).toBeNull();
    await docs.insertOne(doc('a', 4));
    await docs.updateOne(byId('new'), { $set: { v: 5 } }, { upsert: true });
    await docs.updateOne(byId('new'), { $set: { v: 6 } }, { upsert: true });
    expect(await docs.countDocuments()).toBe(4);
    expect(await docs.findOne(byId('new'))).toEqual({ _id: 'new', v: 6 });
    expect((await docs.indexes()).map((index) => index.name)).toContain('_id_');
  });
});
