export {
  gatewayConfig,
  processorConfig,
  writePathConfig,
  type GatewayConfig,
  type ProcessorConfig,
  type WritePathConfig,
} from './config/write-path.config';
export {
  decideBatch,
  deadLetteredProblem,
  type BatchCounts,
  type BatchDecision,
  type DeadLetter,
  type DecideBatchOptions,
  type InboundCommand,
  type RoutedReply,
} from './decision/decide-batch';
export { CommandGateway } from './gateway/command-gateway';
export { PendingReplies } from './gateway/pending-replies';
export { fnv1a, isReplyFor, replyPartitionFor } from './gateway/reply-routing';
export {
  WindowBatcher,
  type BatcherTimers,
  type WindowBatcherOptions,
} from './gateway/window-batcher';
export {
  lookupCommand,
  recordCommand,
  type LedgerEntry,
  type LedgerLookup,
} from './ledger/command-ledger';
export {
  alreadyDecided,
  decodeSnapshot,
  emptySnapshot,
  encodeSnapshot,
  SNAPSHOT_SCHEMA_VERSION,
  type PlayerSnapshot,
} from './ledger/player-snapshot';
export { CommandProcessor } from './processor/command-processor';
export { PartitionOwner, type PartitionOwnerContext } from './processor/partition-owner';
export { PartitionWorker, type PartitionWorkerOptions } from './processor/partition-worker';
export { ensureWritePathTopics, writePathTopicSpecs } from './topics/write-path.topics';
