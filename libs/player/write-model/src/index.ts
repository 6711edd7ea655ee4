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
export {
  CommandDispatcher,
  FAIL_FAST_MS,
  RETRY_AFTER_SECONDS,
  type DispatcherClock,
  type DispatcherOptions,
} from './gateway/command-dispatcher';
export { CommandGateway } from './gateway/command-gateway';
export { ReplyReader, type ReplyReaderOptions } from './gateway/reply-reader';
export { ReplyWaiters, Waiter, type WaiterCallback } from './gateway/reply-waiters';
export { fnv1a, isReplyFor, replyPartitionFor } from './gateway/reply-routing';
export {
  WindowBatcher,
  type BatcherTimers,
  type Queued,
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
