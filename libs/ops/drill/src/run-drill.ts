import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { topicNames } from '@qf/contracts';
import { fleetDown, fleetUp, planReplicas, Pm2Driver, type Arch } from '@qf/fleet';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { awaitSettled, readStores } from './audit/read-stores';
import { prepareDrillInfra } from './drill-infra';
import { FAULTS, type FaultName } from './faults/fault-catalog';
import { injectFault, type FaultEvent } from './faults/inject-fault';
import { buildLedger, ledgerPasses, type Ledger } from './ledger/ledger';
import { DrillClient } from './load/drill-client';
import { runDrillLoad } from './load/drill-load';
import { runReadChecks, type ReadFindings } from './load/read-checks';

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
}

/** Port offset of the default drill fleet (HTTP 17000…, gRPC 64051…): clear of the default fleet, tests and experiments. */
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
  const { log } = options;
  const startedAt = new Date().toISOString();
  const stamp = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const prefix = `${process.env['QF_TOPIC_PREFIX'] ?? ''}drill-${options.fault}-${stamp}.`;
  const database = `${process.env['QF_MONGO_DB'] ?? 'qf'}_drill_${stamp}`.replace(
    /[^A-Za-z0-9_]/g,
    '_',
  );
  const topics = topicNames(prefix);
  const restoreIdentity = withDrillIdentity();
  const infra = await prepareDrillInfra(spec.privateInfra(options.brokers), log);
  // The drill's files (private servers' and services' logs) stay for a look when it fails or --keep-data.
  let keepFiles = true;
  const driver = new Pm2Driver(infra.ctx);
  const kafka = createKafka('qf-drill');
  const admin = kafka.admin();
  const mongo = createMongoClient();
  try {
    log(
      `${options.fault} (${spec.summary}) on --arch ${options.arch}: fleet ${process.env['QF_FLEET_ID']}, topics ${prefix}*, database ${database}`,
    );
    await fleetUp(
      {
        arch: options.arch,
        scale: spec.scale(options.arch),
        env: {
          QF_TOPIC_PREFIX: prefix,
          QF_MONGO_DB: database,
          QF_PARTITIONS: String(options.partitions),
          QF_LOG_LEVEL: 'warn',
          ...options.serviceEnv,
        },
        healthTimeoutMs: 180_000,
        log: (line) => log(`fleet: ${line}`),
      },
      infra.ctx,
    );
    await Promise.all([admin.connect(), mongo.connect()]);
    const db = mongo.db(database);
    const front = planReplicas({
      [options.arch === 'es' ? 'command-gateway' : 'crud-service']: 1,
    })[0];
    const query = planReplicas({ 'query-service': 1 })[0];
    const t0 = performance.now();
    const clock = () => performance.now() - t0;
    const client = new DrillClient(`http://127.0.0.1:${front?.httpPort}`, clock);
    const reader =
      options.arch === 'es'
        ? new DrillClient(`http://127.0.0.1:${query?.httpPort}`, clock)
        : undefined;

    let loadStart = 0;
    let loadDone = false;
    let players: readonly string[] = [];
    let faultRun: Promise<FaultEvent> | undefined;
    const fault = {
      arch: options.arch,
      driver,
      infra: infra.ctx,
      restartInfra: infra.restart,
      admin,
      topics,
      signal: options.signal,
      pauseMs: options.pauseSeconds * 1000,
      outageMs: options.outageSeconds * 1000,
      clock,
      log,
    };
    const reads = reader
      ? runReadChecks({
          client: reader,
          db,
          playerIds: () => players,
          rate: Math.max(1, options.rate / 4),
          until: () => loadDone,
        })
      : undefined;
    const load = await runDrillLoad({
      client,
      clock,
      players: options.players,
      rate: options.rate,
      durationMs: options.seconds * 1000,
      settleMs: options.settleSeconds * 1000,
      onLoadStart: (start, registered) => {
        loadStart = start;
        players = registered;
        log(
          `load: ${options.rate} commands/s for ${options.seconds} s; the fault comes at ${options.faultAtSeconds} s`,
        );
        faultRun = new Promise<FaultEvent>((resolve, reject) =>
          setTimeout(
            () => injectFault(options.fault, fault).then(resolve, reject),
            options.faultAtSeconds * 1000,
          ),
        );
        faultRun
          .then((event) =>
            log(
              `fault: ${event.description} at ${((event.injectedAtMs - loadStart) / 1000).toFixed(1)} s`,
            ),
          )
          .catch(() => undefined);
      },
      onProgress: (progress) =>
        log(
          `t=${(progress.elapsedMs / 1000).toFixed(0)} s: sent ${progress.sent}, decided ${progress.decided}, in flight ${progress.inFlight}` +
            (progress.elapsedMs < options.seconds * 1000
              ? `, ~${Math.round(options.seconds - progress.elapsedMs / 1000)} s of load left`
              : ', settling'),
        ),
    });
    loadDone = true;
    if (!faultRun) throw new Error('the load ended before the fault was scheduled');
    const faultEvent = await faultRun;
    const readFindings = await reads;
    log('settling: waiting for the consumers and the outbox to catch up');
    const groups = options.arch === 'es' ? [`${prefix}projector`] : [`${prefix}audit-consumer`];
    const settled = await awaitSettled(
      options.arch,
      { admin, db, topics, groups },
      options.settleSeconds * 1000 * 2,
    );
    const stores = await readStores(options.arch, { kafka, admin, db, topics });
    const ledger = buildLedger(load.records, stores, {
      faultAtMs: faultEvent.injectedAtMs,
      sloMs: options.sloMs,
      fromMs: loadStart,
    });
    await Promise.all([client.close(), reader?.close()]);
    const { log: _log, ...recorded } = options;
    const passed = ledgerPasses(ledger) && (readFindings?.stale ?? 0) === 0;
    keepFiles = options.keepData || !passed;
    return {
      fault: options.fault,
      arch: options.arch,
      startedAt,
      options: recorded,
      faultEvent: {
        ...faultEvent,
        injectedAtMs: faultEvent.injectedAtMs - loadStart,
        ...(faultEvent.endedAtMs !== undefined
          ? { endedAtMs: faultEvent.endedAtMs - loadStart }
          : {}),
      },
      ledger,
      ...(readFindings ? { reads: readFindings } : {}),
      settled,
      passed,
    };
  } finally {
    driver.disconnect();
    await fleetDown(infra.ctx).catch((error: unknown) =>
      log(`fleet down failed: ${(error as Error).message}`),
    );
    if (!options.keepData) {
      await mongo
        .db(database)
        .dropDatabase()
        .catch(() => undefined);
      await admin
        .listTopics()
        .then((all) =>
          admin.deleteTopics({ topics: all.filter((topic) => topic.startsWith(prefix)) }),
        )
        .catch(() => undefined);
    }
    await Promise.all([
      admin.disconnect().catch(() => undefined),
      mongo.close().catch(() => undefined),
    ]);
    if (keepFiles) log(`the drill's logs are in ${infra.ctx.logDir}`);
    await infra
      .teardown(keepFiles)
      .catch((error: unknown) => log(`infra teardown failed: ${(error as Error).message}`));
    restoreIdentity();
  }
};
