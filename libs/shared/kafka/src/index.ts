export { createKafka } from './kafka-client';
export {
  alignTopicConfigs,
  checkTopics,
  describeTopics,
  ensureFleetTopics,
  ensureTopics,
  isTopicRefusal,
  topicLayout,
  TopicMismatchError,
  UnsafeTopicSettingsError,
  type EnsureTopicsOptions,
  type EnsureTopicsReport,
  type TopicSpec,
} from './topics';
export {
  checkTopic,
  describeProblems,
  type ExistingTopic,
  type TopicProblem,
  type TopicVerdict,
} from './topic-check';
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
export { RenewingProducer, type RenewingProducerOptions } from './renewing-producer';
export { readRange, type ReadRangeOptions } from './read-range';
export { readPartitionRanges, type PartitionRange, type RangeEnd } from './read-partitions';
export {
  KAFKAJS_VERSION,
  addPartitionsEarly,
  earlyAddCounters,
  installEarlyPartitionAdds,
  cacheCoordinatorLookups,
  encodeRecord,
  fixedPartitionAssigner,
  fleetLogCreator,
  forgetCoordinators,
  guardTransactionalProduce,
  isRoutineKafkaLine,
  kafkaLogLevelFromEnv,
  retryConcurrentTransactions,
  transactionalLogCreator,
  TransactionalProduceFailedError,
  useFastRecordEncoder,
  type ConcurrentTransactionsRetry,
  type RecordFields,
} from './kafkajs';
export { DEFAULT_STUCK_AFTER_MS, PartitionRetries } from './partition-retries';
