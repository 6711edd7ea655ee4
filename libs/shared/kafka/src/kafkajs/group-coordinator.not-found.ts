/* eslint-disable @typescript-eslint/no-require-imports -- patches kafkajs internals on purpose, see below */

type FindMetadata = (this: unknown, request: object) => Promise<unknown>;

let installed = false;

/**
 * kafkajs 2.2.4 asks each broker for a group's coordinator with its client's retries; when
 * every broker kept answering GROUP_COORDINATOR_NOT_AVAILABLE it throws
 * KafkaJSGroupCoordinatorNotFound, which it counts as final. A consumer whose join fails
 * that way crashes and is never restarted (kafkajs restarts only after retriable errors).
 * On a fresh broker every first group meets it while `__consumer_offsets` (50 partitions)
 * is being created: in CI the command gateway's reply consumer, whose client fails fast
 * (3 retries, at most 500 ms apart), died that way at start, and the gateway answered every
 * command 504 for the rest of the run. A coordinator that is not found yet may be found a
 * moment later, so the error is marked retriable: the consumer's crash is followed by
 * kafkajs' restart (when the service's restartOnFailure allows it).
 */
export const retryGroupCoordinatorNotFound = (): void => {
  if (installed) return;
  installed = true;
  const Cluster = require('kafkajs/src/cluster') as {
    prototype: { findGroupCoordinatorMetadata: FindMetadata };
  };
  const find = Cluster.prototype.findGroupCoordinatorMetadata;
  Cluster.prototype.findGroupCoordinatorMetadata = async function findOrRetry(request) {
    try {
      return await find.call(this, request);
    } catch (error) {
      if (error instanceof Error && error.name === 'KafkaJSGroupCoordinatorNotFound')
        Object.assign(error, { retriable: true });
      throw error;
    }
  };
};
