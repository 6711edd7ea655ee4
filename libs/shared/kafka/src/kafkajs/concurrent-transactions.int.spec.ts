import { eventually, uniqueName } from '@qf/shared-testing';
import { createKafka } from '../kafka-client';
import { ensureTopics } from '../topics';
import { retryConcurrentTransactions } from './concurrent-transactions.retry';

describe('CONCURRENT_TRANSACTIONS on the local broker', () => {
  it('lets back-to-back offsets-only transactions all commit (AddOffsetsToTxn and EndTxn asked again, not failed)', async () => {
    const retried: string[] = [];
    retryConcurrentTransactions({ onRetry: (request) => retried.push(request) });
    // No retries below the producer: a CONCURRENT_TRANSACTIONS on AddOffsetsToTxn or EndTxn
    // that reached kafkajs would fail the transaction (kafkajs retries neither).
    const kafka = createKafka(uniqueName('int-concurrent'), { retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('concurrent-in');
    const groupId = uniqueName('concurrent-group');
    await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
    const producer = kafka.producer({
      transactionalId: uniqueName('concurrent-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 10, maxRetryTime: 100 },
    });
    await producer.connect();
    try {
      for (let offset = 1; offset <= 100; offset += 1) {
        const transaction = await producer.transaction();
        await transaction.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic, partitions: [{ partition: 0, offset: String(offset) }] }],
        });
        await transaction.commit();
      }
      // Visible once the last transaction's markers are written.
      await eventually(async () => {
        const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
        expect(committed[0]?.partitions[0]?.offset).toBe('100');
      });
      expect(
        retried.every((request) =>
          ['addOffsetsToTxn', 'endTxn', 'addPartitionsToTxn'].includes(request),
        ),
      ).toBe(true);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
