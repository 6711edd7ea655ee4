import { counter, gauge, histogram } from '@qf/shared-observability';

const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

/** Gateway: commands produced, produce batches, decisions waited for. */
export const gatewayMetrics = {
  produced: counter({
    name: 'qf_gateway_commands_produced_total',
    help: 'Commands produced to player.commands',
    labelNames: ['mode'],
  }),
  produceFailures: counter({
    name: 'qf_gateway_produce_failures_total',
    help: 'Produce windows that failed (answered 503)',
  }),
  produceBatch: histogram({
    name: 'qf_gateway_produce_batch_size',
    help: 'Commands per producer request (send window)',
    buckets: BATCH_BUCKETS,
  }),
  produceSeconds: histogram({
    name: 'qf_gateway_produce_duration_seconds',
    help: 'Time for one send window to be acknowledged',
  }),
  replies: counter({
    name: 'qf_gateway_replies_consumed_total',
    help: 'Reply records read from the reply partition',
    labelNames: ['result'],
  }),
  decisionSeconds: histogram({
    name: 'qf_gateway_decision_duration_seconds',
    help: 'From produce to the decision arriving (outcome: accepted, rejected, failed = 5xx)',
    labelNames: ['outcome'],
  }),
  timeouts: counter({
    name: 'qf_gateway_decision_timeouts_total',
    help: 'Requests answered 504: no decision in time',
  }),
  replyDelaySeconds: histogram({
    name: 'qf_gateway_reply_delay_seconds',
    help: 'From the processor producing a reply (record timestamp) to the gateway reading it: commit, markers, fetch',
  }),
  kafkaRequests: counter({
    name: 'qf_gateway_kafka_requests_total',
    help: 'Requests the command producer and the reply consumer sent, by client and API',
    labelNames: ['client', 'api'],
  }),
  pending: gauge({
    name: 'qf_gateway_pending_decisions',
    help: 'Requests waiting for their decision',
  }),
};

/** Processor: commands decided, transactions, batches, restores. */
export const processorMetrics = {
  commands: counter({
    name: 'qf_processor_commands_total',
    help: 'Commands consumed, by what became of them',
    labelNames: ['outcome'],
  }),
  events: counter({
    name: 'qf_processor_events_produced_total',
    help: 'Events appended to player.events',
  }),
  queueDelaySeconds: histogram({
    name: 'qf_processor_queue_delay_seconds',
    help: 'From the gateway producing a command (record timestamp) to the start of the transaction deciding it',
  }),
  batchSize: histogram({
    name: 'qf_processor_batch_size',
    help: 'Commands per transaction',
    buckets: BATCH_BUCKETS,
  }),
  transactionSeconds: histogram({
    name: 'qf_processor_transaction_duration_seconds',
    help: 'Decide + produce + sendOffsets + commit of one batch',
  }),
  transactionPhaseSeconds: histogram({
    name: 'qf_processor_transaction_phase_seconds',
    help: 'Time in each step of a transaction',
    labelNames: ['phase'],
  }),
  kafkaRequests: counter({
    name: 'qf_processor_kafka_requests_total',
    help: 'Requests the transactional producers sent, by API',
    labelNames: ['api'],
  }),
  consumerRequests: counter({
    name: 'qf_processor_consumer_kafka_requests_total',
    help: 'Requests the command consumer sent, by API',
    labelNames: ['api'],
  }),
  kafkaRequestSeconds: counter({
    name: 'qf_processor_kafka_request_seconds_total',
    help: 'Time the transactional producers waited for responses, by API',
    labelNames: ['api'],
  }),
  transactionFailures: counter({
    name: 'qf_processor_transaction_failures_total',
    help: 'Transactions aborted or failed (the batch is redone after a restore)',
    labelNames: ['reason'],
  }),
  restoreSeconds: histogram({
    name: 'qf_processor_restore_duration_seconds',
    help: 'Fencing + snapshot restore of one partition',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
  restoredSnapshots: counter({
    name: 'qf_processor_restored_snapshots_total',
    help: 'Snapshot records read while restoring partitions',
  }),
  partitionsOwned: gauge({
    name: 'qf_processor_partitions_owned',
    help: 'Partitions of player.commands this replica owns',
  }),
  players: gauge({
    name: 'qf_processor_players_in_memory',
    help: 'Player snapshots held in memory',
  }),
  backlog: gauge({
    name: 'qf_processor_backlog_commands',
    help: 'Fetched commands waiting for a transaction',
  }),
};
