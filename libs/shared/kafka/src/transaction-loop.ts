import type { Kafka, Producer, Transaction } from 'kafkajs';

export interface TransactionLoopOptions {
  /** A client whose retry backoff suits back-to-back transactions (short). */
  readonly kafka: Kafka;
  readonly transactionalId: string;
  /** Each transaction writes recordsPerTopic records to each of these, in `partition`. */
  readonly outputs: readonly string[];
  readonly partition: number;
  /** Write to these partitions instead (recordsPerTopic records to each, offsets for each): a transaction spanning several. */
  readonly partitions?: readonly number[];
  readonly recordsPerTopic: number;
  /** The consumed offset is committed to this group, on this topic, in every transaction. */
  readonly offsets: { readonly groupId: string; readonly topic: string };
  /** Checked before each transaction: false ends the loop. */
  readonly keepGoing: () => boolean;
  /** Called with each committed transaction's duration, ms. */
  readonly onCommitted?: (durationMs: number) => void;
}

export interface TransactionLoopResult {
  readonly committed: number;
  /** Transactions that failed (then aborted, or the producer was replaced). */
  readonly failed: number;
}

const RECORD_VALUE = 'x'.repeat(200);

/**
 * Runs transactions shaped like the command processor's (records to every output topic, the
 * consumed offset, commit) back to back until keepGoing() says stop. Load, not a decision
 * path: a failed transaction is aborted and counted, and the loop goes on. kafkajs does not
 * retry a failed sendOffsets (for instance NOT_COORDINATOR while a fresh broker moves its
 * group coordinators, kafkajs #430); when even the abort fails, the producer is replaced.
 */
export const loopTransactions = async (
  options: TransactionLoopOptions,
): Promise<TransactionLoopResult> => {
  const { kafka, transactionalId, outputs, partition, offsets } = options;
  const open = async (): Promise<Producer> => {
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return producer;
  };
  const partitions = options.partitions ?? [partition];
  const messages = partitions.flatMap((target) =>
    Array.from({ length: options.recordsPerTopic }, (_, i) => ({
      key: `${transactionalId}-${i}`,
      value: RECORD_VALUE,
      partition: target,
    })),
  );
  let producer: Producer | undefined;
  let committed = 0;
  let failed = 0;
  try {
    for (let offset = 1; options.keepGoing(); offset += 1) {
      let transaction: Transaction | undefined;
      try {
        producer ??= await open();
        const begun = performance.now();
        transaction = await producer.transaction();
        await transaction.sendBatch({
          topicMessages: outputs.map((topic) => ({ topic, messages })),
        });
        await transaction.sendOffsets({
          consumerGroupId: offsets.groupId,
          topics: [
            {
              topic: offsets.topic,
              partitions: partitions.map((target) => ({
                partition: target,
                offset: String(offset),
              })),
            },
          ],
        });
        await transaction.commit();
        committed += 1;
        options.onCommitted?.(performance.now() - begun);
      } catch {
        failed += 1;
        const aborted = transaction
          ? await transaction.abort().then(
              () => true,
              () => false,
            )
          : false;
        if (!aborted) {
          await producer?.disconnect().catch(() => undefined);
          producer = undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    await producer?.disconnect().catch(() => undefined);
  }
  return { committed, failed };
};
