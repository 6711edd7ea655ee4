import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { findRecorded, INFRA_PREFIX } from '@qf/local-infra';
import {
  createKafka,
  guardTransactionalProduce,
  readPartitionToEnd,
  retryConcurrentTransactions,
} from '@qf/shared-kafka';
import { uniqueName } from '@qf/shared-testing';
import { prepareDrillInfra } from '../drill-infra';

const PARTITIONS = 6;

export interface TransactionsAcrossBrokerKill {
  readonly killed: boolean;
  /** Transactions that failed (and were replaced). */
  readonly failed: number;
  /** Record ids of the committed transactions. */
  readonly committed: number;
  readonly missing: string[];
  readonly twice: string[];
}

/**
 * (Run by drill-infra-faults.int.spec.ts, one private cluster after another: two 3-node
 * clusters at once are too much for a 2-core machine.)
 * The write path's transactions, reduced to kafkajs: one transactional producer writes one
 * record to each of six partitions (led by three brokers) per transaction, as the command
 * processor does, while the leader of one partition is SIGKILLed. A failed transaction is
 * given up and the producer replaced (the processor's reopen). Every committed transaction
 * must be stored whole, and no record twice. Without guardTransactionalProduce kafkajs'
 * retried send commits transactions missing the moved partition's record or holding another
 * partition's record twice (the broker-kill drill's lost and duplicated commands): before
 * the guard covered AddPartitionsToTxn, coordinator lookups and EndTxn, a run stored 20
 * records twice (some before the kill, after a CONCURRENT_TRANSACTIONS answer) and committed
 * 3 without them.
 */
export const transactionsAcrossBrokerKill = async (
  { guard }: { guard: boolean } = { guard: true },
): Promise<TransactionsAcrossBrokerKill> => {
  const suffix = uniqueName('t')
    .replace(/[^a-z0-9]/g, '')
    .slice(-8);
  const infra = await prepareDrillInfra({ kafkaBrokers: 3 }, () => undefined);
  try {
    // Off only to show what kafkajs does without it (never in the suite). As the processor.
    if (guard) guardTransactionalProduce();
    retryConcurrentTransactions();
    const kafka = createKafka(`tx-kill-${suffix}`);
    const admin = kafka.admin();
    await admin.connect();
    const topic = `tx-kill-${suffix}`;
    await admin.createTopics({
      // kafkajs' wait (on by default) gives up on a fresh cluster under load: waited for below.
      waitForLeaders: false,
      topics: [
        {
          topic,
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
    // A fresh cluster on a loaded machine can take longer than kafkajs' waitForLeaders.
    for (let attempt = 1; ; attempt += 1) {
      const leaders = await admin
        .fetchTopicMetadata({ topics: [topic] })
        .then((metadata) => metadata.topics[0]?.partitions.filter((p) => p.leader >= 0).length)
        .catch(() => 0);
      if (leaders === PARTITIONS) break;
      if (attempt >= 120) throw new Error(`${topic}: partitions without a leader after 60 s`);
      await sleep(500);
    }
    const committed: string[] = [];
    let failed = 0;
    const open = async (client: Kafka): Promise<Producer> => {
      const producer = client.producer({
        transactionalId: `tx-kill-${suffix}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 10_000,
        retry: { initialRetryTime: 10, multiplier: 1.5, maxRetryTime: 200, retries: 1e9 },
      });
      await producer.connect();
      return producer;
    };
    let producer = await open(kafka);
    const started = Date.now();
    let killed = false;
    for (let batch = 0; Date.now() - started < 25_000; batch += 1) {
      if (!killed && Date.now() - started > 4000) {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        const leader = metadata.topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader;
        const record = findRecorded(infra.ctx, `${INFRA_PREFIX}kafka-${leader}`);
        if (!record) throw new Error(`no recorded process for broker ${leader}`);
        process.kill(-record.pid, 'SIGKILL');
        killed = true;
      }
      const ids = Array.from({ length: PARTITIONS }, (_, partition) => `${batch}-${partition}`);
      const transaction = await producer.transaction();
      try {
        await transaction.sendBatch({
          acks: -1,
          topicMessages: [
            {
              topic,
              messages: ids.map((id, partition) => ({ partition, key: id, value: id })),
            },
          ],
        });
        await transaction.commit();
        committed.push(...ids);
      } catch {
        failed += 1;
        await producer.disconnect().catch(() => undefined);
        await sleep(200);
        // Until the cluster has moved the dead broker's coordinators and leaders.
        for (let attempt = 1; ; attempt += 1) {
          try {
            producer = await open(kafka);
            break;
          } catch (error) {
            if (attempt >= 30) throw error;
            await sleep(1000);
          }
        }
      }
    }
    await producer.disconnect();

    const seen = await readCommittedIds(kafka, admin, topic, committed);
    await admin.disconnect();
    return {
      killed,
      failed,
      committed: committed.length,
      missing: committed.filter((id) => !seen.has(id)),
      twice: [...seen].filter(([, count]) => count > 1).map(([id]) => id),
    };
  } finally {
    await infra.teardown(false);
  }
};

/**
 * How often each record id appears on the topic, read partition by partition by offset. A
 * committed id not seen yet is looked for again for up to 10 s: a commit returns once the
 * coordinator has logged it, and the markers that make the last transactions readable are
 * written after.
 */
const readCommittedIds = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  committed: readonly string[],
): Promise<Map<string, number>> => {
  // By offset: a consumer that rejoins may hand a record over again (same offset).
  const readIds = async (partition: number): Promise<Map<string, string>> => {
    // Group coordinators of the dead broker may still be loading elsewhere: read again.
    for (let attempt = 1; ; attempt += 1) {
      const ids = new Map<string, string>();
      try {
        await readPartitionToEnd(kafka, admin, topic, partition, (message) => {
          ids.set(message.offset, message.value?.toString('utf8') ?? '');
        });
        return ids;
      } catch (error) {
        if (attempt >= 15) throw error;
        await sleep(2000);
      }
    }
  };
  const byPartition = new Map<number, Map<string, string>>();
  for (let partition = 0; partition < PARTITIONS; partition += 1)
    byPartition.set(partition, await readIds(partition));
  const seenIds = () => {
    const seen = new Map<string, number>();
    for (const ids of byPartition.values())
      for (const id of ids.values()) seen.set(id, (seen.get(id) ?? 0) + 1);
    return seen;
  };
  // A commit returns once the coordinator has logged it; the markers that make the last
  // transactions readable are written after. A committed record not seen yet is read
  // again for a while before it counts as missing.
  let seen = seenIds();
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    const unseen = committed.filter((id) => !seen.has(id));
    if (unseen.length === 0) break;
    await sleep(1000);
    for (const partition of new Set(unseen.map((id) => Number(id.split('-')[1]))))
      byPartition.set(partition, await readIds(partition));
    seen = seenIds();
  }
  return seen;
};
