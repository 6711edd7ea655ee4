import { describeMongoError, codeOf } from '../wire-errors';
import { seedDoc, type PlayerDoc, type AnyDoc } from '../player-docs';
import type { CheckSpec } from './check-spec';

/** Unique, compound, sparse and partial indexes. */
export const INDEX_CHECKS: CheckSpec[] = [
  {
    id: '4a.unique-index.violation-raises-11000',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c4a');
      const name = await col.createIndex({ name: 1 }, { unique: true, name: 'name_unique' });
      await col.insertOne({ ...seedDoc(1), _id: 'a', name: 'same' });
      try {
        await col.insertOne({ ...seedDoc(2), _id: 'b', name: 'same' });
        return {
          status: 'fail',
          detail: `index ${name} created but the duplicate insert succeeded`,
        };
      } catch (error) {
        return {
          status: codeOf(error) === 11000 ? 'pass' : 'fail',
          detail: `createIndex -> ${name}; duplicate insert raised code ${String(codeOf(error))}`,
          error: describeMongoError(error),
        };
      }
    },
  },
  {
    id: '4b.unique-index.upsert-violation-raises-11000',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c4b');
      await col.createIndex({ name: 1 }, { unique: true });
      await col.insertOne({ ...seedDoc(1), _id: 'a', name: 'same' });
      try {
        await col.updateOne({ _id: 'b' }, { $set: { name: 'same' } }, { upsert: true });
        return { status: 'fail', detail: 'upsert creating a duplicate name succeeded' };
      } catch (error) {
        return {
          status: codeOf(error) === 11000 ? 'pass' : 'fail',
          detail: 'upsert violating a secondary unique index',
          error: describeMongoError(error),
        };
      }
    },
  },
  {
    id: '4c.compound-index',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c4c');
      const name = await col.createIndex({ roomId: 1, name: 1 });
      const again = await col.createIndex({ roomId: 1, name: 1 }); // idempotent re-create
      const indexes = (await col.listIndexes().toArray()).map((i) => i['name'] as string);
      return {
        status: name === again && indexes.includes(name) ? 'pass' : 'fail',
        detail: `created ${name} (re-create -> ${again}); listIndexes=${JSON.stringify(indexes)}`,
      };
    },
  },
  {
    id: '4d.compound-unique-index',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c4d');
      await col.createIndex({ roomId: 1, name: 1 }, { unique: true });
      await col.insertOne({ ...seedDoc(1), _id: 'a', roomId: 'r', name: 'n' });
      await col.insertOne({ ...seedDoc(2), _id: 'b', roomId: 'r2', name: 'n' });
      try {
        await col.insertOne({ ...seedDoc(3), _id: 'c', roomId: 'r', name: 'n' });
        return { status: 'fail', detail: 'duplicate (roomId,name) accepted' };
      } catch (error) {
        return {
          status: codeOf(error) === 11000 ? 'pass' : 'fail',
          detail: 'duplicate (roomId,name) rejected',
          error: describeMongoError(error),
        };
      }
    },
  },
  {
    id: '4e.sparse-unique-index',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<AnyDoc>('c4e');
      try {
        await col.createIndex({ email: 1 }, { unique: true, sparse: true });
        await col.insertMany([{ _id: 'a' }, { _id: 'b' }]); // both without email: allowed by sparse
        await col.insertOne({ _id: 'c', email: 'x' });
        try {
          await col.insertOne({ _id: 'd', email: 'x' });
          return { status: 'fail', detail: 'duplicate email accepted' };
        } catch (error) {
          return {
            status: codeOf(error) === 11000 ? 'pass' : 'fail',
            detail: 'missing fields allowed twice, duplicate value rejected',
            error: describeMongoError(error),
          };
        }
      } catch (error) {
        return {
          status: 'fail',
          detail: 'sparse unique index not usable',
          error: describeMongoError(error),
        };
      }
    },
  },
  {
    id: '4f.partial-index',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<AnyDoc>('c4f');
      try {
        await col.createIndex(
          { email: 1 },
          { unique: true, partialFilterExpression: { email: { $exists: true } } },
        );
      } catch (error) {
        return {
          status: 'fail',
          detail: 'createIndex with partialFilterExpression rejected',
          error: describeMongoError(error),
        };
      }
      try {
        await col.insertMany([{ _id: 'a' }, { _id: 'b' }]);
      } catch (error) {
        return {
          status: 'fail',
          detail:
            'index created, but the filter is ignored: two documents without the field collide (null duplicate)',
          error: describeMongoError(error),
        };
      }
      await col.insertOne({ _id: 'c', email: 'x' });
      try {
        await col.insertOne({ _id: 'd', email: 'x' });
        return { status: 'fail', detail: 'partial unique index created but duplicate accepted' };
      } catch (error) {
        return {
          status: codeOf(error) === 11000 ? 'pass' : 'fail',
          detail: 'partial unique index enforced',
          error: describeMongoError(error),
        };
      }
    },
  },
];
