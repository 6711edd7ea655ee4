import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_REPLAY_BENCH, formatReplayBench, runReplayBench } from '@qf/bench-replay';
import { createInfraContext, infraUp } from '@qf/local-infra';
import { AUDIT_LOG_VIEW, parseReplayTarget, REPLAY_TARGET_NAMES } from '@qf/replay';
import { intInRange } from './parse-options';
import { chunkOption, maxBytesPerPartitionOption, rebuildTuning } from './rebuild-options';

interface BenchReplayOptions {
  events: number;
  projectors: number[];
  players: number;
  partitions: number;
  view: string;
  topicPrefix?: string;
  reuse?: boolean;
  keep?: boolean;
  chunk?: number;
  maxPending?: number;
  concurrency?: number;
  maxBytesPerPartition?: number;
  seed: number;
  verify?: boolean;
  out?: string;
  json?: boolean;
}

/** `--projectors 1,2,4`: replica counts from 1 to 16. */
const replicaList = (value: string): number[] => {
  const counts = value.split(',').map((part) => part.trim());
  if (
    counts.length === 0 ||
    counts.some((part) => !/^\d+$/.test(part) || Number(part) < 1 || Number(part) > 16)
  )
    throw new InvalidArgumentError(
      `--projectors takes replica counts from 1 to 16 separated by commas (e.g. 1,2,4), got "${value}"`,
    );
  return counts.map(Number);
};

const esView = (value: string): string => {
  const allowed = REPLAY_TARGET_NAMES.filter((name) => name !== AUDIT_LOG_VIEW);
  try {
    if (parseReplayTarget(value).kind === 'es') return value;
  } catch {
    // falls through to the message naming the allowed values
  }
  throw new InvalidArgumentError(`--view takes ${allowed.join(', ')}, got "${value}"`);
};

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `qf bench replay`: rebuild rate of `qf replay` per projector count, next to the rate at
 * which one kafkajs consumer merely reads the same topic (the ceiling). Not a test: it
 * prints figures (table on stdout, JSON in reports/bench/).
 */
export const registerBenchReplayCommand = (bench: Command): void => {
  bench
    .command('replay')
    .description(
      'fill a topic (or reuse one), then rebuild from offset 0 per projector count; events/s and wall time next to a do-nothing consumer (the ceiling)',
    )
    .option(
      '--events <n>',
      'events to fill the topic with',
      intInRange('--events', 1000, 100_000_000),
      DEFAULT_REPLAY_BENCH.events,
    )
    .option('--projectors <list>', 'projector replica counts, one rebuild each', replicaList, [
      ...DEFAULT_REPLAY_BENCH.projectors,
    ])
    .option(
      '--players <n>',
      'players the events are spread over',
      intInRange('--players', 1, 10_000_000),
      DEFAULT_REPLAY_BENCH.players,
    )
    .option(
      '--partitions <n>',
      'partitions of the filled topic',
      intInRange('--partitions', 1, 1000),
      DEFAULT_REPLAY_BENCH.partitions,
    )
    .option(
      '--view <name>',
      'what to rebuild: all or one ES view',
      esView,
      DEFAULT_REPLAY_BENCH.view,
    )
    .option('--topic-prefix <prefix>', 'topic prefix (default: a fresh bench-replay-<time>.)')
    .option(
      '--reuse',
      'use the events already on <topic-prefix>player.events instead of filling it',
    )
    .option('--keep', 'keep the filled topic (to --reuse it later)')
    .addOption(chunkOption())
    .option(
      '--max-pending <n>',
      'player_events documents a projector may hold before fetching waits (memory bound)',
      intInRange('--max-pending', 1, 100_000_000),
    )
    .option(
      '--concurrency <n>',
      'partitions a projector applies at the same time',
      intInRange('--concurrency', 1, 1000),
    )
    .addOption(maxBytesPerPartitionOption())
    .option(
      '--seed <n>',
      'seed of the generated log',
      intInRange('--seed', 0, 2 ** 31),
      DEFAULT_REPLAY_BENCH.seed,
    )
    .option('--verify', 'compare the last rebuild with a fold of the generated log')
    .option('--out <file>', 'write the JSON here (default reports/bench/replay-<time>.json)')
    .option('--json', 'print the JSON on stdout instead of the table')
    .action(async (options: BenchReplayOptions) => {
      process.env['QF_LOG_LEVEL'] ??= 'warn';
      process.env['QF_KAFKA_LOG_LEVEL'] ??= 'error';
      process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
      await infraUp(createInfraContext(), { brokers: 1 });
      const report = await runReplayBench({
        ...DEFAULT_REPLAY_BENCH,
        events: options.events,
        players: options.players,
        partitions: options.partitions,
        projectors: options.projectors,
        view: options.view,
        ...(options.topicPrefix ? { topicPrefix: options.topicPrefix } : {}),
        reuse: options.reuse === true,
        keep: options.keep === true,
        settings: {
          ...rebuildTuning(options),
          ...(options.maxPending ? { maxPendingDocs: options.maxPending } : {}),
          ...(options.concurrency ? { partitionsConsumedConcurrently: options.concurrency } : {}),
        },
        seed: options.seed,
        verify: options.verify === true,
        progress: process.stderr,
        log,
      });
      const out =
        options.out ??
        path.join('reports', 'bench', `replay-${report.startedAt.replace(/[:.]/g, '-')}.json`);
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(
        options.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `\n${formatReplayBench(report)}\nJSON: ${out}\n`,
      );
    });
};
