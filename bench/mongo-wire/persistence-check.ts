/**
 * Check 7 of the MongoDB-wire comparison: does the server keep data across a restart?
 * Starts its own server (the same command line `qf infra up` uses) on a spare port with a fresh data dir,
 * writes, stops it with SIGTERM, starts it again and reads back; then the same with SIGKILL (crash).
 *
 *   node -r ./tools/register.js bench/mongo-wire/persistence-check.ts --backend mongo-java-server --port 27119
 *   node -r ./tools/register.js bench/mongo-wire/persistence-check.ts --backend ferretdb --port 27120
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import {
  createInfraContext,
  isRecordedAlive,
  spawnRecorded,
  stopRecorded,
  waitUntil,
  type InfraContext,
  type RecordedProcess,
} from '@qf/local-infra';
import {
  installMongoWire,
  mongoWireSpawnSpec,
  pingMongo,
  selectedMongoBackend,
} from '../../libs/ops/local-infra/src/components/mongo-wire.component';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const withClient = async <T>(url: string, f: (client: MongoClient) => Promise<T>): Promise<T> => {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.close(true);
  }
};

const playersOf = (client: MongoClient) =>
  client.db('qf_persist').collection<{ _id: string; name: string; version: number }>('players');

const crashOf = (client: MongoClient) =>
  client.db('qf_persist').collection<{ _id: string; batch: string }>('crash');

/** Phase 1 writes: `docs` players under a unique index, then one guarded update. */
const seedPlayers = (url: string, docs: number) =>
  withClient(url, async (client) => {
    const col = playersOf(client);
    await col.createIndex({ name: 1 }, { unique: true });
    for (let i = 0; i < docs; i += 500) {
      await col.insertMany(
        Array.from({ length: Math.min(500, docs - i) }, (_, k) => ({
          _id: `p${i + k}`,
          name: `n${i + k}`,
          version: 1,
        })),
      );
    }
    await col.updateOne(
      { _id: 'p0', version: { $lt: 7 } },
      { $set: { version: 7 } },
      { upsert: true },
    );
  });

/** Phase 1 reads, after the clean restart: every document, the update, the index still enforced. */
const readAfterCleanStop = (url: string, docs: number) =>
  withClient(url, async (client) => {
    const col = playersOf(client);
    const count = await col.countDocuments();
    const p0 = await col.findOne({ _id: 'p0' });
    const indexes = (await col.listIndexes().toArray()).map((i) => i['name'] as string);
    let uniqueEnforced = false;
    try {
      await col.insertOne({ _id: 'dup', name: 'n1', version: 1 });
    } catch (error) {
      uniqueEnforced = (error as { code?: number }).code === 11000;
    }
    return { count, expected: docs, p0Version: p0?.version, indexes, uniqueEnforced };
  });

/** Phase 2 writes: batch a, 3 s, batch b (the kill follows at once). */
const writeBeforeCrash = (url: string) =>
  withClient(url, async (client) => {
    const col = crashOf(client);
    await col.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: `a${i}`, batch: 'a' })));
    await sleep(3000);
    await col.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: `b${i}`, batch: 'b' })));
  });

/** Phase 2 reads, after the crash and a restart. */
const readAfterCrash = (url: string, docs: number) =>
  withClient(url, async (client) => {
    const col = crashOf(client);
    return {
      writtenThreeSecondsBeforeKill: await col.countDocuments({ batch: 'a' }),
      writtenJustBeforeKill: await col.countDocuments({ batch: 'b' }),
      of: 100,
      dbStillOpens: (await playersOf(client).countDocuments()) >= docs,
    };
  });

const main = async () => {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: selectedMongoBackend() },
      port: { type: 'string', default: '27119' },
      docs: { type: 'string', default: '1000' },
    },
  });
  const backend = selectedMongoBackend({ QF_MONGO_BACKEND: values.backend });
  const port = Number(values.port);
  const docs = Number(values.docs);
  const base = createInfraContext();
  const work = path.join(base.localDir, 'tmp-mongo-bench', `persist-${backend}-${Date.now()}`);
  const ctx: InfraContext = {
    ...base,
    dataDir: path.join(work, 'data'),
    logDir: path.join(work, 'logs'),
    runDir: path.join(work, 'run'),
  };
  const url = `mongodb://127.0.0.1:${port}`;
  if (await pingMongo(url))
    throw new Error(`something already answers on ${url}; pick another --port`);
  await installMongoWire(base, backend);
  const spec = mongoWireSpawnSpec(ctx, backend, {
    port,
    dataDir: ctx.dataDir,
    name: `persist-${backend}`,
  });
  const report: Record<string, unknown> = {
    backend,
    port,
    docs,
    dataDir: ctx.dataDir,
    command: [spec.command, ...spec.args].join(' '),
  };

  const start = async (): Promise<RecordedProcess> => {
    const t0 = Date.now();
    const record = spawnRecorded(ctx, spec);
    if (!(await waitUntil(() => pingMongo(url), { timeoutMs: 60_000, intervalMs: 200 }))) {
      throw new Error(`server did not answer; see ${record.logFile}`);
    }
    process.stderr.write(`started pid ${record.pid} in ${Date.now() - t0} ms\n`);
    return record;
  };
  let record = await start();
  try {
    // 1. write, then a clean stop (SIGTERM to the process group, as `qf infra down` does)
    await seedPlayers(url, docs);
    let t0 = Date.now();
    await stopRecorded(ctx, record, 30_000);
    report['sigtermStopMs'] = Date.now() - t0;

    record = await start();
    report['afterSigterm'] = await readAfterCleanStop(url, docs);

    // 2. crash: write A, wait 3 s, write B, SIGKILL at once
    await writeBeforeCrash(url);
    process.kill(-record.pid, 'SIGKILL');
    await waitUntil(async () => !isRecordedAlive(record), { timeoutMs: 10_000, intervalMs: 50 });
    t0 = Date.now();
    await stopRecorded(ctx, record, 1000); // forgets the record
    record = await start();
    report['afterSigkill'] = await readAfterCrash(url, docs);
  } finally {
    await stopRecorded(ctx, record, 30_000);
  }
  const after = report['afterSigterm'] as {
    count: number;
    expected: number;
    p0Version?: number;
    uniqueEnforced: boolean;
  };
  report['persistedAcrossRestart'] =
    after.count === after.expected + 0 && after.p0Version === 7 && after.uniqueEnforced;
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  fs.rmSync(work, { recursive: true, force: true });
};

main().catch((error: unknown) => {
  process.stderr.write(
    `persistence check failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
