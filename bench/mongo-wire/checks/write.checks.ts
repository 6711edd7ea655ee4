import { type AnyBulkWriteOperation, MongoBulkWriteError, type MongoServerError } from 'mongodb';
import { describeMongoError, codeOf } from '../wire-errors';
import { guardedUpsert, type PlayerDoc } from '../player-docs';
import { type CheckSpec, sameJson } from './check-spec';

/** Guarded upserts and bulk writes: the version guard answers E11000, an unordered bulk goes on past it. */
export const WRITE_CHECKS: CheckSpec[] = [
  {
    id: '1a.guarded-upsert.insert-and-update',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c1a');
      const first = await guardedUpsert(col, 'a', 1, { name: 'A' });
      const second = await guardedUpsert(col, 'a', 2, { name: 'A2' });
      const doc = await col.findOne({ _id: 'a' });
      const ok =
        first.upsertedCount === 1 &&
        first.upsertedId === 'a' &&
        second.matchedCount === 1 &&
        second.modifiedCount === 1 &&
        doc?.version === 2 &&
        doc.name === 'A2';
      return {
        status: ok ? 'pass' : 'fail',
        detail: `first: upserted=${first.upsertedCount} upsertedId=${String(first.upsertedId)}; second: matched=${second.matchedCount} modified=${second.modifiedCount}; doc=${JSON.stringify(doc)}`,
      };
    },
  },
  {
    id: '1b.guarded-upsert.stale-version-raises-11000',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c1b');
      await guardedUpsert(col, 'a', 5, { name: 'newer' });
      for (const stale of [5, 3]) {
        try {
          const r = await guardedUpsert(col, 'a', stale, { name: 'stale' });
          const doc = await col.findOne({ _id: 'a' });
          return {
            status: 'fail',
            detail: `stale upsert (v${stale} onto v5) did NOT raise: matched=${r.matchedCount} modified=${r.modifiedCount} upserted=${r.upsertedCount}; doc now ${JSON.stringify(doc)}`,
          };
        } catch (error) {
          if (codeOf(error) !== 11000) {
            return {
              status: 'fail',
              detail: `stale upsert raised a non-11000 error`,
              error: describeMongoError(error),
            };
          }
        }
      }
      const doc = await col.findOne({ _id: 'a' });
      const untouched = doc?.version === 5 && doc.name === 'newer';
      return {
        status: untouched ? 'pass' : 'fail',
        detail: `equal (v5) and older (v3) upserts onto v5 both raised E11000 (as MongoDB); document ${untouched ? 'unchanged' : `CHANGED: ${JSON.stringify(doc)}`}`,
      };
    },
  },
  {
    id: '1c.guarded-upsert.error-shape',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c1c');
      await guardedUpsert(col, 'a', 5);
      try {
        await guardedUpsert(col, 'a', 4);
        return { status: 'fail', detail: 'no error' };
      } catch (error) {
        const e = error as MongoServerError;
        return {
          status: e.code === 11000 ? 'pass' : 'fail',
          detail: `class=${e.constructor.name} code=${String(e.code)} codeName=${String(e.codeName)} keyPattern=${JSON.stringify(e['keyPattern'])} keyValue=${JSON.stringify(e['keyValue'])}`,
          error: describeMongoError(error),
        };
      }
    },
  },
  {
    id: '2a.bulkWrite-unordered.dup-key-in-the-middle-does-not-stop-the-rest',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c2a');
      await guardedUpsert(col, 'b', 10, { name: 'newer-b' });
      await guardedUpsert(col, 'd', 10, { name: 'newer-d' });
      const ops: AnyBulkWriteOperation<PlayerDoc>[] = [
        ['a', 1],
        ['b', 1], // stale -> E11000
        ['c', 1],
        ['d', 2], // stale -> E11000
        ['e', 1],
      ].map(([id, v]) => ({
        updateOne: {
          filter: { _id: id as string, version: { $lt: v as number } },
          update: { $set: { name: `bulk-${String(id)}`, version: v as number } },
          upsert: true,
        },
      }));
      let outcome = 'no error raised';
      let errorText: string | undefined;
      let errorIndexes: number[] = [];
      let codes: unknown[] = [];
      try {
        const r = await col.bulkWrite(ops, { ordered: false });
        outcome = `no error: upserted=${r.upsertedCount} matched=${r.matchedCount} modified=${r.modifiedCount}`;
      } catch (error) {
        errorText = describeMongoError(error);
        if (error instanceof MongoBulkWriteError) {
          const list = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
          errorIndexes = list.map((e) => e.index);
          codes = list.map((e) => e.code);
          outcome = `MongoBulkWriteError: writeErrors at ${JSON.stringify(errorIndexes)} codes ${JSON.stringify(codes)}; result upserted=${error.result.upsertedCount} matched=${error.result.matchedCount} modified=${error.result.modifiedCount}`;
        } else {
          outcome = `unexpected error class ${(error as Error).constructor.name}`;
        }
      }
      const docs = await col.find({}).sort({ _id: 1 }).toArray();
      const byId = new Map(docs.map((d) => [d._id, d]));
      const applied = ['a', 'c', 'e'].filter((id) => byId.get(id)?.name === `bulk-${id}`);
      const guarded = byId.get('b')?.version === 10 && byId.get('d')?.version === 10;
      const ok =
        applied.length === 3 &&
        guarded &&
        sameJson(errorIndexes, [1, 3]) &&
        codes.every((c) => c === 11000);
      return {
        status: ok ? 'pass' : 'fail',
        detail: `${outcome}; applied after the errors: ${JSON.stringify(applied)} of ["a","c","e"]; newer docs untouched: ${String(guarded)}`,
        ...(errorText === undefined ? {} : { error: errorText }),
      };
    },
  },
  {
    id: '2b.bulkWrite-ordered.stops-at-first-dup-key',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c2b');
      await guardedUpsert(col, 'b', 10);
      const ops: AnyBulkWriteOperation<PlayerDoc>[] = ['a', 'b', 'c'].map((id) => ({
        updateOne: {
          filter: { _id: id, version: { $lt: 1 } },
          update: { $set: { version: 1 } },
          upsert: true,
        },
      }));
      try {
        await col.bulkWrite(ops, { ordered: true });
        return { status: 'fail', detail: 'no error raised' };
      } catch (error) {
        const ids = (await col.find({}).toArray()).map((d) => d._id).sort();
        const ok = codeOf(error) === 11000 && sameJson(ids, ['a', 'b']);
        return {
          status: ok ? 'pass' : 'fail',
          detail: `ordered:true -> ids present afterwards ${JSON.stringify(ids)} (MongoDB: ["a","b"], c never attempted)`,
          error: describeMongoError(error),
        };
      }
    },
  },
];
