import { Partitioners, type Admin, type Kafka, type Message, type Producer } from 'kafkajs';
import { encodeEvent, HEADERS, type TopicNames } from '@qf/contracts';
import type { Logger } from '@qf/shared-observability';
import {
  decideBatch,
  type BatchDecision,
  type InboundCommand,
  type RoutedReply,
} from '../decision/decide-batch';
import { IdempotencyIndex } from '../ledger/idempotency-index';
import { encodeLedgerRecord } from '../ledger/ledger-record';
import { encodeSnapshot } from '../ledger/player-snapshot';
import { processorMetrics as metrics } from './processor.metrics';
import { encodeOffsetsMetadata, restoreSlot } from './slot-restore';
import type { CheckpointPlan, CheckpointPolicy, SlotState } from './slot-state';

/** What a slot owner needs to know about its surroundings. */
export interface SlotOwnerContext {
  /** A client whose retry backoff suits transactions. */
  readonly transactionalKafka: Kafka;
  /** A client for the restore reads. */
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: TopicNames;
  readonly groupId: string;
  readonly transactionTimeoutMs: number;
  readonly horizonMs: number;
  /** Command ids this slot's index holds at most. */
  readonly maxEntries: number;
  /**
   * The consumed offsets are committed (sendOffsets) at most this often. Exactly-once does
   * not rest on them (each transaction's ledger records hold the decided offsets); they say
   * where a new owner starts reading, and their metadata where its ledger read starts.
   */
  readonly offsetsIntervalMs: number;
  readonly checkpoint: CheckpointPolicy;
  readonly now: () => number;
  readonly log: Logger;
}

/** Above this many bytes of records a transaction's writes go out in several produce requests (broker limit ~1 MB per batch). */
const MAX_REQUEST_BYTES = 512 * 1024;

type Outgoing = { readonly topic: string; readonly message: Message & { partition: number } };

/**
 * The single writer of one slot. It holds a transactional producer whose id is bound to the
 * slot, so opening it fences any previous owner (its open transaction is aborted, its later
 * writes refused), and the slot's state, restored after fencing so it includes everything
 * any previous owner committed. Each `process` is one transaction covering every partition
 * of the slot: events, due snapshots, one ledger record per partition that moved, dead
 * letters, and now and then the consumed offsets. Replies are the caller's, after the commit.
 */
export class SlotOwner {
  private producer?: Producer;
  private current?: SlotState;
  private offsetsCommittedAt = 0;

  constructor(
    readonly slot: number,
    readonly slots: number,
    readonly partitions: readonly number[],
    private readonly context: SlotOwnerContext,
  ) {}

  /** The transactional id: one per slot (and slot layout), stable across owners and restarts. */
  get transactionalId(): string {
    return `command-processor-${this.context.topics.commands}-slot-${this.slot}-of-${this.slots}`;
  }

  get state(): SlotState {
    if (!this.current) throw new Error(`slot ${this.slot} is not open`);
    return this.current;
  }

  get players(): number {
    return this.current?.players.size ?? 0;
  }

  /** Fences the previous owner, then restores the slot. */
  async open(): Promise<void> {
    const started = process.hrtime.bigint();
    const { context } = this;
    const producer = context.transactionalKafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: context.transactionTimeoutMs,
      allowAutoTopicCreation: false,
      // Every record carries its partition explicitly; the partitioner is never consulted.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Transactional requests answered CONCURRENT_TRANSACTIONS are asked again at the
      // broker (retryConcurrentTransactions); what reaches this retrier is a real failure.
      retry: {
        initialRetryTime: 10,
        multiplier: 1.5,
        maxRetryTime: 200,
        retries: Number.MAX_SAFE_INTEGER,
      },
    });
    producer.on(producer.events.REQUEST, ({ payload }) => metrics.producerRequest(payload));
    this.producer = producer;
    await producer.connect();
    // The first transaction() sends InitProducerId: the broker completes (commits or
    // aborts) whatever the previous owner left open and bumps the epoch. Only after that
    // are the slot's topics final.
    await (await producer.transaction()).abort();
    const index = new IdempotencyIndex({
      horizonMs: context.horizonMs,
      maxEntries: context.maxEntries,
      onEvicted: (reason, count) => metrics.idempotencyEvicted(reason, count),
    });
    this.current = await restoreSlot(context, this.partitions, index, context.now());
    if (this.current.poison.length > 0) {
      metrics.poisonSnapshots.inc(this.current.poison.length);
      context.log.error(
        'unreadable snapshots: dead-lettered, their players rebuilt from their events',
        {
          slot: this.slot,
          snapshots: this.current.poison.map(({ partition, message, reason }) => ({
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8'),
            reason,
          })),
        },
      );
    }
    metrics.restoreSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    context.log.info('slot restored', {
      slot: this.slot,
      partitions: this.partitions,
      players: this.current.players.size,
      commandIds: index.size,
      poisonSnapshots: this.current.poison.length,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    });
  }

  /**
   * Decides the commands and, when anything is to be written, commits it in one
   * transaction; the state changes only after the commit. Returns the replies to send.
   * Throws when the transaction failed: the owner is then unusable (the outcome may be
   * unknown) and must be replaced.
   */
  async process(
    commands: readonly InboundCommand[],
    options: { flush?: boolean } = {},
  ): Promise<RoutedReply[]> {
    const producer = this.producer;
    const state = this.state;
    if (!producer) throw new Error(`slot ${this.slot} is not open`);
    const started = process.hrtime.bigint();
    const now = this.context.now();
    const oldest = commands[0]?.timestamp;
    if (oldest !== undefined) metrics.queueDelaySeconds.observe(Math.max(0, now - oldest) / 1000);
    // Ids past the horizon are forgotten before deciding, not only after.
    state.index.expire(now);
    const decision = decideBatch(state, commands);
    const plan = state.plan(decision, now, this.context.checkpoint, options);
    const ends = { events: new Map<number, number>(), ledger: new Map<number, number>() };
    if (plan.ledger.length === 0 && decision.deadLetters.length === 0) {
      state.apply(decision, undefined, now, ends);
      metrics.decided(decision.counts);
      return decision.replies;
    }
    const messages = this.messagesFor(decision, plan, now);
    metrics.phase('decide', started);
    let mark = process.hrtime.bigint();
    const commitOffsets = now - this.offsetsCommittedAt >= this.context.offsetsIntervalMs;
    const transaction = await producer.transaction();
    try {
      for (const request of chunked(messages)) {
        const results = await transaction.sendBatch({ topicMessages: request.topics, acks: -1 });
        for (const result of results) {
          const count = request.counts.get(`${result.topicName}\u0000${result.partition}`) ?? 0;
          const end = Number(result.baseOffset ?? -1) + count;
          if (result.topicName === this.context.topics.events)
            ends.events.set(result.partition, end);
          if (result.topicName === this.context.topics.ledger)
            ends.ledger.set(result.partition, end);
        }
      }
      mark = metrics.phase('produce', mark);
      if (commitOffsets) {
        await transaction.sendOffsets({
          consumerGroupId: this.context.groupId,
          topics: [
            { topic: this.context.topics.commands, partitions: this.offsetsAfter(decision) },
          ],
        });
        mark = metrics.phase('offsets', mark);
      }
      await transaction.commit();
      metrics.phase('commit', mark);
    } catch (error) {
      // A commit may have failed after the broker applied it: abort if still possible, and
      // let the caller rebuild the owner (fence, restore what really committed).
      if (transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw error;
    }
    if (commitOffsets) this.offsetsCommittedAt = now;
    state.apply(decision, plan, now, ends);
    metrics.transaction(started, commands.length, messages, decision.counts, this.context.topics);
    for (const dead of decision.deadLetters)
      this.context.log.error('command dead-lettered', {
        partition: dead.command.partition,
        offset: dead.command.offset,
        key: dead.command.key,
        error: dead.error,
      });
    return decision.replies;
  }

  /** Disconnects the producer (an open transaction is left to the next owner's fence or the timeout). */
  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.current = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private offsetsAfter(decision: BatchDecision) {
    return this.partitions.flatMap((partition) => {
      const progress = this.state.progress(partition);
      const decided = Math.max(
        progress.decided,
        decision.partitions.get(partition)?.lastOffset ?? -1,
      );
      if (decided < 0) return [];
      return [
        {
          partition,
          offset: String(decided + 1),
          metadata: encodeOffsetsMetadata({ ledger: progress.ledgerEnd }),
        },
      ];
    });
  }

  private messagesFor(decision: BatchDecision, plan: CheckpointPlan, now: number): Outgoing[] {
    const { topics } = this.context;
    const out: Outgoing[] = [];
    // Explicit partitions: the same number as the command's, whatever partitioner a producer uses.
    for (const [partition, decided] of decision.partitions)
      for (const event of decided.events)
        out.push({ topic: topics.events, message: { ...encodeEvent(event), partition } });
    for (const { partition, snapshot } of plan.snapshots)
      out.push({ topic: topics.snapshots, message: encodeSnapshot(snapshot, partition) });
    for (const { partition, record } of plan.ledger)
      out.push({ topic: topics.ledger, message: encodeLedgerRecord(record, partition, now) });
    for (const { command, error } of decision.deadLetters)
      out.push({
        topic: topics.commandsDeadLetter,
        message: deadLetter(
          command.key,
          command.value,
          error,
          topics.commands,
          command.partition,
          command.offset,
        ),
      });
    for (const { partition, message, reason } of this.state.poison)
      out.push({
        topic: topics.commandsDeadLetter,
        message: deadLetter(
          message.key,
          message.value,
          { code: 'SNAPSHOT.UNREADABLE', message: reason },
          topics.snapshots,
          partition,
          message.offset,
        ),
      });
    return out;
  }
}

const deadLetter = (
  key: Buffer | string | null,
  value: Buffer | string | null,
  error: unknown,
  sourceTopic: string,
  partition: number,
  offset: number | string,
): Message & { partition: number } => ({
  key,
  value,
  partition,
  headers: {
    [HEADERS.error]: JSON.stringify(error),
    [HEADERS.sourceTopic]: sourceTopic,
    [HEADERS.sourcePartition]: String(partition),
    [HEADERS.sourceOffset]: String(offset),
  },
});

const sizeOf = (message: Message) =>
  (typeof message.value === 'string'
    ? Buffer.byteLength(message.value)
    : (message.value?.length ?? 0)) + 64;

interface ProduceRequest {
  readonly topics: Array<{ topic: string; messages: Message[] }>;
  /** Records per `topic\0partition` in this request (to turn base offsets into ends). */
  readonly counts: Map<string, number>;
}

/** Groups messages by topic into requests of at most MAX_REQUEST_BYTES, keeping their order per topic. */
const chunked = (messages: readonly Outgoing[]): ProduceRequest[] => {
  const requests: ProduceRequest[] = [];
  let current = new Map<string, Message[]>();
  let counts = new Map<string, number>();
  let bytes = 0;
  const close = () => {
    if (current.size > 0)
      requests.push({
        topics: [...current].map(([topic, list]) => ({ topic, messages: list })),
        counts,
      });
    current = new Map();
    counts = new Map();
    bytes = 0;
  };
  for (const { topic, message } of messages) {
    const size = sizeOf(message);
    if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) close();
    const list = current.get(topic);
    if (list) list.push(message);
    else current.set(topic, [message]);
    const id = `${topic}\u0000${message.partition}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    bytes += size;
  }
  close();
  return requests;
};
