import type { Kafka } from 'kafkajs';
import { loopTransactions } from '@qf/shared-kafka';
import type { Db } from 'mongodb';

export interface InfraWarmupOptions {
  /** A client whose retries suit back-to-back transactions (short backoff). */
  readonly kafka: Kafka;
  /** A throw-away database: dropped at the end. */
  readonly db: Db;
  /** A topic name of its own (deleted at the end). */
  readonly topic: string;
  readonly seconds: number;
  readonly signal?: AbortSignal;
  /** Called about every 5 s with what was done so far. */
  readonly onProgress?: (done: InfraWarmupResult, elapsedSeconds: number) => void;
}

export interface InfraWarmupResult {
  readonly transactions: number;
  /** Transactions that failed and were aborted (a broker just started moves its coordinators). */
  readonly failedTransactions: number;
  readonly documents: number;
}

const PRODUCERS = 4;
const PARTITIONS = 4;
const DOCUMENTS_PER_BULK = 200;

/**
 * Load that is not measured, before the first cell: the JVMs of Kafka and the Mongo-wire
 * server compile their hot paths only under load, and on this machine figures settle after
 * minutes of it (README, "Warm-up matters"). Without it, whichever cell runs first is
 * measured on cold servers. Kafka gets transactions shaped like the command processor's,
 * the Mongo-wire server version-guarded bulk upserts and reads by _id, both at once.
 */
export const warmUpInfrastructure = async (
  options: InfraWarmupOptions,
): Promise<InfraWarmupResult> => {
  const { kafka, db, topic, seconds, signal } = options;
  const until = Date.now() + seconds * 1000;
  const running = () => Date.now() < until && !signal?.aborted;
  const done = { transactions: 0, failedTransactions: 0, documents: 0 };
  const admin = kafka.admin();
  await admin.connect();
  const started = Date.now();
  const ticker = setInterval(
    () => options.onProgress?.({ ...done }, (Date.now() - started) / 1000),
    5000,
  );
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
    const kafkaLoad = Array.from({ length: PRODUCERS }, async (_, partition) => {
      const loop = await loopTransactions({
        kafka,
        transactionalId: `${topic}-${partition}`,
        outputs: [topic],
        partition,
        recordsPerTopic: 1,
        offsets: { groupId: `${topic}.group`, topic },
        keepGoing: running,
        onCommitted: () => (done.transactions += 1),
      });
      done.failedTransactions += loop.failed;
    });
    const collection = db.collection<{ _id: string; version: number; payload: string }>('warmup');
    const mongoLoad = (async () => {
      for (let round = 1; running(); round += 1) {
        const ids = Array.from(
          { length: DOCUMENTS_PER_BULK },
          (_, i) => `p-${(round * 7919 + i * 104_729) % 20_000}`,
        );
        await collection.bulkWrite(
          ids.map((_id) => ({
            updateOne: {
              filter: { _id },
              update: { $set: { payload: 'x'.repeat(300) }, $inc: { version: 1 } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
        await collection.find({ _id: { $in: ids.slice(0, 50) } }).toArray();
        done.documents += ids.length;
      }
    })();
    await Promise.all([...kafkaLoad, mongoLoad]);
    return { ...done };
  } finally {
    clearInterval(ticker);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await db.dropDatabase().catch(() => undefined);
  }
};
