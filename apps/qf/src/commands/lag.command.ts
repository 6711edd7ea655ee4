import type { Command } from 'commander';
import { topicNames } from '@qf/contracts';
import { createKafka, fleetConsumerLag } from '@qf/shared-kafka';
import { lagTable } from './lag-format';

interface LagOptions {
  group: string[];
  topic: string[];
  prefix?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `qf lag`: per consumer group and partition, the offset lag (high watermark - committed
 * offset) and the time lag (how long ago the oldest record the group has not applied was
 * appended; 0 when caught up). Read from the broker alone, so it works whether or not the
 * consumers run; projectors export the same figures on /metrics.
 */
export const registerLagCommand = (program: Command): void => {
  program
    .command('lag')
    .description(
      'consumer-group lag per partition: offset lag and time lag (age of the oldest unapplied record)',
    )
    .option(
      '--group <id>',
      'only this consumer group (repeatable; default: every group with offsets on the topics)',
      collect,
      [],
    )
    .option(
      '--topic <name>',
      'topics to measure (repeatable; default: player.commands, player.events, crud.audit)',
      collect,
      [],
    )
    .option('--prefix <prefix>', 'topic prefix of the run (default $QF_TOPIC_PREFIX)')
    .option('--json', 'print JSON instead of the table')
    .action(async (options: LagOptions) => {
      const names = topicNames(options.prefix ?? process.env['QF_TOPIC_PREFIX'] ?? '');
      const topics =
        options.topic.length > 0 ? options.topic : [names.commands, names.events, names.crudAudit];
      const admin = createKafka('qf-lag').admin();
      await admin.connect();
      try {
        const rows = await fleetConsumerLag(
          admin,
          topics,
          options.group.length > 0 ? { groups: options.group } : {},
        );
        if (options.json)
          process.stdout.write(
            `${JSON.stringify({ measuredAt: new Date().toISOString(), partitions: rows }, null, 2)}\n`,
          );
        else
          process.stdout.write(
            rows.length > 0
              ? `${lagTable(rows)}\n`
              : `no consumer group has offsets on ${topics.join(', ')}\n`,
          );
      } finally {
        await admin.disconnect();
      }
    });
};
