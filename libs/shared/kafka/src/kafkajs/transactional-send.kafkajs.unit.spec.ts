/* eslint-disable @typescript-eslint/no-require-imports -- drives kafkajs' own send (a private module) */
import {
  installTransactionalGuard,
  TransactionalProduceFailedError,
  createTransactionalSendGuard,
  type BrokerRequest,
} from './transactional-produce.guard';

/**
 * kafkajs 2.2.4's own send (producer/sendMessages.js), driven against an in-memory cluster
 * of two brokers, shows the two ways its retry breaks a transaction, and that the guard
 * stops both (the send or the commit fails, so the caller gives the transaction up).
 */
type Fields = { transactionalId?: string; producerId?: string; producerEpoch?: number };
interface Produced {
  readonly broker: number;
  readonly partition: number;
  readonly value: string;
}
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (
  options: object,
) => (request: object) => Promise<unknown>;
const createRetry = require('kafkajs/src/retry') as (options: object) => unknown;

const retriable = (message: string) =>
  Object.assign(new Error(message), { name: 'KafkaJSProtocolError', retriable: true });
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cluster = ({
  guarded,
  brokerOneMs,
  failAfterMs,
}: {
  guarded: boolean;
  /** How long broker 1 takes to answer a Produce (acks=all waiting for the ISR). */
  brokerOneMs: number;
  /** How long the failing AddPartitionsToTxn (of partition 1, led by broker 2) takes. */
  failAfterMs: number;
}) => {
  const produced: Produced[] = [];
  const leaders = new Map([
    [0, 1],
    [1, 2],
  ]);
  const failures: { addPartitions?: Error } = {};
  const request = (name: string, node: number) =>
    async function (this: unknown, fields: unknown) {
      const { topics } = fields as { topics?: { partitions: number[] }[] };
      const error = failures.addPartitions;
      if (name === 'addPartitionsToTxn' && error && topics?.[0]?.partitions.includes(1)) {
        delete failures.addPartitions;
        await tick(failAfterMs);
        throw error;
      }
      if (name !== 'produce') return {};
      const { topicData } = fields as {
        topicData: { partitions: { partition: number; messages: { value: string }[] }[] }[];
      };
      await tick(node === 1 ? brokerOneMs : 1);
      const partitions = topicData.flatMap((topic) => topic.partitions);
      for (const { partition, messages } of partitions)
        for (const { value } of messages) produced.push({ broker: node, partition, value });
      return {
        topics: [
          {
            topicName: 't',
            partitions: partitions.map(({ partition }) => ({ partition, errorCode: 0 })),
          },
        ],
      };
    };
  const brokerPrototypes = [1, 2].map((node) =>
    Object.fromEntries(
      ['produce', 'addPartitionsToTxn', 'endTxn', 'initProducerId'].map((name) => [
        name,
        request(name, node),
      ]),
    ),
  );
  const clusterPrototype = {
    findGroupCoordinator: async (_: { groupId: string }): Promise<unknown> => brokers[0],
  };
  if (guarded) {
    const guard = createTransactionalSendGuard();
    for (const prototype of brokerPrototypes)
      installTransactionalGuard(
        prototype as Record<string, BrokerRequest>,
        clusterPrototype,
        guard,
      );
  }
  const brokers = brokerPrototypes.map(
    (prototype, index) =>
      ({ nodeId: index + 1, ...prototype }) as Record<string, BrokerRequest> & { nodeId: number },
  );
  const fields: Fields = { transactionalId: 'tx', producerId: '7', producerEpoch: 0 };
  const added = new Set<number>();
  const sequences = new Map<number, number>();
  const locks = new Map<number, Promise<void>>();
  const unlocks = new Map<number, () => void>();
  const eosManager = {
    isTransactional: () => true,
    getTransactionalId: () => fields.transactionalId,
    getProducerId: () => fields.producerId,
    getProducerEpoch: () => fields.producerEpoch,
    getSequence: (_: string, partition: number) => sequences.get(partition) ?? 0,
    updateSequence: (_: string, partition: number, by: number) =>
      sequences.set(partition, (sequences.get(partition) ?? 0) + by),
    // One request per broker at a time, as kafkajs' per-broker mutex does.
    acquireBrokerLock: async ({ nodeId }: { nodeId: number }) => {
      while (locks.has(nodeId)) await locks.get(nodeId);
      locks.set(nodeId, new Promise<void>((resolve) => unlocks.set(nodeId, resolve)));
    },
    releaseBrokerLock: ({ nodeId }: { nodeId: number }) => {
      locks.delete(nodeId);
      unlocks.get(nodeId)?.();
    },
    addPartitionsToTransaction: async (
      topicData: { topic: string; partitions: { partition: number }[] }[],
    ) => {
      const fresh = topicData.flatMap((topic) => topic.partitions.map((p) => p.partition));
      const missing = fresh.filter((partition) => !added.has(partition));
      if (missing.length === 0) return;
      const coordinator = (await clusterPrototype.findGroupCoordinator({
        groupId: 'tx',
      })) as Record<string, BrokerRequest>;
      await (coordinator['addPartitionsToTxn'] as BrokerRequest).call(coordinator, {
        ...fields,
        topics: [{ topic: 't', partitions: missing }],
      });
      for (const partition of missing) added.add(partition);
    },
  };
  const send = createSendMessages({
    logger: { debug: () => undefined, error: () => undefined },
    cluster: {
      addMultipleTargetTopics: async () => undefined,
      refreshMetadataIfNecessary: async () => undefined,
      // After a failure kafkajs refreshes the metadata: by then partition 1 has moved.
      refreshMetadata: async () => void leaders.set(1, 1),
      isConnected: () => true,
      removeBroker: () => undefined,
      findTopicPartitionMetadata: () =>
        [...leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
      findLeaderForPartitions: (_: string, partitions: string[]) =>
        partitions.reduce<Record<number, number[]>>((result, id) => {
          const leader = leaders.get(Number(id)) ?? 0;
          return { ...result, [leader]: [...(result[leader] ?? []), Number(id)] };
        }, {}),
      findBroker: async ({ nodeId }: { nodeId: number }) => brokers[nodeId - 1],
    },
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    eosManager,
    retrier: createRetry({ retries: 5, initialRetryTime: 1, maxRetryTime: 5 }),
  });
  const commit = () =>
    (brokers[0]?.['endTxn'] as BrokerRequest).call(brokers[0], {
      ...fields,
      transactionResult: true,
    });
  return { produced, failures, send, commit };
};

const twoRecords = {
  acks: -1,
  topicMessages: [
    {
      topic: 't',
      messages: [
        { partition: 0, value: 'a' },
        { partition: 1, value: 'b' },
      ],
    },
  ],
};

describe("kafkajs' transactional send retried after a failed AddPartitionsToTxn", () => {
  it('without the guard, stores records again that were in flight', async () => {
    const { produced, failures, send, commit } = cluster({
      guarded: false,
      brokerOneMs: 30,
      failAfterMs: 0,
    });
    failures.addPartitions = retriable('NOT_COORDINATOR');
    await send(twoRecords);
    await commit();
    // Broker 1's request was in flight when the retry sent its record again.
    expect(produced.filter(({ value }) => value === 'a')).toHaveLength(2);
  });

  it('without the guard, commits without a partition that moved to a broker that had answered', async () => {
    const { produced, failures, send, commit } = cluster({
      guarded: false,
      brokerOneMs: 1,
      failAfterMs: 30,
    });
    failures.addPartitions = retriable('NOT_COORDINATOR');
    await send(twoRecords);
    await commit();
    expect(produced).toEqual([{ broker: 1, partition: 0, value: 'a' }]);
  });

  it.each([
    ['in flight: the send fails', 30, 0, 'rejects'],
    // kafkajs' retry then has nothing left to send: only the commit can be refused.
    ['answered: the send resolves', 1, 30, 'resolves'],
  ] as const)(
    'with the guard, the transaction cannot commit (other request %s)',
    async (_, brokerOneMs, failAfterMs, sent) => {
      const { produced, failures, send, commit } = cluster({
        guarded: true,
        brokerOneMs,
        failAfterMs,
      });
      failures.addPartitions = retriable('NOT_COORDINATOR');
      if (sent === 'rejects')
        await expect(send(twoRecords)).rejects.toBeInstanceOf(TransactionalProduceFailedError);
      else await expect(send(twoRecords)).resolves.toBeDefined();
      await expect(commit()).rejects.toBeInstanceOf(TransactionalProduceFailedError);
      await tick(50);
      expect(produced).toEqual([{ broker: 1, partition: 0, value: 'a' }]);
    },
  );
});
