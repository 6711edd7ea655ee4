export {
  AuditConsumer,
  auditEventFromRecord,
  type AuditConsumerOptions,
} from './audit/audit-consumer';
export { followAuditLogAlias } from './audit/audit-log-alias';
export {
  AuditLog,
  auditDocumentFor,
  auditKey,
  eventFromAuditDocument,
  gaplessPrefix,
  onlyDuplicateKeyErrors,
  type AuditLogCollection,
  type AuditLogDocument,
} from './audit/audit-log';
export { COLLECTIONS } from './collections';
export { auditMetrics, crudMetrics, mongoMetrics, relayMetrics } from './crud-metrics';
export { countMongoCommands, statementsOf } from './mongo-command-counter';
export {
  stateToView,
  VIEW_PROJECTION,
  type InventoryEntry,
  type OutboxEntry,
  type PlayerDocument,
  type RecentCommand,
} from './document/player-document';
export {
  PlayerRepository,
  summarizeBacklog,
  type OutboxBacklog,
  type PendingOutbox,
} from './document/player-repository';
export {
  DEFAULT_RECENT_COMMANDS,
  findRecent,
  keepRecent,
  outcomeOf,
  recentCommandFor,
} from './document/recent-commands';
export {
  appendSeen,
  DEFAULT_SEEN_LIMIT,
  findSeen,
  SEEN_ENTRY_BYTES,
  seenEntryOf,
} from './document/seen-commands';
export { backoffDelay, DEFAULT_RETRY_POLICY, mayRetry, type RetryPolicy } from './occ/retry-policy';
export {
  DEFAULT_RELAY_LEASE_MS,
  DEFAULT_RELAY_LINGER_MS,
  eventOfEntry,
  OutboxRelay,
  type OutboxRelayOptions,
} from './outbox/outbox-relay';
export {
  AUDIT_MODES,
  groupInsertDocumentFor,
  groupUpdateFor,
  guardedUpdateFor,
  insertDocumentFor,
  OUTBOX_EPOCH,
  outboxEntriesFor,
  PENDING_OUTBOX_PROJECTION,
  pendingFilter,
  releaseWrites,
  type AcceptedCommandWrite,
  type AuditMode,
  type ReadOutbox,
  type GuardedWrite,
  type PendingOutboxDocument,
} from './outbox/outbox-writes';
export { RelayShards, SHARD_COUNT, shardFilter, shardOfPlayer } from './outbox/relay-shards';
export { CrudQueries } from './queries/crud-queries';
export { KafkaAuditPublisher, type AuditPublisher } from './service/audit-publisher';
export {
  CrudCommandExecutor,
  DEFAULT_STATE_CACHE,
  MAX_COMMANDS_PER_WRITE,
  type CrudExecutorOptions,
} from './service/crud-command-executor';
export { KeyedBatcher, type Settled } from './service/keyed-batcher';
export type { OutcomeSource } from './service/seen-outcome';
export { PlayerDocumentCache, type CachedPlayer } from './service/player-document-cache';
