/**
 * The CRUD write benchmark with its audit path running: starts crud-service, outbox-relay(s)
 * and audit-consumer(s) as child processes on their own database and topics, drives the
 * same open-loop workload as `qf bench write` (runWriteBench from bench/write, against
 * the started crud-service), then adds what only the CRUD side has: OCC conflicts and
 * retries, outbox backlog, audit lag (occurredAt -> stored in audit_log) and completeness,
 * and time to consistency measured as the experiment does (probeConsistency of
 * @qf/experiment: register a new player under the load, read its history every 5 ms
 * until the event shows; timed from the command's answer).
 *
 *   node -r ./tools/register.js bench/write-crud/main.ts --rate 200 --duration 30 \
 *     [--probes 50] [--distribution zipf --zipf-exponent 1.2] [--audit dual-write] [--relays 2] [--consumers 2]
 *
 * Needs the local infrastructure (`npx qf infra up`) or KAFKA_BROKERS / MONGO_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { MongoClient } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { formatWriteBench, runWriteBench } from '@qf/bench-write';
import { probeConsistency } from '@qf/experiment';
import { formatTable, HttpTarget, parseMix, type KeyDistribution } from '@qf/loadgen';
import { freePort, startChildService, type ChildService } from '@qf/player-crud/testing';
import { infraAddresses } from '@qf/shared-config';
import { createKafka } from '@qf/shared-kafka';
import {
  commandCost,
  cpuSecondsOf,
  formatCommandCost,
  pidListeningOn,
  takeCostSnapshot,
  type CostSnapshot,
} from './cost';
import {
  BacklogSampler,
  formatCrudExtras,
  measureCrudExtras,
  readCrudCounters,
  waitForAuditDrain,
} from './crud-extras';

const int = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} takes a whole number from ${min} to ${max}`);
  return n;
};

const program = new Command('write-crud')
  .option('--rate <n>', 'intended commands per second', int('--rate', 1, 100_000), 200)
  .option('--duration <s>', 'measured seconds', int('--duration', 1, 86_400), 30)
  .option('--warmup <s>', 'warm-up seconds at the same rate', int('--warmup', 0, 3600), 5)
  .option('--players <n>', 'players registered first', int('--players', 1, 10_000_000), 1000)
  .option('--scenario <name>', 'write-heavy or read-heavy', 'write-heavy')
  .option('--mix <weights>', 'override the mix, e.g. move=30,pick-up=20')
  .option('--distribution <uniform|zipf>', 'how players are picked (zipf: hot keys)', 'uniform')
  .option('--zipf-exponent <s>', 'Zipf exponent', '1.0')
  .option('--connections <n>', 'HTTP keep-alive connections', int('--connections', 1, 10_000), 64)
  .option('--audit <mode>', 'outbox or dual-write (the baseline)', 'outbox')
  .option('--relays <n>', 'outbox-relay replicas', int('--relays', 0, 16), 1)
  .option('--consumers <n>', 'audit-consumer replicas', int('--consumers', 1, 16), 1)
  .option(
    '--partitions <n>',
    'partitions of the per-run audit topic',
    int('--partitions', 1, 1000),
    12,
  )
  .option(
    '--probes <n>',
    'time-to-consistency probes spread over the measured seconds (0: none)',
    int('--probes', 0, 10_000),
    50,
  )
  .option('--seed <n>', 'seed of the operation and player choice', int('--seed', 0, 2 ** 31), 42)
  .option(
    '--drain-timeout <s>',
    'how long to wait for the audit log to catch up after the load',
    int('--drain-timeout', 0, 3600),
    120,
  )
  .option(
    '--profile <dir>',
    'write a V8 CPU profile of every started service into dir (node --cpu-prof)',
  )
  .option('--keep', 'keep the run database and topics')
  .option('--logs <dir>', 'where the services log (default .local/logs/bench-write-crud/<run>)')
  .option('--out <file>', 'JSON output (default reports/bench/write-crud-<time>.json)');

const log = (line: string) => process.stderr.write(`${line}\n`);

const main = async () => {
  program.parse();
  const options = program.opts<{
    rate: number;
    duration: number;
    warmup: number;
    players: number;
    scenario: string;
    mix?: string;
    distribution: string;
    zipfExponent: string;
    connections: number;
    audit: string;
    relays: number;
    consumers: number;
    partitions: number;
    seed: number;
    probes: number;
    drainTimeout: number;
    keep?: boolean;
    profile?: string;
    logs?: string;
    out?: string;
  }>();
  if (options.audit !== 'outbox' && options.audit !== 'dual-write')
    throw new InvalidArgumentError('--audit takes outbox or dual-write');
  const distribution: KeyDistribution =
    options.distribution === 'zipf'
      ? { kind: 'zipf', exponent: Number(options.zipfExponent) }
      : { kind: 'uniform' };

  const infra = infraAddresses();
  const run = `${Date.now().toString(36)}`;
  const dbName = `qf_bench_crud_${run}`;
  const prefix = `bench-crud-${run}.`;
  const env = {
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    MONGO_URL: infra.mongoUrl,
    QF_MONGO_DB: dbName,
    QF_TOPIC_PREFIX: prefix,
    QF_PARTITIONS: String(options.partitions),
    QF_AUDIT_MODE: options.audit,
    QF_LOG_LEVEL: 'warn',
    QF_KAFKA_LOG_LEVEL: 'error',
    NODE_ENV: 'production',
  };
  const mongo = await new MongoClient(infra.mongoUrl).connect();
  const db = mongo.db(dbName);
  const children: ChildService[] = [];
  const logDir = options.logs ?? path.join('.local', 'logs', 'bench-write-crud', run);
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = (name: string) => path.join(logDir, `${name}.log`);
  const nodeArgs = options.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profile)}`]
    : [];
  try {
    log(
      `database ${dbName}, topics ${prefix}*, audit mode ${options.audit}; starting ${options.consumers} audit-consumer(s), ${options.relays} relay(s), crud-service`,
    );
    for (let i = 0; i < options.consumers; i += 1)
      children.push(
        await startChildService(`audit-consumer-${i + 1}`, {
          entry: 'apps/audit-consumer/src/main.ts',
          env,
          nodeArgs,
          logFile: logFile(`audit-consumer-${i + 1}`),
        }),
      );
    // A port the system hands out (a random pick could be some connection's local port).
    const grpcPort = String(await freePort());
    const crud = await startChildService('crud-service', {
      entry: 'apps/crud-service/src/main.ts',
      env: { ...env, QF_GRPC_PORT: grpcPort },
      nodeArgs,
      logFile: logFile('crud-service'),
    });
    children.push(crud);
    const relays: ChildService[] = [];
    for (let i = 0; i < (options.audit === 'outbox' ? options.relays : 0); i += 1)
      relays.push(
        await startChildService(`outbox-relay-${i + 1}`, {
          entry: 'apps/outbox-relay/src/main.ts',
          env: { ...env, QF_RELAY_ID: `bench-relay-${i + 1}` },
          nodeArgs,
          logFile: logFile(`outbox-relay-${i + 1}`),
        }),
      );
    children.push(...relays);

    const sampler = new BacklogSampler(relays.map((relay) => relay.url));
    const before = await readCrudCounters(crud.url);
    // The window of the cost figures: from the end of registration to the end of the load.
    const mongoPort = Number(new URL(infra.mongoUrl).port || 27017);
    const costPids = new Map<string, number | undefined>([
      ['loadgen', process.pid],
      ['mongo-wire', pidListeningOn(mongoPort)],
      ['kafka', pidListeningOn(Number(infra.kafkaBrokers[0]?.split(':')[1] ?? 9092))],
      ...children.map((child) => [child.name, child.process.pid] as [string, number | undefined]),
    ]);
    const costServices = new Map(children.map((child) => [child.name, child.url]));
    let costStart: Promise<{ snapshot: CostSnapshot; counters: typeof before }> | undefined;
    const cpuBefore = new Map(
      children.map((child) => [child.name, cpuSecondsOf(child.process.pid)]),
    );
    sampler.start();
    // The probes start when the measured window does (after registering and warming up).
    let registered!: () => void;
    const measuring = new Promise<void>((resolve) => (registered = resolve));
    const probeTarget = new HttpTarget(crud.url, { connections: 8 });
    const probes =
      options.probes > 0
        ? measuring
            .then(() => new Promise((resolve) => setTimeout(resolve, options.warmup * 1000)))
            .then(() =>
              probeConsistency({
                arch: 'crud',
                commands: probeTarget,
                reads: probeTarget,
                probes: options.probes,
                spreadMs: options.duration * 1000 * 0.8,
              }),
            )
        : undefined;
    const report = await runWriteBench(
      {
        target: 'crud',
        baseUrl: crud.url,
        rate: options.rate,
        durationSec: options.duration,
        warmupSec: options.warmup,
        players: options.players,
        scenario: options.scenario,
        ...(options.mix ? { mix: parseMix(options.mix) } : {}),
        distribution,
        connections: options.connections,
        processors: 0,
        partitions: options.partitions,
        seed: options.seed,
        keepTopics: true,
      },
      (line) => {
        log(line);
        if (line.startsWith('registered in')) {
          registered();
          costStart = Promise.all([
            takeCostSnapshot(costPids, costServices),
            readCrudCounters(crud.url),
          ]).then(([snapshot, counters]) => ({ snapshot, counters }));
        }
      },
    );
    const costEnd = await takeCostSnapshot(costPids, costServices);
    const countersEnd = await readCrudCounters(crud.url);
    const started = await costStart;
    const cost = started
      ? commandCost(
          started.snapshot,
          costEnd,
          countersEnd.accepted +
            countersEnd.rejected +
            countersEnd.duplicates +
            countersEnd.exhausted -
            (started.counters.accepted +
              started.counters.rejected +
              started.counters.duplicates +
              started.counters.exhausted),
        )
      : undefined;
    const probe = await probes;
    await probeTarget.close();
    const to = new Date();
    const from = new Date(to.getTime() - options.duration * 1000);
    const cpuSeconds = Object.fromEntries(
      children.flatMap((child) => {
        const after = cpuSecondsOf(child.process.pid);
        const start = cpuBefore.get(child.name);
        return after === undefined || start === undefined
          ? []
          : [[child.name, Math.round((after - start) * 100) / 100]];
      }),
    );
    log('load done; waiting for the audit log to catch up');
    const drain =
      options.audit === 'outbox'
        ? await waitForAuditDrain(db, sampler, options.drainTimeout * 1000)
        : { seconds: 0, drained: true };
    if (options.audit === 'dual-write') await new Promise((resolve) => setTimeout(resolve, 3000));
    sampler.stop();
    const extras = await measureCrudExtras({
      db,
      crudUrl: crud.url,
      sampler,
      before,
      from,
      to,
      drain,
    });

    const result = {
      ...report,
      backend: {
        ...report.backend,
        mongoWire: infra.mongoUrl,
        kafka: infra.kafkaBrokers.join(','),
        auditMode: options.audit,
        database: dbName,
        topicPrefix: prefix,
      },
      settings: {
        ...report.settings,
        relays: options.relays,
        consumers: options.consumers,
        partitions: options.partitions,
      },
      cpuSeconds: { ...report.cpuSeconds, ...cpuSeconds },
      crud: {
        ...extras,
        ...(cost ? { cost } : {}),
        ...(probe ? { timeToConsistency: { ...probe.summary, errors: probe.errors } } : {}),
      },
    };
    const out =
      options.out ??
      path.join('reports', 'bench', `write-crud-${report.startedAt.replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `${formatWriteBench(result)}\n\nCRUD side (${options.audit}):\n${formatCrudExtras(extras)}\n\n${
        cost ? `${formatCommandCost(cost)}\n` : ''
      }${
        probe
          ? `\ntime to consistency (command answered -> event in GET /players/{id}/history, ${options.probes} probes, 5 ms polls):\n${formatTable(
              ['probes visible', 'timeouts', 'errors', 'p50 ms', 'p95 ms', 'p99 ms'],
              [
                [
                  probe.summary.count,
                  probe.summary.timeouts,
                  probe.errors,
                  probe.summary.p50,
                  probe.summary.p95,
                  probe.summary.p99,
                ].map(String),
              ],
            )}\n`
          : ''
      }JSON: ${out}\nservice logs: ${logDir}\n`,
    );
  } finally {
    await Promise.all(children.map((child) => child.stop().catch(() => undefined)));
    if (!options.keep) {
      await db.dropDatabase().catch(() => undefined);
      const admin = createKafka('bench-write-crud').admin();
      await admin
        .connect()
        .then(async () => {
          const existing = new Set(await admin.listTopics());
          await admin.deleteTopics({
            topics: Object.values(topicNames(prefix)).filter((topic) => existing.has(topic)),
          });
        })
        .catch(() => undefined)
        .finally(() => admin.disconnect());
    }
    await mongo.close();
  }
};

main().catch((error: unknown) => {
  log(
    `write-crud failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
