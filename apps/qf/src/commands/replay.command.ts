import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  abandonReplay,
  formatDuration,
  parseReplayTarget,
  ProgressReporter,
  REPLAY_TARGET_NAMES,
  ReplayInterruptedError,
  runInPlaceReplay,
  runReplay,
  UnknownReplayTargetError,
  type ReplayOptions,
  type ReplayOutcome,
  type ReplayTarget,
} from '@qf/replay';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient, databaseName } from '@qf/shared-mongo';
import { intInRange } from './parse-options';
import {
  chunkOption,
  maxBytesPerPartitionOption,
  rebuildTuning,
  type RebuildTuningOptions,
} from './rebuild-options';

interface ReplayCommandOptions extends RebuildTuningOptions {
  projectors: number;
  inPlace?: boolean;
  grace: number;
  keepOld?: boolean;
  maxLag: number;
  prefix?: string;
  db?: string;
  liveGroup?: string;
  abandon?: boolean;
  allowTruncated?: boolean;
  json?: boolean;
}

const targetArgument = (value: string): ReplayTarget => {
  try {
    return parseReplayTarget(value);
  } catch (error) {
    if (error instanceof UnknownReplayTargetError)
      throw new InvalidArgumentError(`allowed: ${REPLAY_TARGET_NAMES.join(', ')}`);
    throw error;
  }
};

const summary = (outcome: ReplayOutcome): string => {
  const lines = [
    `${outcome.id}: ${outcome.status}${outcome.resumed ? ` (resumed at ${outcome.doneAtStart.toLocaleString('en-US')} events)` : ''}`,
    `  rebuilt ${outcome.events.toLocaleString('en-US')} events of ${outcome.topic} with group ${outcome.groupId}` +
      (outcome.buildSeconds > 0
        ? ` in ${formatDuration(outcome.buildSeconds)} (${outcome.eventsPerSecond.toLocaleString('en-US')} events/s this run)`
        : ''),
    `  readers use: ${Object.entries(outcome.active)
      .map(([view, collection]) => `${view} -> ${collection}`)
      .join(', ')}`,
  ];
  if (outcome.dropped.length > 0) lines.push(`  dropped: ${outcome.dropped.join(', ')}`);
  if (outcome.kept.length > 0) lines.push(`  kept (no longer updated): ${outcome.kept.join(', ')}`);
  return lines.join('\n');
};

/**
 * `qf replay <view>`: rebuilds a read model (or the CRUD audit log) from offset 0 into a
 * new versioned collection set with its own consumer group while the current one keeps
 * serving, switches readers when caught up and drops the old generation after a grace.
 * Ctrl-C stops it cleanly; running the same command again resumes it.
 */
export const registerReplayCommand = (program: Command): void => {
  program
    .command('replay')
    .description(
      'rebuild a view from offset 0 into a new generation, switch readers when caught up, drop the old one after a grace',
    )
    .argument('<view>', `what to rebuild: ${REPLAY_TARGET_NAMES.join(', ')}`, targetArgument)
    .option(
      '--projectors <n>',
      'consumer replicas run in this process (one consumer group)',
      intInRange('--projectors', 1, 16),
      1,
    )
    .addOption(
      new Option(
        '--in-place',
        "reset the live group's offsets and rebuild the live collections instead (downtime; the live consumers must be stopped)",
      ).conflicts(['keepOld', 'abandon']),
    )
    .option(
      '--grace <seconds>',
      'seconds between the switch and dropping the old generation',
      intInRange('--grace', 0, 7 * 86_400),
      60,
    )
    .option('--keep-old', 'keep the old generation after the switch (it is no longer updated)')
    .option(
      '--max-lag <events>',
      'caught up = at most this many events behind the live head',
      intInRange('--max-lag', 0, 100_000_000),
      1000,
    )
    .option('--prefix <prefix>', 'topic prefix of the fleet (default $QF_TOPIC_PREFIX)')
    .option(
      '--db <name>',
      'database of the views (default $QF_MONGO_DB, else the one in MONGO_URL)',
    )
    .option(
      '--live-group <id>',
      'the live consumer group (default <prefix>projector, or <prefix>audit-consumer for audit_log)',
    )
    .addOption(chunkOption())
    .addOption(maxBytesPerPartitionOption())
    .addOption(
      new Option(
        '--abandon',
        'give up the unfinished (not yet switched) rebuild of <view>: drop its collections and group',
      ).conflicts(['keepOld']),
    )
    .option(
      '--allow-truncated',
      'rebuild even when the source topic lost records (its log no longer starts at offset 0, or it is compacted)',
    )
    .option('--json', 'print the outcome as JSON on stdout')
    .action(async (target: ReplayTarget, options: ReplayCommandOptions) => {
      // The progress goes to stderr: keep the consumers' routine logs out of it.
      process.env['QF_LOG_LEVEL'] ??= 'warn';
      process.env['QF_KAFKA_LOG_LEVEL'] ??= 'error';
      process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
      // A rebuild's bulk writes can keep a single-threaded Mongo-wire server busy for seconds:
      // a longer monitor timeout keeps the driver from dropping the pool under them.
      const mongo = await createMongoClient({ connectTimeoutMS: 30_000 }).connect();
      const db = mongo.db(options.db ?? databaseName());
      const kafka = createKafka('qf-replay');
      const reporter = new ProgressReporter({ stream: process.stderr });
      const controller = new AbortController();
      const stop = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: leave now
        reporter.message(
          `${signal}: stopping the rebuild (committed work is kept; run the same command again to resume)`,
        );
        controller.abort();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      const replayOptions: ReplayOptions = {
        target,
        prefix: options.prefix ?? process.env['QF_TOPIC_PREFIX'] ?? '',
        replicas: options.projectors,
        graceSeconds: options.grace,
        keepOld: options.keepOld === true,
        allowTruncated: options.allowTruncated === true,
        maxLag: options.maxLag,
        ...(options.liveGroup ? { liveGroup: options.liveGroup } : {}),
        settings: rebuildTuning(options),
        signal: controller.signal,
        onProgress: (snapshot) => reporter.progress(snapshot),
        onPhase: (message) => reporter.message(message),
      };
      const deps = { kafka, db };
      try {
        if (options.abandon) {
          const state = await abandonReplay(deps, replayOptions);
          if (options.json) process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
          return;
        }
        const outcome = options.inPlace
          ? await runInPlaceReplay(deps, replayOptions)
          : await runReplay(deps, replayOptions);
        reporter.end();
        process.stdout.write(
          options.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${summary(outcome)}\n`,
        );
      } catch (error) {
        reporter.end();
        if (error instanceof ReplayInterruptedError) {
          process.stderr.write(`qf: ${error.message}\n`);
          process.exitCode = 130;
          return;
        }
        throw error;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await mongo.close();
      }
    });
};
