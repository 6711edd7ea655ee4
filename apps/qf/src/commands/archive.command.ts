import path from 'node:path';
import type { Command } from 'commander';
import { topicNames } from '@qf/contracts';
import { openColdStore, runArchive, verifyArchive, type PartitionArchive } from '@qf/archive';
import { createKafka } from '@qf/shared-kafka';

interface ArchiveOptions {
  before: string;
  to?: string;
  prefix?: string;
  truncate?: boolean;
  json?: boolean;
}

const defaultLocation = (): string =>
  process.env['QF_ARCHIVE_URL'] ?? path.resolve(__dirname, '../../../..', '.local', 'archive');

const describe = (result: PartitionArchive): string => {
  const held =
    result.heldBack.reason === 'snapshot'
      ? `stopped at offset ${result.heldBack.offset}: player ${result.heldBack.playerId} v${result.heldBack.version} is past its latest snapshot (${result.heldBack.snapshotVersion === null ? 'none' : `v${result.heldBack.snapshotVersion}`})`
      : 'reached --before';
  const file = result.file ? `${result.file.records} records -> ${result.file.key}` : 'nothing new';
  const truncated = result.truncated > 0 ? `, ${result.truncated} records deleted from Kafka` : '';
  return `partition ${result.partition}: ${file}; archived until offset ${result.archivedUntil} (${held})${truncated}`;
};

/**
 * `qf archive --before DATE`: copies old events that no processor needs any more (covered
 * by their player's latest snapshot) to a cold store, one gzip file per partition range,
 * verified by reading it back; `--truncate` then drops them from Kafka.
 * `qf archive verify` reads every archived file back against the manifest.
 */
export const registerArchiveCommand = (program: Command): void => {
  program
    .command('archive')
    .description(
      'copy events older than --before and covered by snapshots to a cold store (directory or s3://), verified',
    )
    .requiredOption('--before <time>', 'archive events appended before this ISO-8601 time')
    .option(
      '--to <location>',
      'a directory, file:///dir or s3://bucket/prefix?endpoint=URL (default $QF_ARCHIVE_URL or .local/archive)',
    )
    .option('--prefix <prefix>', 'topic prefix of the fleet (default $QF_TOPIC_PREFIX)')
    .option(
      '--truncate',
      'after verifying, delete the archived records from Kafka (qf replay then refuses a rebuild from offset 0)',
    )
    .option('--json', 'print the report as JSON')
    .action(async (options: ArchiveOptions) => {
      const before = new Date(options.before);
      if (Number.isNaN(before.getTime()))
        throw new Error(`--before takes an ISO-8601 time, got "${options.before}"`);
      if (before.getTime() > Date.now())
        throw new Error(`--before ${options.before} is in the future`);
      const store = openColdStore(options.to ?? defaultLocation());
      const topics = topicNames(options.prefix ?? process.env['QF_TOPIC_PREFIX'] ?? '');
      const kafka = createKafka('qf-archive');
      const admin = kafka.admin();
      await admin.connect();
      try {
        const started = Date.now();
        const report = await runArchive({
          kafka,
          admin,
          topics: { events: topics.events, snapshots: topics.snapshots },
          store,
          before,
          truncate: options.truncate ?? false,
          onPartition: (result, done, total) => {
            const seconds = (Date.now() - started) / 1000;
            const eta = done > 0 ? Math.round((seconds / done) * (total - done)) : 0;
            process.stderr.write(
              `[${done}/${total}] ${describe(result)} (${seconds.toFixed(1)} s, ETA ${eta} s)\n`,
            );
          },
        });
        if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else
          process.stdout.write(
            `archived ${report.records} records of ${report.topic} appended before ${report.before} to ${report.location}, every file verified` +
              `${report.truncated > 0 ? `; deleted ${report.truncated} archived records from Kafka` : ''}\n`,
          );
      } finally {
        await admin.disconnect();
      }
    });

  program
    .command('archive-verify')
    .description('read every archived file back and check it against the manifest')
    .option('--to <location>', 'the archive (default $QF_ARCHIVE_URL or .local/archive)')
    .option('--prefix <prefix>', 'topic prefix of the fleet (default $QF_TOPIC_PREFIX)')
    .action(async (options: { to?: string; prefix?: string }) => {
      const store = openColdStore(options.to ?? defaultLocation());
      const topic = topicNames(options.prefix ?? process.env['QF_TOPIC_PREFIX'] ?? '').events;
      const { files, records, problems } = await verifyArchive(store, topic);
      if (problems.length > 0)
        throw new Error(
          `${problems.length} problems in ${store.location}:\n${problems.join('\n')}`,
        );
      process.stdout.write(
        `${files} files, ${records} records of ${topic} in ${store.location}: all verified\n`,
      );
    });
};
