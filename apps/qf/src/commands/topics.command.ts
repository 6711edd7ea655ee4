import type { Command } from 'commander';
import { fleetTopicSpecs, topicNames, type TopicSpec } from '@qf/contracts';
import { alignTopicConfigs, checkTopics, createKafka, topicLayout } from '@qf/shared-kafka';
import { intInRange } from './parse-options';

interface TopicsOptions {
  prefix?: string;
  partitions?: number;
  json?: boolean;
}

const withAdmin = async <T>(
  work: (admin: ReturnType<ReturnType<typeof createKafka>['admin']>) => Promise<T>,
): Promise<T> => {
  const admin = createKafka('qf-topics').admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
};

const fleetSpecs = async (
  admin: Parameters<typeof topicLayout>[0],
  options: TopicsOptions,
): Promise<TopicSpec[]> => {
  const layout = await topicLayout(admin, process.env, options.partitions);
  return Object.values(
    fleetTopicSpecs(topicNames(options.prefix ?? process.env['QF_TOPIC_PREFIX'] ?? ''), layout),
  );
};

const specOptions = (command: Command): Command =>
  command
    .option('--prefix <prefix>', 'topic prefix of the fleet (default $QF_TOPIC_PREFIX)')
    .option(
      '--partitions <n>',
      'partitions of the keyed topics (default $QF_PARTITIONS, else 12)',
      intInRange('--partitions', 1, 1000),
    )
    .option('--json', 'print JSON instead of the table');

/**
 * `qf topics check|fix`: the fleet's topics against their one specification (partitions,
 * retention, cleanup policy, replication factor, min.insync.replicas). `check` exits 1 when
 * a topic that keeps history could lose it (what makes the services refuse to start);
 * `fix` sets the configs of existing topics to the specification.
 */
export const registerTopicsCommands = (program: Command): void => {
  const topics = program
    .command('topics')
    .description("the fleet's Kafka topics against their specification");

  specOptions(topics.command('check'))
    .description(
      'show each topic of the fleet with what differs from its specification; exit 1 when history could be lost',
    )
    .action(async (options: TopicsOptions) =>
      withAdmin(async (admin) => {
        const rows = await checkTopics(admin, await fleetSpecs(admin, options));
        if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else {
          const width = Math.max(...rows.map((row) => row.spec.topic.length)) + 2;
          for (const row of rows) {
            const verdict = !row.exists
              ? 'missing (created by the first service that needs it)'
              : row.fatal.length > 0
                ? 'UNSAFE'
                : row.drift.length > 0
                  ? 'drift'
                  : 'ok';
            const shape = row.actual
              ? `${row.actual.partitions} partitions, RF ${row.actual.replicationFactor}`
              : '';
            process.stdout.write(`${row.spec.topic.padEnd(width)} ${verdict.padEnd(8)} ${shape}\n`);
            for (const problem of [...row.fatal, ...row.drift])
              process.stdout.write(
                `    ${problem.setting}=${problem.actual} (spec ${problem.expected}): ${problem.consequence}\n`,
              );
          }
        }
        if (rows.some((row) => row.fatal.length > 0)) process.exitCode = 1;
      }),
    );

  specOptions(topics.command('fix'))
    .description(
      'set the configs of the existing fleet topics to their specification (partition counts and replication factors are only reported)',
    )
    .action(async (options: TopicsOptions) =>
      withAdmin(async (admin) => {
        const { fixed, left } = await alignTopicConfigs(admin, await fleetSpecs(admin, options));
        if (options.json) process.stdout.write(`${JSON.stringify({ fixed, left }, null, 2)}\n`);
        else {
          for (const problem of fixed)
            process.stdout.write(
              `fixed ${problem.topic}: ${problem.setting} ${problem.actual} -> ${problem.expected}\n`,
            );
          for (const problem of left)
            process.stdout.write(
              `left  ${problem.topic}: ${problem.setting} is ${problem.actual}, spec ${problem.expected} (needs a new topic and a copy)\n`,
            );
          if (fixed.length + left.length === 0)
            process.stdout.write('every existing fleet topic matches its specification\n');
        }
        if (left.length > 0) process.exitCode = 1;
      }),
    );
};
