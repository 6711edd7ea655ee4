import type { Admin } from 'kafkajs';
import { topicNames, topicSpecsFor } from '@qf/contracts';
import { uniqueName } from '@qf/shared-testing';
import {
  alignTopicConfigs,
  createKafka,
  describeTopics,
  ensureFleetTopics,
  topicLayout,
  UnsafeTopicSettingsError,
  type TopicProblem,
} from './index';

describe('ensureFleetTopics: the fleet topic specification on a real broker', () => {
  const kafka = createKafka(uniqueName('int-topics'));
  let admin: Admin;
  const created: string[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  });

  const prefix = () => {
    const value = `${uniqueName('spec')}.`;
    created.push(...Object.values(topicNames(value)));
    return value;
  };

  it('creates the event store and the audit topic so that they keep every record', async () => {
    const names = topicNames(prefix());
    const report = await ensureFleetTopics(admin, ['events', 'crudAudit', 'replies'], {
      names,
      partitions: 3,
    });
    expect(report.created).toEqual([names.events, names.crudAudit, names.replies]);
    const described = await describeTopics(admin, [names.events, names.crudAudit, names.replies]);
    for (const topic of [names.events, names.crudAudit]) {
      expect(described.get(topic)).toMatchObject({
        partitions: 3,
        configs: expect.objectContaining({
          'retention.ms': '-1',
          'retention.bytes': '-1',
          'cleanup.policy': 'delete',
        }),
      });
    }
    expect(described.get(names.replies)?.configs['retention.ms']).toBe('3600000');
    // Idempotent: a second replica finds them as specified.
    expect(
      await ensureFleetTopics(admin, ['events', 'crudAudit', 'replies'], { names, partitions: 3 }),
    ).toEqual({ created: [], drift: [] });
  });

  it('refuses an event store created with the broker default retention, naming the setting', async () => {
    const names = topicNames(prefix());
    // What a projector that started first used to do: the broker default, 7 days.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: names.events, numPartitions: 3 }],
    });
    const refusal = ensureFleetTopics(admin, ['events'], { names, partitions: 3 });
    await expect(refusal).rejects.toBeInstanceOf(UnsafeTopicSettingsError);
    await expect(refusal).rejects.toThrow(
      new RegExp(
        `${names.events.replace(/\./g, '\\.')}: retention\\.ms=604800000 \\(expected -1\\): records older than 7 days are deleted`,
      ),
    );
  });

  it('refuses a compacted audit topic; reports drift on a topic that keeps no history', async () => {
    const names = topicNames(prefix());
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: names.crudAudit,
          numPartitions: 2,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: '-1' },
          ],
        },
        { topic: names.replies, numPartitions: 2 },
      ],
    });
    const error = (await ensureFleetTopics(admin, ['crudAudit'], { names, partitions: 2 }).catch(
      (caught: unknown) => caught,
    )) as UnsafeTopicSettingsError;
    expect(error).toBeInstanceOf(UnsafeTopicSettingsError);
    expect(error.problems.map((problem) => problem.setting)).toEqual(['cleanup.policy']);
    const drift: TopicProblem[] = [];
    await ensureFleetTopics(admin, ['replies'], {
      names,
      partitions: 2,
      onDrift: (problem) => drift.push(problem),
    });
    expect(drift.map((problem) => [problem.setting, problem.actual])).toEqual([
      ['retention.ms', '604800000'],
    ]);
  });

  it('qf topics fix sets an unsafe topic to its specification, after which services accept it', async () => {
    const names = topicNames(prefix());
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: names.events, numPartitions: 2 }],
    });
    const specs = topicSpecsFor(['events'], await topicLayout(admin, process.env, 2), names);
    const { fixed, left } = await alignTopicConfigs(admin, specs);
    expect(fixed.map((problem) => problem.setting)).toContain('retention.ms');
    expect(left).toEqual([]);
    await expect(
      ensureFleetTopics(admin, ['events'], { names, partitions: 2 }),
    ).resolves.toMatchObject({ drift: [] });
  });
});
