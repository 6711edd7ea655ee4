import type { Admin, Consumer, EachMessagePayload, Producer } from 'kafkajs';
import { eventually, uniqueName } from '@qf/shared-testing';
import { createKafka, ensureTopics, TopicMismatchError } from './index';

const collect = (consumer: Consumer, topic: string, expected: number): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const seen: string[] = [];
    consumer
      .run({
        eachMessage: async ({ message }: EachMessagePayload) => {
          seen.push(message.value?.toString() ?? '');
          if (seen.length === expected) resolve(seen);
        },
      })
      .catch(reject);
    void topic;
  });

describe('Kafka transactions on the local broker', () => {
  const kafka = createKafka(uniqueName('int-tx'));
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await producer?.disconnect();
    await admin.disconnect();
  });

  it('a read_committed consumer sees committed records and never aborted ones', async () => {
    const topic = uniqueName('tx-roundtrip');
    await ensureTopics(admin, [{ topic, numPartitions: 3 }]);
    producer = kafka.producer({
      transactionalId: uniqueName('tx-producer'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();

    const aborted = await producer.transaction();
    await aborted.send({
      topic,
      messages: [
        { key: 'p1', value: 'aborted-1' },
        { key: 'p2', value: 'aborted-2' },
      ],
    });
    await aborted.abort();

    const committed = await producer.transaction();
    await committed.send({
      topic,
      messages: [
        { key: 'p1', value: 'committed-1' },
        { key: 'p2', value: 'committed-2' },
      ],
    });
    await committed.commit();

    const consumer = kafka.consumer({ groupId: uniqueName('tx-reader'), readUncommitted: false });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values = await collect(consumer, topic, 2);

    expect(values.sort()).toEqual(['committed-1', 'committed-2']);
  });

  it('commits consumed offsets inside the producing transaction (consume-transform-produce)', async () => {
    const input = uniqueName('tx-in');
    const output = uniqueName('tx-out');
    await ensureTopics(admin, [
      { topic: input, numPartitions: 1 },
      { topic: output, numPartitions: 1 },
    ]);
    const seed = kafka.producer();
    await seed.connect();
    await seed.send({ topic: input, messages: [{ key: 'k', value: 'ping' }] });
    await seed.disconnect();

    const groupId = uniqueName('tx-group');
    const transformer = kafka.producer({
      transactionalId: uniqueName('tx-transformer'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await transformer.connect();
    const consumer = kafka.consumer({ groupId, readUncommitted: false });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: input, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            const tx = await transformer.transaction();
            await tx.send({
              topic: output,
              messages: [{ key: message.key, value: `${message.value?.toString()}-pong` }],
            });
            await tx.sendOffsets({
              consumerGroupId: groupId,
              topics: [
                { topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] },
              ],
            });
            await tx.commit();
            resolve();
          },
        })
        .catch(reject);
    });
    await transformer.disconnect();

    // The offset commit becomes readable once the transaction marker is written.
    await eventually(async () => {
      const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
      expect(offsets[0]?.partitions[0]?.offset).toBe('1');
    });

    const reader = kafka.consumer({ groupId: uniqueName('tx-out-reader'), readUncommitted: false });
    consumers.push(reader);
    await reader.connect();
    await reader.subscribe({ topic: output, fromBeginning: true });
    expect(await collect(reader, output, 1)).toEqual(['ping-pong']);
  });

  it('ensureTopics is idempotent and rejects a partition-count mismatch', async () => {
    const topic = uniqueName('tx-topics');
    await ensureTopics(admin, [
      { topic, numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ]);
    await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
    await expect(ensureTopics(admin, [{ topic, numPartitions: 4 }])).rejects.toBeInstanceOf(
      TopicMismatchError,
    );
    const configs = await admin.describeConfigs({
      resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact');
  });
});
