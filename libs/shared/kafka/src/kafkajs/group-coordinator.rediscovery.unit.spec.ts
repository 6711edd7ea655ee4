/* eslint-disable @typescript-eslint/no-require-imports -- drives the kafkajs internals the patch changes */
import {
  isUnreachableCoordinator,
  rediscoverGroupCoordinators,
} from './group-coordinator.rediscovery';

const { KafkaJSConnectionError, KafkaJSProtocolError } = require('kafkajs/src/errors') as {
  KafkaJSConnectionError: new (message: string, options?: { code?: string }) => Error;
  KafkaJSProtocolError: new (error: { type: string; message: string; code: number }) => Error;
};
const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup') as new (
  options: Record<string, unknown>,
) => {
  coordinator: unknown;
  memberId: string | null;
  generationId: number | null;
  heartbeat(options: { interval: number }): Promise<void>;
};
const OffsetManager = require('kafkajs/src/consumer/offsetManager') as new (
  options: Record<string, unknown>,
) => { coordinator: unknown; getCoordinator(): Promise<unknown> };

/** A coordinator broker that answers heartbeats, or fails them as a dead or moved one does. */
class FakeCoordinator {
  heartbeats = 0;
  constructor(
    readonly nodeId: number,
    private readonly failure?: () => Error,
    private readonly connected = true,
  ) {}
  isConnected(): boolean {
    return this.connected;
  }
  async heartbeat(): Promise<void> {
    this.heartbeats += 1;
    if (this.failure) throw this.failure();
  }
}

const logger = { namespace: () => logger, debug() {}, info() {}, warn() {}, error() {} };

/** A member of generation 2 whose coordinator was found when it joined; `lookUp` answers a new lookup. */
const memberOf = (coordinator: FakeCoordinator, lookUp: () => Promise<FakeCoordinator>) => {
  const lookups: string[] = [];
  const cluster = {
    findGroupCoordinator: async ({ groupId }: { groupId: string }) => {
      lookups.push(groupId);
      return lookUp();
    },
  };
  const group = new ConsumerGroup({
    cluster,
    groupId: 'processors',
    topics: [],
    topicConfigurations: {},
    logger,
    instrumentationEmitter: { emit() {} },
    retry: { retries: 0 },
  });
  group.coordinator = coordinator;
  group.memberId = 'member-1';
  group.generationId = 2;
  return { group, lookups };
};

const consumerGroupWith = (coordinator: FakeCoordinator, next: FakeCoordinator) =>
  memberOf(coordinator, async () => next);

describe('rediscoverGroupCoordinators (kafkajs 2.2.4 ConsumerGroup and OffsetManager)', () => {
  beforeAll(() => rediscoverGroupCoordinators());

  it('a heartbeat whose coordinator refuses connections is sent to the coordinator found again', async () => {
    const dead = new FakeCoordinator(
      3,
      () =>
        new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', {
          code: 'ECONNREFUSED',
        }),
    );
    const moved = new FakeCoordinator(1);
    const { group, lookups } = consumerGroupWith(dead, moved);

    await group.heartbeat({ interval: 0 });

    expect({ dead: dead.heartbeats, moved: moved.heartbeats, lookups }).toEqual({
      dead: 1,
      moved: 1,
      lookups: ['processors'],
    });
    expect(group.coordinator).toBe(moved);
    // The membership is kept: same member id and generation, no rejoin.
    expect({ memberId: group.memberId, generationId: group.generationId }).toEqual({
      memberId: 'member-1',
      generationId: 2,
    });
  });

  it('an error answered by the coordinator is left to kafkajs (it rejoins on these)', async () => {
    const answering = new FakeCoordinator(
      2,
      () =>
        new KafkaJSProtocolError({
          type: 'REBALANCE_IN_PROGRESS',
          message: 'The group is rebalancing',
          code: 27,
        }),
    );
    const { group, lookups } = consumerGroupWith(answering, new FakeCoordinator(1));

    await expect(group.heartbeat({ interval: 0 })).rejects.toMatchObject({
      type: 'REBALANCE_IN_PROGRESS',
    });
    expect(lookups).toEqual([]);
    expect(group.coordinator).toBe(answering);
  });

  it('when the coordinator found again cannot be reached either, the heartbeat fails (kafkajs retries it)', async () => {
    const refused = () => new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const dead = new FakeCoordinator(3, refused);
    const { group, lookups } = consumerGroupWith(dead, dead);

    await expect(group.heartbeat({ interval: 0 })).rejects.toMatchObject({
      name: 'KafkaJSConnectionError',
    });
    expect(lookups).toEqual(['processors']);
  });

  it('when the lookup fails too (the cluster is away), the heartbeat fails with its own error, as before', async () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const dead = new FakeCoordinator(3, () => refused);
    const { group } = memberOf(dead, async () => {
      throw new Error('Failed to find group coordinator');
    });

    await expect(group.heartbeat({ interval: 0 })).rejects.toBe(refused);
    expect(group.coordinator).toBe(dead);
  });

  it('offset commits look the coordinator up again once its connection is gone', async () => {
    const dead = new FakeCoordinator(3, undefined, false);
    const moved = new FakeCoordinator(1);
    const lookups: string[] = [];
    const manager = new OffsetManager({
      cluster: {
        committedOffsets: () => ({}),
        findGroupCoordinator: async ({ groupId }: { groupId: string }) => {
          lookups.push(groupId);
          return moved;
        },
      },
      coordinator: dead,
      memberAssignment: {},
      groupId: 'projectors',
    });

    await expect(manager.getCoordinator()).resolves.toBe(moved);
    await expect(manager.getCoordinator()).resolves.toBe(moved);
    expect(lookups).toEqual(['projectors']);
  });

  it('tells unreachable coordinators from answers', () => {
    expect(isUnreachableCoordinator(new KafkaJSConnectionError('reset'))).toBe(true);
    expect(
      isUnreachableCoordinator(
        new KafkaJSProtocolError({ type: 'NOT_COORDINATOR_FOR_GROUP', message: 'x', code: 16 }),
      ),
    ).toBe(false);
    expect(isUnreachableCoordinator('ECONNREFUSED')).toBe(false);
  });
});
