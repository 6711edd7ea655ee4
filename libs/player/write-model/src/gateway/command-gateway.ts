import {
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type Message,
  type Producer,
} from 'kafkajs';
import {
  decisionTimeout,
  decodeCommandReply,
  encodeCommandRecord,
  problemToApiError,
  serviceUnavailable,
  type AcceptedCommand,
  type CommandRecord,
  type CommandReply,
  type CommandResult,
} from '@qf/contracts';
import type { PlayerCommand } from '@qf/player-domain';
import { createKafka, fixedPartitionAssigner, useFastRecordEncoder } from '@qf/shared-kafka';
import { createLogger, type Logger } from '@qf/shared-observability';
import type { GatewayConfig } from '../config/write-path.config';

import { ensureWritePathTopics } from '../topics/write-path.topics';
import { gatewayMetrics as metrics } from '../write-path.metrics';
import { PendingReplies } from './pending-replies';
import { isReplyFor, replyPartitionFor } from './reply-routing';
import { WindowBatcher } from './window-batcher';

/** After a failed produce, new commands are refused at once for this long (no pile-up on a dead broker). */
const FAIL_FAST_MS = 500;
/** How often the reply consumer commits its position. */
const REPLY_COMMIT_INTERVAL_MS = 5000;

type State = 'created' | 'starting' | 'ready' | 'stopping' | 'stopped';

/**
 * The gateway's side of request-reply over Kafka. Commands are produced to player.commands
 * (key = player id) in short send windows; a waiting request is answered by the reply the
 * processor sends to this gateway's reply partition of command.replies, read by a
 * consumer of a group of its own that is assigned only that partition. The processor sends
 * a reply only after the transaction that decided it committed, outside any transaction, so
 * the partition is read read_uncommitted: no wait behind transactions still open on it.
 */
export class CommandGateway {
  private readonly log: Logger;
  private readonly kafka: Kafka;
  private admin?: Admin;
  private producer?: Producer;
  private consumer?: Consumer;
  private readonly pending = new PendingReplies<CommandResult>();
  private readonly batcher: WindowBatcher<Message>;
  private state: State = 'created';
  private failingUntil = 0;
  private lastFailure?: string;
  private replyCommittedAt = 0;
  /** The command.replies partition this gateway reads. */
  readonly replyPartition: number;
  private readonly replyGroupId: string;

  constructor(private readonly config: GatewayConfig) {
    this.log = createLogger('command-gateway', 'gateway');
    useFastRecordEncoder();
    // Fail fast: a produce that cannot reach the broker answers 503, it does not queue.
    this.kafka = createKafka(`command-gateway-${config.gatewayId}`, {
      retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 3 },
    });
    this.replyPartition = replyPartitionFor(config, config.partitions);
    this.replyGroupId = `${config.topicPrefix}command-gateway-${config.gatewayId}`;
    this.batcher = new WindowBatcher((messages) => this.produce(messages), {
      lingerMs: config.lingerMs,
      maxBatch: config.maxBatch,
      maxInFlight: config.maxInFlight,
    });
  }

  /**
   * Creates the topics, connects the producer and starts reading the reply partition from
   * its current end, so no reply to a request sent after start is missed. On failure what
   * was opened is closed again and start may be retried.
   */
  async start(): Promise<void> {
    this.state = 'starting';
    try {
      await this.open();
      this.state = 'ready';
    } catch (error) {
      await this.close();
      this.state = 'created';
      throw error;
    }
    this.log.info('command gateway ready', {
      gatewayId: this.config.gatewayId,
      replyPartition: this.replyPartition,
      topics: this.config.topics.commands,
    });
  }

  private async open(): Promise<void> {
    const { config } = this;
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await ensureWritePathTopics(this.admin, config.topics, config.partitions);

    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      // The Java-compatible murmur2 partitioner (kafkajs' default since 2.0), named to say so.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 3 },
    });
    this.producer.on(this.producer.events.REQUEST, ({ payload }) =>
      metrics.kafkaRequests.inc({ client: 'producer', api: payload.apiName }),
    );
    await this.producer.connect();

    const end =
      (await this.admin.fetchTopicOffsets(config.topics.replies)).find(
        (entry) => entry.partition === this.replyPartition,
      )?.high ?? '0';
    const consumer = this.kafka.consumer({
      groupId: this.replyGroupId,
      partitionAssigners: [
        fixedPartitionAssigner({ [config.topics.replies]: [this.replyPartition] }),
      ],
      readUncommitted: true,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      retry: {
        initialRetryTime: 100,
        retries: 8,
        restartOnFailure: async () => this.state !== 'stopping' && this.state !== 'stopped',
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.lastFailure = `reply consumer crashed: ${payload.error.message}`;
      this.log.error('reply consumer crashed', { error: payload.error, restart: payload.restart });
    });
    consumer.on(consumer.events.REQUEST, ({ payload }) =>
      metrics.kafkaRequests.inc({ client: 'reply-consumer', api: payload.apiName }),
    );
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.replies });
    // run() resolves once the group is joined; the seek is applied before the first records
    // are handed over (kafkajs drops fetched records of a partition with a pending seek).
    // kafkajs commits after every eachBatch (its autoCommitInterval does not apply there):
    // a round trip and an offsets write per fetch. The committed position matters only when
    // the consumer restarts after a crash, and re-reading a few seconds of replies then is
    // harmless (no one waits for them), so onReplies commits every few seconds itself.
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onReplies(payload) });
    consumer.seek({ topic: config.topics.replies, partition: this.replyPartition, offset: end });
  }

  private async close(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.deleteGroups([this.replyGroupId]).catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
    this.admin = undefined;
  }

  /** Stops taking commands, sends what is queued, fails the waiting requests, leaves and deletes the reply group. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    await this.batcher.drain().catch(() => undefined);
    this.pending.rejectAll(serviceUnavailable('command-gateway', 'shutting down'));
    metrics.pending.set(0);
    await this.close();
    this.state = 'stopped';
    this.log.info('command gateway stopped');
  }

  /** '/health': ready, and the last produce did not fail. */
  health(): true | string {
    if (this.state !== 'ready') return `gateway ${this.state}`;
    if (Date.now() < this.failingUntil) return `kafka produce failing: ${this.lastFailure ?? ''}`;
    return true;
  }

  /**
   * Produces the command and, in 'wait' mode, resolves with its decision (or throws the
   * rejection as an ApiError, 504 after the decision timeout, 503 when Kafka is unavailable);
   * in 'async' mode resolves once the command is stored.
   */
  async submit(
    command: PlayerCommand,
    requestHash: string,
    mode: 'wait' | 'async',
  ): Promise<CommandResult | AcceptedCommand> {
    if (this.state !== 'ready')
      throw serviceUnavailable('command-gateway', `not ready (${this.state})`);
    if (Date.now() < this.failingUntil)
      throw serviceUnavailable('kafka', this.lastFailure ?? 'produce failing');
    const { commandId } = command.metadata;
    const playerId = command.data.playerId;
    const record: CommandRecord = {
      command,
      requestHash,
      ...(mode === 'wait'
        ? { replyTo: { gatewayId: this.config.gatewayId, partition: this.replyPartition } }
        : {}),
    };

    if (mode === 'async') {
      await this.batcher.add(encodeCommandRecord(record));
      metrics.produced.inc({ mode });
      return { commandId, playerId, status: 'pending' };
    }

    const started = process.hrtime.bigint();
    // Wait before producing: the reply may come back before the produce is acknowledged.
    const decision = this.pending.wait(commandId, this.config.decisionTimeoutMs, () => {
      metrics.timeouts.inc();
      return decisionTimeout(commandId, this.config.decisionTimeoutMs);
    });
    metrics.pending.set(this.pending.size);
    decision.catch(() => undefined);
    try {
      await this.batcher.add(encodeCommandRecord(record));
      metrics.produced.inc({ mode });
    } catch (error) {
      this.pending.reject(commandId, error);
    }
    try {
      const result = await decision;
      metrics.decisionSeconds.observe(
        { outcome: 'accepted' },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      return result;
    } catch (error) {
      metrics.decisionSeconds.observe(
        { outcome: 'failed' },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      throw error;
    } finally {
      metrics.pending.set(this.pending.size);
    }
  }

  private async produce(messages: Message[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw serviceUnavailable('kafka', 'producer not connected');
    // A window that waited behind a produce which has just failed fails with it, at once.
    if (Date.now() < this.failingUntil)
      throw serviceUnavailable('kafka', this.lastFailure ?? 'produce failing');
    const started = process.hrtime.bigint();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`produce not acknowledged within ${this.config.sendTimeoutMs} ms`)),
        this.config.sendTimeoutMs,
      );
    });
    try {
      await Promise.race([
        producer.sendBatch({
          topicMessages: [{ topic: this.config.topics.commands, messages }],
          acks: -1,
        }),
        timeout,
      ]);
      metrics.produceBatch.observe(messages.length);
      metrics.produceSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    } catch (error) {
      this.failingUntil = Date.now() + FAIL_FAST_MS;
      this.lastFailure = error instanceof Error ? error.message : String(error);
      metrics.produceFailures.inc();
      this.log.warn('produce failed', { commands: messages.length, error: this.lastFailure });
      throw serviceUnavailable('kafka', this.lastFailure);
    } finally {
      clearTimeout(timer);
    }
  }

  private async onReplies({ batch }: EachBatchPayload): Promise<void> {
    const now = Date.now();
    if (now - this.replyCommittedAt >= REPLY_COMMIT_INTERVAL_MS && batch.messages.length > 0) {
      this.replyCommittedAt = now;
      const offset = (BigInt(batch.lastOffset()) + 1n).toString();
      void this.consumer
        ?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }])
        .catch((error: unknown) => this.log.warn('reply offset commit failed', { error }));
    }
    for (const message of batch.messages) {
      metrics.replyDelaySeconds.observe(Math.max(0, now - Number(message.timestamp)) / 1000);
      if (!isReplyFor(message.headers, this.config.gatewayId)) {
        metrics.replies.inc({ result: 'other-gateway' });
        continue;
      }
      let reply: CommandReply;
      try {
        reply = decodeCommandReply(message.value);
      } catch (error) {
        metrics.replies.inc({ result: 'malformed' });
        this.log.warn('malformed reply skipped', { offset: message.offset, error });
        continue;
      }
      const { outcome } = reply;
      const matched =
        outcome.status === 'accepted'
          ? this.pending.resolve(reply.commandId, outcome.result)
          : this.pending.reject(reply.commandId, problemToApiError(outcome.problem));
      metrics.replies.inc({ result: matched ? 'answered' : 'no-waiter' });
    }
  }
}
