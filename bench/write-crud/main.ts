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
 * Every run also prints what a command cost: CPU milliseconds per process (the services,
 * the database server, Kafka and this load generator, found by their ports) and database
 * requests and statements per service (each service counts what its client sends).
 *
 *   node -r ./tools/register.js bench/write-crud/main.ts --rate 200 --duration 30 \
 *     [--probes 50] [--distribution zipf --zipf-exponent 1.2] [--audit dual-write] [--relays 2] [--consumers 2]
 *     [--profile DIR]   a V8 CPU profile of every started service
 *
 * The highest rate whose p95 holds is `npx qf bench write --target crud --search` (the ES
 * bench's search, on the same fleet and probes: ./crud-target.ts).
 *
 * Needs the local infrastructure (`npx qf infra up`) or KAFKA_BROKERS / MONGO_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { parseMix, type KeyDistribution } from '@qf/loadgen';
import { startCrudFleet } from './crud-fleet';
import {
  formatCrudStep,
  runCrudStep,
  type CrudStepOptions,
  type CrudStepResult,
} from './crud-step';

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

  const fleet = await startCrudFleet({
    audit: options.audit,
    relays: options.relays,
    consumers: options.consumers,
    partitions: options.partitions,
    ...(options.logs ? { logDir: options.logs } : {}),
    ...(options.profile ? { profileDir: options.profile } : {}),
    keep: options.keep ?? false,
    log,
  });
  const { backend, logDir } = fleet;
  try {
    const stepOptions = (rate: number): CrudStepOptions => ({
      rate,
      durationSec: options.duration,
      warmupSec: options.warmup,
      players: options.players,
      scenario: options.scenario,
      ...(options.mix ? { mix: parseMix(options.mix) } : {}),
      distribution,
      connections: options.connections,
      partitions: options.partitions,
      seed: options.seed,
      probes: options.probes,
      drainTimeoutSec: options.drainTimeout,
    });
    const settings = {
      relays: options.relays,
      consumers: options.consumers,
      partitions: options.partitions,
    };
    const withRun = (step: CrudStepResult) => ({
      ...step.report,
      backend: { ...step.report.backend, ...backend },
      settings: { ...step.report.settings, ...settings },
      crud: {
        ...step.extras,
        ...(step.cost ? { cost: step.cost } : {}),
        ...(step.timeToConsistency ? { timeToConsistency: step.timeToConsistency } : {}),
      },
    });
    const startedAt = new Date().toISOString();
    const step = await runCrudStep(fleet, stepOptions(options.rate), log);
    const json = withRun(step);
    const text = `${formatCrudStep(step, options.audit, options.probes)}\nbackend: ${backend.mongoWireServer} at ${backend.mongoWire}\n`;
    const out =
      options.out ??
      path.join('reports', 'bench', `write-crud-${startedAt.replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`${text}JSON: ${out}\nservice logs: ${logDir}\n`);
  } finally {
    await fleet.close();
  }
};

main().catch((error: unknown) => {
  log(
    `write-crud failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
