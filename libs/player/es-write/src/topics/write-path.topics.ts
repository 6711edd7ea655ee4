import type { Admin } from 'kafkajs';
import {
  topicSpecsFor,
  type TopicKey,
  type TopicLayout,
  type TopicNames,
  type TopicSpec,
} from '@qf/contracts';
import { ensureTopics, topicLayout } from '@qf/shared-kafka';
import { createLogger } from '@qf/shared-observability';

export interface WritePathTopicOptions {
  /** How long command ids must stay on player.ledger (default: QF_IDEMPOTENCY_HORIZON_MS). */
  readonly idempotencyHorizonMs?: number;
}

/**
 * The topics of the write path. They share one partition count and one key (the player
 * id), so partition p of every topic belongs to the processor that owns commands partition p.
 * Their settings come from the fleet's one topic specification (@qf/contracts).
 */
const WRITE_PATH_TOPICS: readonly TopicKey[] = [
  'commands',
  'events',
  'snapshots',
  'ledger',
  'replies',
  'commandsDeadLetter',
];

export const writePathTopicSpecs = (topics: TopicNames, layout: TopicLayout): TopicSpec[] =>
  topicSpecsFor(WRITE_PATH_TOPICS, layout, topics);

const log = createLogger(process.env['QF_SERVICE'] ?? 'write-path', 'topics');

/**
 * Creates the write-path topics that are missing (refuses when one has another partition
 * count, or when the event store could lose history), then waits until every partition
 * has a leader that answers: when another service created the topics a moment ago, their
 * leaders may not be known yet.
 */
export const ensureWritePathTopics = async (
  admin: Admin,
  topics: TopicNames,
  partitions: number,
  options: WritePathTopicOptions & { timeoutMs?: number } = {},
): Promise<void> => {
  const layout = await topicLayout(admin, process.env, partitions);
  const specs = writePathTopicSpecs(topics, {
    ...layout,
    idempotencyHorizonMs: options.idempotencyHorizonMs ?? layout.idempotencyHorizonMs,
  });
  await ensureTopics(admin, specs, {
    onDrift: (problem) => log.warn('topic differs from its specification', { ...problem }),
  });
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    try {
      await Promise.all(specs.map((spec) => admin.fetchTopicOffsets(spec.topic)));
      break;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  if (options.idempotencyHorizonMs !== undefined)
    await checkLedgerKeepsHorizon(admin, topics.ledger, options.idempotencyHorizonMs);
};

/**
 * Refuses a player.ledger that would lose command ids younger than the idempotency
 * horizon (created earlier with a shorter one, or changed by hand): a restore would then
 * decide a retried command again.
 */
export const checkLedgerKeepsHorizon = async (
  admin: Admin,
  topic: string,
  horizonMs: number,
): Promise<void> => {
  const described = await admin.describeConfigs({
    resources: [
      {
        type: 2,
        name: topic,
        configNames: ['cleanup.policy', 'min.compaction.lag.ms', 'retention.ms'],
      },
    ],
    includeSynonyms: false,
  });
  const configs = new Map(
    (described.resources[0]?.configEntries ?? []).map((entry) => [
      entry.configName,
      entry.configValue,
    ]),
  );
  const policy = configs.get('cleanup.policy') ?? 'delete';
  const lag = Number(configs.get('min.compaction.lag.ms') ?? 0);
  const retention = Number(configs.get('retention.ms') ?? -1);
  const keeps = Math.min(
    policy.includes('compact') ? lag : Number.POSITIVE_INFINITY,
    policy.includes('delete') && retention >= 0 ? retention : Number.POSITIVE_INFINITY,
  );
  if (keeps < horizonMs)
    throw new Error(
      `${topic} keeps decided command ids for ${keeps} ms (cleanup.policy=${policy}, min.compaction.lag.ms=${lag}, retention.ms=${retention}) but QF_IDEMPOTENCY_HORIZON_MS is ${horizonMs}: raise min.compaction.lag.ms on the topic (kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config min.compaction.lag.ms=${2 * horizonMs}) or lower the horizon`,
    );
};
