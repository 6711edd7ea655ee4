/* eslint-disable @typescript-eslint/no-require-imports -- drives kafkajs' own coordinator lookup (a private module) */
import { retryGroupCoordinatorNotFound } from './group-coordinator.not-found';

/**
 * kafkajs' own Cluster.findGroupCoordinatorMetadata, with a broker pool in which no broker
 * found the coordinator (each kept answering GROUP_COORDINATOR_NOT_AVAILABLE).
 */
const Cluster = require('kafkajs/src/cluster') as {
  prototype: { findGroupCoordinatorMetadata: (request: object) => Promise<unknown> };
};
const clusterWhere = (withBroker: () => Promise<unknown>) => ({
  brokerPool: { withBroker },
  logger: { debug: () => undefined },
});
const lookup = (cluster: object) =>
  Cluster.prototype.findGroupCoordinatorMetadata.call(cluster, {
    groupId: 'g',
    coordinatorType: 0,
  });

describe('retryGroupCoordinatorNotFound', () => {
  it('kafkajs alone calls a coordinator not found yet final (a consumer that meets it is never restarted)', async () => {
    await expect(lookup(clusterWhere(async () => undefined))).rejects.toMatchObject({
      name: 'KafkaJSGroupCoordinatorNotFound',
      retriable: false,
    });
  });

  it('installed, the same error is retriable, so kafkajs restarts the crashed consumer', async () => {
    retryGroupCoordinatorNotFound();
    retryGroupCoordinatorNotFound(); // once only
    await expect(lookup(clusterWhere(async () => undefined))).rejects.toMatchObject({
      name: 'KafkaJSGroupCoordinatorNotFound',
      retriable: true,
    });
    const other = Object.assign(new Error('bad'), {
      name: 'KafkaJSProtocolError',
      retriable: false,
    });
    await expect(
      lookup(
        clusterWhere(async () => {
          throw other;
        }),
      ),
    ).rejects.toMatchObject({ name: 'KafkaJSProtocolError', retriable: false });
    await expect(
      lookup(clusterWhere(async () => ({ coordinator: { nodeId: 1 } }))),
    ).resolves.toEqual({ coordinator: { nodeId: 1 } });
  });
});
