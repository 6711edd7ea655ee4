import { counter } from '@qf/shared-observability';
import { gatewayMetrics as metrics } from '../write-path.metrics';

/**
 * The gateway's metric series, resolved once: prom-client looks a labelled series up by
 * hashing its labels on every call, which on the per-request path cost more than the
 * counting itself.
 */
export const gatewaySeries = {
  produced: { wait: metrics.produced.labels('wait'), async: metrics.produced.labels('async') },
  decision: {
    accepted: metrics.decisionSeconds.labels('accepted'),
    rejected: metrics.decisionSeconds.labels('rejected'),
    failed: metrics.decisionSeconds.labels('failed'),
  },
  replies: {
    answered: metrics.replies.labels('answered'),
    noWaiter: metrics.replies.labels('no-waiter'),
    otherGateway: metrics.replies.labels('other-gateway'),
    malformed: metrics.replies.labels('malformed'),
  },
  shed: (() => {
    const shed = counter({
      name: 'qf_gateway_shed_total',
      help: 'Requests refused at once with 503 + Retry-After because too many already waited',
      labelNames: ['reason'],
    });
    return { pending: shed.labels('pending'), unsent: shed.labels('unsent') };
  })(),
  dropped: counter({
    name: 'qf_gateway_commands_dropped_total',
    help: 'Commands never produced because their request had timed out (504) before they were sent',
  }),
  timeouts: metrics.timeouts,
  pending: metrics.pending,
  produceBatch: metrics.produceBatch,
  produceSeconds: metrics.produceSeconds,
  produceFailures: metrics.produceFailures,
  replyDelaySeconds: metrics.replyDelaySeconds,
  kafkaRequests: metrics.kafkaRequests,
};
