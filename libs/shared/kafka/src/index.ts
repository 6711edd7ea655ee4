export { createKafka } from './kafka-client';
export { ensureTopics, TopicMismatchError, type TopicSpec } from './topics';
export {
  appendTimeOf,
  consumerGroupLag,
  fleetConsumerLag,
  type ConsumerLagOptions,
  type PartitionLag,
} from './consumer-lag';
export { startUntilJoined, type StartAttempt } from './start-until-joined';
export { awaitTopicServing } from './topic-ready';
export {
  loopTransactions,
  type TransactionLoopOptions,
  type TransactionLoopResult,
} from './transaction-loop';
export { readPartitionToEnd } from './read-partition';
export { readPartitionRanges, type PartitionRange, type RangeEnd } from './read-partitions';
export {
  KAFKAJS_VERSION,
  cacheCoordinatorLookups,
  encodeRecord,
  fixedPartitionAssigner,
  forgetCoordinators,
  retryConcurrentTransactions,
  transactionalLogCreator,
  useFastRecordEncoder,
  type ConcurrentTransactionsRetry,
  type RecordFields,
} from './kafkajs';
