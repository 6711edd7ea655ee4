import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { HEADERS } from '@qf/contracts';
import type { PlayerEvent } from '@qf/player-domain';
import { consumerGroupLag, DEFAULT_STUCK_AFTER_MS, PartitionRetries } from '@qf/shared-kafka';
import { ConsumerSpans, createLogger, headerText, type Logger } from '@qf/shared-observability';
import type { BatchOutcome, ReadModelWriter } from '../store/read-model.writer';
import { describeError, type PoisonEvent, type DeadLetterPublisher } from './dead-letter.publisher';
import { connectDeadLetters, createEventConsumer } from './event-consumer.factory';
import { projectorMetrics as metrics } from './projector.metrics';
import { decodeRecord } from './record-decoder';
import { retryWithBackoff, type Backoff } from './retry-backoff';

/** How the projector consumes; every field has a default (see DEFAULT_PROJECTOR_SETTINGS). */
export interface ProjectorSettings {
  /** Partitions whose batches are applied at the same time (they never share a player). */
  readonly partitionsConsumedConcurrently: number;
  /** Most events written per round of bulkWrites; a larger fetched batch is applied in chunks, each committed. */
  readonly chunkSize: number;
  readonly maxBytesPerPartition: number;
  readonly maxBytes: number;
  /** Deliberately short: a dead projector's partitions move within 10 s; heartbeats go out between chunks. */
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly backoff: Backoff;
  /** A partition whose batch keeps failing this long is reported stuck (readiness degraded, a metric). */
  readonly stuckAfterMs: number;
  /** How often the lag gauges are refreshed from the broker (0 = never). */
  readonly lagRefreshMs: number;
  readonly fromBeginning: boolean;
}

export const DEFAULT_PROJECTOR_SETTINGS: ProjectorSettings = {
  partitionsConsumedConcurrently: 4,
  chunkSize: 5000,
  maxBytesPerPartition: 2 * 1024 * 1024,
  maxBytes: 16 * 1024 * 1024,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1000,
  rebalanceTimeoutMs: 30_000,
  backoff: { initialMs: 200, maxMs: 10_000 },
  stuckAfterMs: DEFAULT_STUCK_AFTER_MS,
  lagRefreshMs: 10_000,
  fromBeginning: true,
};

export interface ProjectorOptions {
  readonly kafka: Kafka;
  /** player.events (with the run's prefix). */
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly writer: ReadModelWriter;
  readonly settings?: Partial<ProjectorSettings>;
  readonly logger?: Logger;
}

/** The group rebalanced while a chunk was written: stop without committing (not retried here). */
class RebalanceDuringChunk extends Error {
  constructor(override readonly cause: unknown) {
    super(
      `the group rebalanced during the chunk: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

const emptyOutcome: BatchOutcome = { applied: 0, skipped: 0, failed: [], states: new Map() };

/**
 * A projector replica: a member of the consumer group on player.events that folds each
 * fetched batch into the read models (ReadModelWriter) and commits the offsets only
 * after the database acknowledged the writes. Read committed, so aborted transactions
 * of the command processor are never projected. Poison records go to the dead-letter
 * topic; database or broker failures pause the partition with backoff, uncommitted.
 */
export class Projector {
  private readonly settings: ProjectorSettings;
  private readonly log: Logger;
  private readonly labels: { group: string };
  private consumer?: Consumer;
  private producer?: Producer;
  private admin?: Admin;
  private deadLetters?: DeadLetterPublisher;
  private lagTimer?: NodeJS.Timeout;
  private lagRefreshing = false;
  private assignment: Record<string, number[]> = {};
  private joined = false;
  private lastFailure?: string;
  private paused = false;
  /** Set when kafkajs gave the consumer up for good: only a restart brings it back. */
  private deadReason?: string;
  private readonly retries: PartitionRetries;

  constructor(private readonly options: ProjectorOptions) {
    this.settings = { ...DEFAULT_PROJECTOR_SETTINGS, ...options.settings };
    this.log = options.logger ?? createLogger('projector', 'consumer');
    this.labels = { group: options.groupId };
    this.retries = new PartitionRetries(options.groupId, this.settings.stuckAfterMs);
  }

  /** Joins the group and starts consuming; resolves once the consumer runs (not once it has caught up). */
  async start(): Promise<void> {
    const { kafka, groupId, topic } = this.options;
    const s = this.settings;
    ({ producer: this.producer, deadLetters: this.deadLetters } = await connectDeadLetters(
      kafka,
      this.options.deadLetterTopic,
    ));
    this.admin = kafka.admin();
    await this.admin.connect();
    const consumer = createEventConsumer(kafka, groupId, s);
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // Another replica may have written our players while they were not ours.
      this.options.writer.forgetStates();
      this.assignment = payload.memberAssignment;
      this.retries.clear();
      this.joined = true;
      this.lastFailure = undefined;
      this.log.info('joined group', {
        groupId,
        assignment: payload.memberAssignment,
        leader: payload.isLeader,
      });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.lastFailure = payload.error.message;
      this.retries.clear();
      if (!payload.restart)
        this.deadReason = `consumer crashed and was not restarted: ${payload.error.message}`;
      this.log.error('consumer crashed', {
        groupId,
        error: payload.error,
        restart: payload.restart,
      });
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A batch of only transaction markers is resolved by kafkajs but, with autoCommit
      // off, never committed: commit it so an idle partition shows no phantom lag.
      if (payload.batchSize !== 0) return;
      consumer
        .commitOffsets([
          {
            topic: payload.topic,
            partition: payload.partition,
            offset: (BigInt(payload.lastOffset) + 1n).toString(),
          },
        ])
        .catch((error: unknown) => this.log.warn('commit after control records failed', { error }));
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: s.fromBeginning });
    if (this.paused) consumer.pause([{ topic }]);
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: s.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    if (s.lagRefreshMs > 0) {
      this.lagTimer = setInterval(() => void this.refreshLag(), s.lagRefreshMs);
      this.lagTimer.unref();
    }
    this.log.info('projector started', { groupId, topic, settings: s });
  }

  /** Leaves the group cleanly: the batch in flight finishes (or is abandoned uncommitted), then disconnects. */
  async stop(): Promise<void> {
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.joined = false;
    this.retries.clear();
    await this.consumer?.disconnect();
    await Promise.all([this.producer?.disconnect(), this.admin?.disconnect()]);
    this.log.info('projector stopped', { groupId: this.options.groupId });
  }

  /** For /health: true while joined to the group. */
  health(): true | string {
    if (this.joined) return true;
    return this.lastFailure
      ? `consumer down: ${this.lastFailure}`
      : 'not joined to the consumer group yet';
  }

  /** For /health/live: false only when the consumer is gone for good (kafkajs will not restart it). */
  liveness(): true | string {
    return this.deadReason ?? true;
  }

  /** For /health/ready's degraded state: one reason per partition stuck retrying its batch. */
  stuckPartitions(): string[] {
    return this.retries.stuck();
  }

  /** Why the last batch (or the consumer) failed, while it has not succeeded since; undefined when healthy. */
  lastError(): string | undefined {
    return this.lastFailure;
  }

  /**
   * Stops fetching (`qf projections pause`): the replica stays in the group, keeps its
   * partitions and commits nothing more until resume. Applies to a consumer not started yet.
   */
  pause(): void {
    this.paused = true;
    this.consumer?.pause([{ topic: this.options.topic }]);
  }

  resume(): void {
    this.paused = false;
    this.consumer?.resume([{ topic: this.options.topic }]);
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** Partitions owned right now, by topic. */
  partitions(): Record<string, number[]> {
    return this.assignment;
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    uncommittedOffsets,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const active = () => isRunning() && !isStale();
    for (let start = 0; start < batch.messages.length; start += this.settings.chunkSize) {
      if (!active()) return;
      const chunk = batch.messages.slice(start, start + this.settings.chunkSize);
      const last = chunk[chunk.length - 1] as KafkaMessage;
      const began = Date.now();
      const done = await retryWithBackoff(
        () => this.whileHeartbeating(heartbeat, () => this.applyChunk(topic, partition, chunk)),
        this.settings.backoff,
        {
          isActive: active,
          heartbeat,
          onRetry: (error, attempt, delayMs) => {
            // The cached states may be what failed; the retry starts from what is stored.
            this.options.writer.forgetStates();
            metrics.retries.inc(this.labels);
            this.retries.failed(topic, partition, error);
            this.lastFailure = describeError(error)['message'] as string;
            this.log.warn('batch failed, retrying after backoff (offsets not committed)', {
              topic,
              partition,
              attempt,
              delayMs: Math.round(delayMs),
              error: describeError(error),
            });
          },
        },
      );
      this.retries.cleared(topic, partition);
      if (!done) return; // abandoned uncommitted: whoever owns the partition next applies it again
      this.lastFailure = undefined;
      resolveOffset(last.offset);
      await commitOffsetsIfNecessary(uncommittedOffsets());
      const appliedAt = Date.now();
      metrics.batchDuration.observe(this.labels, (appliedAt - began) / 1000);
      metrics.batchSize.observe(this.labels, chunk.length);
      for (const message of chunk)
        metrics.appendToVisible.observe(
          this.labels,
          Math.max(0, appliedAt - Number(message.timestamp)) / 1000,
        );
      metrics.lastAppliedAppendTime.set(
        { ...this.labels, topic, partition: String(partition) },
        Number(last.timestamp) / 1000,
      );
      await heartbeat();
    }
  }

  /**
   * kafkajs only heartbeats when asked, so a chunk whose writes outlast the session
   * timeout would cost the membership (and redo the chunk elsewhere): heartbeat on a
   * timer while the chunk is being written. A heartbeat refused because the group is
   * rebalancing is rethrown once the chunk is done, so the partition is given up
   * uncommitted and whoever owns it next applies the chunk again (idempotently).
   */
  private async whileHeartbeating(
    heartbeat: () => Promise<void>,
    work: () => Promise<void>,
  ): Promise<void> {
    let refused: unknown;
    const timer = setInterval(() => {
      heartbeat().catch((error: unknown) => (refused ??= error));
    }, this.settings.heartbeatIntervalMs);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
    if (refused !== undefined) throw new RebalanceDuringChunk(refused);
  }

  /** applyChunkUntraced inside a view-write span per traced record (tracing on; off: one boolean test). */
  private applyChunk(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
  ): Promise<void> {
    const spans = ConsumerSpans.open(
      { groupId: this.options.groupId, topic, partition },
      messages,
      (headers) => `project ${headerText(headers, HEADERS.type) ?? 'event'}`,
    );
    return ConsumerSpans.around(spans, () => this.applyChunkUntraced(topic, partition, messages));
  }

  private async applyChunkUntraced(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
  ): Promise<void> {
    const events: PlayerEvent[] = [];
    const sources = new Map<PlayerEvent, KafkaMessage>();
    const letters: PoisonEvent[] = [];
    for (const message of messages) {
      const decoded = decodeRecord(message);
      if (decoded.ok) {
        events.push(decoded.event);
        sources.set(decoded.event, message);
      } else {
        letters.push({ topic, partition, message, error: decoded.error });
      }
    }
    const outcome = events.length > 0 ? await this.options.writer.apply(events) : emptyOutcome;
    for (const { event, error } of outcome.failed) {
      const message = sources.get(event);
      if (message) letters.push({ topic, partition, message, error });
    }
    // A failure that says it may pass is retried with the whole chunk instead.
    const retriable = letters.find(
      ({ error }) => (error as { retriable?: unknown } | null)?.retriable === true,
    );
    if (retriable) throw retriable.error;
    if (this.deadLetters) await this.deadLetters.publish(letters);
    for (const letter of letters) {
      const reason = String(
        describeError(letter.error)['code'] ?? describeError(letter.error)['name'] ?? 'unknown',
      );
      metrics.deadLetters.inc({ ...this.labels, reason });
      this.log.warn('dead-lettered a poison event', {
        topic,
        partition,
        offset: letter.message.offset,
        error: describeError(letter.error),
      });
    }
    metrics.eventsApplied.inc(this.labels, outcome.applied);
    metrics.eventsSkipped.inc(this.labels, outcome.skipped);
  }

  private async refreshLag(): Promise<void> {
    if (this.lagRefreshing || !this.admin) return;
    this.lagRefreshing = true;
    try {
      for (const row of await consumerGroupLag(this.admin, this.options.groupId, [
        this.options.topic,
      ])) {
        const labels = { ...this.labels, topic: row.topic, partition: String(row.partition) };
        metrics.offsetLag.set(labels, row.offsetLag);
        if (row.timeLagSeconds !== null) metrics.timeLag.set(labels, row.timeLagSeconds);
      }
    } catch (error) {
      this.log.debug('lag refresh failed', { error });
    } finally {
      this.lagRefreshing = false;
    }
  }
}
