/**
 * Everything Quest Fleet changes in or adds to kafkajs' private modules, in one place.
 * These patches reach into `kafkajs/src/...`, which has no stability promise, so kafkajs
 * is pinned to one exact version (KAFKAJS_VERSION) and `kafkajs-version.unit.spec.ts`
 * fails when the installed or declared version moves: re-check every patch, then update it.
 */
export const KAFKAJS_VERSION = '2.2.4';

export { cacheCoordinatorLookups, forgetCoordinators } from './coordinator-cache';
export {
  retryConcurrentTransactions,
  type ConcurrentTransactionsRetry,
} from './concurrent-transactions.retry';
export {
  fleetLogCreator,
  isRoutineKafkaLine,
  kafkaLogLevelFromEnv,
  transactionalLogCreator,
} from './fleet.log-creator';
export {
  addPartitionsEarly,
  earlyAddCounters,
  installEarlyPartitionAdds,
  type TopicPartitions,
} from './early-partition-adds';
export { encodeRecord, useFastRecordEncoder, type RecordFields } from './fast-record-encoder';
export { fixedPartitionAssigner } from './fixed-partition.assigner';
export { stopIdleRequestQueueTimers } from './request-queue.idle-timer';
export { retryGroupCoordinatorNotFound } from './group-coordinator.not-found';
export {
  isUnreachableCoordinator,
  rediscoverGroupCoordinators,
} from './group-coordinator.rediscovery';
export {
  guardTransactionalProduce,
  TransactionalProduceFailedError,
} from './transactional-produce.guard';
