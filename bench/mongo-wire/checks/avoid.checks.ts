import type { MongoClient } from 'mongodb';
import { describeMongoError } from '../wire-errors';
import type { AnyDoc } from '../player-docs';
import type { CheckSpec } from './check-spec';

/** What the project must not use: recorded as info, whatever the server does. */
export const AVOID_CHECKS: CheckSpec[] = [
  {
    id: '8a.avoid.nested-arrays',
    kind: 'avoid',
    run: async (db) => {
      const col = db.collection<AnyDoc>('c8a');
      try {
        await col.insertOne({ _id: 'a', grid: [[1, 2], [3]] });
        const doc = await col.findOne({ _id: 'a' });
        return {
          status: 'info',
          detail: `accepted and read back ${JSON.stringify(doc?.['grid'])}`,
        };
      } catch (error) {
        return { status: 'info', detail: 'rejected', error: describeMongoError(error) };
      }
    },
  },
  {
    id: '8b.avoid.lookup',
    kind: 'avoid',
    run: async (db) => {
      await db.collection<AnyDoc>('c8b1').insertOne({ _id: 'a', ref: 'x' });
      await db.collection<AnyDoc>('c8b2').insertOne({ _id: 'x', v: 1 });
      try {
        const rows = await db
          .collection('c8b1')
          .aggregate([
            { $lookup: { from: 'c8b2', localField: 'ref', foreignField: '_id', as: 'joined' } },
          ])
          .toArray();
        return { status: 'info', detail: `supported: ${JSON.stringify(rows)}` };
      } catch (error) {
        return { status: 'info', detail: 'not supported', error: describeMongoError(error) };
      }
    },
  },
  {
    id: '8c.avoid.transactions',
    kind: 'avoid',
    run: async (db) => {
      const client = (db as unknown as { client: MongoClient }).client;
      const session = client.startSession();
      try {
        await session.withTransaction(async () => {
          await db.collection<AnyDoc>('c8c').insertOne({ _id: 'a' }, { session });
        });
        const n = await db.collection('c8c').countDocuments();
        return {
          status: 'info',
          detail: `transaction committed (count=${n}); atomicity NOT verified`,
        };
      } catch (error) {
        return { status: 'info', detail: 'not supported', error: describeMongoError(error) };
      } finally {
        await session.endSession().catch(() => undefined);
      }
    },
  },
  {
    id: '8d.avoid.change-streams',
    kind: 'avoid',
    run: async (db) => {
      const stream = db.collection<AnyDoc>('c8d').watch([], { maxAwaitTimeMS: 500 });
      try {
        const first = await Promise.race([
          stream.tryNext(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('no answer within 3 s')), 3000),
          ),
        ]);
        return { status: 'info', detail: `watch() opened (first=${JSON.stringify(first)})` };
      } catch (error) {
        return { status: 'info', detail: 'not supported', error: describeMongoError(error) };
      } finally {
        await stream.close().catch(() => undefined);
      }
    },
  },
];
