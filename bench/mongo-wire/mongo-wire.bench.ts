/**
 * Measures a MongoDB-wire server (mongo-java-server, FerretDB, real MongoDB) on the operations
 * Quest Fleet uses: compatibility first (pass/fail per check, with the server's error text), then
 * throughput (closed loop, `concurrency` requests in flight, for `seconds` per operation).
 *
 * Every run works in its own database (`qfbench_<label>_<time>_<random>`), dropped at the end.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { round } from './closed-loop';
import { runChecks } from './compatibility';
import type { MongoWireBenchOptions, MongoWireBenchResult } from './mongo-wire.types';
import { identifyServer } from './server-identity';
import { runThroughput } from './throughput';
import { describeMongoError } from './wire-errors';

export { COMPATIBILITY_CHECK_IDS } from './compatibility';
export { formatMongoWireBench } from './mongo-wire.format';
export type * from './mongo-wire.types';

/** The options with their defaults applied, and the run's own database name. */
const settingsOf = (options: MongoWireBenchOptions, startedAt: Date) => {
  const seconds = options.seconds ?? 5;
  return {
    database: `qfbench_${options.label.replace(/[^A-Za-z0-9]/g, '_').slice(0, 24)}_${startedAt.getTime()}_${randomBytes(3).toString('hex')}`,
    docs: options.docs ?? 10_000,
    seconds,
    concurrency: options.concurrency ?? 8,
    bulkSize: options.bulkSize ?? 500,
    warmupSeconds: Math.min(1, seconds / 5),
    opTimeoutMs: options.opTimeoutMs ?? 30_000,
  };
};

const machineOf = (): MongoWireBenchResult['machine'] => {
  const cpus = os.cpus();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const driverVersion = (require('mongodb/package.json') as { version: string }).version;
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    mongodbDriver: driverVersion,
  };
};

/** Drops the run's database, giving up (with a line saying so) after 15 s: a hung server must not hang the bench. */
const dropDatabaseWithin15s = async (
  client: MongoClient,
  database: string,
  log: (line: string) => void,
) => {
  const drop = client
    .db(database)
    .dropDatabase()
    .then(() => undefined)
    .catch((error: unknown) => log(`could not drop ${database}: ${describeMongoError(error)}`));
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
};

/** Identifies the server, runs the compatibility checks, then (unless compatibilityOnly) the throughput loops. */
export async function runMongoWireBench(
  options: MongoWireBenchOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<MongoWireBenchResult> {
  const startedAt = new Date();
  const settings = settingsOf(options, startedAt);
  const { database } = settings;
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: Math.max(10, settings.concurrency * 2),
    appName: 'qf-mongo-wire-bench',
  });
  await client.connect();
  try {
    const server = await identifyServer(client);
    log(`server: ${server.name}; database ${database}`);
    const db = client.db(database);
    const compatibility = await runChecks(db);
    const required = compatibility.filter((c) => c.kind === 'required');
    const throughput = options.compatibilityOnly ? [] : await runThroughput(db, settings, log);
    return {
      label: options.label,
      url: options.url.replace(/\/\/[^@/]*@/, '//***@'),
      startedAt: startedAt.toISOString(),
      durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
      machine: machineOf(),
      server,
      settings: {
        database,
        docs: settings.docs,
        seconds: settings.seconds,
        concurrency: settings.concurrency,
        bulkSize: settings.bulkSize,
        warmupSeconds: settings.warmupSeconds,
        writeConcern: 'driver default (w:1 / server default)',
        opTimeoutMs: settings.opTimeoutMs,
      },
      compatibility,
      compatibilitySummary: {
        requiredPassed: required.filter((c) => c.status === 'pass').length,
        requiredTotal: required.length,
      },
      throughput,
    };
  } finally {
    await dropDatabaseWithin15s(client, database, log);
    await client.close(true);
  }
}
