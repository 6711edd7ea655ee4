import type { Admin } from 'kafkajs';
import { uniqueName } from '@qf/shared-testing';
import { createKafka } from './kafka-client';
import { awaitTopicServing } from './topic-ready';
import { ensureTopics } from './topics';

describe('waiting until a new topic is served', () => {
  const kafka = createKafka(uniqueName('int-ready'));
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  it('resolves once every partition of a just-created topic answers its offsets', async () => {
    const topic = uniqueName('ready-topic');
    await ensureTopics(admin, [{ topic, numPartitions: 6 }]);
    await awaitTopicServing(admin, topic);
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(6);
  });

  it('gives up after its timeout, naming the topic', async () => {
    const topic = uniqueName('never-created');
    await expect(awaitTopicServing(admin, topic, 1500)).rejects.toThrow(topic);
  });
});
