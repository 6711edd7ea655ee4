import type { Admin, Consumer, Producer } from 'kafkajs';
import { eventually, uniqueName } from '@qf/shared-testing';
import { createKafka, ensureTopics } from '../index';
import { retryConcurrentTransactions } from './concurrent-transactions.retry';
import { guardTransactionalProduce } from './transactional-produce.guard';
import {
  addPartitionsEarly,
  earlyAddCounters,
  installEarlyPartitionAdds,
} from './early-partition-adds';

describe('early partition adds on the local broker', () => {
  const kafka = createKafka(uniqueName('int-early'));
  const transactionalId = uniqueName('early-producer');
  const topic = uniqueName('early-adds');
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    // As the command processor installs them: an early request sent right after an EndTxn
    // often meets CONCURRENT_TRANSACTIONS (the coordinator is still writing the markers),
    // which the retry asks again inside the guard.
    guardTransactionalProduce();
    retryConcurrentTransactions();
    installEarlyPartitionAdds();
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 3 }]);
    producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      // Long: a transaction left open would hide later records from read_committed readers
      // for a minute, far past this test's timeout.
      transactionTimeout: 60_000,
    });
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  const requestsSoFar = () => earlyAddCounters()?.requests ?? 0;

  it('adds partitions ahead of a transaction, which then does not add them again, and its records are read committed', async () => {
    const first = await producer.transaction();
    await first.send({ topic, messages: [{ partition: 0, value: 'first' }] });
    await first.commit();

    // Ahead of the next transaction: partitions 1 and 2 (one request, its answer awaited).
    const before = { ...(earlyAddCounters() ?? { requests: 0, skipped: 0, failed: 0 }) };
    expect(addPartitionsEarly(transactionalId, [{ topic, partitions: [1, 2] }])).toBe(true);
    await eventually(() => expect(requestsSoFar()).toBe(before.requests + 1));
    const second = await producer.transaction();
    await second.send({
      topic,
      messages: [
        { partition: 1, value: 'second-1' },
        { partition: 2, value: 'second-2' },
      ],
    });
    await second.commit();
    expect(earlyAddCounters()).toMatchObject({ skipped: before.skipped + 2, failed: 0 });

    const fourth = await producer.transaction();
    await fourth.send({ topic, messages: [{ partition: 2, value: 'after' }] });
    await fourth.commit();

    consumer = kafka.consumer({ groupId: uniqueName('early-reader'), readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
      },
    });
    await eventually(
      () => expect([...seen].sort()).toEqual(['after', 'first', 'second-1', 'second-2']),
      {
        timeoutMs: 20_000,
      },
    );
  }, 60_000);

  it('a transaction that partitions were added to must end even with nothing to write: the coordinator aborts it at its timeout and fences the producer', async () => {
    // Two producers with a 1 s transaction timeout; the broker looks for timed-out
    // transactions every 10 s. Each adds a partition early to a transaction that then writes
    // nothing: `ending` commits offsets in it (as the command processor does), so kafkajs
    // sends EndTxn; `leaving` commits nothing, so kafkajs sends no EndTxn.
    const start = async (id: string) => {
      const made = kafka.producer({
        transactionalId: id,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 1000,
      });
      await made.connect();
      const taught = await made.transaction();
      await taught.send({ topic, messages: [{ partition: 0, value: id }] });
      await taught.commit();
      expect(addPartitionsEarly(id, [{ topic, partitions: [1] }])).toBe(true);
      return made;
    };
    const endingId = uniqueName('early-ending');
    const leavingId = uniqueName('early-leaving');
    const ending = await start(endingId);
    const leaving = await start(leavingId);
    try {
      await eventually(() => expect(requestsSoFar()).toBeGreaterThanOrEqual(2));
      const ended = await ending.transaction();
      await ended.sendOffsets({
        consumerGroupId: uniqueName('early-offsets'),
        topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }],
      });
      await ended.commit();
      await (await leaving.transaction()).commit();

      await new Promise((resolve) => setTimeout(resolve, 12_000));
      const next = async (made: Producer) => {
        const transaction = await made.transaction();
        await transaction.send({ topic, messages: [{ partition: 1, value: 'later' }] });
        await transaction.commit();
      };
      await expect(next(ending)).resolves.toBeUndefined();
      await expect(next(leaving)).rejects.toThrow();
    } finally {
      await Promise.all([ending.disconnect(), leaving.disconnect()]);
    }
  }, 60_000);
});
