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
