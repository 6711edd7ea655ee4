import type { Admin, Kafka, Message } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Db } from 'mongodb';
import { encodeEvent, topicNames } from '@qf/contracts';
import { formatTable, machineInfo, type MachineInfo } from '@qf/loadgen';
import { readModelCollections } from '@qf/player-read-model';
import {
  expectedReadModels,
  generateHistories,
  readModelSnapshot,
} from '@qf/player-read-model/testing';
import {
  parseReplayTarget,
  ProgressReporter,
  DEFAULT_REBUILD_SETTINGS,
  runReplay,
  topicEnds,
  type RebuildSettings,
  type ReplayOutcome,
} from '@qf/replay';
import { awaitTopicServing, createKafka, ensureFleetTopics } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';

/** Settings of a replay benchmark run. */
export interface ReplayBenchOptions {
  /** Events on the topic (exactly; the log of `players` players is cut there). */
  readonly events: number;
  readonly players: number;
  readonly partitions: number;
  /** Replica counts to rebuild with, one rebuild each (e.g. [1, 2, 4]). */
  readonly projectors: readonly number[];
  /** What to rebuild: all, or one view. */
  readonly view: string;
  /** Topic prefix (default: a fresh `bench-replay-<time>.`). */
  readonly topicPrefix?: string;
  /** Use the events already on the topic of topicPrefix instead of filling it. */
  readonly reuse: boolean;
  /** Keep the topic at the end (to --reuse it). */
  readonly keep: boolean;
  readonly settings: Partial<RebuildSettings>;
  readonly seed: number;
  /** Compare the last rebuild with a fold of the log (not with --reuse: the log is not known). */
  readonly verify: boolean;
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly log?: (line: string) => void;
}

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

/** One rebuild's figures. */
export interface ReplayRow {
  readonly projectors: number;
  /** From the replicas' start (group join included) until the group caught up with the head. */
  readonly buildSeconds: number;
  readonly eventsPerSecond: number;
  /** eventsPerSecond / the consumer ceiling. */
  readonly ofCeiling: number;
  /** CPU-seconds this process (the projectors, Node side) used during the rebuild: user + system. */
  readonly cpuSeconds: number;
  /** The whole command: plan, rebuild, indexes, switch (grace 0), drop of the previous generation. */
  readonly wallSeconds: number;
  readonly outcome: Pick<ReplayOutcome, 'id' | 'groupId' | 'events' | 'status' | 'consumers'>;
  /** Peak resident memory of this process while it ran (MiB). */
  readonly peakRssMiB: number;
}

export interface ReplayBenchReport {
  readonly benchmark: 'replay';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Omit<ReplayBenchOptions, 'log' | 'progress'> & {
    readonly topic: string;
    readonly database: string;
    readonly projector: RebuildSettings;
  };
  readonly log: {
    readonly events: number;
    readonly players: number | null;
    readonly fillSeconds: number | null;
    readonly bytes: number | null;
  };
  /** One kafkajs consumer reading the whole topic and doing nothing: what a projector could at most reach. */
  readonly ceiling: {
    readonly seconds: number;
    readonly eventsPerSecond: number;
    readonly cpuSeconds: number;
  };
  readonly rebuilds: readonly ReplayRow[];
  readonly verified: boolean | 'skipped';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Produces events onto topic in large batches: the next batch is generated and encoded
 * while the previous one is in flight (one request at a time, so each partition keeps
 * the players' version order). Partitions are assigned here with the producer's own
 * default partitioner (murmur2 of the key, as the command processor's records get).
 */
const fillTopic = async (
  kafka: Kafka,
  topic: string,
  options: ReplayBenchOptions,
  say: (line: string) => void,
): Promise<{ events: number; players: number; bytes: number }> => {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const partitionOf = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: options.partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }));
  // ~85 % of the generated commands are accepted; generate enough, then cut at `events`.
  const commandsPerPlayer = Math.ceil(options.events / options.players / 0.8) + 1;
  const events = generateHistories({
    players: options.players,
    commandsPerPlayer,
    seed: options.seed,
    rooms: 20,
    items: 12,
  });
  const players = new Set<string>();
  // A partition's record batch must stay under the broker's message.max.bytes (1 MB): ~800 events of ~600 bytes.
  const batchSize = 800 * options.partitions;
  let produced = 0;
  let bytes = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  let lastSay = Date.now();
  try {
    while (produced < options.events) {
      const messages: Message[] = [];
      // next(), not for-of: leaving a for-of loop early would close the generator.
      for (let next = events.next(); !next.done; next = events.next()) {
        const message = encodeEvent(next.value);
        players.add(message.key);
        bytes += message.value.length;
        messages.push({
          ...message,
          partition: partitionOf({ topic, partitionMetadata, message }),
        });
        if (messages.length >= batchSize || produced + messages.length >= options.events) break;
      }
      if (messages.length === 0)
        throw new Error(`the generated log ran out at ${produced} events; raise --players`);
      await inFlight;
      inFlight = producer.send({ topic, acks: -1, messages });
      produced += messages.length;
      if (Date.now() - lastSay > 5000) {
        say(
          `  produced ${produced.toLocaleString('en-US')} / ${options.events.toLocaleString('en-US')}`,
        );
        lastSay = Date.now();
      }
    }
    await inFlight;
  } finally {
    await producer.disconnect();
  }
  return { events: produced, players: players.size, bytes };
};

/** One plain kafkajs consumer over the whole topic, doing nothing with the records: the ceiling. */
const measureCeiling = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  settings: Partial<RebuildSettings>,
  groupId: string,
): Promise<{ seconds: number; events: number; cpuSeconds: number }> => {
  const ends = new Map(
    (await topicEnds(admin, topic)).map(({ partition, high }) => [partition, high]),
  );
  const reached = new Map<number, number>();
  const done = () => [...ends].every(([partition, end]) => (reached.get(partition) ?? 0) >= end);
  let events = 0;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    maxBytesPerPartition: settings.maxBytesPerPartition,
    maxBytes: settings.maxBytes,
    sessionTimeout: settings.sessionTimeoutMs,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const start = performance.now();
  const cpu = process.cpuUsage();
  let finished!: () => void;
  const allRead = new Promise<void>((resolve) => (finished = resolve));
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 1,
    eachBatch: async ({ batch }) => {
      events += batch.messages.length;
      reached.set(batch.partition, Number(batch.lastOffset()) + 1);
      if (done()) finished();
    },
  });
  if (!done()) await allRead;
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  await consumer.disconnect();
  return { seconds, events, cpuSeconds: (used.user + used.system) / 1e6 };
};

/**
 * Fills a dedicated topic with a realistic log (or reuses one), measures the ceiling (one
 * kafkajs consumer reading it all, doing nothing), then rebuilds the view from offset 0
 * with `qf replay`'s own code once per replica count, each into fresh collections.
 */
export const runReplayBench = async (options: ReplayBenchOptions): Promise<ReplayBenchReport> => {
  const say = options.log ?? (() => undefined);
  const startedAt = new Date();
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
  const settings: RebuildSettings = { ...DEFAULT_REBUILD_SETTINGS, ...options.settings };
  const ceilingGroup = `${prefix}bench-ceiling-${startedAt.getTime().toString(36)}`;
  try {
    let log: ReplayBenchReport['log'];
    if (options.reuse) {
      const ends = await topicEnds(admin, topics.events);
      log = {
        events: ends.reduce((sum, { low, high }) => sum + high - low, 0),
        players: null,
        fillSeconds: null,
        bytes: null,
      };
      say(
        `reusing ${topics.events}: ${log.events.toLocaleString('en-US')} events on ${ends.length} partitions`,
      );
    } else {
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
      log = {
        events: filled.events,
        players: filled.players,
        fillSeconds: round((performance.now() - fillStart) / 1000),
        bytes: filled.bytes,
      };
      say(
        `  filled in ${log.fillSeconds} s (${Math.round(filled.events / (log.fillSeconds ?? 1)).toLocaleString('en-US')} events/s, ${Math.round(filled.bytes / filled.events)} bytes/event)`,
      );
    }

    say('ceiling: one kafkajs consumer reading the whole topic, doing nothing');
    const ceilingRun = await measureCeiling(kafka, admin, topics.events, settings, ceilingGroup);
    const ceiling = {
      seconds: round(ceilingRun.seconds),
      eventsPerSecond: Math.round(ceilingRun.events / ceilingRun.seconds),
      cpuSeconds: round(ceilingRun.cpuSeconds),
    };
    say(
      `  ${ceilingRun.events.toLocaleString('en-US')} events in ${ceiling.seconds} s: ${ceiling.eventsPerSecond.toLocaleString('en-US')} events/s`,
    );

    const reporter = options.progress
      ? new ProgressReporter({ stream: options.progress, lineEveryMs: 5000 })
      : undefined;
    const rebuilds: ReplayRow[] = [];
    for (const projectors of options.projectors) {
      say(
        `rebuilding ${options.view} with ${projectors} projector(s), from offset 0 into fresh collections`,
      );
      const start = performance.now();
      const cpu = process.cpuUsage();
      let peakRss = process.memoryUsage.rss();
      const rssTimer = setInterval(
        () => (peakRss = Math.max(peakRss, process.memoryUsage.rss())),
        500,
      );
      const outcome = await runReplay(
        { kafka, db },
        {
          target: parseReplayTarget(options.view),
          prefix,
          replicas: projectors,
          graceSeconds: 0,
          keepOld: false,
          maxLag: 0,
          pollMs: 250,
          settings,
          ...(reporter
            ? {
                onProgress: (snapshot) => reporter.progress(snapshot),
                onPhase: (message) => reporter.message(`  ${message}`),
              }
            : {}),
        },
      );
      reporter?.end();
      clearInterval(rssTimer);
      const wallSeconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      const row: ReplayRow = {
        projectors,
        buildSeconds: outcome.buildSeconds,
        eventsPerSecond: outcome.eventsPerSecond,
        ofCeiling: round(outcome.eventsPerSecond / ceiling.eventsPerSecond, 3),
        cpuSeconds: round((used.user + used.system) / 1e6),
        wallSeconds: round(wallSeconds),
        outcome: {
          id: outcome.id,
          groupId: outcome.groupId,
          events: outcome.events,
          status: outcome.status,
          ...(outcome.consumers ? { consumers: outcome.consumers } : {}),
        },
        peakRssMiB: Math.round(peakRss / 1024 ** 2),
      };
      rebuilds.push(row);
      const c = outcome.consumers;
      say(
        `  ${projectors} projector(s): ${row.eventsPerSecond.toLocaleString('en-US')} events/s (${(row.ofCeiling * 100).toFixed(1)} % of the ceiling), build ${row.buildSeconds} s, wall ${row.wallSeconds} s, peak RSS ${row.peakRssMiB} MiB` +
          (c
            ? `; ${c.rounds} write rounds, ${c.playerWrites} player_details writes, ${c.writeSeconds.toFixed(1)} s writing (summed), ${c.backpressureSeconds.toFixed(1)} s of fetching held back by the writes`
            : ''),
      );
    }

    let verified: boolean | 'skipped' = 'skipped';
    const last = rebuilds[rebuilds.length - 1];
    if (options.verify && !options.reuse && last) {
      say('verifying the last rebuild against a fold of the log');
      const commandsPerPlayer = Math.ceil(options.events / options.players / 0.8) + 1;
      const events = [
        ...generateHistories({
          players: options.players,
          commandsPerPlayer,
          seed: options.seed,
          rooms: 20,
          items: 12,
        }),
      ].slice(0, log.events);
      const expected = expectedReadModels(events);
      const snapshot = await readModelSnapshot(
        db,
        readModelCollections(`v${last.outcome.id.split('@v')[1]}`),
      );
      const target = parseReplayTarget(options.view);
      const keys = {
        player_details: 'playerDetails',
        room_occupancy: 'roomOccupancy',
        leaderboard: 'leaderboard',
        player_events: 'playerEvents',
      } as const;
      verified = target.views.every(
        (view) =>
          view !== 'audit_log' &&
          JSON.stringify(snapshot[keys[view]]) === JSON.stringify(expected[keys[view]]),
      );
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
    await db.dropDatabase().catch(() => undefined);
    await admin.deleteGroups([ceilingGroup]).catch(() => undefined);
    if (!options.keep && !options.reuse)
      await admin
        .deleteTopics({ topics: [topics.events, topics.eventsDeadLetter] })
        .catch(() => undefined);
    await admin.disconnect();
    await mongo.close();
    await sleep(0);
  }
};

const perEvent = (cpuSeconds: number, events: number) =>
  events > 0 ? ((cpuSeconds * 1e6) / events).toFixed(1) : '-';

/** The report as text: one row per replica count next to the ceiling, then the settings and the machine. */
export const formatReplayBench = (report: ReplayBenchReport): string => {
  const { ceiling, log, machine, settings } = report;
  const p = settings.projector;
  const rows = [
    [
      'ceiling (1 kafkajs consumer, no work)',
      String(log.events),
      ceiling.seconds.toFixed(2),
      '',
      ceiling.eventsPerSecond.toLocaleString('en-US'),
      '100.0 %',
      perEvent(ceiling.cpuSeconds, log.events),
    ],
    ...report.rebuilds.map((row) => [
      `replay ${settings.view}, ${row.projectors} projector(s)`,
      String(row.outcome.events),
      row.buildSeconds.toFixed(2),
      row.wallSeconds.toFixed(2),
      row.eventsPerSecond.toLocaleString('en-US'),
      `${(row.ofCeiling * 100).toFixed(1)} %`,
      perEvent(row.cpuSeconds, row.outcome.events),
    ]),
  ];
  return [
    formatTable(
      ['run', 'events', 'seconds', 'wall s', 'events/s', 'of ceiling', 'node CPU µs/event'],
      rows,
    ),
    '',
    `seconds: from the consumers' start (group join included) until caught up with the head; wall: the whole replay (plan, rebuild, indexes, switch, drop of the previous generation); node CPU: this process (ceiling: the read alone; replay: the whole wall time)`,
    `log: ${log.events} events${log.players ? ` of ${log.players} players` : ''} on ${settings.topic}${log.bytes ? `, ${Math.round(log.bytes / log.events)} bytes/event` : ''}${log.fillSeconds ? `, filled in ${log.fillSeconds} s (not counted)` : ' (reused)'}; verified: ${String(report.verified)}`,
    `projector: folds in memory, writes each partition's changed players every ${p.flushEvents} events or ${p.flushMs / 1000} s (${p.concurrentWrites} writes at a time, player_events in inserts of ${p.eventDocsChunk}, at most ${p.maxPendingDocs} held); kafkajs concurrency ${p.partitionsConsumedConcurrently}, maxBytesPerPartition ${p.maxBytesPerPartition}, maxBytes ${p.maxBytes} (the ceiling consumer uses the same fetch settings)`,
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
    `backends: Kafka and the Mongo-wire server on this machine (the database is ${settings.database}, dropped at the end)`,
  ].join('\n');
};
