import type { Admin, Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { machineInfo } from '@qf/loadgen';
import {
  ProgressReporter,
  DEFAULT_REBUILD_SETTINGS,
  topicEnds,
  type RebuildSettings,
} from '@qf/replay';
import { awaitTopicServing, createKafka, ensureFleetTopics } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { measureCeiling } from './ceiling';
import { fillTopic } from './fill-topic';
import { rebuildWith } from './rebuild-run';
import type { ReplayBenchOptions, ReplayBenchReport, ReplayRow } from './replay-bench.types';
import { verifyRebuild } from './verify-rebuild';

export type { ReplayBenchOptions, ReplayBenchReport, ReplayRow } from './replay-bench.types';
export { formatReplayBench } from './replay-bench.format';

export const DEFAULT_REPLAY_BENCH: ReplayBenchOptions = {
  events: 1_000_000,
  players: 10_000,
  partitions: 12,
  projectors: [1, 2, 4],
  view: 'all',
  reuse: false,
  keep: false,
  settings: {},
  seed: 7,
  verify: false,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

type Say = (line: string) => void;
type TopicNames = ReturnType<typeof topicNames>;

/** The events already on the topic (--reuse): how many, with nothing known about who made them. */
const reusedLog = async (
  admin: Admin,
  topic: string,
  say: Say,
): Promise<ReplayBenchReport['log']> => {
  const ends = await topicEnds(admin, topic);
  const log = {
    events: ends.reduce((sum, { low, high }) => sum + high - low, 0),
    players: null,
    fillSeconds: null,
    bytes: null,
  };
  say(
    `reusing ${topic}: ${log.events.toLocaleString('en-US')} events on ${ends.length} partitions`,
  );
  return log;
};

/** Creates the run's topics and fills the events topic with the generated log. */
const filledLog = async (
  kafka: Kafka,
  admin: Admin,
  topics: TopicNames,
  options: ReplayBenchOptions,
  say: Say,
): Promise<ReplayBenchReport['log']> => {
  await ensureFleetTopics(admin, ['events', 'eventsDeadLetter'], {
    names: topics,
    partitions: options.partitions,
  });
  await awaitTopicServing(admin, topics.events);
  say(
    `filling ${topics.events} (${options.partitions} partitions) with ${options.events.toLocaleString('en-US')} events of ${options.players.toLocaleString('en-US')} players`,
  );
  const fillStart = performance.now();
  const filled = await fillTopic(kafka, topics.events, options, say);
  const log = {
    events: filled.events,
    players: filled.players,
    fillSeconds: round((performance.now() - fillStart) / 1000),
    bytes: filled.bytes,
  };
  say(
    `  filled in ${log.fillSeconds} s (${Math.round(filled.events / (log.fillSeconds ?? 1)).toLocaleString('en-US')} events/s, ${Math.round(filled.bytes / filled.events)} bytes/event)`,
  );
  return log;
};

/** The ceiling: one kafkajs consumer reading the whole topic, doing nothing. */
const ceilingOf = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  settings: RebuildSettings,
  groupId: string,
  say: Say,
): Promise<ReplayBenchReport['ceiling']> => {
  say('ceiling: one kafkajs consumer reading the whole topic, doing nothing');
  const ceilingRun = await measureCeiling(kafka, admin, topic, settings, groupId);
  const ceiling = {
    seconds: round(ceilingRun.seconds),
    eventsPerSecond: Math.round(ceilingRun.events / ceilingRun.seconds),
    cpuSeconds: round(ceilingRun.cpuSeconds),
  };
  say(
    `  ${ceilingRun.events.toLocaleString('en-US')} events in ${ceiling.seconds} s: ${ceiling.eventsPerSecond.toLocaleString('en-US')} events/s`,
  );
  return ceiling;
};

/** The clients and names of one bench run; close() drops what the run made (the topic unless kept). */
const openRun = async (options: ReplayBenchOptions, startedAt: Date) => {
  const runId = `bench-replay-${startedAt.getTime().toString(36)}`;
  if (options.reuse && !options.topicPrefix)
    throw new Error('--reuse needs --topic-prefix (the prefix of the filled topic)');
  const prefix = options.topicPrefix ?? `${runId}.`;
  const topics = topicNames(prefix);
  const kafka = createKafka(runId);
  // As `qf replay`: a longer monitor timeout, so long bulk writes do not make the driver drop the pool.
  const mongo = await createMongoClient({ connectTimeoutMS: 30_000 }).connect();
  const db: Db = mongo.db(runId.replace(/-/g, '_'));
  const admin = kafka.admin();
  await admin.connect();
  const ceilingGroup = `${prefix}bench-ceiling-${startedAt.getTime().toString(36)}`;
  const close = async () => {
    await db.dropDatabase().catch(() => undefined);
    await admin.deleteGroups([ceilingGroup]).catch(() => undefined);
    if (!options.keep && !options.reuse)
      await admin
        .deleteTopics({ topics: [topics.events, topics.eventsDeadLetter] })
        .catch(() => undefined);
    await admin.disconnect();
    await mongo.close();
    await sleep(0);
  };
  return { prefix, topics, kafka, db, admin, ceilingGroup, close };
};

/**
 * Fills a dedicated topic with a realistic log (or reuses one), measures the ceiling (one
 * kafkajs consumer reading it all, doing nothing), then rebuilds the view from offset 0
 * with `qf replay`'s own code once per replica count, each into fresh collections.
 */
export const runReplayBench = async (options: ReplayBenchOptions): Promise<ReplayBenchReport> => {
  const say = options.log ?? (() => undefined);
  const startedAt = new Date();
  const run = await openRun(options, startedAt);
  const { prefix, topics, kafka, db, admin } = run;
  const settings: RebuildSettings = { ...DEFAULT_REBUILD_SETTINGS, ...options.settings };
  try {
    const log = options.reuse
      ? await reusedLog(admin, topics.events, say)
      : await filledLog(kafka, admin, topics, options, say);
    const ceiling = await ceilingOf(kafka, admin, topics.events, settings, run.ceilingGroup, say);

    const reporter = options.progress
      ? new ProgressReporter({ stream: options.progress, lineEveryMs: 5000 })
      : undefined;
    const context = {
      kafka,
      db,
      prefix,
      settings,
      options,
      reporter,
      say,
      ceilingEventsPerSecond: ceiling.eventsPerSecond,
    };
    const rebuilds: ReplayRow[] = [];
    for (const projectors of options.projectors)
      rebuilds.push(await rebuildWith(context, projectors));

    let verified: boolean | 'skipped' = 'skipped';
    const last = rebuilds[rebuilds.length - 1];
    if (options.verify && !options.reuse && last) {
      say('verifying the last rebuild against a fold of the log');
      verified = await verifyRebuild(db, options, log.events, last);
    }

    const { log: _log, progress: _progress, ...rest } = options;
    return {
      benchmark: 'replay',
      startedAt: startedAt.toISOString(),
      machine: machineInfo(),
      settings: { ...rest, topic: topics.events, database: db.databaseName, projector: settings },
      log,
      ceiling,
      rebuilds,
      verified,
    };
  } finally {
    await run.close();
  }
};
