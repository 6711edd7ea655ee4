import type { Command } from 'commander';
import type { Admin } from 'kafkajs';
import type { Db } from 'mongodb';
import { operator } from '@qf/dead-letters';
import {
  assertView,
  groupOfView,
  PROJECTION_VIEWS,
  projectionStatus,
  setPaused,
  type ProjectionStatus,
} from '@qf/projections';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient, databaseName } from '@qf/shared-mongo';

interface CommonOptions {
  prefix?: string;
  db?: string;
  json?: boolean;
}

const seconds = (value: number | null): string =>
  value === null ? '?' : value < 60 ? `${value.toFixed(1)}s` : `${(value / 60).toFixed(1)}m`;

/** The status as a table, one view per line. */
export const statusTable = (status: ProjectionStatus): string => {
  const header = [
    'VIEW',
    'GEN',
    'COLLECTION',
    'GROUP',
    'REPLICAS',
    'OFFSET-LAG',
    'TIME-LAG',
    'STATE',
    'LAST-ERROR',
  ];
  const rows = status.views.map((view) => [
    view.view,
    String(view.generation ?? '?'),
    view.collection,
    view.group,
    String(view.replicas),
    view.offsetLag === null ? '-' : String(view.offsetLag),
    seconds(view.timeLagSeconds),
    view.paused ? `paused (${view.pausedBy} ${view.pausedAt})` : 'running',
    view.lastError ?? '-',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: string[]) =>
    row
      .map((value, column) => value.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
};

const withClients = async <T>(
  options: CommonOptions,
  work: (db: Db, admin: Admin) => Promise<T>,
): Promise<T> => {
  const mongo = await createMongoClient().connect();
  const admin = createKafka('qf-projections').admin();
  await admin.connect();
  try {
    return await work(mongo.db(options.db ?? databaseName()), admin);
  } finally {
    await Promise.all([admin.disconnect(), mongo.close()]);
  }
};

const prefixOf = (options: CommonOptions): string =>
  options.prefix ?? process.env['QF_TOPIC_PREFIX'] ?? '';

/**
 * `qf projections status|pause|resume`: per view its generation, consumer group, lag and
 * time lag, last error and whether it is paused; pausing a view pauses the consumer group
 * that writes it (the four ES views share the projector's), on every replica within seconds.
 */
export const registerProjectionsCommands = (program: Command): void => {
  const projections = program
    .command('projections')
    .description(
      'projection admin: status of every view, pause and resume the group that writes a view',
    );
  const common = (command: Command) =>
    command
      .option('--prefix <prefix>', 'topic prefix of the fleet (default $QF_TOPIC_PREFIX)')
      .option(
        '--db <name>',
        'database of the views (default $QF_MONGO_DB, else the one in MONGO_URL)',
      )
      .option('--json', 'print JSON');

  common(projections.command('status'))
    .description(
      'generation, group, replicas, lag, time lag, last error and pause state of every view',
    )
    .action(async (options: CommonOptions) => {
      const status = await withClients(options, (db, admin) =>
        projectionStatus(db, admin, prefixOf(options)),
      );
      process.stdout.write(
        options.json ? `${JSON.stringify(status, null, 2)}\n` : `${statusTable(status)}\n`,
      );
    });

  for (const paused of [true, false]) {
    common(projections.command(paused ? 'pause' : 'resume'))
      .argument('<view>', `${PROJECTION_VIEWS.join(', ')}`)
      .description(
        paused
          ? 'stop the group that writes <view> from consuming (it keeps its partitions and offsets)'
          : 'let the group that writes <view> consume again',
      )
      .action(async (view: string, options: CommonOptions) => {
        assertView(view);
        if (view === 'audit_log')
          throw new Error(
            'the audit consumer does not follow the pause switch (yet): stop it with qf fleet scale audit=0',
          );
        const group = groupOfView(view, prefixOf(options));
        await withClients(options, (db) => setPaused(db, group, paused, operator()));
        const together = PROJECTION_VIEWS.filter(
          (other) => other !== view && groupOfView(other, prefixOf(options)) === group,
        );
        const result = { view, group, paused, alsoAffects: together };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `${paused ? 'paused' : 'resumed'} group ${group} (writes ${[view, ...together].join(', ')}); every replica follows within its refresh interval (QF_PROJECTION_CONTROL_REFRESH_MS, default 2 s)\n`,
        );
      });
  }
};
