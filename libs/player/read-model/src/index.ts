// Pure projection: events -> read-model documents.
export { leaderboardDocument } from './projection/leaderboard.projection';
export {
  groupByPlayer,
  projectPlayer,
  type PlayerChange,
  type UnappliableEvent,
} from './projection/player-change';
export {
  playerDetailsDocument,
  stateFromPlayerDetails,
} from './projection/player-details.projection';
export {
  playerEventDocument,
  playerEventId,
  rawEventFromDocument,
} from './projection/player-events.projection';
export {
  playerViewFromDetails,
  playerViewFromState,
  roomPlayerFromDocument,
} from './projection/player-view.mapper';
export {
  collectionName,
  DEFAULT_PROJECTOR_GROUP,
  projectionTarget,
  readModelCollections,
  VIEW_NAMES,
  type ProjectionTarget,
  type ReadModelCollections,
  type ViewName,
} from './projection/projection-target';
export type {
  InventoryEntry,
  LeaderboardDocument,
  PlayerDetailsDocument,
  PlayerEventDocument,
  RoomOccupancyDocument,
} from './projection/read-model.documents';
export { roomOccupancyDocument } from './projection/room-occupancy.projection';

// Applying batches: version-guarded writes through a store port.
export { PlayerFold, type FoldCounts, type FoldLetter, type FoldRound } from './fold/player-fold';
export {
  ALL_VIEWS,
  storeFoldRound,
  type StoreFoldRoundOptions,
  type StoredRound,
} from './fold/store-fold-round';
export { PlayerStateCache } from './store/player-state.cache';
export {
  READ_MODEL_STORE,
  type DerivedViewWrites,
  type PlayerDetailsWrite,
  type ReadModelStore,
} from './store/read-model.store.port';
export {
  ConcurrentWriterError,
  ReadModelWriter,
  type BatchOutcome,
} from './store/read-model.writer';
export type { PendingVersion, ViewCacheWriter } from './store/view-cache.port';

// Rebuilding a generation (`qf replay`): the same fold, written in rounds of many batches.
export {
  DEFAULT_REBUILD_SETTINGS,
  RebuildConsumer,
  type RebuildConsumerOptions,
  type RebuildSettings,
  type RebuildStats,
} from './rebuild/rebuild.consumer';

// Adapters: Mongo, Redis, Kafka.
export {
  cacheKeyPrefix,
  PlayerViewCache,
  type CacheRead,
  type PlayerViewCacheOptions,
} from './cache/player-view.cache';
export { AliasFollowingReadModelStore } from './mongo/alias-following.store';
export { idempotentBulkWrite } from './mongo/idempotent-bulk-write';
export { MongoReadModelStore } from './mongo/mongo-read-model.store';
export { ensureReadModelIndexes } from './mongo/read-model.indexes';
export { ReadModelRepository } from './mongo/read-model.repository';
export {
  setActiveView,
  VIEW_ALIASES_COLLECTION,
  ViewAliases,
  type ViewAliasDocument,
} from './mongo/view-aliases';
export {
  DeadLetterPublisher,
  describeError,
  type PoisonEvent,
} from './consumer/dead-letter.publisher';
export {
  connectDeadLetters,
  createEventConsumer,
  type EventConsumerSettings,
} from './consumer/event-consumer.factory';
export {
  createProjector,
  ensureProjectorTopics,
  prepareProjection,
  type ProjectorWiring,
} from './consumer/projector.factory';
export {
  DEFAULT_PROJECTOR_SETTINGS,
  Projector,
  type ProjectorOptions,
  type ProjectorSettings,
} from './consumer/projector.consumer';
export { decodeRecord, type DecodedRecord } from './consumer/record-decoder';
export { retryWithBackoff, type Backoff } from './consumer/retry-backoff';

// Query side (also its own entry, @qf/player-read-model/queries, which loads no Kafka code).
export * from './queries';
