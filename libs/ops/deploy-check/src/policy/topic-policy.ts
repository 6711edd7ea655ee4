import { topicNames } from '@qf/contracts';
import type { K8sObject } from '../validate/schema-errors';

interface KafkaTopicSpec {
  readonly partitions?: number;
  readonly replicas?: number;
  readonly config?: Record<string, unknown>;
}

const topics = topicNames('');

/** Topics whose records are the system of record: nothing may ever delete or compact them. */
const KEEP_FOREVER = [topics.events, topics.crudAudit];
/** Topics partitioned by player id together: one count for all (QF_PARTITIONS). */
const KEYED = [
  topics.commands,
  topics.events,
  topics.snapshots,
  topics.ledger,
  topics.replies,
  topics.crudAudit,
];

/**
 * Every fleet topic is a KafkaTopic with three replicas and min.insync.replicas 2; the
 * keyed topics have the partition count the services are configured with; the event store
 * and the audit topic keep everything; snapshots are compacted.
 */
export const topicProblems = (objects: readonly K8sObject[], partitions: number): string[] => {
  const problems: string[] = [];
  const kafkaTopics = new Map(
    objects
      .filter((o) => o.kind === 'KafkaTopic')
      .map((o) => [o.metadata.name, (o['spec'] ?? {}) as KafkaTopicSpec]),
  );
  for (const name of Object.values(topics)) {
    const spec = kafkaTopics.get(name);
    if (!spec) {
      problems.push(`topic ${name}: no KafkaTopic`);
      continue;
    }
    const config = spec.config ?? {};
    if (spec.replicas !== 3) problems.push(`topic ${name}: ${spec.replicas} replicas, not 3`);
    if (String(config['min.insync.replicas']) !== '2')
      problems.push(`topic ${name}: min.insync.replicas is not 2`);
    if (KEYED.includes(name) && spec.partitions !== partitions) {
      problems.push(
        `topic ${name}: ${spec.partitions} partitions, the services expect QF_PARTITIONS = ${partitions}`,
      );
    }
    if (
      KEEP_FOREVER.includes(name) &&
      (String(config['retention.ms']) !== '-1' || String(config['cleanup.policy']) !== 'delete')
    ) {
      problems.push(
        `topic ${name}: could lose history (retention.ms ${String(config['retention.ms'])}, cleanup.policy ${String(config['cleanup.policy'])})`,
      );
    }
    if (name === topics.snapshots && String(config['cleanup.policy']) !== 'compact')
      problems.push(`topic ${name}: not compacted`);
    // The processors refuse to start on a ledger that keeps command ids for less than
    // twice the idempotency horizon (15 min by default): say so before the rollout.
    if (name === topics.ledger && Number(config['min.compaction.lag.ms'] ?? 0) < 30 * 60_000)
      problems.push(
        `topic ${name}: min.compaction.lag.ms below 2 x the 15-minute idempotency horizon`,
      );
  }
  return problems;
};
