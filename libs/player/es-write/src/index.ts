export {
  DEFAULT_SLOTS,
  DEFAULT_TXN_INTERVAL_MS,
  DEFAULT_TXN_RATE_PER_MS,
  gatewayConfig,
  idempotencyHorizonMs,
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
  type UndecidableCommand,
  type DecisionView,
  type InboundCommand,
  type PlayerRecord,
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
  IdempotencyIndex,
  type IdempotencyIndexOptions,
  type IndexedCommand,
} from './ledger/idempotency-index';
export {
  decodeLedgerLine,
  encodeLedgerLine,
  hashKey,
  type DecidedCommand,
} from './ledger/ledger-line';
export {
  CommandStatusReader,
  partitionOfPlayer,
  type CommandStatusOptions,
} from './ledger/command-status.reader';
export { decodeLedgerRecord, encodeLedgerRecord, type LedgerRecord } from './ledger/ledger-record';
export {
  decodeSnapshot,
  encodeSnapshot,
  SNAPSHOT_RECORD_VERSION,
  type DecodedSnapshot,
  type PlayerSnapshot,
} from './ledger/player-snapshot';
export { CommandProcessor, type ProcessorOptions } from './processor/command-processor';
export { processorMetrics } from './processor/processor.metrics';
export { slotAssigner, slotsOfAssignment } from './processor/slot.assigner';
export { GroupCommitPacer, type GroupCommitPacerOptions } from './processor/group-commit.pacer';
export {
  assignSlots,
  effectiveSlots,
  maskOf,
  overlappingMasks,
  slotOf,
  slotPartitions,
  slotsOfMask,
} from './processor/slots';
export {
  TransactionOwner,
  transactionalIdOf,
  type TransactionOwnerContext,
} from './processor/transaction-owner';
export { TransactionWorker, type TransactionWorkerOptions } from './processor/transaction-worker';
export {
  checkLedgerKeepsHorizon,
  ensureWritePathTopics,
  writePathTopicSpecs,
} from './topics/write-path.topics';
