import type { Admin, Producer } from 'kafkajs';
import { uniqueName } from '@qf/shared-testing';
import { appendTimeOf, consumerGroupLag, fleetConsumerLag } from './consumer-lag';
import { createKafka } from './kafka-client';
import { ensureTopics } from './topics';

describe('consumer lag from the broker alone', () => {
  const kafka = createKafka(uniqueName('int-lag'));
  let admin: Admin;
  let producer: Producer;
  const topic = uniqueName('lag-topic');
  const now = Date.now();
  // Partition 0 holds records appended (CreateTime) one second apart, two minutes ago.
  const appendedAt = (i: number) => now - 120_000 + i * 1000;
  // The documented precision of the time search: 0.5 % of the age, at least 20 ms.
  const within = (ageMs: number) => Math.max(20, ageMs / 200);

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
    await producer.send({
      topic,
      messages: [
        ...Array.from({ length: 10 }, (_, i) => ({
          partition: 0,
          value: `old-${i}`,
          timestamp: String(appendedAt(i)),
        })),
        ...Array.from({ length: 5 }, (_, i) => ({ partition: 1, value: `new-${i}` })),
      ],
    });
  });

  afterAll(async () => {
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  it('finds the append time of a record by its offset', async () => {
    for (const offset of [0, 4, 9]) {
      const found = await appendTimeOf(admin, topic, 0, offset, now);
      expect(found).not.toBeNull();
      expect(Math.abs(found! - appendedAt(offset))).toBeLessThanOrEqual(
        within(now - appendedAt(offset)),
      );
    }
  });

  it('offset lag is high watermark - committed; time lag is the age of the oldest unapplied record, 0 when caught up', async () => {
    const groupId = uniqueName('lag-group');
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '5' },
      ],
    });
    const [p0, p1] = await consumerGroupLag(admin, groupId, [topic], { now });
    expect(p0).toMatchObject({
      groupId,
      topic,
      partition: 0,
      highWatermark: 10,
      committedOffset: 4,
      offsetLag: 6,
    });
    expect(Math.abs(p0!.timeLagSeconds! * 1000 - (now - appendedAt(4)))).toBeLessThanOrEqual(
      within(now - appendedAt(4)),
    );
    expect(p1).toMatchObject({
      partition: 1,
      highWatermark: 5,
      committedOffset: 5,
      offsetLag: 0,
      timeLagSeconds: 0,
    });
  });

  it('a group that never committed lags by the whole partition; groups without offsets on the topics are left out', async () => {
    const idle = uniqueName('lag-idle');
    const rows = await fleetConsumerLag(admin, [topic], { groups: [idle], now });
    expect(rows.map((row) => [row.partition, row.committedOffset, row.offsetLag])).toEqual([
      [0, null, 10],
      [1, null, 5],
    ]);
    expect(Math.abs(rows[0]!.timeLagSeconds! * 1000 - (now - appendedAt(0)))).toBeLessThanOrEqual(
      within(now - appendedAt(0)),
    );
    const committed = uniqueName('lag-committed');
    await admin.setOffsets({
      groupId: committed,
      topic,
      partitions: [
        { partition: 0, offset: '10' },
        { partition: 1, offset: '5' },
      ],
    });
    const all = await fleetConsumerLag(admin, [topic], { now, offsetsOnly: true });
    expect(all.filter((row) => row.groupId === committed).map((row) => row.offsetLag)).toEqual([
      0, 0,
    ]);
    expect(all.some((row) => row.groupId === idle)).toBe(false);
  });

  it('shows each group only on the topics it consumes', async () => {
    const other = uniqueName('lag-other-topic');
    await ensureTopics(admin, [{ topic: other, numPartitions: 1 }]);
    await producer.send({ topic: other, messages: [{ value: 'x' }, { value: 'y' }] });
    const onFirst = uniqueName('lag-on-first');
    const onOther = uniqueName('lag-on-other');
    await admin.setOffsets({
      groupId: onFirst,
      topic,
      partitions: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '5' },
      ],
    });
    await admin.setOffsets({
      groupId: onOther,
      topic: other,
      partitions: [{ partition: 0, offset: '1' }],
    });
    const rows = await fleetConsumerLag(admin, [topic, other], {
      groups: [onFirst, onOther],
      now,
      offsetsOnly: true,
    });
    expect(rows.map((row) => [row.groupId, row.topic, row.partition, row.offsetLag])).toEqual([
      [onFirst, topic, 0, 6],
      [onFirst, topic, 1, 0],
      [onOther, other, 0, 1],
    ]);
  });
});
