import type { Kafka } from 'kafkajs';
import type Redis from 'ioredis';
import type { Db } from 'mongodb';
import { fleetTopicSpecs, topicNames, type TopicSpec } from '@qf/contracts';
import { ensureTopics, topicLayout } from '@qf/shared-kafka';
import type { Logger } from '@qf/shared-observability';
import { cacheKeyPrefix, PlayerViewCache } from '../cache/player-view.cache';
import { ensureReadModelIndexes } from '../mongo/read-model.indexes';
import { AliasFollowingReadModelStore } from '../mongo/alias-following.store';
import { MongoReadModelStore } from '../mongo/mongo-read-model.store';
import type { ViewAliases } from '../mongo/view-aliases';
import type { ProjectionTarget } from '../projection/projection-target';
import { PlayerStateCache } from '../store/player-state.cache';
import { ReadModelWriter } from '../store/read-model.writer';
import { Projector, type ProjectorSettings } from './projector.consumer';

/** Everything a projector replica is made of. */
export interface ProjectorWiring {
  readonly kafka: Kafka;
  readonly db: Db;
  /** Absent: no cache writes (a rebuild into new collections has no business in the live cache). */
  readonly redis?: Redis;
  readonly target: ProjectionTarget;
  /**
   * The live projector follows the view aliases (build them with target.collections as
   * defaults): after `qf replay` switches a view, it writes the new generation. Absent:
   * always target.collections (tests, benchmarks, a rebuild).
   */
  readonly aliases?: ViewAliases;
  readonly topics: { readonly events: string; readonly deadLetter: string };
  readonly cache?: { readonly keyPrefix: string; readonly ttlMs: number };
  /** Player states remembered between batches (0 = read every base from Mongo). */
  readonly stateCacheSize?: number;
  readonly settings?: Partial<ProjectorSettings>;
  readonly logger?: Logger;
}

/** Builds a projector replica over Mongo and, when given, Redis (call prepareProjection before start). */
export const createProjector = (wiring: ProjectorWiring): Projector => {
  const store = wiring.aliases
    ? new AliasFollowingReadModelStore(wiring.db, wiring.aliases)
    : new MongoReadModelStore(wiring.db, wiring.target.collections);
  const cache = wiring.redis
    ? new PlayerViewCache(
        wiring.redis,
        wiring.cache ?? { keyPrefix: cacheKeyPrefix(wiring.db.databaseName), ttlMs: 300_000 },
      )
    : undefined;
  const writer = new ReadModelWriter(
    store,
    new PlayerStateCache(wiring.stateCacheSize ?? 200_000),
    cache,
  );
  return new Projector({
    kafka: wiring.kafka,
    topic: wiring.topics.events,
    deadLetterTopic: wiring.topics.deadLetter,
    groupId: wiring.target.groupId,
    writer,
    ...(wiring.settings ? { settings: wiring.settings } : {}),
    ...(wiring.logger ? { logger: wiring.logger } : {}),
  });
};

/** What a projector needs before it starts: its topics and the read-model indexes (idempotent). */
export const prepareProjection = async (
  wiring: ProjectorWiring,
  partitions: number,
): Promise<void> => {
  await ensureProjectorTopics(wiring.kafka, wiring.topics, partitions, wiring.logger);
  // Following the aliases, the collections to index are the ones they name (not a replaced generation).
  await ensureReadModelIndexes(
    wiring.db,
    wiring.aliases ? await wiring.aliases.collections() : wiring.target.collections,
  );
};

/**
 * Creates the projector's topics when missing: the dead-letter topic, and the event
 * topic itself when the projector starts first, both from the fleet's topic
 * specification (so an event store created here keeps its history too). Refuses to
 * start when the existing event topic could lose history. `partitions` only matters
 * for a topic created here: the projector works with any partition count.
 */
export const ensureProjectorTopics = async (
  kafka: Kafka,
  topics: { events: string; deadLetter: string },
  partitions: number,
  logger?: Logger,
): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const layout = await topicLayout(admin, process.env, partitions);
    const specs = fleetTopicSpecs(topicNames(), layout);
    // The projector works with any partition count: only the history settings are enforced.
    const own = (spec: TopicSpec, topic: string): TopicSpec => ({
      ...spec,
      topic,
      partitionsMustMatch: false,
    });
    await ensureTopics(
      admin,
      [own(specs.events, topics.events), own(specs.eventsDeadLetter, topics.deadLetter)],
      {
        onDrift: (problem) => logger?.warn('topic differs from its specification', { ...problem }),
      },
    );
  } finally {
    await admin.disconnect();
  }
};
