import type { Consumer, EachBatchPayload, Kafka, RetryOptions } from 'kafkajs';
import { decodeCommandReply, HEADERS, type ReplyView } from '@qf/contracts';
import { fixedPartitionAssigner } from '@qf/shared-kafka';
import type { Logger } from '@qf/shared-observability';

export interface ReplyReaderOptions {
  readonly topic: string;
  readonly partition: number;
  /** A consumer group of this reader's own (it is the only member). */
  readonly groupId: string;
  /** Replies addressed to another gateway sharing the partition are skipped unread. */
  readonly gatewayId: string;
  /** Read replies sent outside transactions without waiting for open ones (see the processor). */
  readonly readUncommitted: boolean;
  /** Called for every reply addressed to this gateway, in partition order. */
  readonly onReply: (reply: ReplyView) => void;
  /** Called for a record that is not a reply (skipped). */
  readonly onMalformed?: (offset: string, error: unknown) => void;
  /** Called for every record, with its age in ms (producer timestamp to now). */
  readonly onRecord?: (ageMs: number, forThisGateway: boolean) => void;
  /** A fetch is answered when this many bytes are there or after maxWaitMs (defaults 1 and 100). */
  readonly minBytes?: number;
  readonly maxWaitMs?: number;
  /** kafkajs' retry settings for the consumer (default: 8 retries from 100 ms). */
  readonly retry?: RetryOptions;
  /** Called with each consumer the reader creates (at start and at each restart of its own). */
  readonly instrument?: (consumer: Consumer) => void;
  /** Whether kafkajs should restart the consumer after a crash (default: always). */
  readonly restartOnFailure?: () => boolean;
}

/**
 * Reads one partition of command.replies from a position kept in memory. Every time the
 * consumer joins its group, at start and after kafkajs restarted it following a crash or
 * a lost membership, it seeks to the offset after the last reply it handled (at start:
 * the partition's end). Without that, a restarted consumer resumes at its last committed
 * offset, or at the partition's end when there is none, and the replies sent in between
 * never reach their waiting requests, which then time out. Positions are never committed:
 * a new reader starts at the end anyway, because nobody waits for older replies.
 */
export class ReplyReader {
  private consumer?: Consumer;
  /** The offset of the next record to hand over. */
  private position = '0';
  private readonly gatewayHeader: Buffer;
  private stopping = false;
  private joined = false;
  private down?: string;
  private restarts = 0;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ReplyReaderOptions,
    private readonly log: Logger,
  ) {
    this.gatewayHeader = Buffer.from(options.gatewayId);
  }

  /** The offset of the next reply this reader will read. */
  get nextOffset(): string {
    return this.position;
  }

  /** True while a member of its group; else why not (joining, or crashed and waiting to restart). */
  health(): true | string {
    if (this.joined) return true;
    return this.down ? `reply consumer down: ${this.down}` : 'reply consumer joining its group';
  }

  /** Joins the group and starts reading at `fromOffset` (e.g. the partition's end). */
  async start(fromOffset: string): Promise<Consumer> {
    this.stopping = false;
    return this.open(fromOffset);
  }

  private async open(fromOffset: string): Promise<Consumer> {
    const { options } = this;
    this.position = fromOffset;
    this.joined = false;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [fixedPartitionAssigner({ [options.topic]: [options.partition] })],
      readUncommitted: options.readUncommitted,
      minBytes: options.minBytes ?? 1,
      maxWaitTimeInMs: options.maxWaitMs ?? 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      retry: {
        initialRetryTime: 100,
        retries: 8,
        ...options.retry,
        restartOnFailure: async () => !this.stopping && (options.restartOnFailure?.() ?? true),
      },
    });
    this.consumer = consumer;
    options.instrument?.(consumer);
    // GROUP_JOIN comes after join + sync and before the first fetch of that membership, and
    // a seek set then is applied by that fetch: at start and after every restart or rejoin.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.down = undefined;
      this.restarts = 0;
      this.seekToPosition(consumer);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.down = payload.error.message;
      this.log.error('reply consumer crashed', {
        error: payload.error,
        restart: payload.restart,
        resumeAt: this.position,
      });
      if (!payload.restart) this.restartLater(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
    return consumer;
  }

  /**
   * kafkajs restarts a crashed consumer only after retriable errors. A join that failed for
   * good (seen: KafkaJSGroupCoordinatorNotFound on a fresh broker, while __consumer_offsets
   * was still being created) left the gateway without replies, answering every command 504,
   * for as long as it ran. The reader starts a new consumer itself, from its position.
   */
  private restartLater(crashed: Consumer): void {
    if (this.stopping || this.consumer !== crashed || !(this.options.restartOnFailure?.() ?? true))
      return;
    this.restarts += 1;
    const delayMs = Math.min(5000, 250 * 2 ** Math.min(this.restarts - 1, 5));
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.stopping || this.consumer !== crashed) return;
      this.log.warn('restarting the reply consumer', {
        attempt: this.restarts,
        resumeAt: this.position,
      });
      void crashed
        .disconnect()
        .catch(() => undefined)
        .then(() => (this.stopping ? undefined : this.open(this.position)))
        .catch((error: unknown) => {
          this.down = error instanceof Error ? error.message : String(error);
          this.log.warn('reply consumer could not be restarted; trying again', {
            error: this.down,
          });
          if (this.consumer) this.restartLater(this.consumer);
        });
    }, delayMs);
    this.restartTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private seekToPosition(consumer: Consumer): void {
    try {
      consumer.seek({
        topic: this.options.topic,
        partition: this.options.partition,
        offset: this.position,
      });
    } catch (error) {
      this.log.warn('could not seek the reply partition', { error, offset: this.position });
    }
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    const { onReply, onMalformed, onRecord } = this.options;
    const now = Date.now();
    for (const message of batch.messages) {
      const mine = this.isForThisGateway(message.headers?.[HEADERS.replyTo]);
      onRecord?.(now - Number(message.timestamp), mine);
      if (mine) {
        let reply: ReplyView | undefined;
        try {
          reply = decodeCommandReply(message);
        } catch (error) {
          onMalformed?.(message.offset, error);
        }
        if (reply) onReply(reply);
      }
      // Moved on only once handled: a crash in between re-reads this reply after the restart.
      this.position = (BigInt(message.offset) + 1n).toString();
    }
  }

  private isForThisGateway(header: Buffer | string | (Buffer | string)[] | undefined): boolean {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined) return false;
    return typeof value === 'string'
      ? value === this.options.gatewayId
      : this.gatewayHeader.equals(value);
  }
}
