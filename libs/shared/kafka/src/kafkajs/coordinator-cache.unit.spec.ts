/* eslint-disable @typescript-eslint/no-require-imports -- stubs the kafkajs internal the cache patches */
import { cacheCoordinatorLookups, forgetCoordinators } from './coordinator-cache';

type Lookup = (
  this: object,
  request: { groupId: string; coordinatorType?: number },
) => Promise<{ coordinator: { nodeId: number; host: string; port: number } }>;

describe('cacheCoordinatorLookups', () => {
  const Cluster = require('kafkajs/src/cluster') as {
    prototype: { findGroupCoordinatorMetadata: Lookup };
  };
  let lookups = 0;
  let connected = true;
  const cluster = { brokerPool: { brokers: { '2': { isConnected: () => connected } } } };
  const lookup = () =>
    Cluster.prototype.findGroupCoordinatorMetadata.call(cluster, {
      groupId: 'tx-1',
      coordinatorType: 1,
    });

  beforeAll(() => {
    Cluster.prototype.findGroupCoordinatorMetadata = async () => {
      lookups += 1;
      return { coordinator: { nodeId: 2, host: '127.0.0.1', port: 29094 } };
    };
    cacheCoordinatorLookups({ ttlMs: 60_000 });
  });

  it('asks once while the coordinator is connected', async () => {
    await lookup();
    await lookup();
    await lookup();
    expect(lookups).toBe(1);
  });

  it("asks again while the coordinator's broker is not connected (it died: the coordinator moves)", async () => {
    connected = false;
    await lookup();
    await lookup();
    expect(lookups).toBe(3);
    connected = true;
    await lookup();
    expect(lookups).toBe(3);
  });

  it('asks again after forgetCoordinators()', async () => {
    forgetCoordinators();
    await lookup();
    expect(lookups).toBe(4);
  });
});
