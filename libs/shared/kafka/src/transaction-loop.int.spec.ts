import { eventually, uniqueName } from '@qf/shared-testing';
import { createKafka } from './kafka-client';
import { loopTransactions } from './transaction-loop';
import { ensureTopics } from './topics';

describe('loopTransactions: processor-shaped transactions as load', () => {
  const kafka = createKafka(uniqueName('int-txloop'), {
    retry: { initialRetryTime: 10, maxRetryTime: 200, retries: 2 },
  });

  it('commits the records and the offset of every transaction it counts', async () => {
    const output = uniqueName('txloop-out');
    const input = uniqueName('txloop-in');
    const groupId = uniqueName('txloop-group');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [
        { topic: output, numPartitions: 2 },
        { topic: input, numPartitions: 2 },
      ]);
      // A broker just started may fail the first transactions (NOT_COORDINATOR): they are
      // counted as failed and the loop goes on, so run until 5 have committed.
      let attempts = 0;
      const durations: number[] = [];
      const result = await loopTransactions({
        kafka,
        transactionalId: uniqueName('txloop'),
        outputs: [output],
        partition: 1,
        recordsPerTopic: 3,
        offsets: { groupId, topic: input },
        keepGoing: () => durations.length < 5 && attempts++ < 50,
        onCommitted: (ms) => durations.push(ms),
      });
      expect(result.committed).toBe(5);
      expect(durations).toHaveLength(5);
      // The last transaction committed the offset of the last attempt. Transactional offsets and
      // the commit markers are written after commit() returns, so both show up a moment later.
      await eventually(async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
        expect(committed?.partitions.find((entry) => entry.partition === 1)?.offset).toBe(
          String(result.committed + result.failed),
        );
      });
      if (result.failed === 0) {
        // 5 transactions x 3 records, plus one commit marker each.
        await eventually(async () => {
          const ends = await admin.fetchTopicOffsets(output);
          expect(ends.find((end) => end.partition === 1)?.high).toBe('20');
        });
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('counts a failed transaction, aborts it and goes on until told to stop', async () => {
    let left = 2;
    const result = await loopTransactions({
      kafka,
      transactionalId: uniqueName('txloop-missing'),
      outputs: [uniqueName('txloop-no-such-topic')],
      partition: 0,
      recordsPerTopic: 1,
      offsets: { groupId: uniqueName('txloop-group'), topic: uniqueName('txloop-no-such-input') },
      keepGoing: () => left-- > 0,
    });
    expect(result).toEqual({ committed: 0, failed: 2 });
  });
});
