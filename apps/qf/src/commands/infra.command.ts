import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  createInfraContext,
  infraDown,
  infraStatus,
  infraUp,
  listRecorded,
  INFRA_PREFIX,
} from '@qf/local-infra';
import { intInRange } from './parse-options';

const printStatus = async () => {
  const ctx = createInfraContext();
  const rows = await infraStatus(ctx);
  for (const row of rows) {
    const health = row.healthy ? 'healthy' : 'DOWN';
    const pids =
      row.pids.length > 0
        ? `pids ${row.pids.join(',')}`
        : row.mode === 'external'
          ? 'external'
          : 'not started by qf';
    process.stdout.write(
      `${row.name.padEnd(6)} ${health.padEnd(8)} ${row.address.padEnd(48)} ${pids}\n`,
    );
    if (row.detail) process.stdout.write(`       ${row.detail}\n`);
    if (row.logFile)
      process.stdout.write(`       log: ${path.relative(process.cwd(), row.logFile)}\n`);
  }
  return rows;
};

/** `qf infra up|down|status|logs`: the real local Kafka, Mongo-wire server and Redis. */
export const registerInfraCommands = (program: Command): void => {
  const infra = program
    .command('infra')
    .description(
      'run the local infrastructure (Kafka KRaft, Mongo-wire server, Redis) as local processes',
    );

  infra
    .command('up')
    .description(
      'install what is missing, start what is not running, wait until each answers a real request',
    )
    .option(
      '--brokers <n>',
      'Kafka nodes: 1 (combined KRaft node) or 3 (RF 3, min ISR 2)',
      intInRange('--brokers', 1, 3),
      1,
    )
    .action(async (options: { brokers: number }) => {
      if (options.brokers === 2)
        throw new Error('--brokers takes 1 or 3 (a 2-node KRaft quorum cannot lose a node)');
      const ctx = createInfraContext();
      await infraUp(ctx, { brokers: options.brokers });
      await printStatus();
    });

  infra
    .command('down')
    .description('stop exactly the processes `qf infra up` started (data is kept in .local/data)')
    .action(async () => {
      const stopped = await infraDown(createInfraContext());
      process.stdout.write(
        stopped.length > 0 ? `stopped ${stopped.join(', ')}\n` : 'nothing of ours was running\n',
      );
    });

  infra
    .command('status')
    .description('health, address and pids of each component; exit code 1 when one is down')
    .action(async () => {
      const rows = await printStatus();
      if (rows.some((row) => !row.healthy)) process.exitCode = 1;
    });

  infra
    .command('logs')
    .description('show the log of a component (kafka-1, kafka-2, kafka-3, mongo, redis)')
    .argument('[component]', 'which log; all when omitted')
    .option('-n, --lines <n>', 'lines from the end', intInRange('--lines', 1, 1_000_000), 50)
    .option('-f, --follow', 'keep printing new lines')
    .action(async (component: string | undefined, options: { lines: number; follow?: boolean }) => {
      const ctx = createInfraContext();
      const files = listRecorded(ctx, INFRA_PREFIX)
        .filter(
          (record) =>
            !component ||
            record.name === `${INFRA_PREFIX}${component}` ||
            record.name.startsWith(`${INFRA_PREFIX}${component}`),
        )
        .map((record) => record.logFile)
        .filter((file) => fs.existsSync(file));
      if (files.length === 0) {
        throw new Error(
          component
            ? `no log for "${component}": is it started? (qf infra status)`
            : 'no infra logs yet: run `qf infra up`',
        );
      }
      const args = ['-n', String(options.lines), ...(options.follow ? ['-F'] : []), ...files];
      await new Promise<void>((resolve) =>
        spawn('tail', args, { stdio: 'inherit' }).on('exit', () => resolve()),
      );
    });
};
