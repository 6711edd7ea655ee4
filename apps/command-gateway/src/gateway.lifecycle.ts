import type { CommandGateway } from '@qf/player-es-write';
import { startUntilJoined } from '@qf/shared-kafka';
import { createLogger, type ServiceRuntime } from '@qf/shared-observability';

const log = createLogger('command-gateway', 'lifecycle');

/**
 * The gateway's Kafka side as a ServiceRuntime. When Kafka is not there yet the service
 * still starts (commands answer 503, /health says why) and keeps trying with the one
 * start-retry policy; topics it must not run with end the process.
 */
export const gatewayRuntime = (gateway: CommandGateway): ServiceRuntime => ({
  service: 'command-gateway',
  health: (checks) => {
    checks.register('kafka', async () => gateway.health());
    checks.describe('replyPartition', () => gateway.replyPartition);
  },
  start: (stopping) =>
    startUntilJoined({
      start: () => gateway.start(),
      // A failed start closes what it opened itself and may be tried again.
      undo: async () => undefined,
      stopping,
      onRetry: (attempt, error) =>
        log.error('could not start the Kafka side; retrying', { attempt, error: error.message }),
    }),
  // After the servers stopped taking commands, so the requests in flight get their decisions.
  close: () => gateway.stop(),
});
