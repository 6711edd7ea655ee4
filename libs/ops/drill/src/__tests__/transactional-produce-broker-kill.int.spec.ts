import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Producer } from 'kafkajs';
import { findRecorded, INFRA_PREFIX } from '@qf/local-infra';
import { createKafka, guardTransactionalProduce, readPartitionToEnd } from '@qf/shared-kafka';
import { uniqueName } from '@qf/shared-testing';
import { prepareDrillInfra, type DrillInfra } from '../drill-infra';

/**
 * The write path's transactions, reduced to kafkajs: one transactional producer writes one
 * record to each of six partitions (led by three brokers) per transaction, as the command
 * processor does, while the leader of one partition is SIGKILLed. A failed transaction is
 * given up and the producer replaced (the processor's reopen). Every committed transaction
 * must be stored whole, and no record twice. Without guardTransactionalProduce kafkajs'
 * retried send commits transactions missing the moved partition's record or holding another
 * partition's record twice (the broker-kill drill's lost and duplicated commands).
 */
jest.setTimeout(600_000);

const PARTITIONS = 6;
const suffix = uniqueName('t')
  .replace(/[^a-z0-9]/g, '')
  .slice(-8);

describe('transactions across a broker kill (3 brokers, acks=all)', () => {
  const previous = { id: process.env['QF_FLEET_ID'] };
  let infra: DrillInfra | undefined;

  beforeAll(async () => {
    process.env['QF_FLEET_ID'] = `t${suffix}`;
    infra = await prepareDrillInfra({ kafkaBrokers: 3 }, () => undefined);
  });
  afterAll(async () => {
    await infra?.teardown(false);
    if (previous.id === undefined) delete process.env['QF_FLEET_ID'];
    else process.env['QF_FLEET_ID'] = previous.id;
  });

  it('commits only whole transactions, each record once', async () => {
    guardTransactionalProduce();
    const kafka = createKafka(`tx-kill-${suffix}`);
    const admin = kafka.admin();
    await admin.connect();
    const topic = `tx-kill-${suffix}`;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
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
        const record = findRecorded(infra!.ctx, `${INFRA_PREFIX}kafka-${leader}`);
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
        producer = await open(kafka).catch(async () => {
          await sleep(1000);
          return open(kafka);
        });
      }
    }
    await producer.disconnect();
    expect(killed).toBe(true);

    const seen = new Map<string, number>();
    for (let partition = 0; partition < PARTITIONS; partition += 1)
      await readPartitionToEnd(kafka, admin, topic, partition, (message) => {
        const id = message.value?.toString('utf8') ?? '';
        seen.set(id, (seen.get(id) ?? 0) + 1);
      });
    await admin.disconnect();
    const missing = committed.filter((id) => !seen.has(id));
    const twice = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
    expect({ missing, twice }).toEqual({ missing: [], twice: [] });
    expect(committed.length).toBeGreaterThan(0);
    // The kill must have reached a transaction, or the test proved nothing.
    expect(failed).toBeGreaterThan(0);
  });
});
