import { performance } from 'node:perf_hooks';
import { type AnyBulkWriteOperation, type Collection, type Db, MongoBulkWriteError } from 'mongodb';
import { type LoopSpec, round, runLoop } from './closed-loop';
import type { ThroughputResult } from './mongo-wire.types';
import { guardedUpsert, playerId, seedDoc, type PlayerDoc } from './player-docs';
import { codeOf } from './wire-errors';

/** The throughput part's settings (options with their defaults applied). */
export interface ThroughputSettings {
  readonly docs: number;
  readonly seconds: number;
  readonly concurrency: number;
  readonly bulkSize: number;
  readonly warmupSeconds: number;
  readonly opTimeoutMs: number;
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

/** Indexes the measured queries need, then `docs` players in sequential inserts of 1000. */
const seedPlayers = async (
  players: Collection<PlayerDoc>,
  docs: number,
  log: (line: string) => void,
): Promise<ThroughputResult> => {
  await players.createIndex({ level: -1, xp: -1 });
  await players.createIndex({ roomId: 1 });
  const seedStart = performance.now();
  for (let i = 0; i < docs; i += 1000) {
    await players.insertMany(
      Array.from({ length: Math.min(1000, docs - i) }, (_, k) => seedDoc(i + k)),
      { ordered: false },
    );
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`seeded ${docs} docs in ${seedSeconds.toFixed(2)} s`);
  return {
    id: 'seed-insertMany-1000',
    description: `insertMany of 1000 docs, ordered:false, sequential (${docs} docs, no warm-up)`,
    operations: Math.ceil(docs / 1000),
    seconds: round(seedSeconds, 2),
    opsPerSecond: round(Math.ceil(docs / 1000) / seedSeconds),
    docsPerSecond: round(docs / seedSeconds),
    latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
    errors: 0,
    concurrency: 1,
  };
};

/** The measured operations on the seeded players, in the order they run. */
const throughputSpecs = (
  players: Collection<PlayerDoc>,
  settings: ThroughputSettings,
): LoopSpec[] => {
  const { docs, bulkSize } = settings;
  // Versions only ever grow, so every guarded upsert applies (the measured path is the normal one).
  let version = 10;
  const randomId = () => playerId(Math.floor(Math.random() * docs));
  return [
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
        const r = await players.findOneAndUpdate(
          { _id: randomId() },
          { $inc: { xp: 1, version: 1 } },
          { returnDocument: 'after' },
        );
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
      description:
        'aggregate([$match {level:{$gte:50}}, $group {_id:$roomId, n:{$sum:1}}, $sort {n:-1}])',
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
};

/** The row of an operation skipped because an earlier one hung the server. */
const notMeasured = (spec: LoopSpec, settings: ThroughputSettings): ThroughputResult => ({
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

/** Seeds the players, then measures each operation closed loop; a hung server ends the measuring. */
export const runThroughput = async (
  db: Db,
  settings: ThroughputSettings,
  log: (line: string) => void,
): Promise<ThroughputResult[]> => {
  const players = db.collection<PlayerDoc>('players');
  const results: ThroughputResult[] = [await seedPlayers(players, settings.docs, log)];
  for (const spec of throughputSpecs(players, settings)) {
    if (results.some((r) => r.hung)) {
      results.push(notMeasured(spec, settings));
      continue;
    }
    log(
      `measuring ${spec.id} for ${settings.seconds} s (+${settings.warmupSeconds} s warm-up) at concurrency ${settings.concurrency}`,
    );
    const result = await runLoop(spec, settings);
    log(
      `  ${result.opsPerSecond} ops/s${result.docsPerSecond ? ` (${result.docsPerSecond} docs/s)` : ''}, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, errors ${result.errors}`,
    );
    results.push(result);
  }
  return results;
};
