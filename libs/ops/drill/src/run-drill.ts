import { randomBytes } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { fleetDown, fleetUp, Pm2Driver, type Arch } from '@qf/fleet';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { awaitSettled, readStores } from './audit/read-stores';
import { prepareDrillInfra, type DrillInfra } from './drill-infra';
import { loadWithFault, type DrillRun, type LoadOutcome } from './drill-run';
import { FAULTS, type FaultName } from './faults/fault-catalog';
import type { FaultEvent } from './faults/inject-fault';
import { buildLedger, ledgerPasses, type Ledger } from './ledger/ledger';
import type { ReadFindings } from './load/read-checks';

/** How a drill runs (the CLI's flags). */
export interface DrillOptions {
  readonly fault: FaultName;
  readonly arch: Arch;
  /** Commands per second, open loop. */
  readonly rate: number;
  /** Length of the load. */
  readonly seconds: number;
  /** When the fault is injected, seconds after the load began. */
  readonly faultAtSeconds: number;
  readonly players: number;
  /** Kafka nodes for kafka-outage (broker-kill always runs 3). */
  readonly brokers: number;
  readonly signal: 'TERM' | 'KILL';
  readonly pauseSeconds: number;
  readonly outageSeconds: number;
  /** Unanswered commands are retried this long after the load; then the stores get as long to catch up. */
  readonly settleSeconds: number;
  /** A second whose first-attempt p99 is above this is not recovered. */
  readonly sloMs: number;
  readonly partitions: number;
  /** Keep the drill's topics and database afterwards (they are deleted otherwise). */
  readonly keepData: boolean;
  /** Extra environment for every service of the drill's fleet (tuning). */
  readonly serviceEnv: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

export const DEFAULT_DRILL_OPTIONS: Omit<DrillOptions, 'fault' | 'arch' | 'log'> = {
  rate: 100,
  seconds: 40,
  faultAtSeconds: 10,
  players: 200,
  brokers: 1,
  signal: 'TERM',
  pauseSeconds: 15,
  outageSeconds: 20,
  settleSeconds: 60,
  sloMs: 1000,
  partitions: 12,
  keepData: false,
  serviceEnv: {},
};

export interface DrillReport {
  readonly fault: FaultName;
  readonly arch: Arch;
  readonly startedAt: string;
  readonly options: Omit<DrillOptions, 'log'>;
  readonly faultEvent: FaultEvent;
  readonly ledger: Ledger;
  /** The read checks (ES drills): reads served, failed, stale. */
  readonly reads?: ReadFindings;
  /** The derived stores caught up before the audit (else the audit shows what they miss). */
  readonly settled: boolean;
  readonly passed: boolean;
  /** Where the drill's server and service logs were kept (a failed drill, or --keep-data). */
  readonly logDir?: string;
}

/**
 * Port offset of the default drill fleet (HTTP 17000…, gRPC 64051…): clear of the default
 * fleet, tests and experiments, and of Linux's ephemeral range (32768-60999), where a gRPC
 * port can be taken for a while by some client's outgoing connection (seen: 55052).
 */
export const DRILL_PORT_OFFSET = 14_000;

/** The fleet identity of a drill: the caller's when set (QF_FLEET_ID), else `drill` on ports +14000. */
const withDrillIdentity = (): (() => void) => {
  const saved = { id: process.env['QF_FLEET_ID'], offset: process.env['QF_FLEET_PORT_OFFSET'] };
  if (!saved.id) {
    process.env['QF_FLEET_ID'] = 'drill';
    process.env['QF_FLEET_PORT_OFFSET'] = saved.offset ?? String(DRILL_PORT_OFFSET);
  }
  return () => {
    for (const [name, value] of [
      ['QF_FLEET_ID', saved.id],
      ['QF_FLEET_PORT_OFFSET', saved.offset],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
};

/** Starts the drill's fleet: the fault's services (two replicas of the one it kills) on the drill's topics and database. */
const startFleet = async (
  options: DrillOptions,
  infra: DrillInfra,
  prefix: string,
  database: string,
) =>
  fleetUp(
    {
      arch: options.arch,
      scale: FAULTS[options.fault].scale(options.arch),
      env: {
        QF_TOPIC_PREFIX: prefix,
        QF_MONGO_DB: database,
        QF_PARTITIONS: String(options.partitions),
        QF_LOG_LEVEL: 'warn',
        ...options.serviceEnv,
      },
      healthTimeoutMs: 180_000,
      log: (line) => options.log(`fleet: ${line}`),
    },
    infra.ctx,
  );

/** After the load: waits for the consumers (and the outbox) to catch up, reads the stores, judges them. */
const audit = async (
  run: DrillRun,
  prefix: string,
  loaded: LoadOutcome,
): Promise<{ ledger: Ledger; settled: boolean }> => {
  const { options } = run;
  options.log('settling: waiting for the consumers and the outbox to catch up');
  const groups = options.arch === 'es' ? [`${prefix}projector`] : [`${prefix}audit-consumer`];
  const settled = await awaitSettled(
    options.arch,
    { admin: run.admin, db: run.db, topics: run.topics, groups },
    options.settleSeconds * 1000 * 2,
  );
  const stores = await readStores(options.arch, run);
  const ledger = buildLedger(loaded.records, stores, {
    faultAtMs: loaded.fault.injectedAtMs,
    sloMs: options.sloMs,
    fromMs: loaded.loadStartMs,
  });
  return { ledger, settled };
};

/** Removes what the drill made (unless --keep-data) and stops its fleet and private servers. */
const cleanUp = async (run: DrillRun, prefix: string, keepFiles: boolean, mongo: MongoClient) => {
  const { log } = run.options;
  run.driver.disconnect();
  await fleetDown(run.infra.ctx).catch((error: unknown) =>
    log(`fleet down failed: ${(error as Error).message}`),
  );
  if (!run.options.keepData) {
    await run.db.dropDatabase().catch(() => undefined);
    await run.admin
      .listTopics()
      .then((all) =>
        run.admin.deleteTopics({ topics: all.filter((topic) => topic.startsWith(prefix)) }),
      )
      .catch(() => undefined);
  }
  await Promise.all([
    run.admin.disconnect().catch(() => undefined),
    mongo.close().catch(() => undefined),
  ]);
  if (keepFiles) log(`the drill's logs are in ${run.infra.ctx.logDir}`);
  await run.infra
    .teardown(keepFiles)
    .catch((error: unknown) => log(`infra teardown failed: ${(error as Error).message}`));
};

/**
 * A fault drill: starts a fleet of its own (its topics, database, pm2 namespace and, for
 * faults that kill a server, private servers), drives an open-loop load of commands with
 * Idempotency-Keys, injects the fault, retries unanswered commands with their key, lets the
 * stores settle, and audits them against every acknowledged command.
 */
export const runDrill = async (options: DrillOptions): Promise<DrillReport> => {
  const spec = FAULTS[options.fault];
  if (!spec.arches.includes(options.arch))
    throw new Error(
      `${options.fault} applies to --arch ${spec.arches.join(' or ')}, not ${options.arch}`,
    );
  const startedAt = new Date().toISOString();
  const stamp = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const prefix = `${process.env['QF_TOPIC_PREFIX'] ?? ''}drill-${options.fault}-${stamp}.`;
  const database = `${process.env['QF_MONGO_DB'] ?? 'qf'}_drill_${stamp}`.replace(
    /[^A-Za-z0-9_]/g,
    '_',
  );
  const restoreIdentity = withDrillIdentity();
  const infra = await prepareDrillInfra(spec.privateInfra(options.brokers), options.log).catch(
    (error: unknown) => {
      // No servers, no fleet: only the identity to put back (the error says where the logs are).
      restoreIdentity();
      throw error;
    },
  );
  const kafka = createKafka('qf-drill');
  const mongo = createMongoClient();
  const run: DrillRun = {
    options,
    infra,
    driver: new Pm2Driver(infra.ctx),
    kafka,
    admin: kafka.admin(),
    db: mongo.db(database),
    topics: topicNames(prefix),
  };
  // The drill's files (private servers' and services' logs) stay for a look when it fails or --keep-data.
  let keepFiles = true;
  try {
    options.log(
      `${options.fault} (${spec.summary}) on --arch ${options.arch}: fleet ${process.env['QF_FLEET_ID']}, topics ${prefix}*, database ${database}`,
    );
    await startFleet(options, infra, prefix, database);
    await Promise.all([run.admin.connect(), mongo.connect()]);
    const loaded = await loadWithFault(run);
    const { ledger, settled } = await audit(run, prefix, loaded);
    const { log: _log, ...recorded } = options;
    // A command still unanswered when the settle time ran out means the fleet had not
    // recovered: that fails the drill too (and keeps its logs), not only what was lost.
    const passed =
      ledgerPasses(ledger) && ledger.unresolved === 0 && (loaded.reads?.stale ?? 0) === 0;
    keepFiles = options.keepData || !passed;
    const relative = (ms: number) => ms - loaded.loadStartMs;
    return {
      fault: options.fault,
      arch: options.arch,
      startedAt,
      options: recorded,
      faultEvent: {
        ...loaded.fault,
        injectedAtMs: relative(loaded.fault.injectedAtMs),
        ...(loaded.fault.endedAtMs !== undefined
          ? { endedAtMs: relative(loaded.fault.endedAtMs) }
          : {}),
      },
      ledger,
      ...(loaded.reads ? { reads: loaded.reads } : {}),
      settled,
      passed,
      ...(keepFiles ? { logDir: infra.ctx.logDir } : {}),
    };
  } finally {
    await cleanUp(run, prefix, keepFiles, mongo);
    restoreIdentity();
  }
};
