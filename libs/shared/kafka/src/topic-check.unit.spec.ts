import { fleetTopicSpecs, topicLayoutFor, topicNames } from '@qf/contracts';
import { checkTopic, type ExistingTopic } from './topic-check';

const specs = fleetTopicSpecs(topicNames(''), topicLayoutFor(3));
const safeHistory: ExistingTopic = {
  partitions: 12,
  replicationFactor: 3,
  configs: {
    'cleanup.policy': 'delete',
    'retention.ms': '-1',
    'retention.bytes': '-1',
    'min.insync.replicas': '2',
    'unclean.leader.election.enable': 'false',
  },
};

describe('checkTopic', () => {
  it('finds nothing wrong with an event store set up by the spec', () => {
    expect(checkTopic(specs.events, safeHistory)).toEqual({ fatal: [], drift: [] });
  });

  it.each([
    ['retention.ms', '604800000', /older than 7 days are deleted/],
    ['retention.bytes', '1073741824', /deleted past 1073741824 bytes/],
    ['cleanup.policy', 'compact', /only the newest record of each player/],
    ['cleanup.policy', 'compact,delete', /only the newest record/],
    ['min.insync.replicas', '1', /fewer replicas than a broker failure needs/],
    ['unclean.leader.election.enable', 'true', /missed acknowledged writes/],
  ])('refuses an event store with %s=%s, naming the setting', (setting, value, consequence) => {
    const verdict = checkTopic(specs.events, {
      ...safeHistory,
      configs: { ...safeHistory.configs, [setting]: value },
    });
    expect(verdict.fatal).toEqual([
      expect.objectContaining({
        topic: 'player.events',
        setting,
        actual: value,
        consequence: expect.stringMatching(consequence),
      }),
    ]);
  });

  it('refuses an audit topic replicated less than the cluster allows', () => {
    const verdict = checkTopic(specs.crudAudit, { ...safeHistory, replicationFactor: 1 });
    expect(verdict.fatal.map((problem) => problem.setting)).toEqual(['replication.factor']);
  });

  it('refuses another partition count on a write-path topic, tolerates it on a dead-letter topic', () => {
    expect(
      checkTopic(specs.commands, { ...safeHistory, partitions: 4 }).fatal.map((p) => p.setting),
    ).toEqual(['partitions']);
    expect(checkTopic(specs.eventsDeadLetter, { ...safeHistory, partitions: 1 }).fatal).toEqual([]);
  });

  it('only reports drift on topics that keep no history', () => {
    const verdict = checkTopic(specs.replies, {
      ...safeHistory,
      configs: { ...safeHistory.configs, 'retention.ms': '604800000' },
    });
    expect(verdict.fatal).toEqual([]);
    expect(verdict.drift.map((problem) => problem.setting)).toEqual(['retention.ms']);
  });
});
