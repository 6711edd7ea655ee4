import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { HEADERS } from '@qf/contracts';
import { decodeEvent, MalformedEventRecord } from '@qf/player-wire';
import type { PlayerEvent } from '@qf/player-domain';
import { PartitionRetries } from '@qf/shared-kafka';
import { ConsumerSpans, createLogger, headerText } from '@qf/shared-observability';
import { auditMetrics } from '../crud-metrics';
import { auditDocumentFor, type AuditLog, type AuditLogDocument } from './audit-log';
import { GroupedAuditInserts } from './grouped-inserts';

export interface AuditConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  /**
   * Partitions whose batches are handled at the same time (default 12). Their inserts are
   * grouped (GroupedAuditInserts), so more partitions at once means fewer, larger inserts.
   */
  readonly partitionsConsumedConcurrently?: number;
  /** A partition whose insert keeps failing this long is reported stuck (readiness degraded, a metric). */
  readonly stuckAfterMs?: number;
}

const log = createLogger(process.env['QF_SERVICE'] ?? 'audit-consumer', 'consumer');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const isPositiveInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/**
 * Reads one audit record as an event fit for audit_log, or throws (a poison record):
 * not JSON, not an event, or an envelope without the id, player, version or time the
 * log is keyed and queried by.
 */
export const auditEventFromRecord = (value: Buffer | string | null): PlayerEvent => {
  const event = decodeEvent(value);
  const { eventId, aggregateId, version, occurredAt } = event.metadata as Partial<
    PlayerEvent['metadata']
  >;
  if (typeof eventId !== 'string' || eventId === '')
    throw new MalformedEventRecord('no metadata.eventId');
  if (typeof aggregateId !== 'string' || aggregateId === '')
    throw new MalformedEventRecord('no metadata.aggregateId');
  if (!isPositiveInt(version))
    throw new MalformedEventRecord('metadata.version is not a positive integer');
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt)))
    throw new MalformedEventRecord('metadata.occurredAt is not a date');
  return event;
};

const describe = (error: unknown): string => {
  if (error && typeof error === 'object' && 'toJSON' in error && typeof error.toJSON === 'function')
    return JSON.stringify(error.toJSON());
  const { code, message } = error as { code?: unknown; message?: unknown };
  return JSON.stringify({
    code: typeof code === 'string' ? code : 'EVENT.MALFORMED',
    message: String(message),
  });
};

/**
 * The consumer group on the audit topic. Per batch: poison records go to the dead-letter
 * topic, the rest into audit_log in one unordered insert where duplicates (redelivery,
 * a relay that published twice) are ignored; only after the database acknowledged are
 * the offsets committed. A database outage is retried in place, holding the partition.
 */
export class AuditConsumer {
  private consumer?: Consumer;
  private producer?: Producer;
  private joined = false;
  private readonly inserts: GroupedAuditInserts;
  /** Set when kafkajs gave the consumer up for good: only a restart brings it back. */
  private deadReason?: string;
  private readonly retries: PartitionRetries;

  constructor(
    auditLog: AuditLog,
    private readonly kafka: Kafka,
    private readonly options: AuditConsumerOptions,
  ) {
    this.inserts = new GroupedAuditInserts(auditLog);
    this.retries = new PartitionRetries(options.groupId, options.stuckAfterMs);
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await this.producer.connect();
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.retries.clear();
      this.joined = true;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.joined = false;
      this.retries.clear();
      if (!event.payload.restart)
        this.deadReason = `consumer crashed and was not restarted: ${String(event.payload.error)}`;
      log.error('consumer crashed', {
        error: String(event.payload.error),
        restart: event.payload.restart,
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 12,
      // Offsets are resolved only once their records are stored; kafkajs commits the
      // resolved ones at most every 500 ms (and on a rebalance), not once per batch.
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.joined = false;
  }

  health(): true | string {
    return this.joined ? true : 'not a member of the consumer group yet';
  }

  /** For /health/live: false only when the consumer is gone for good. */
  liveness(): true | string {
    return this.deadReason ?? true;
  }

  /** For /health/ready's degraded state: partitions whose audit_log insert keeps failing. */
  stuckPartitions(): string[] {
    return this.retries.stuck();
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const events: PlayerEvent[] = [];
    const poison: Array<{ message: KafkaMessage; error: unknown }> = [];
    for (const message of batch.messages) {
      try {
        events.push(auditEventFromRecord(message.value));
      } catch (error) {
        poison.push({ message, error });
      }
    }
    if (poison.length > 0) await this.deadLetter(batch.topic, batch.partition, poison);
    if (events.length > 0) {
      // Tracing on: a span per traced record (the relay's), over the insert and its retries.
      const spans = ConsumerSpans.open(
        { groupId: this.options.groupId, topic: batch.topic, partition: batch.partition },
        batch.messages,
        (headers) => `audit ${headerText(headers, HEADERS.type) ?? 'event'}`,
      );
      const stored = await ConsumerSpans.around(spans, () =>
        this.store(
          events,
          heartbeat,
          () => isRunning() && !isStale(),
          (error) => this.retries.failed(batch.topic, batch.partition, error),
        ),
      );
      this.retries.cleared(batch.topic, batch.partition);
      if (!stored) return; // stopping or rebalanced: nothing committed, the records come again
    }
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    auditMetrics.lag.set({ partition: String(batch.partition) }, Number(batch.offsetLag()));
  }

  private async store(
    events: readonly PlayerEvent[],
    heartbeat: () => Promise<void>,
    stillOwned: () => boolean,
    onFailure: (error: unknown) => void,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      const auditedAt = new Date();
      const docs: AuditLogDocument[] = events.map((event) => auditDocumentFor(event, auditedAt));
      try {
        await this.inserts.insert(docs);
        for (const doc of docs)
          auditMetrics.timeLag.observe(
            Math.max(0, (auditedAt.getTime() - doc.occurredAt.getTime()) / 1000),
          );
        return true;
      } catch (error) {
        auditMetrics.writeRetries.inc();
        onFailure(error);
        log.warn('audit_log insert failed; retrying', { attempt, error: (error as Error).message });
        if (!stillOwned()) return false;
        await sleep(Math.min(5000, 50 * 2 ** Math.min(attempt, 7)));
        await heartbeat().catch(() => undefined);
        if (!stillOwned()) return false;
      }
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    poison: ReadonlyArray<{ message: KafkaMessage; error: unknown }>,
  ): Promise<void> {
    await this.producer!.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
      messages: poison.map(({ message, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...(message.headers ?? {}),
          [HEADERS.error]: describe(error),
          [HEADERS.sourceTopic]: topic,
          [HEADERS.sourcePartition]: String(partition),
          [HEADERS.sourceOffset]: message.offset,
        },
      })),
    });
    auditMetrics.deadLettered.inc(poison.length);
    log.warn('audit records dead-lettered', {
      count: poison.length,
      partition,
      offsets: poison.map(({ message }) => message.offset),
    });
  }
}
