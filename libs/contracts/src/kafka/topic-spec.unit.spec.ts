import { fleetTopicSpecs, replicationFor, topicLayoutFor } from './topic-spec';
import { topicNames } from './topic-names';

const config = (
  spec: { configEntries?: ReadonlyArray<{ name: string; value: string }> },
  name: string,
) => spec.configEntries?.find((entry) => entry.name === name)?.value;

describe('the fleet topic specification', () => {
  it('replicates three times with min.insync.replicas 2 when the cluster can, once on one broker', () => {
    expect(replicationFor(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(replicationFor(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replicationFor(5)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replicationFor(5, 5)).toEqual({ replicationFactor: 5, minInsyncReplicas: 2 });
    expect(replicationFor(3, 1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('keeps the event store and the audit topic forever, never compacted', () => {
    const specs = fleetTopicSpecs(topicNames('t.'), topicLayoutFor(3));
    for (const spec of [specs.events, specs.crudAudit]) {
      expect(spec.keepsHistory).toBe(true);
      expect(config(spec, 'retention.ms')).toBe('-1');
      expect(config(spec, 'retention.bytes')).toBe('-1');
      expect(config(spec, 'cleanup.policy')).toBe('delete');
      expect(config(spec, 'min.insync.replicas')).toBe('2');
      expect(config(spec, 'unclean.leader.election.enable')).toBe('false');
      expect(spec.replicationFactor).toBe(3);
    }
    expect(specs.events.topic).toBe('t.player.events');
  });

  it('compacts snapshots, expires replies, and gives every keyed topic one partition count', () => {
    const specs = fleetTopicSpecs(topicNames(''), topicLayoutFor(1, 6));
    expect(config(specs.snapshots, 'cleanup.policy')).toBe('compact');
    expect(config(specs.replies, 'retention.ms')).toBe(String(3_600_000));
    for (const key of ['commands', 'events', 'snapshots', 'replies', 'crudAudit'] as const) {
      expect(specs[key].numPartitions).toBe(6);
      expect(specs[key].partitionsMustMatch).not.toBe(false);
    }
    expect(specs.crudAuditDeadLetter.numPartitions).toBe(1);
    expect(specs.eventsDeadLetter.partitionsMustMatch).toBe(false);
  });
});
