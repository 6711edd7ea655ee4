import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CommandProcessor, processorConfig, type ProcessorOptions } from '@qf/player-es-write';
import { startUntilJoined } from '@qf/shared-kafka';
import { createLogger, type ServiceRuntime } from '@qf/shared-observability';

const log = createLogger('command-processor', 'lifecycle');

/**
 * The processor as a ServiceRuntime: joins the consumer group once Kafka answers, retrying
 * with the one start-retry policy; on SIGTERM finishes the transactions in flight and
 * leaves. A processor that was stopped does not start again, so a failed attempt is
 * stopped (closing what it opened) and replaced by a fresh one.
 */
export const processorRuntime = (options: ProcessorOptions): ServiceRuntime => {
  // A fresh id per attempt and process: its Kafka client ids, not its transactional ids (those follow the slots).
  const create = () =>
    new CommandProcessor(
      processorConfig(`${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
      options,
    );
  let processor = create();
  return {
    service: 'command-processor',
    health: (checks) => {
      checks.register('consumer', async () => processor.health());
      // A slot stuck in a retry loop (or restoring for long) is named here, not hidden.
      checks.register('slots', async () => processor.readiness());
      checks.describe('partitions', () => processor.ownedPartitions());
      checks.describe('slots', () => processor.ownedSlots());
    },
    start: (stopping) =>
      startUntilJoined({
        start: () => processor.start(),
        undo: async () => {
          const failed = processor;
          processor = create();
          await failed.stop();
        },
        stopping,
        onRetry: (attempt, error) =>
          log.warn('command processor could not start; retrying', {
            attempt,
            error: error.message,
          }),
      }),
    stop: () => processor.stop(),
  };
};
