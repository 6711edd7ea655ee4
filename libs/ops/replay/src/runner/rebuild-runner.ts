import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { AuditConsumer, AuditLog } from '@qf/player-crud';
import {
  MongoReadModelStore,
  RebuildConsumer,
  type ReadModelCollections,
  type RebuildSettings,
  type RebuildStats,
  type ViewName,
} from '@qf/player-read-model';
import type { Logger } from '@qf/shared-observability';

/** The consumers of a rebuild, run in this process. */
export interface RebuildRunner {
  /** Joins the group with every replica; resolves once they consume. */
  start(): Promise<void>;
  /** Leaves the group cleanly: chunks in flight finish and are committed, or are abandoned uncommitted. */
  stop(): Promise<void>;
  /** Summed over the replicas (ES rebuilds only). */
  stats?(): RebuildStats;
}

export interface EsRebuildOptions {
  readonly kafka: Kafka;
  readonly db: Db;
  readonly groupId: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  /** Where every view is written (views not in `views` are never written). */
  readonly collections: ReadModelCollections;
  readonly views: ReadonlySet<ViewName>;
  readonly replicas: number;
  readonly settings?: Partial<RebuildSettings>;
  readonly logger?: Logger;
}

const runAll = (
  members: ReadonlyArray<{ start(): Promise<void>; stop(): Promise<void> }>,
): RebuildRunner => ({
  start: async () => {
    try {
      await Promise.all(members.map((member) => member.start()));
    } catch (error) {
      await Promise.all(members.map((member) => member.stop().catch(() => undefined)));
      throw error;
    }
  },
  stop: async () => {
    await Promise.all(members.map((member) => member.stop().catch(() => undefined)));
  },
});

/** N rebuild consumers (projector replicas) in one consumer group over the versioned collections; no Redis writes. */
export const esRebuildRunner = (options: EsRebuildOptions): RebuildRunner => {
  const consumers = Array.from(
    { length: options.replicas },
    () =>
      new RebuildConsumer({
        kafka: options.kafka,
        topic: options.topic,
        deadLetterTopic: options.deadLetterTopic,
        groupId: options.groupId,
        store: new MongoReadModelStore(options.db, options.collections),
        views: options.views,
        ...(options.settings ? { settings: options.settings } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }),
  );
  return {
    ...runAll(consumers),
    stats: () =>
      consumers
        .map((consumer) => consumer.stats())
        .reduce((sum, stats) => ({
          rounds: sum.rounds + stats.rounds,
          events: sum.events + stats.events,
          playerWrites: sum.playerWrites + stats.playerWrites,
          writeSeconds: sum.writeSeconds + stats.writeSeconds,
          backpressureSeconds: sum.backpressureSeconds + stats.backpressureSeconds,
        })),
  };
};

export interface AuditRebuildOptions {
  readonly kafka: Kafka;
  readonly db: Db;
  readonly groupId: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly collection: string;
  readonly replicas: number;
}

/** N audit consumers in one group, inserting into the versioned audit_log collection. */
export const auditRebuildRunner = (options: AuditRebuildOptions): RebuildRunner => {
  const auditLog = new AuditLog(options.db, options.collection);
  return runAll(
    Array.from(
      { length: options.replicas },
      () =>
        new AuditConsumer(auditLog, options.kafka, {
          groupId: options.groupId,
          topic: options.topic,
          deadLetterTopic: options.deadLetterTopic,
        }),
    ),
  );
};
