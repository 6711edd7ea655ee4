import { describeMongoError } from '../wire-errors';
import { seedDoc, type PlayerDoc } from '../player-docs';
import { type CheckSpec, sameJson } from './check-spec';

/** Finds (leaderboard, filters, counts) and the aggregations the queries use. */
export const QUERY_CHECKS: CheckSpec[] = [
  {
    id: '5.find-sort-limit-leaderboard',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c5');
      await col.createIndex({ level: -1, xp: -1 });
      const docs = Array.from({ length: 200 }, (_, i) => seedDoc(i));
      await col.insertMany(docs);
      const top = await col
        .find({}, { projection: { _id: 1, level: 1, xp: 1 } })
        .sort({ level: -1, xp: -1 })
        .limit(10)
        .toArray();
      const expected = [...docs]
        .sort((a, b) => b.level - a.level || b.xp - a.xp)
        .slice(0, 10)
        .map((d) => d._id);
      const got = top.map((d) => d._id);
      const projected = top.every((d) => Object.keys(d).sort().join(',') === '_id,level,xp');
      return {
        status: sameJson(got, expected) && projected ? 'pass' : 'fail',
        detail: `top10 ${sameJson(got, expected) ? 'matches' : `differs: got ${JSON.stringify(got)} expected ${JSON.stringify(expected)}`}; projection ${projected ? 'ok' : 'wrong'}`,
      };
    },
  },
  {
    id: '5b.find-filter-in-skip-count',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c5b');
      await col.insertMany(Array.from({ length: 100 }, (_, i) => seedDoc(i)));
      const inRoom = await col.countDocuments({ roomId: { $in: ['room-1', 'room-2'] } });
      const page = await col.find({ roomId: 'room-1' }).sort({ _id: 1 }).skip(1).limit(1).toArray();
      const estimated = await col.estimatedDocumentCount();
      const distinct = await col.distinct('roomId');
      return {
        status:
          inRoom === 4 &&
          page[0]?._id === 'p-0000051' &&
          estimated === 100 &&
          distinct.length === 50
            ? 'pass'
            : 'fail',
        detail: `countDocuments($in)=${inRoom} skip/limit=${JSON.stringify(page.map((d) => d._id))} estimated=${estimated} distinct=${distinct.length}`,
      };
    },
  },
  ...(['$sum', '$max', '$push', '$first'] as const).map((acc): CheckSpec => ({
    id: `6.aggregate.match-group-${acc}-sort`,
    kind: acc === '$sum' ? 'required' : 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>(`c6${acc.slice(1)}`);
      await col.insertMany([
        { ...seedDoc(1), _id: 'a', roomId: 'r1', level: 3 },
        { ...seedDoc(2), _id: 'b', roomId: 'r1', level: 5 },
        { ...seedDoc(3), _id: 'c', roomId: 'r2', level: 7 },
        { ...seedDoc(4), _id: 'd', roomId: 'r3', level: 1, health: 0 },
      ]);
      const accumulator =
        acc === '$sum'
          ? { $sum: 1 }
          : acc === '$max'
            ? { $max: '$level' }
            : acc === '$push'
              ? { $push: '$_id' }
              : { $first: '$_id' };
      try {
        const rows = await col
          .aggregate([
            { $match: { health: { $gt: 0 } } },
            ...(acc === '$first' ? [{ $sort: { _id: 1 } }] : []),
            { $group: { _id: '$roomId', value: accumulator, total: { $sum: '$level' } } },
            { $sort: { _id: 1 } },
          ])
          .toArray();
        const values = rows.map((r) => [r['_id'], r['value'], r['total']]);
        const expected = {
          $sum: [
            ['r1', 2, 8],
            ['r2', 1, 7],
          ],
          $max: [
            ['r1', 5, 8],
            ['r2', 7, 7],
          ],
          $push: [
            ['r1', ['a', 'b'], 8],
            ['r2', ['c'], 7],
          ],
          $first: [
            ['r1', 'a', 8],
            ['r2', 'c', 7],
          ],
        }[acc];
        return {
          status: sameJson(values, expected) ? 'pass' : 'fail',
          detail: `rows=${JSON.stringify(values)}`,
        };
      } catch (error) {
        return {
          status: 'fail',
          detail: `${acc} in $group not supported`,
          error: describeMongoError(error),
        };
      }
    },
  })),
  {
    id: '6b.aggregate.count-limit-project',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c6b');
      await col.insertMany(Array.from({ length: 20 }, (_, i) => seedDoc(i)));
      try {
        const counted = await col
          .aggregate([{ $match: { roomId: 'room-1' } }, { $count: 'n' }])
          .toArray();
        const projected = await col
          .aggregate([
            { $sort: { level: -1 } },
            { $limit: 2 },
            { $project: { _id: 0, name: 1, level: 1 } },
          ])
          .toArray();
        return {
          status:
            counted[0]?.['n'] === 1 && projected.length === 2 && !('_id' in (projected[0] ?? {}))
              ? 'pass'
              : 'fail',
          detail: `$count=${JSON.stringify(counted)} $sort/$limit/$project=${JSON.stringify(projected)}`,
        };
      } catch (error) {
        return {
          status: 'fail',
          detail: '$count/$project failed',
          error: describeMongoError(error),
        };
      }
    },
  },
];
