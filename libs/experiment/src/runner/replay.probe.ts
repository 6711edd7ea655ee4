import { performance } from 'node:perf_hooks';
import type { Admin, Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { AuditConsumer, AuditLog, COLLECTIONS } from '@qf/player-crud';
import {
  createProjector,
  prepareProjection,
  projectionTarget,
  VIEW_NAMES,
} from '@qf/player-read-model';
import type { Logger } from '@qf/shared-observability';
import type { ReplayResult } from '../results/experiment-results';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The rebuild runs inside the experiment process: its consumer chatter stays out of the progress output. */
const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Polls `read` until it stops changing for `stableMs` (the consumers caught up after the
 * load stopped); resolves with the last value and whether it settled before `timeoutMs`.
 */
export const waitForSteadyCount = async (
  read: () => Promise<number>,
  { stableMs = 1500, timeoutMs = 30_000, pollMs = 250 } = {},
): Promise<{ value: number; settled: boolean }> => {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(pollMs);
    const next = await read();
    if (next !== value) {
      value = next;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) {
      return { value, settled: true };
    }
  }
  return { value, settled: false };
};

export interface ReplayProbeOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly mongo: MongoClient;
  /** The cell's database (the live read models or documents). */
  readonly database: string;
  readonly prefix: string;
  readonly partitions: number;
  /** Events the rebuilt view must hold when done (what the live one holds at the end state). */
  readonly expectedEvents: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, expected: number) => void;
}

/** Polls the rebuilt count until it reaches the expected one; the wall time from the consumer's start. */
const timeUntil = async (
  count: () => Promise<number>,
  options: ReplayProbeOptions,
  started: number,
): Promise<{ seconds: number; done: number; reached: boolean }> => {
  const deadline = started + (options.timeoutMs ?? 180_000);
  let done = 0;
  let lastReport = started;
  for (;;) {
    done = await count();
    const now = performance.now();
    if (done >= options.expectedEvents)
      return { seconds: (now - started) / 1000, done, reached: true };
    if (now > deadline || options.signal?.aborted)
      return { seconds: (now - started) / 1000, done, reached: false };
    if (now - lastReport > 5000) {
      options.onProgress?.(done, options.expectedEvents);
      lastReport = now;
    }
    await sleep(100);
  }
};

const result = (
  arch: ReplayResult['arch'],
  view: string,
  options: ReplayProbeOptions,
  timing: { seconds: number; done: number; reached: boolean },
): ReplayResult => {
  const seconds = Math.round(timing.seconds * 1000) / 1000;
  return {
    arch,
    view,
    events: timing.done,
    seconds,
    eventsPerSecond: seconds > 0 ? Math.round(timing.done / seconds) : 0,
    status: timing.reached ? 'ok' : 'failed',
    ...(timing.reached
      ? {}
      : {
          reason: options.signal?.aborted
            ? `interrupted at ${timing.done} of ${options.expectedEvents} events`
            : `not done after ${Math.round(timing.seconds)} s: ${timing.done} of ${options.expectedEvents} events`,
        }),
  };
};

/**
 * ES: rebuilds every read model (player_details, room_occupancy, leaderboard, player_events)
 * from offset 0 of the event log with one in-process projector in a new consumer group, into
 * fresh collections, and times it until the rebuilt event index holds every event (it is
 * written last in each chunk). The fresh collections and the group are removed afterwards.
 */
export const replayReadModels = async (options: ReplayProbeOptions): Promise<ReplayResult> => {
  const topics = topicNames(options.prefix);
  const suffix = `rebuild_${Date.now().toString(36)}`;
  const groupId = `${options.prefix}projector-${suffix}`;
  const db = options.mongo.db(options.database);
  const target = projectionTarget(suffix, groupId);
  const wiring = {
    kafka: options.kafka,
    db,
    target,
    topics: { events: topics.events, deadLetter: topics.eventsDeadLetter },
    settings: { lagRefreshMs: 0 },
    logger: quietLogger,
  };
  await prepareProjection(wiring, options.partitions);
  const projector = createProjector(wiring);
  const started = performance.now();
  try {
    await projector.start();
    const timing = await timeUntil(
      () => db.collection(target.collections.playerEvents).estimatedDocumentCount(),
      options,
      started,
    );
    return result('es', `all read models (${VIEW_NAMES.length} views)`, options, timing);
  } finally {
    await projector.stop().catch(() => undefined);
    for (const collection of Object.values(target.collections))
      await db.dropCollection(collection).catch(() => undefined);
    await options.admin.deleteGroups([groupId]).catch(() => undefined);
  }
};

/**
 * CRUD: rebuilds audit_log from offset 0 of the audit topic with one in-process audit
 * consumer in a new group, into a fresh database, timed until it holds every event.
 */
export const replayAuditLog = async (options: ReplayProbeOptions): Promise<ReplayResult> => {
  const topics = topicNames(options.prefix);
  const suffix = `rebuild-${Date.now().toString(36)}`;
  const groupId = `${options.prefix}audit-consumer-${suffix}`;
  const db = options.mongo.db(`${options.database.slice(0, 56)}_rebuild`);
  const auditLog = new AuditLog(db);
  await auditLog.ensureIndexes();
  const consumer = new AuditConsumer(auditLog, options.kafka, {
    groupId,
    topic: topics.crudAudit,
    deadLetterTopic: topics.crudAuditDeadLetter,
  });
  const started = performance.now();
  try {
    await consumer.start();
    const timing = await timeUntil(
      () => db.collection(COLLECTIONS.auditLog).estimatedDocumentCount(),
      options,
      started,
    );
    return result('crud', COLLECTIONS.auditLog, options, timing);
  } finally {
    await consumer.stop().catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    await options.admin.deleteGroups([groupId]).catch(() => undefined);
  }
};
