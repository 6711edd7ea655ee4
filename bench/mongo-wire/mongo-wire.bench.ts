/**
 * Measures a MongoDB-wire server (mongo-java-server, FerretDB, real MongoDB) on the operations
 * Quest Fleet uses: compatibility first (pass/fail per check, with the server's error text), then
 * throughput (closed loop, `concurrency` requests in flight, for `seconds` per operation).
 *
 * Every run works in its own database (`qfbench_<label>_<time>_<random>`), dropped at the end.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Document,
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
} from 'mongodb';

export interface MongoWireBenchOptions {
  /** mongodb:// connection string of the server under test. */
  url: string;
  /** Free text naming the server/backend (goes into the result and the database name). */
  label: string;
  /** Documents seeded for the read benchmarks and the key space of the write benchmarks (default 10 000). */
  docs?: number;
  /** Measured seconds per throughput operation (default 5). */
  seconds?: number;
  /** Requests in flight per throughput operation (default 8). */
  concurrency?: number;
  /** Upserts per bulkWrite (default 500). */
  bulkSize?: number;
  /** Skip the throughput part (compatibility matrix only). */
  compatibilityOnly?: boolean;
  /** An operation without an answer for this long marks the server as hung (default 30 000 ms). */
  opTimeoutMs?: number;
}

export type CheckStatus = 'pass' | 'fail' | 'info';

export interface CompatibilityCheck {
  readonly id: string;
  /** `required`: the project relies on it; `extra`: nice to know; `avoid`: the project must not use it. */
  readonly kind: 'required' | 'extra' | 'avoid';
  readonly status: CheckStatus;
  /** What happened, in words (what real MongoDB does is the expectation). */
  readonly detail: string;
  /** The error the server answered, when there was one. */
  readonly error?: string;
}

export interface ThroughputResult {
  readonly id: string;
  readonly description: string;
  readonly operations: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  /** For bulkWrite: documents written per second (operations x bulkSize). */
  readonly docsPerSecond?: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly errors: number;
  /** Guarded upserts answered with E11000 (a newer version is stored): expected under concurrency, not errors. */
  readonly skipped?: number;
  readonly concurrency: number;
  /** True when an operation got no answer within opTimeoutMs: the measurement stopped there. */
  readonly hung?: boolean;
  /** True when the operation was not measured because an earlier one hung the server. */
  readonly notMeasured?: boolean;
  readonly firstError?: string;
}

export interface MongoWireBenchResult {
  readonly label: string;
  readonly url: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly totalMemoryGiB: number;
    readonly loadAverage: number[];
    readonly platform: string;
    readonly node: string;
    readonly mongodbDriver: string;
  };
  readonly server: {
    readonly name: string;
    readonly version: string;
    readonly maxWireVersion?: number;
    readonly buildInfo: Document;
  };
  readonly settings: {
    readonly database: string;
    readonly docs: number;
    readonly seconds: number;
    readonly concurrency: number;
    readonly bulkSize: number;
    readonly warmupSeconds: number;
    readonly writeConcern: string;
    readonly opTimeoutMs: number;
  };
  readonly compatibility: CompatibilityCheck[];
  readonly compatibilitySummary: { readonly requiredPassed: number; readonly requiredTotal: number };
  readonly throughput: ThroughputResult[];
}

// ---------------------------------------------------------------------------------------------
// helpers

const describeError = (error: unknown): string => {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).map(
      (e) => `#${e.index} code ${e.code}: ${e.errmsg ?? ''}`,
    );
    return `MongoBulkWriteError code ${String(error.code)}: ${error.message}; writeErrors=[${writeErrors.join('; ')}]`;
  }
  if (error instanceof MongoServerError) {
    return `${error.name} code ${String(error.code)}${error.codeName ? ` (${error.codeName})` : ''}: ${error.message}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
};

const codeOf = (error: unknown): number | undefined => {
  if (error instanceof MongoServerError || error instanceof MongoBulkWriteError) {
    return typeof error.code === 'number' ? error.code : undefined;
  }
  return undefined;
};

const percentile = (sorted: number[], p: number): number => {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 1000) / 1000;
};

const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A document with a string _id and anything else. */
type AnyDoc = { _id: string } & Record<string, unknown>;

interface PlayerDoc {
  _id: string;
  name: string;
  roomId: string;
  level: number;
  xp: number;
  health: number;
  version: number;
  inventory?: Record<string, number>;
  tags?: string[];
  outbox?: Array<{ id: string; type: string }>;
}

const ROOMS = 50;
const playerId = (i: number) => `p-${i.toString().padStart(7, '0')}`;
const seedDoc = (i: number): PlayerDoc => ({
  _id: playerId(i),
  name: `player-${i}`,
  roomId: `room-${i % ROOMS}`,
  level: (i * 7919) % 100,
  xp: (i * 104729) % 10_000,
  health: 100,
  version: 1,
  inventory: { potion: i % 5 },
  tags: ['seed'],
});

// ---------------------------------------------------------------------------------------------
// compatibility checks

type CheckFn = (db: Db) => Promise<Omit<CompatibilityCheck, 'id' | 'kind'>>;

interface CheckSpec {
  readonly id: string;
  readonly kind: CompatibilityCheck['kind'];
  readonly run: CheckFn;
}

const guardedUpsert = (col: Collection<PlayerDoc>, id: string, version: number, set: Partial<PlayerDoc> = {}) =>
  col.updateOne({ _id: id, version: { $lt: version } }, { $set: { ...set, version } }, { upsert: true });

const CHECKS: CheckSpec[] = [
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
            return { status: 'fail', detail: `stale upsert raised a non-11000 error`, error: describeError(error) };
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
          error: describeError(error),
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
        errorText = describeError(error);
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
      const ok = applied.length === 3 && guarded && sameJson(errorIndexes, [1, 3]) && codes.every((c) => c === 11000);
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
        updateOne: { filter: { _id: id, version: { $lt: 1 } }, update: { $set: { version: 1 } }, upsert: true },
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
          error: describeError(error),
        };
      }
    },
  },
  {
    id: '3a.findOneAndUpdate.set-inc-push-pull-after',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3a');
      await col.insertOne({ ...seedDoc(1), _id: 'a', tags: ['x', 'y'], version: 1 });
      const after = await col.findOneAndUpdate(
        { _id: 'a', version: 1 },
        { $set: { roomId: 'r9' }, $inc: { xp: 5, version: 1 }, $push: { tags: 'z' } },
        { returnDocument: 'after' },
      );
      const pulled = await col.findOneAndUpdate(
        { _id: 'a', version: 2 },
        { $pull: { tags: 'x' }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      );
      const ok =
        after?.roomId === 'r9' &&
        after.version === 2 &&
        sameJson(after.tags, ['x', 'y', 'z']) &&
        pulled?.version === 3 &&
        sameJson(pulled.tags, ['y', 'z']);
      return {
        status: ok ? 'pass' : 'fail',
        detail: `after $set/$inc/$push: ${JSON.stringify(after)}; after $pull: tags=${JSON.stringify(pulled?.tags)} version=${String(pulled?.version)}`,
      };
    },
  },
  {
    id: '3b.findOneAndUpdate.version-mismatch-returns-null',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3b');
      await col.insertOne({ ...seedDoc(1), _id: 'a', version: 3 });
      const r = await col.findOneAndUpdate({ _id: 'a', version: 2 }, { $inc: { xp: 1, version: 1 } }, { returnDocument: 'after' });
      const doc = await col.findOne({ _id: 'a' });
      return {
        status: r === null && doc?.version === 3 ? 'pass' : 'fail',
        detail: `stale version filter -> ${JSON.stringify(r)}; stored version ${String(doc?.version)}`,
      };
    },
  },
  {
    id: '3c.findOneAndUpdate.returnDocument-before',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3c');
      await col.insertOne({ ...seedDoc(1), _id: 'a', xp: 1 });
      const before = await col.findOneAndUpdate({ _id: 'a' }, { $inc: { xp: 1 } }, { returnDocument: 'before' });
      return { status: before?.xp === 1 ? 'pass' : 'fail', detail: `before.xp=${String(before?.xp)}` };
    },
  },
  {
    id: '3d.update.push-each-slice',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3d');
      await col.insertOne({ ...seedDoc(1), _id: 'a', outbox: [{ id: 'e1', type: 'T' }] });
      const r = await col.findOneAndUpdate(
        { _id: 'a' },
        { $push: { outbox: { $each: [{ id: 'e2', type: 'T' }, { id: 'e3', type: 'T' }], $slice: -2 } } },
        { returnDocument: 'after' },
      );
      const ids = r?.outbox?.map((e) => e.id);
      return { status: sameJson(ids, ['e2', 'e3']) ? 'pass' : 'fail', detail: `outbox ids after $push $each/$slice:-2 = ${JSON.stringify(ids)}` };
    },
  },
  {
    id: '3e.update.pull-by-field-from-array-of-docs',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3e');
      await col.insertOne({ ...seedDoc(1), _id: 'a', outbox: [{ id: 'e1', type: 'T' }, { id: 'e2', type: 'T' }] });
      await col.updateOne({ _id: 'a' }, { $pull: { outbox: { id: { $in: ['e1'] } } } });
      const doc = await col.findOne({ _id: 'a' });
      const ids = doc?.outbox?.map((e) => e.id);
      return { status: sameJson(ids, ['e2']) ? 'pass' : 'fail', detail: `outbox ids after $pull {id: {$in: [e1]}} = ${JSON.stringify(ids)}` };
    },
  },
  {
    id: '3f.update.dotted-set-unset-setOnInsert-max-addToSet',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3f');
      await col.updateOne(
        { _id: 'a' },
        { $set: { 'inventory.sword': 1 }, $setOnInsert: { name: 'ins' }, $max: { level: 3 }, $addToSet: { tags: 't' } },
        { upsert: true },
      );
      await col.updateOne(
        { _id: 'a' },
        { $unset: { 'inventory.sword': '' }, $set: { 'inventory.shield': 2 }, $setOnInsert: { name: 'ignored' }, $max: { level: 2 }, $addToSet: { tags: 't' } },
        { upsert: true },
      );
      const doc = await col.findOne({ _id: 'a' });
      const ok = sameJson(doc?.inventory, { shield: 2 }) && doc?.name === 'ins' && doc.level === 3 && sameJson(doc.tags, ['t']);
      return { status: ok ? 'pass' : 'fail', detail: JSON.stringify(doc) };
    },
  },
  {
    id: '4a.unique-index.violation-raises-11000',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c4a');
      const name = await col.createIndex({ name: 1 }, { unique: true, name: 'name_unique' });
      await col.insertOne({ ...seedDoc(1), _id: 'a', name: 'same' });
      try {
        await col.insertOne({ ...seedDoc(2), _id: 'b', name: 'same' });
        return { status: 'fail', detail: `index ${name} created but the duplicate insert succeeded` };
      } catch (error) {
        return {
          status: codeOf(error) === 11000 ? 'pass' : 'fail',
          detail: `createIndex -> ${name}; duplicate insert raised code ${String(codeOf(error))}`,
          error: describeError(error),
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
        return { status: codeOf(error) === 11000 ? 'pass' : 'fail', detail: 'upsert violating a secondary unique index', error: describeError(error) };
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
        return { status: codeOf(error) === 11000 ? 'pass' : 'fail', detail: 'duplicate (roomId,name) rejected', error: describeError(error) };
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
          return { status: codeOf(error) === 11000 ? 'pass' : 'fail', detail: 'missing fields allowed twice, duplicate value rejected', error: describeError(error) };
        }
      } catch (error) {
        return { status: 'fail', detail: 'sparse unique index not usable', error: describeError(error) };
      }
    },
  },
  {
    id: '4f.partial-index',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<AnyDoc>('c4f');
      try {
        await col.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { email: { $exists: true } } });
      } catch (error) {
        return { status: 'fail', detail: 'createIndex with partialFilterExpression rejected', error: describeError(error) };
      }
      try {
        await col.insertMany([{ _id: 'a' }, { _id: 'b' }]);
      } catch (error) {
        return {
          status: 'fail',
          detail: 'index created, but the filter is ignored: two documents without the field collide (null duplicate)',
          error: describeError(error),
        };
      }
      await col.insertOne({ _id: 'c', email: 'x' });
      try {
        await col.insertOne({ _id: 'd', email: 'x' });
        return { status: 'fail', detail: 'partial unique index created but duplicate accepted' };
      } catch (error) {
        return { status: codeOf(error) === 11000 ? 'pass' : 'fail', detail: 'partial unique index enforced', error: describeError(error) };
      }
    },
  },
  {
    id: '5.find-sort-limit-leaderboard',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c5');
      await col.createIndex({ level: -1, xp: -1 });
      const docs = Array.from({ length: 200 }, (_, i) => seedDoc(i));
      await col.insertMany(docs);
      const top = await col.find({}, { projection: { _id: 1, level: 1, xp: 1 } }).sort({ level: -1, xp: -1 }).limit(10).toArray();
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
        status: inRoom === 4 && page[0]?._id === 'p-0000051' && estimated === 100 && distinct.length === 50 ? 'pass' : 'fail',
        detail: `countDocuments($in)=${inRoom} skip/limit=${JSON.stringify(page.map((d) => d._id))} estimated=${estimated} distinct=${distinct.length}`,
      };
    },
  },
  ...(['$sum', '$max', '$push', '$first'] as const).map(
    (acc): CheckSpec => ({
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
          acc === '$sum' ? { $sum: 1 } : acc === '$max' ? { $max: '$level' } : acc === '$push' ? { $push: '$_id' } : { $first: '$_id' };
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
            $sum: [['r1', 2, 8], ['r2', 1, 7]],
            $max: [['r1', 5, 8], ['r2', 7, 7]],
            $push: [['r1', ['a', 'b'], 8], ['r2', ['c'], 7]],
            $first: [['r1', 'a', 8], ['r2', 'c', 7]],
          }[acc];
          return { status: sameJson(values, expected) ? 'pass' : 'fail', detail: `rows=${JSON.stringify(values)}` };
        } catch (error) {
          return { status: 'fail', detail: `${acc} in $group not supported`, error: describeError(error) };
        }
      },
    }),
  ),
  {
    id: '6b.aggregate.count-limit-project',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c6b');
      await col.insertMany(Array.from({ length: 20 }, (_, i) => seedDoc(i)));
      try {
        const counted = await col.aggregate([{ $match: { roomId: 'room-1' } }, { $count: 'n' }]).toArray();
        const projected = await col
          .aggregate([{ $sort: { level: -1 } }, { $limit: 2 }, { $project: { _id: 0, name: 1, level: 1 } }])
          .toArray();
        return {
          status: counted[0]?.['n'] === 1 && projected.length === 2 && !('_id' in (projected[0] ?? {})) ? 'pass' : 'fail',
          detail: `$count=${JSON.stringify(counted)} $sort/$limit/$project=${JSON.stringify(projected)}`,
        };
      } catch (error) {
        return { status: 'fail', detail: '$count/$project failed', error: describeError(error) };
      }
    },
  },
  {
    id: '8a.avoid.nested-arrays',
    kind: 'avoid',
    run: async (db) => {
      const col = db.collection<AnyDoc>('c8a');
      try {
        await col.insertOne({ _id: 'a', grid: [[1, 2], [3]] });
        const doc = await col.findOne({ _id: 'a' });
        return { status: 'info', detail: `accepted and read back ${JSON.stringify(doc?.['grid'])}` };
      } catch (error) {
        return { status: 'info', detail: 'rejected', error: describeError(error) };
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
          .aggregate([{ $lookup: { from: 'c8b2', localField: 'ref', foreignField: '_id', as: 'joined' } }])
          .toArray();
        return { status: 'info', detail: `supported: ${JSON.stringify(rows)}` };
      } catch (error) {
        return { status: 'info', detail: 'not supported', error: describeError(error) };
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
        return { status: 'info', detail: `transaction committed (count=${n}); atomicity NOT verified` };
      } catch (error) {
        return { status: 'info', detail: 'not supported', error: describeError(error) };
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
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000)),
        ]);
        return { status: 'info', detail: `watch() opened (first=${JSON.stringify(first)})` };
      } catch (error) {
        return { status: 'info', detail: 'not supported', error: describeError(error) };
      } finally {
        await stream.close().catch(() => undefined);
      }
    },
  },
];

export const COMPATIBILITY_CHECK_IDS = CHECKS.map((c) => c.id);

const runChecks = async (db: Db): Promise<CompatibilityCheck[]> => {
  const results: CompatibilityCheck[] = [];
  for (const check of CHECKS) {
    try {
      results.push({ id: check.id, kind: check.kind, ...(await check.run(db)) });
    } catch (error) {
      results.push({
        id: check.id,
        kind: check.kind,
        status: check.kind === 'avoid' ? 'info' : 'fail',
        detail: 'threw',
        error: describeError(error),
      });
    }
  }
  return results;
};

// ---------------------------------------------------------------------------------------------
// throughput

interface LoopSpec {
  readonly id: string;
  readonly description: string;
  /** Resolves to the number of writes skipped by the version guard (E11000), if any. */
  readonly op: (worker: number, seq: number) => Promise<number | void>;
  readonly docsPerOp?: number;
  readonly concurrency?: number;
}

/** Runs a guarded write; E11000 answers (the version guard) are counted as skips, not errors. */
const skipsOf = async (write: () => Promise<unknown>): Promise<number> => {
  try {
    await write();
    return 0;
  } catch (error) {
    if (error instanceof MongoBulkWriteError) {
      const list = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (list.length > 0 && list.every((e) => e.code === 11000)) return list.length;
    } else if (codeOf(error) === 11000) {
      return 1;
    }
    throw error;
  }
};

/**
 * Closed loop: `concurrency` workers issue the operation back to back. Operations that complete during the
 * warm-up are not counted; operations that start before the end are awaited and counted, and the rate is
 * operations / (last completion - end of warm-up), so a slow operation (seconds per call) still gets a
 * rate instead of zero (slightly optimistic by at most `concurrency` operations).
 */
const runLoop = async (
  spec: LoopSpec,
  settings: { seconds: number; warmupSeconds: number; concurrency: number; opTimeoutMs: number },
): Promise<ThroughputResult> => {
  const { seconds, warmupSeconds, opTimeoutMs } = settings;
  let hung = false;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const concurrency = spec.concurrency ?? settings.concurrency;
  const latencies: number[] = [];
  let operations = 0;
  let errors = 0;
  let skipped = 0;
  let lastCompletion = 0;
  let firstError: string | undefined;
  let seq = 0;
  const warmupEnd = performance.now() + warmupSeconds * 1000;
  const end = warmupEnd + seconds * 1000;

  const withTimeout = async (w: number): Promise<number | void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${opTimeoutMs} ms (server hung)`)), opTimeoutMs);
    });
    try {
      return await Promise.race([spec.op(w, seq++), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const worker = async (w: number) => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end || hung) return;
      try {
        const skips = await withTimeout(w);
        const t1 = performance.now();
        if (t1 >= warmupEnd) {
          operations++;
          skipped += skips ?? 0;
          latencies.push(t1 - t0);
          lastCompletion = Math.max(lastCompletion, t1);
        }
      } catch (error) {
        errors++;
        firstError ??= describeError(error);
        if (error instanceof Error && error.message.includes('(server hung)')) {
          hung = true;
          stop();
          return;
        }
        if (errors > 100 && operations === 0) return; // the operation does not work at all
      }
    }
  };
  // A hung server leaves requests pending forever: stop waiting for the other workers then.
  await Promise.race([Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w))), stopped]);
  const elapsed = Math.max(0.001, (Math.max(lastCompletion, end) - warmupEnd) / 1000);
  latencies.sort((a, b) => a - b);
  const opsPerSecond = operations / elapsed;
  return {
    id: spec.id,
    description: spec.description,
    operations,
    seconds: round(elapsed, 2),
    opsPerSecond: round(opsPerSecond),
    ...(spec.docsPerOp ? { docsPerSecond: round(opsPerSecond * spec.docsPerOp) } : {}),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    errors,
    ...(skipped > 0 ? { skipped } : {}),
    concurrency,
    ...(hung ? { hung } : {}),
    ...(firstError === undefined ? {} : { firstError }),
  };
};

const runThroughput = async (
  db: Db,
  settings: { docs: number; seconds: number; concurrency: number; bulkSize: number; warmupSeconds: number; opTimeoutMs: number },
  log: (line: string) => void,
): Promise<ThroughputResult[]> => {
  const { docs, bulkSize } = settings;
  const players = db.collection<PlayerDoc>('players');
  await players.createIndex({ level: -1, xp: -1 });
  await players.createIndex({ roomId: 1 });

  const seedStart = performance.now();
  for (let i = 0; i < docs; i += 1000) {
    await players.insertMany(Array.from({ length: Math.min(1000, docs - i) }, (_, k) => seedDoc(i + k)), { ordered: false });
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`seeded ${docs} docs in ${seedSeconds.toFixed(2)} s`);

  // Versions only ever grow, so every guarded upsert applies (the measured path is the normal one).
  let version = 10;
  const randomId = () => playerId(Math.floor(Math.random() * docs));

  const specs: LoopSpec[] = [
    {
      id: 'guarded-upsert',
      description: 'updateOne({_id, version:{$lt:v}}, {$set}, {upsert:true}), one per request',
      op: () => skipsOf(() => guardedUpsert(players, randomId(), ++version, { health: 90 })),
    },
    {
      id: `bulkWrite-${bulkSize}-unordered`,
      description: `bulkWrite of ${bulkSize} guarded upserts, ordered:false (ops/s = batches/s)`,
      docsPerOp: bulkSize,
      concurrency: Math.min(2, settings.concurrency),
      op: () => {
        const start = Math.floor(Math.random() * docs);
        const ops: AnyBulkWriteOperation<PlayerDoc>[] = [];
        for (let k = 0; k < bulkSize; k++) {
          const v = ++version;
          ops.push({
            updateOne: {
              filter: { _id: playerId((start + k) % docs), version: { $lt: v } },
              update: { $set: { health: 80, version: v } },
              upsert: true,
            },
          });
        }
        return skipsOf(() => players.bulkWrite(ops, { ordered: false }));
      },
    },
    {
      id: 'findOneAndUpdate-inc',
      description: "findOneAndUpdate({_id}, {$inc:{xp:1,version:1}}, {returnDocument:'after'})",
      op: async () => {
        const r = await players.findOneAndUpdate({ _id: randomId() }, { $inc: { xp: 1, version: 1 } }, { returnDocument: 'after' });
        if (r === null) throw new Error('findOneAndUpdate returned null');
      },
    },
    {
      id: 'find-leaderboard',
      description: 'find({}).sort({level:-1,xp:-1}).limit(10) with index {level:-1,xp:-1}',
      op: async () => {
        const top = await players.find({}).sort({ level: -1, xp: -1 }).limit(10).toArray();
        if (top.length !== 10) throw new Error(`leaderboard returned ${top.length}`);
      },
    },
    {
      id: 'find-by-id',
      description: 'findOne({_id})',
      op: async () => {
        await players.findOne({ _id: randomId() });
      },
    },
    {
      id: 'aggregate-match-group-sort',
      description: 'aggregate([$match {level:{$gte:50}}, $group {_id:$roomId, n:{$sum:1}}, $sort {n:-1}])',
      op: async () => {
        await players
          .aggregate([
            { $match: { level: { $gte: 50 } } },
            { $group: { _id: '$roomId', n: { $sum: 1 } } },
            { $sort: { n: -1 } },
          ])
          .toArray();
      },
    },
  ];

  const results: ThroughputResult[] = [
    {
      id: 'seed-insertMany-1000',
      description: `insertMany of 1000 docs, ordered:false, sequential (${docs} docs, no warm-up)`,
      operations: Math.ceil(docs / 1000),
      seconds: round(seedSeconds, 2),
      opsPerSecond: round(Math.ceil(docs / 1000) / seedSeconds),
      docsPerSecond: round(docs / seedSeconds),
      latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
      errors: 0,
      concurrency: 1,
    },
  ];
  for (const spec of specs) {
    if (results.some((r) => r.hung)) {
      results.push({
        id: spec.id,
        description: spec.description,
        operations: 0,
        seconds: 0,
        opsPerSecond: 0,
        latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
        errors: 0,
        concurrency: spec.concurrency ?? settings.concurrency,
        notMeasured: true,
        firstError: 'not measured: an earlier operation hung the server',
      });
      continue;
    }
    log(`measuring ${spec.id} for ${settings.seconds} s (+${settings.warmupSeconds} s warm-up) at concurrency ${settings.concurrency}`);
    const result = await runLoop(spec, settings);
    log(`  ${result.opsPerSecond} ops/s${result.docsPerSecond ? ` (${result.docsPerSecond} docs/s)` : ''}, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, errors ${result.errors}`);
    results.push(result);
  }
  return results;
};

// ---------------------------------------------------------------------------------------------
// server identity

const identifyServer = async (client: MongoClient): Promise<MongoWireBenchResult['server']> => {
  const admin = client.db('admin');
  const buildInfo = await admin.command({ buildInfo: 1 });
  const hello = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
  const status = await admin.command({ serverStatus: 1 }).catch(() => ({}) as Document);
  const version = String(buildInfo['version'] ?? 'unknown');
  let name: string;
  if (buildInfo['ferretdbVersion'] !== undefined) {
    const features = buildInfo['ferretdbFeatures'] as Document | undefined;
    name = `FerretDB ${String(buildInfo['ferretdbVersion'])}${features ? ` ${JSON.stringify(features)}` : ''} (reports MongoDB ${version})`;
  } else if (status['process'] === 'java') {
    name = `mongo-java-server (reports MongoDB ${version})`;
  } else if (buildInfo['gitVersion'] !== undefined) {
    name = `MongoDB ${version}`;
  } else {
    name = `unknown MongoDB-wire server (reports ${version})`;
  }
  const maxWireVersion = hello['maxWireVersion'];
  return {
    name,
    version,
    ...(typeof maxWireVersion === 'number' ? { maxWireVersion } : {}),
    buildInfo: { ...buildInfo, ok: undefined },
  };
};

// ---------------------------------------------------------------------------------------------

export async function runMongoWireBench(
  options: MongoWireBenchOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<MongoWireBenchResult> {
  const docs = options.docs ?? 10_000;
  const seconds = options.seconds ?? 5;
  const concurrency = options.concurrency ?? 8;
  const bulkSize = options.bulkSize ?? 500;
  const warmupSeconds = Math.min(1, seconds / 5);
  const opTimeoutMs = options.opTimeoutMs ?? 30_000;
  const startedAt = new Date();
  const database = `qfbench_${options.label.replace(/[^A-Za-z0-9]/g, '_').slice(0, 24)}_${startedAt.getTime()}_${randomBytes(3).toString('hex')}`;

  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: Math.max(10, concurrency * 2),
    appName: 'qf-mongo-wire-bench',
  });
  await client.connect();
  try {
    const server = await identifyServer(client);
    log(`server: ${server.name}; database ${database}`);
    const db = client.db(database);
    const compatibility = await runChecks(db);
    const required = compatibility.filter((c) => c.kind === 'required');
    const throughput = options.compatibilityOnly
      ? []
      : await runThroughput(db, { docs, seconds, concurrency, bulkSize, warmupSeconds, opTimeoutMs }, log);
    const cpus = os.cpus();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const driverVersion = (require('mongodb/package.json') as { version: string }).version;
    return {
      label: options.label,
      url: options.url.replace(/\/\/[^@/]*@/, '//***@'),
      startedAt: startedAt.toISOString(),
      durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? 'unknown',
        totalMemoryGiB: round(os.totalmem() / 2 ** 30, 1),
        loadAverage: os.loadavg().map((l) => round(l, 2)),
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        node: process.version,
        mongodbDriver: driverVersion,
      },
      server,
      settings: {
        database,
        docs,
        seconds,
        concurrency,
        bulkSize,
        warmupSeconds,
        writeConcern: 'driver default (w:1 / server default)',
        opTimeoutMs,
      },
      compatibility,
      compatibilitySummary: {
        requiredPassed: required.filter((c) => c.status === 'pass').length,
        requiredTotal: required.length,
      },
      throughput,
    };
  } finally {
    const drop = client
      .db(database)
      .dropDatabase()
      .then(() => undefined)
      .catch((error: unknown) => log(`could not drop ${database}: ${describeError(error)}`));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      drop,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log(`could not drop ${database}: no answer within 15 s (drop it by hand)`);
          resolve();
        }, 15_000);
      }),
    ]);
    clearTimeout(timer);
    await client.close(true);
  }
}

/** Plain-text table of a result (compatibility matrix + throughput). */
export const formatMongoWireBench = (result: MongoWireBenchResult): string => {
  const lines: string[] = [];
  const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
  const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
  lines.push(`# ${result.label}: ${result.server.name}`);
  lines.push(
    `machine: ${result.machine.cpus} cpus (${result.machine.cpuModel}), ${result.machine.totalMemoryGiB} GiB, load ${result.machine.loadAverage.join('/')}, ${result.machine.platform}, node ${result.machine.node}, driver ${result.machine.mongodbDriver}`,
  );
  const s = result.settings;
  lines.push(`settings: docs=${s.docs} seconds=${s.seconds} (+${s.warmupSeconds} warm-up) concurrency=${s.concurrency} bulkSize=${s.bulkSize} db=${s.database}`);
  lines.push('');
  lines.push(`compatibility (required ${result.compatibilitySummary.requiredPassed}/${result.compatibilitySummary.requiredTotal} pass)`);
  for (const c of result.compatibility) {
    lines.push(`  ${pad(c.status.toUpperCase(), 4)} ${pad(c.kind, 8)} ${c.id}`);
    lines.push(`         ${c.detail}`);
    if (c.error) lines.push(`         error: ${c.error}`);
  }
  if (result.throughput.length > 0) {
    lines.push('');
    lines.push(
      `${pad('operation', 30)} ${lpad('conc', 4)} ${lpad('ops/s', 10)} ${lpad('docs/s', 10)} ${lpad('p50 ms', 9)} ${lpad('p99 ms', 9)} ${lpad('skipped', 8)} ${lpad('errors', 7)}`,
    );
    for (const t of result.throughput) {
      lines.push(
        `${pad(t.id, 30)} ${lpad(String(t.concurrency), 4)} ${lpad(t.opsPerSecond.toFixed(1), 10)} ${lpad(t.docsPerSecond?.toFixed(0) ?? '', 10)} ${lpad(t.latencyMs.p50.toFixed(2), 9)} ${lpad(t.latencyMs.p99.toFixed(2), 9)} ${lpad(String(t.skipped ?? 0), 8)} ${lpad(String(t.errors), 7)}`,
      );
      if (t.hung) lines.push('    HUNG: an operation got no answer; later operations were not measured');
      if (t.firstError) lines.push(`    first error: ${t.firstError}`);
    }
  }
  return lines.join('\n');
};
