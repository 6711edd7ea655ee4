import { InvalidArgumentError, type Command } from 'commander';
import { topicNames } from '@qf/contracts';
import { createKafka, fleetConsumerLag } from '@qf/shared-kafka';
import { lagSummary } from './lag-format';
import {
  fleetDown,
  fleetScale,
  fleetStatus,
  fleetUp,
  FleetPlanError,
  parseScale,
  type ArchChoice,
  type Scale,
} from '@qf/fleet';

const archOption = (value: string): ArchChoice => {
  if (value === 'es' || value === 'crud' || value === 'both') return value;
  throw new InvalidArgumentError(`--arch takes es, crud or both, got "${value}"`);
};

const scaleOption = (value: string): Scale => {
  try {
    return parseScale(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof FleetPlanError ? error.message : String(error));
  }
};

const log = (line: string) => process.stderr.write(`${line}\n`);

const printStatus = async () => {
  const rows = await fleetStatus();
  if (rows.length === 0) {
    process.stdout.write('no fleet process is running (start one with `qf fleet up`)\n');
    return rows;
  }
  process.stdout.write(
    `${'process'.padEnd(24)}${'pid'.padEnd(8)}${'state'.padEnd(10)}${'health'.padEnd(12)}${'restarts'.padEnd(10)}${'cpu%'.padEnd(6)}${'rss MB'.padEnd(8)}address\n`,
  );
  for (const row of rows) {
    const detail = row.healthDetail as
      { details?: Record<string, unknown>; reasons?: string[] } | undefined;
    const owned = detail?.details?.['partitions'];
    process.stdout.write(
      `${row.name.padEnd(24)}${String(row.pid).padEnd(8)}${row.status.padEnd(10)}${row.health.padEnd(12)}${String(row.restarts).padEnd(10)}${String(row.cpuPercent).padEnd(6)}${(row.memoryBytes / 1e6).toFixed(0).padEnd(8)}${row.httpUrl}${row.grpcAddress ? ` grpc ${row.grpcAddress}` : ''}${owned !== undefined ? ` partitions ${JSON.stringify(owned)}` : ''}\n`,
    );
    // Why a replica is degraded or unhealthy, one line each (a partition stuck retrying, Kafka away …).
    for (const reason of row.health === 'ok' ? [] : (detail?.reasons ?? []))
      process.stdout.write(`    ${reason}\n`);
  }
  await printGroupLag();
  return rows;
};

/** The lag of every consumer group on the fleet's topics (details: `qf lag`). */
const printGroupLag = async () => {
  const names = topicNames();
  const admin = createKafka('qf-fleet-status').admin();
  try {
    await admin.connect();
    const lag = await fleetConsumerLag(admin, [names.commands, names.events, names.crudAudit]);
    if (lag.length > 0)
      process.stdout.write(
        `\nconsumer lag (per partition: qf lag)\n${lagSummary(lag)
          .map((line) => `  ${line}\n`)
          .join('')}`,
      );
  } catch (error) {
    process.stdout.write(
      `\nconsumer lag unavailable: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

/** `qf fleet up|status|scale|down`: the services as supervised local processes. */
export const registerFleetCommands = (program: Command): void => {
  const fleet = program
    .command('fleet')
    .description('run, inspect and scale the services of either architecture as local processes');

  fleet
    .command('up')
    .description(
      'start the infrastructure (if needed) and every service of the chosen architecture(s), wait until healthy',
    )
    .option('--arch <arch>', 'es, crud or both', archOption, 'both' as ArchChoice)
    .option('--scale <list>', 'replicas per service, e.g. processor=2,projector=3', scaleOption)
    .option('--restart', 'restart a service that crashes (otherwise it is reported and left down)')
    .action(async (options: { arch: ArchChoice; scale?: Scale; restart?: boolean }) => {
      await fleetUp({
        arch: options.arch,
        ...(options.scale ? { scale: options.scale } : {}),
        restart: options.restart ?? false,
        log,
      });
      await printStatus();
    });

  fleet
    .command('status')
    .description(
      'processes, health, partitions owned, restarts, CPU and memory; exit 1 when one is not healthy',
    )
    .action(async () => {
      const rows = await printStatus();
      if (rows.some((row) => row.health !== 'ok')) process.exitCode = 1;
    });

  fleet
    .command('scale')
    .description('add or remove replicas while the fleet serves, e.g. `qf fleet scale projector=4`')
    .argument('<list>', 'NAME=COUNT[,NAME=COUNT…]', scaleOption)
    .option('--restart', 'restart new replicas that crash')
    .action(async (scale: Scale, options: { restart?: boolean }) => {
      const { started, stopped } = await fleetScale(scale, {
        restart: options.restart ?? false,
        log,
      });
      log(`started ${started.length}, stopped ${stopped.length}`);
      await printStatus();
    });

  fleet
    .command('down')
    .description(
      'stop exactly the fleet processes (the infrastructure keeps running: `qf infra down`)',
    )
    .action(async () => {
      const stopped = await fleetDown();
      process.stdout.write(
        stopped.length > 0 ? `stopped ${stopped.join(', ')}\n` : 'no fleet process was running\n',
      );
    });
};
