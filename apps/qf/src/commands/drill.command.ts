import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  DEFAULT_DRILL_OPTIONS,
  FAULT_NAMES,
  FAULTS,
  isFaultName,
  ledgerTable,
  runDrill,
  type DrillReport,
  type FaultName,
} from '@qf/drill';
import { collect, intInRange, serviceEnvOf } from './parse-options';

interface DrillCommandOptions {
  arch?: 'es' | 'crud';
  rate: number;
  seconds: number;
  faultAt?: number;
  players: number;
  brokers: number;
  signal: 'TERM' | 'KILL';
  pause: number;
  outage: number;
  settle: number;
  sloMs: number;
  partitions: number;
  keepData?: boolean;
  env: string[];
  json?: boolean;
  out?: string;
}

const faultArgument = (value: string): FaultName => {
  if (!isFaultName(value)) throw new InvalidArgumentError(`allowed: ${FAULT_NAMES.join(', ')}`);
  return value;
};

const summary = (report: DrillReport): string => {
  const lines = [
    ledgerTable(
      report.ledger,
      `qf drill ${report.fault} --arch ${report.arch} --rate ${report.options.rate} --seconds ${report.options.seconds}: ${report.faultEvent.description} at ${(report.faultEvent.injectedAtMs / 1000).toFixed(1)} s`,
      report.options.sloMs,
    ),
  ];
  if (report.reads)
    lines.push(
      `reads through the query service: ${report.reads.reads}, failed ${report.reads.failed}, older than Mongo ${report.reads.stale}`,
      ...report.reads.examples.map((line) => `  ${line}`),
    );
  if (report.ledger.unresolved > 0)
    lines.push(
      `${report.ledger.unresolved} commands were still unanswered when the settle time (--settle ${report.options.settleSeconds} s) ran out: the fleet had not recovered`,
    );
  if (!report.settled)
    lines.push(
      'the consumers had not caught up when the stores were read: what they miss counts as lost',
    );
  lines.push(
    report.passed
      ? 'PASS: nothing lost, nothing applied twice, every command answered'
      : 'FAIL: see the findings above',
  );
  return lines.join('\n');
};

/** Runs the drill, writes the JSON report, prints the table; exit code 1 unless it passed. */
const runDrillCommand = async (fault: FaultName, options: DrillCommandOptions): Promise<void> => {
  process.env['QF_LOG_LEVEL'] ??= 'warn';
  // The drill's own clients stay quiet; its services log kafkajs as a fleet does (warn, or what was asked).
  const servicesKafkaLevel = process.env['QF_KAFKA_LOG_LEVEL'] ?? 'warn';
  process.env['QF_KAFKA_LOG_LEVEL'] ??= 'nothing';
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const arch = options.arch ?? (FAULTS[fault].arches[0] as 'es' | 'crud');
  const faultAt = options.faultAt ?? Math.max(1, Math.round(options.seconds / 4));
  if (faultAt >= options.seconds)
    throw new InvalidArgumentError(
      `--fault-at (${faultAt}) must come before the end of --seconds (${options.seconds})`,
    );
  const report = await runDrill({
    fault,
    arch,
    rate: options.rate,
    seconds: options.seconds,
    faultAtSeconds: faultAt,
    players: options.players,
    brokers: options.brokers,
    signal: options.signal,
    pauseSeconds: options.pause,
    outageSeconds: options.outage,
    settleSeconds: options.settle,
    sloMs: options.sloMs,
    partitions: options.partitions,
    keepData: options.keepData === true,
    serviceEnv: { QF_KAFKA_LOG_LEVEL: servicesKafkaLevel, ...serviceEnvOf(options.env) },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const file =
    options.out ??
    path.join(
      'reports',
      'drill',
      `${report.startedAt.replace(/[:.]/g, '-')}-${fault}-${arch}.json`,
    );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : `${summary(report)}\nreport: ${file}\n`,
  );
  if (!report.passed) process.exitCode = 1;
};

/** The load and when the fault comes. */
const withLoadOptions = (command: Command): Command => {
  const d = DEFAULT_DRILL_OPTIONS;
  return command
    .addOption(
      new Option(
        '--arch <arch>',
        'the architecture under the fault (default: the first the fault applies to)',
      ).choices(['es', 'crud']),
    )
    .option('--rate <n>', 'commands per second, open loop', intInRange('--rate', 1, 5000), d.rate)
    .option('--seconds <n>', 'length of the load', intInRange('--seconds', 5, 3600), d.seconds)
    .option(
      '--fault-at <n>',
      'seconds into the load when the fault comes (default: a quarter of --seconds)',
      intInRange('--fault-at', 1, 3600),
    )
    .option(
      '--players <n>',
      'players registered before the load',
      intInRange('--players', 1, 100_000),
      d.players,
    );
};

/** How each fault is shaped: brokers, signal, pause and outage length. */
const withFaultOptions = (command: Command): Command => {
  const d = DEFAULT_DRILL_OPTIONS;
  return command
    .option(
      '--brokers <n>',
      'Kafka nodes of the private cluster for kafka-outage (broker-kill always runs 3)',
      intInRange('--brokers', 1, 3),
      d.brokers,
    )
    .addOption(
      new Option(
        '--signal <signal>',
        'db-restart / redis-restart: stop cleanly or crash the server',
      )
        .choices(['TERM', 'KILL'])
        .default(d.signal),
    )
    .option(
      '--pause <seconds>',
      'processor-pause: how long the processor is frozen',
      intInRange('--pause', 1, 600),
      d.pauseSeconds,
    )
    .option(
      '--outage <seconds>',
      'kafka-outage: how long every broker is down',
      intInRange('--outage', 1, 600),
      d.outageSeconds,
    );
};

/** The audit afterwards, the drill fleet, and where the report goes. */
const withAuditOptions = (command: Command): Command => {
  const d = DEFAULT_DRILL_OPTIONS;
  return command
    .option(
      '--settle <seconds>',
      'how long unanswered commands are retried after the load (the stores then get twice as long to catch up)',
      intInRange('--settle', 5, 3600),
      d.settleSeconds,
    )
    .option(
      '--slo-ms <ms>',
      'a second whose first-attempt p99 is above this counts as not recovered',
      intInRange('--slo-ms', 1, 600_000),
      d.sloMs,
    )
    .option(
      '--partitions <n>',
      'partitions of the drill fleet’s topics',
      intInRange('--partitions', 1, 1000),
      d.partitions,
    )
    .option('--keep-data', "keep the drill's topics and database afterwards")
    .option(
      '--env <NAME=VALUE>',
      'extra environment for every service of the drill fleet (repeatable): tuning',
      collect,
      [],
    )
    .option('--json', 'print the report as JSON on stdout')
    .option(
      '--out <file>',
      'where to write the JSON report (default reports/drill/<time>-<fault>-<arch>.json)',
    );
};

/**
 * `qf drill <fault>`: a fault drill with a nothing-lost ledger. Runs a fleet of its own
 * under an open-loop load of keyed commands, injects the fault, retries what got no
 * decision with the same key, audits the stores and prints the table; exit code 1 when
 * anything was lost or applied twice.
 */
export const registerDrillCommand = (program: Command): void => {
  const drill = program
    .command('drill')
    .description(
      'inject a fault under load, then audit that nothing acknowledged was lost or applied twice',
    )
    .argument(
      '<fault>',
      FAULT_NAMES.map((name) => `${name}: ${FAULTS[name].summary}`).join('\n'),
      faultArgument,
    );
  withAuditOptions(withFaultOptions(withLoadOptions(drill))).action(runDrillCommand);
};
