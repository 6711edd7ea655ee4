/* eslint-disable @typescript-eslint/no-require-imports -- drives kafkajs' own send (a private module) */
import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { RenewingProducer } from './renewing-producer';

/**
 * kafkajs 2.2.4's own send (producer/sendMessages.js) of an idempotent producer, against an
 * in-memory partition that checks sequence numbers as a Kafka broker does. The leader appends
 * a request, its followers have it, and it dies before answering; kafkajs' retries end while
 * no leader is there, and it takes the request's sequence numbers back. From then on the
 * producer is wedged: every send is refused OUT_OF_ORDER_SEQUENCE_NUMBER. This is what made
 * the command gateway answer 503 for good after a broker kill (a drill at 60 commands/s:
 * 605 commands never decided in 55 s). A new producer id starts its numbers afresh.
 */
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (
  options: object,
) => (request: object) => Promise<RecordMetadata[]>;
const createRetry = require('kafkajs/src/retry') as (options: object) => unknown;

const protocolError = (type: string, retriable: boolean) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });
const connectionError = () =>
  Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
    name: 'KafkaJSConnectionError',
    retriable: true,
  });

/** One partition replicated on brokers 1 and 2 (one log), with a broker's sequence checks. */
const partition = () => {
  const log: string[] = [];
  const next = new Map<number, number>();
  const last = new Map<number, { first: number; count: number; offset: number }>();
  const state = { leader: 1, deadBrokers: new Set<number>(), loseNextAnswer: false };
  const append = (producerId: number, first: number, values: string[]) => {
    const previous = last.get(producerId);
    if (previous && previous.first === first && previous.count === values.length)
      return previous.offset; // a duplicate of the last batch: answered as written before
    if (first !== (next.get(producerId) ?? 0))
      throw protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false);
    const offset = log.length;
    log.push(...values);
    next.set(producerId, first + values.length);
    last.set(producerId, { first, count: values.length, offset });
    return offset;
  };
  const broker = (nodeId: number) => ({
    nodeId,
    produce: async ({
      producerId,
      topicData,
    }: {
      producerId: number;
      topicData: {
        partitions: { partition: number; firstSequence: number; messages: { value: string }[] }[];
      }[];
    }) => {
      if (state.deadBrokers.has(nodeId)) throw connectionError();
      const entry = topicData[0]?.partitions[0];
      if (!entry) throw new Error('nothing to produce');
      const offset = append(
        producerId,
        entry.firstSequence,
        entry.messages.map(({ value }) => value),
      );
      if (state.loseNextAnswer) {
        // Appended and replicated; the leader dies before it answers.
        state.loseNextAnswer = false;
        state.deadBrokers.add(nodeId);
        throw Object.assign(new Error('Closed connection'), {
          name: 'KafkaJSConnectionClosedError',
          retriable: true,
        });
      }
      return {
        topics: [
          {
            topicName: 't',
            partitions: [{ partition: 0, errorCode: 0, baseOffset: String(offset) }],
          },
        ],
      };
    },
  });
  const brokers = [broker(1), broker(2)];
  return { log, state, brokers };
};

type Partition = ReturnType<typeof partition>;

/** An idempotent producer on kafkajs' send: its own producer id and sequence numbers. */
const producerOn = (cluster: Partition, producerId: number) => {
  const sequences = new Map<number, number>();
  const send = createSendMessages({
    logger: { debug: () => undefined, error: () => undefined },
    cluster: {
      addMultipleTargetTopics: async () => undefined,
      refreshMetadataIfNecessary: async () => undefined,
      refreshMetadata: async () => undefined,
      isConnected: () => true,
      removeBroker: () => undefined,
      findTopicPartitionMetadata: () => [{ partitionId: 0, leader: cluster.state.leader }],
      findLeaderForPartitions: () => ({ [cluster.state.leader]: [0] }),
      findBroker: async ({ nodeId }: { nodeId: number }) => cluster.brokers[nodeId - 1],
    },
    partitioner: () => 0,
    eosManager: {
      isTransactional: () => false,
      getProducerId: () => producerId,
      getProducerEpoch: () => 0,
      getSequence: (_: string, partition: number) => sequences.get(partition) ?? 0,
      updateSequence: (_: string, partition: number, by: number) =>
        sequences.set(partition, (sequences.get(partition) ?? 0) + by),
      acquireBrokerLock: async () => undefined,
      releaseBrokerLock: async () => undefined,
    },
    retrier: createRetry({ retries: 2, initialRetryTime: 1, maxRetryTime: 2 }),
  });
  return {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: (batch: ProducerBatch) => send(batch),
  } as unknown as Producer;
};

const batch = (...values: string[]): ProducerBatch => ({
  acks: -1,
  topicMessages: [{ topic: 't', messages: values.map((value) => ({ value })) }],
});

/** Sends `a`, whose answer is lost as its leader dies; the partition then moves to broker 2. */
const killLeaderDuringFirstSend = async (send: (batch: ProducerBatch) => Promise<unknown>) => {
  const cluster = current;
  cluster.state.loseNextAnswer = true;
  await expect(send(batch('a'))).rejects.toThrow(/ECONNREFUSED/);
  cluster.state.leader = 2;
};

let current: Partition;
beforeEach(() => {
  current = partition();
});

describe("kafkajs' idempotent send after a leader died before answering", () => {
  it('a plain producer is refused for good: its sequence numbers are behind the log', async () => {
    const producer = producerOn(current, 1);
    await killLeaderDuringFirstSend((b) => producer.sendBatch(b));
    expect(current.log).toEqual(['a']);
    for (const value of ['b', 'c', 'd'])
      await expect(producer.sendBatch(batch(value, `${value}2`))).rejects.toMatchObject({
        type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      });
    // A later send of one record passes for a duplicate of 'a' and is dropped unwritten.
    await producer.sendBatch(batch('e'));
    expect(current.log).toEqual(['a']);
  });

  it('a RenewingProducer writes again once the replacement (a new producer id) took over', async () => {
    let ids = 0;
    const renewed: string[] = [];
    const producer = new RenewingProducer({
      create: () => producerOn(current, (ids += 1)),
      onRenewed: (cause) => renewed.push(cause),
    });
    await producer.connect();
    await killLeaderDuringFirstSend((b) => producer.sendBatch(b));
    await producer.settled();
    await producer.sendBatch(batch('b', 'b2'));
    await producer.sendBatch(batch('e'));
    expect(current.log).toEqual(['a', 'b', 'b2', 'e']);
    expect(renewed).toEqual([expect.stringMatching(/ECONNREFUSED/)]);
    expect(producer.renewals).toBe(1);
  });
});

describe('RenewingProducer', () => {
  it('keeps the current producer while a replacement cannot connect, and tries again after the next failure', async () => {
    let ids = 0;
    let refuse = true;
    const failures: unknown[] = [];
    const producer = new RenewingProducer({
      create: () => {
        const created = producerOn(current, (ids += 1));
        if (ids === 1) return created;
        return {
          ...created,
          connect: async () => {
            if (refuse) throw new Error('no broker answers');
          },
        } as Producer;
      },
      onRenewFailed: (error) => failures.push(error),
    });
    await producer.connect();
    await killLeaderDuringFirstSend((b) => producer.sendBatch(b));
    await producer.settled();
    expect(failures).toHaveLength(1);
    refuse = false;
    await expect(producer.sendBatch(batch('b', 'b2'))).rejects.toMatchObject({
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
    await producer.settled();
    await producer.sendBatch(batch('c'));
    expect(current.log).toEqual(['a', 'c']);
    expect(producer.renewals).toBe(1);
  });

  it('does not replace a producer after disconnect', async () => {
    let ids = 0;
    const producer = new RenewingProducer({ create: () => producerOn(current, (ids += 1)) });
    await producer.connect();
    await producer.disconnect();
    await expect(producer.sendBatch(batch('a'))).rejects.toThrow(/not connected/);
    expect(ids).toBe(1);
  });
});
