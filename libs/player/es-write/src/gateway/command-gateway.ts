import { Partitioners, type Admin, type Kafka, type Message } from 'kafkajs';
import {
  overloaded,
  serviceUnavailable,
  type AcceptedCommand,
  type CommandStatus,
  type EncodedAnswer,
  type ReplyView,
} from '@qf/contracts';
import type { PlayerCommand } from '@qf/player-domain';
import { createKafka, RenewingProducer, useFastRecordEncoder } from '@qf/shared-kafka';
import { createLogger, type Logger } from '@qf/shared-observability';
import { idempotencyHorizonMs, type GatewayConfig } from '../config/write-path.config';
import { CommandStatusReader } from '../ledger/command-status.reader';
import { ensureWritePathTopics } from '../topics/write-path.topics';
import { CommandDispatcher } from './command-dispatcher';
import { gatewaySeries as series } from './gateway.metrics';
import { ReplyReader } from './reply-reader';
import { replyPartitionFor } from './reply-routing';

/** How often overdue requests are answered 504 (the timeout's precision). */
const EXPIRE_EVERY_MS = 50;
/** Command-status searches at once, at most (each reads a partition's ledger): more are refused with 503. */
const MAX_STATUS_SEARCHES = 4;
/** A command-status search that takes longer is answered 503. */
const STATUS_SEARCH_TIMEOUT_MS = 30_000;

type State = 'created' | 'starting' | 'ready' | 'stopping' | 'stopped';

/** Counts a kafkajs request event by client and API, with the series resolved once per pair. */
const requestCounter = (client: string) => {
  const byApi = new Map<string, { inc: () => void }>();
  return ({ payload }: { payload: { apiName: string } }) => {
    let series_ = byApi.get(payload.apiName);
    if (!series_) {
      series_ = series.kafkaRequests.labels(client, payload.apiName);
      byApi.set(payload.apiName, series_);
    }
    series_.inc();
  };
};

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
  private producer?: RenewingProducer;
  private reader?: ReplyReader;
  private readonly dispatcher: CommandDispatcher;
  private expireTimer?: NodeJS.Timeout;
  private state: State = 'created';
  private lastFailure?: string;
  /** The command.replies partition this gateway reads. */
  readonly replyPartition: number;
  private readonly replyGroupId: string;
  private statusSearches = 0;

  constructor(private readonly config: GatewayConfig) {
    this.log = createLogger('command-gateway', 'gateway');
    useFastRecordEncoder();
    // Fail fast: a produce that cannot reach the broker answers 503, it does not queue.
    this.kafka = createKafka(`command-gateway-${config.gatewayId}`, {
      retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 3 },
    });
    this.replyPartition = replyPartitionFor(config, config.partitions);
    this.replyGroupId = `${config.topicPrefix}command-gateway-${config.gatewayId}`;
    this.dispatcher = new CommandDispatcher(
      { ...config, replyPartition: this.replyPartition },
      (messages) => this.produce(messages),
    );
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
    this.expireTimer = setInterval(() => this.dispatcher.expire(), EXPIRE_EVERY_MS);
    this.expireTimer.unref();
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

    // Idempotent: a window kafkajs re-sends after a lost response is written once. kafkajs
    // warns that bounded retries may break that promise for a window that finally fails;
    // such a window is answered 503 and retried by the client with its Idempotency-Key,
    // which the processor deduplicates, so the bound (fail fast) is kept. After a failed
    // window the producer is replaced: its sequence numbers may be behind the broker's
    // (a lost answer to an appended request), which kafkajs never recovers from.
    this.producer = new RenewingProducer({
      create: () => {
        const producer = this.kafka.producer({
          allowAutoTopicCreation: false,
          idempotent: true,
          maxInFlightRequests: 1,
          // The Java-compatible murmur2 partitioner (kafkajs' default since 2.0), named to say so.
          createPartitioner: Partitioners.DefaultPartitioner,
          retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 3 },
        });
        producer.on(producer.events.REQUEST, requestCounter('producer'));
        return producer;
      },
      onRenewed: (cause) =>
        this.log.warn('command producer replaced after a failed send', { cause }),
      onRenewFailed: (error) =>
        this.log.warn('command producer could not be replaced yet', {
          error: error instanceof Error ? error.message : String(error),
        }),
    });
    await this.producer.connect();

    const end =
      (await this.admin.fetchTopicOffsets(config.topics.replies)).find(
        (entry) => entry.partition === this.replyPartition,
      )?.high ?? '0';
    this.reader = new ReplyReader(
      this.kafka,
      {
        topic: config.topics.replies,
        partition: this.replyPartition,
        groupId: this.replyGroupId,
        gatewayId: config.gatewayId,
        readUncommitted: true,
        minBytes: config.replyMinBytes,
        maxWaitMs: config.replyMaxWaitMs,
        onReply: (reply) => this.onReply(reply),
        onMalformed: (offset, error) => {
          series.replies.malformed.inc();
          this.log.warn('malformed reply skipped', { offset, error });
        },
        onRecord: (ageMs, mine) => {
          series.replyDelaySeconds.observe(Math.max(0, ageMs) / 1000);
          if (!mine) series.replies.otherGateway.inc();
        },
        restartOnFailure: () => this.state !== 'stopping' && this.state !== 'stopped',
        instrument: (consumer) => {
          consumer.on(consumer.events.CRASH, ({ payload }) => {
            this.lastFailure = `reply consumer crashed: ${payload.error.message}`;
          });
          consumer.on(consumer.events.REQUEST, requestCounter('reply-consumer'));
        },
      },
      this.log,
    );
    await this.reader.start(end);
  }

  private onReply(reply: ReplyView): void {
    (this.dispatcher.answer(reply) ? series.replies.answered : series.replies.noWaiter).inc();
  }

  private async close(): Promise<void> {
    clearInterval(this.expireTimer);
    await this.reader?.stop();
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.deleteGroups([this.replyGroupId]).catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.reader = undefined;
    this.producer = undefined;
    this.admin = undefined;
  }

  /** Stops taking commands, sends what is queued, fails the waiting requests, leaves and deletes the reply group. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    await this.dispatcher.drain().catch(() => undefined);
    this.dispatcher.failAll(serviceUnavailable('command-gateway', 'shutting down'));
    await this.close();
    this.state = 'stopped';
    this.log.info('command gateway stopped');
  }

  /** '/health': ready, the last produce did not fail, and the reply consumer is in its group. */
  health(): true | string {
    if (this.state !== 'ready') return `gateway ${this.state}`;
    const failing = this.dispatcher.failing();
    if (failing !== undefined) return `kafka produce failing: ${failing}`;
    return this.reader?.health() ?? 'no reply consumer';
  }

  /** The last crash of the reply consumer (kafkajs restarts it), for diagnostics. */
  get lastConsumerFailure(): string | undefined {
    return this.lastFailure;
  }

  /**
   * Produces the command and, in 'wait' mode, resolves with its decision as the processor
   * encoded it (an EncodedAnswer: accepted or rejected, bytes to pass on); in 'async' mode
   * once the command is stored. Rejects with an ApiError: 503 (shed, Kafka failing, not
   * ready), 504 (no decision in time).
   */
  submit(
    command: PlayerCommand,
    requestHash: string,
    mode: 'wait' | 'async',
  ): Promise<EncodedAnswer | AcceptedCommand> {
    if (this.state !== 'ready')
      return Promise.reject(serviceUnavailable('command-gateway', `not ready (${this.state})`, 1));
    return this.dispatcher.submit(command, requestHash, mode);
  }

  /**
   * Where a command stands (GET /commands/{commandId}), asked of player.ledger and
   * player.commands (CommandStatusReader): one entry per player that used the id, none when
   * it was neither sent nor decided within the idempotency horizon. Off the hot path: a
   * search reads Kafka only when asked, a few at a time (503 beyond that or without Kafka).
   */
  async commandStatus(commandId: string, playerId?: string): Promise<CommandStatus[]> {
    const { admin } = this;
    if (this.state !== 'ready' || !admin)
      throw serviceUnavailable('command-gateway', `not ready (${this.state})`, 1);
    if (this.statusSearches >= MAX_STATUS_SEARCHES)
      throw overloaded(`${this.statusSearches} command-status searches are running`, 1);
    this.statusSearches += 1;
    try {
      return await new CommandStatusReader(this.kafka, admin, {
        topics: this.config.topics,
        horizonMs: idempotencyHorizonMs(),
        timeoutMs: STATUS_SEARCH_TIMEOUT_MS,
      }).find(commandId, playerId);
    } catch (error) {
      this.log.warn('command-status search failed', {
        commandId,
        error: error instanceof Error ? error.message : String(error),
      });
      throw serviceUnavailable('kafka', error instanceof Error ? error.message : String(error), 1);
    } finally {
      this.statusSearches -= 1;
    }
  }

  private async produce(messages: Message[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('producer not connected');
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
    } catch (error) {
      this.log.warn('produce failed', {
        commands: messages.length,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
