import { Partitioners, type Admin, type Kafka, type Message, type Producer } from 'kafkajs';
import { encodeCommandReply, encodeEvent, HEADERS, type TopicNames } from '@qf/contracts';
import type { Logger } from '@qf/shared-observability';
import { decideBatch, type BatchDecision, type InboundCommand } from '../decision/decide-batch';
import { decodeSnapshot, encodeSnapshot, type PlayerSnapshot } from '../ledger/player-snapshot';
import { readPartitionToEnd } from '@qf/shared-kafka';
import { processorMetrics as metrics } from '../write-path.metrics';

/** What a partition owner needs to know about its surroundings. */
export interface PartitionOwnerContext {
  /** A client whose retry backoff suits transactions (short: CONCURRENT_TRANSACTIONS is retried, kafkajs #304). */
  readonly transactionalKafka: Kafka;
  /** A client for the restore reader. */
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: TopicNames;
  readonly groupId: string;
  readonly dedupWindow: number;
  readonly transactionTimeoutMs: number;
  /**
   * 0: every transaction also commits the consumed offset (sendOffsets). Above 0: at most
   * that often (and in every transaction that dead-letters a record); transactions in
   * between save two round trips and two log appends on the broker. Exactly-once does not
   * rest on the committed offset (each snapshot records the offset of the player's last
   * decided command, and the decider skips anything at or below it); it only says where a
   * new owner starts reading, so a later commit means more skipped re-reads after a failover.
   */
  readonly offsetsIntervalMs: number;
  readonly log: Logger;
}

/** Above this many bytes of records a transaction's writes go out in several produce requests (broker limit ~1 MB per batch). */
const MAX_REQUEST_BYTES = 512 * 1024;

const sizeOf = (message: Message) =>
  (typeof message.value === 'string'
    ? Buffer.byteLength(message.value)
    : (message.value?.length ?? 0)) + 64;

/**
 * The single writer of one partition of the write path. It holds a transactional producer
 * whose id is bound to the input partition, so opening it fences any previous owner (its
 * open transaction is aborted, its later writes refused), and the partition's player
 * snapshots, restored from player.snapshots after fencing, so they include everything any
 * previous owner committed.
 */
export class PartitionOwner {
  private readonly snapshots = new Map<string, PlayerSnapshot>();
  private producer?: Producer;
  private offsetsCommittedAt = 0;

  constructor(
    readonly partition: number,
    private readonly context: PartitionOwnerContext,
  ) {}

  /** The transactional id: one per input partition, stable across owners and restarts. */
  get transactionalId(): string {
    return `command-processor-${this.context.topics.commands}-${this.partition}`;
  }

  get players(): number {
    return this.snapshots.size;
  }

  /** Fences the previous owner, then restores the partition's snapshots. */
  async open(): Promise<void> {
    const started = process.hrtime.bigint();
    const producer = this.context.transactionalKafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.context.transactionTimeoutMs,
      allowAutoTopicCreation: false,
      // Every record carries its partition explicitly; the partitioner is never consulted.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Back-to-back transactions meet CONCURRENT_TRANSACTIONS until the previous markers
      // are written: retry within milliseconds, not kafkajs' default 300 ms.
      retry: {
        initialRetryTime: 5,
        multiplier: 1.5,
        maxRetryTime: 100,
        retries: Number.MAX_SAFE_INTEGER,
      },
    });
    producer.on(producer.events.REQUEST, ({ payload }) => {
      metrics.kafkaRequests.inc({ api: payload.apiName });
      metrics.kafkaRequestSeconds.inc({ api: payload.apiName }, payload.duration / 1000);
    });
    await producer.connect();
    // The first transaction() sends InitProducerId: the broker completes (commits or
    // aborts) whatever the previous owner left open and bumps the epoch. Only after that
    // is player.snapshots final for this partition.
    const fence = await producer.transaction();
    await fence.abort();
    this.producer = producer;

    this.snapshots.clear();
    const { records } = await readPartitionToEnd(
      this.context.kafka,
      this.context.admin,
      this.context.topics.snapshots,
      this.partition,
      (message) => {
        const snapshot = decodeSnapshot(message.value);
        this.snapshots.set(snapshot.state.id, snapshot);
      },
      { groupPrefix: `${this.context.groupId}-restore` },
    );
    metrics.restoredSnapshots.inc(records);
    metrics.restoreSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.context.log.info('partition restored', {
      partition: this.partition,
      players: this.snapshots.size,
      snapshotRecords: records,
    });
  }

  /**
   * Decides the commands and commits, in one transaction, their events, the new snapshots,
   * the replies, the dead letters and the offset after the last command (see
   * offsetsIntervalMs). The in-memory snapshots change only after the commit succeeded.
   * Throws when the transaction failed: the owner is then unusable (its outcome may be
   * unknown) and must be replaced.
   */
  async process(commands: readonly InboundCommand[]): Promise<BatchDecision> {
    const producer = this.producer;
    if (!producer) throw new Error(`partition ${this.partition} is not open`);
    const last = commands[commands.length - 1];
    if (!last) throw new Error('empty batch');
    const started = process.hrtime.bigint();
    const now = Date.now();
    for (const command of commands) {
      if (command.timestamp)
        metrics.queueDelaySeconds.observe(Math.max(0, now - Number(command.timestamp)) / 1000);
    }
    const decision = decideBatch((playerId) => this.snapshots.get(playerId), commands, {
      dedupWindow: this.context.dedupWindow,
    });
    const messages = this.messagesFor(decision);

    let mark = started;
    const phase = (name: string) => {
      const now = process.hrtime.bigint();
      metrics.transactionPhaseSeconds.observe({ phase: name }, Number(now - mark) / 1e9);
      mark = now;
    };
    phase('decide');
    // A dead-lettered record may belong to no player (no key, not JSON), so no snapshot
    // records that it was handled: only the committed offset keeps it from being
    // dead-lettered again after a failover.
    const commitOffsets =
      this.context.offsetsIntervalMs <= 0 ||
      decision.deadLetters.length > 0 ||
      Date.now() - this.offsetsCommittedAt >= this.context.offsetsIntervalMs;
    const transaction = await producer.transaction();
    try {
      for (const chunk of chunked(messages))
        await transaction.sendBatch({ topicMessages: chunk, acks: -1 });
      phase('produce');
      if (commitOffsets) {
        await transaction.sendOffsets({
          consumerGroupId: this.context.groupId,
          topics: [
            {
              topic: this.context.topics.commands,
              partitions: [
                { partition: this.partition, offset: (BigInt(last.offset) + 1n).toString() },
              ],
            },
          ],
        });
        phase('offsets');
      }
      await transaction.commit();
      phase('commit');
    } catch (error) {
      // sendOffsets is not retried by kafkajs (#430) and a commit may have failed after the
      // broker applied it: abort if still possible, and let the caller rebuild the owner.
      if (transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw error;
    }

    if (commitOffsets) this.offsetsCommittedAt = Date.now();
    for (const snapshot of decision.snapshots) this.snapshots.set(snapshot.state.id, snapshot);
    metrics.transactionSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    metrics.batchSize.observe(commands.length);
    metrics.events.inc(decision.events.length);
    const { accepted, rejected, duplicates, redelivered, deadLettered } = decision.counts;
    if (accepted) metrics.commands.inc({ outcome: 'accepted' }, accepted);
    if (rejected) metrics.commands.inc({ outcome: 'rejected' }, rejected);
    if (duplicates) metrics.commands.inc({ outcome: 'duplicate' }, duplicates);
    if (redelivered) metrics.commands.inc({ outcome: 'redelivered' }, redelivered);
    if (deadLettered) metrics.commands.inc({ outcome: 'dead-lettered' }, deadLettered);
    for (const dead of decision.deadLetters) {
      this.context.log.error('command dead-lettered', {
        partition: this.partition,
        offset: dead.command.offset,
        key: dead.command.key,
        error: dead.error,
      });
    }
    return decision;
  }

  /** Disconnects the producer (an open transaction is left to the next owner's fence or the timeout). */
  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.snapshots.clear();
    await producer?.disconnect().catch(() => undefined);
  }

  private messagesFor(decision: BatchDecision): Array<{ topic: string; message: Message }> {
    const { topics } = this.context;
    const partition = this.partition;
    return [
      // Explicit partitions: the same number as the command's, whatever partitioner a producer uses.
      ...decision.events.map((event) => ({
        topic: topics.events,
        message: { ...encodeEvent(event), partition },
      })),
      ...decision.snapshots.map((snapshot) => ({
        topic: topics.snapshots,
        message: encodeSnapshot(snapshot, partition),
      })),
      ...decision.replies.map(({ partition: replyPartition, reply }) => ({
        topic: topics.replies,
        message: encodeCommandReply(reply, replyPartition),
      })),
      ...decision.deadLetters.map(({ command, error }) => ({
        topic: topics.commandsDeadLetter,
        message: {
          key: command.key,
          value: command.value,
          partition,
          headers: {
            [HEADERS.error]: JSON.stringify(error),
            [HEADERS.sourceTopic]: topics.commands,
            [HEADERS.sourcePartition]: String(partition),
            [HEADERS.sourceOffset]: command.offset,
          },
        } satisfies Message,
      })),
    ];
  }
}

/** Groups messages by topic into requests of at most MAX_REQUEST_BYTES, keeping their order per topic. */
const chunked = (
  messages: ReadonlyArray<{ topic: string; message: Message }>,
): Array<Array<{ topic: string; messages: Message[] }>> => {
  const requests: Array<Array<{ topic: string; messages: Message[] }>> = [];
  let current = new Map<string, Message[]>();
  let bytes = 0;
  const close = () => {
    if (current.size > 0)
      requests.push([...current].map(([topic, list]) => ({ topic, messages: list })));
    current = new Map();
    bytes = 0;
  };
  for (const { topic, message } of messages) {
    const size = sizeOf(message);
    if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) close();
    const list = current.get(topic) ?? [];
    list.push(message);
    current.set(topic, list);
    bytes += size;
  }
  close();
  return requests;
};
