import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { TopicNames } from '@qf/contracts';
import type { Logger } from '@qf/shared-observability';
import {
  decideBatch,
  type BatchDecision,
  type InboundCommand,
  type RoutedReply,
} from '../decision/decide-batch';
import { IdempotencyIndex } from '../ledger/idempotency-index';
import { DecisionSpans } from './decision-spans';
import { processorMetrics as metrics } from './processor.metrics';
import { encodeOffsetsMetadata, restoreSlot } from './slot-restore';
import type { CheckpointPolicy, SlotState } from './slot-state';
import { maskOf, overlappingMasks, slotOf, slotsOfMask } from './slots';
import { produceRequests, recordsOf } from './transaction-records';
import { addPartitionsEarly } from '@qf/shared-kafka';

/** What a transaction owner needs to know about its surroundings. */
export interface TransactionOwnerContext {
  /** A client whose retry backoff suits transactions. */
  readonly transactionalKafka: Kafka;
  /** A client for the restore reads. */
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: TopicNames;
  readonly groupId: string;
  /** Slots of the group (QF_PROCESSOR_SLOTS, at most the partition count). */
  readonly slots: number;
  readonly transactionTimeoutMs: number;
  readonly horizonMs: number;
  /** Command ids one slot's index holds at most. */
  readonly maxEntriesPerSlot: number;
  /**
   * The consumed offsets are committed (sendOffsets) at most this often. Exactly-once does
   * not rest on them (each transaction's ledger records hold the decided offsets); they say
   * where a new owner starts reading, and their metadata where its ledger read starts.
   */
  readonly offsetsIntervalMs: number;
  readonly checkpoint: CheckpointPolicy;
  /** Add the next transaction's partitions while its commands queue (see `prepare`). */
  readonly earlyPartitionAdds?: boolean;
  readonly now: () => number;
  readonly log: Logger;
}

/** An owned slot whose restore failed. */
export interface UnavailableSlot {
  readonly reason: string;
  /** First failure of the current run of failures (ms). */
  readonly since: number;
  readonly attempts: number;
  /** When it may be tried again (ms). */
  readonly retryAt: number;
}

const MAX_RESTORE_BACKOFF_MS = 10_000;
/** Expected commands per owned partition from which `prepare` adds every partition at once. */
const EVERY_PARTITION_FACTOR = 4;

/** The transactional id of a set of slots: stable for that set, whoever owns it. */
export const transactionalIdOf = (topics: TopicNames, mask: number, slots: number): string =>
  `command-processor-${topics.commands}-slots-${slotsOfMask(mask).join('.')}-of-${slots}`;

/**
 * The single writer of the slots one processor owns: one transactional producer whose id
 * is bound to that set of slots, so one transaction covers every partition the processor
 * owns (transactions grow with the processor's load, not its slot count). Opening it first
 * fences every id of a set sharing a slot with it (whichever earlier owner of one of these
 * slots, zombie or not, used one of them: its open transaction is aborted, its later writes
 * refused), then restores the slots it does not carry over. Each `process` is one
 * transaction: events, due snapshots, one ledger record per partition that moved, dead
 * letters, and now and then the consumed offsets. Replies are the caller's, after the commit.
 */
export class TransactionOwner {
  private producer?: Producer;
  private readonly states = new Map<number, SlotState>();
  private readonly unavailable = new Map<number, UnavailableSlot>();
  private offsetsCommittedAt = 0;
  /** Partitions were added to the next transaction ahead of it: it must end, even with nothing to write. */
  private addedEarly = false;
  readonly mask: number;

  constructor(
    /** The owned slots and their partitions. */
    readonly owned: ReadonlyMap<number, readonly number[]>,
    private readonly context: TransactionOwnerContext,
  ) {
    this.mask = maskOf(owned.keys());
  }

  get transactionalId(): string {
    return transactionalIdOf(this.context.topics, this.mask, this.context.slots);
  }

  /** The state of each owned slot, once open. */
  get slotStates(): ReadonlyMap<number, SlotState> {
    return this.states;
  }

  get players(): number {
    let count = 0;
    for (const state of this.states.values()) count += state.players.size;
    return count;
  }

  /** Owned slots whose restore failed (their commands wait; the others go on), and why. */
  get unavailableSlots(): ReadonlyMap<number, UnavailableSlot> {
    return this.unavailable;
  }

  /**
   * Fences every transactional id overlapping the owned slots, then restores the slots not
   * in `carried` (states of slots this process held without a break, the last transaction
   * committed: still exact). A slot that cannot be restored (an unreadable event, say) is
   * left unavailable and tried again later (`retryRestores`); the others are served.
   */
  async open(carried: ReadonlyMap<number, SlotState> = new Map()): Promise<void> {
    const started = process.hrtime.bigint();
    const { context } = this;
    await this.fenceOthers();
    const producer = this.createProducer(this.transactionalId);
    producer.on(producer.events.REQUEST, ({ payload }) => metrics.producerRequest(payload));
    this.producer = producer;
    await producer.connect();
    // The first transaction() sends InitProducerId: whatever an earlier user of this id
    // left open is completed or aborted, and its epoch is bumped.
    await (await producer.transaction()).abort();
    await Promise.all(
      [...this.owned].map(async ([slot, partitions]) => {
        const kept = carried.get(slot);
        if (kept) this.states.set(slot, kept);
        else await this.restore(slot, partitions);
      }),
    );
    context.log.info('slots opened', {
      slots: [...this.owned.keys()],
      unavailable: [...this.unavailable.keys()],
      transactionalId: this.transactionalId,
      carried: [...carried.keys()].filter((slot) => this.owned.has(slot)),
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    });
  }

  /** When the next unavailable slot may be tried again (undefined: none is unavailable). */
  nextRestoreAt(): number | undefined {
    let next: number | undefined;
    for (const { retryAt } of this.unavailable.values())
      if (next === undefined || retryAt < next) next = retryAt;
    return next;
  }

  /** Tries again to restore the unavailable slots whose backoff is up. */
  async retryRestores(now = Date.now()): Promise<void> {
    for (const [slot, { retryAt }] of [...this.unavailable])
      if (retryAt <= now) await this.restore(slot, this.owned.get(slot) ?? []);
  }

  private async restore(slot: number, partitions: readonly number[]): Promise<void> {
    const { context } = this;
    const started = process.hrtime.bigint();
    const index = new IdempotencyIndex({
      horizonMs: context.horizonMs,
      maxEntries: context.maxEntriesPerSlot,
      onEvicted: (reason, count) => metrics.idempotencyEvicted(reason, count),
    });
    try {
      const state = await restoreSlot(context, partitions, index, context.now());
      this.states.set(slot, state);
      this.unavailable.delete(slot);
      metrics.restoreSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
      this.reportRestore(slot, partitions, state, started);
    } catch (error) {
      const previous = this.unavailable.get(slot);
      const attempts = (previous?.attempts ?? 0) + 1;
      const reason = `slot ${slot} (partitions ${partitions.join(',')}) could not be restored: ${error instanceof Error ? error.message : String(error)}`;
      this.unavailable.set(slot, {
        reason,
        since: previous?.since ?? Date.now(),
        attempts,
        retryAt:
          Date.now() + Math.min(MAX_RESTORE_BACKOFF_MS, 100 * 2 ** Math.min(attempts - 1, 10)),
      });
      metrics.transactionFailures.inc({ reason: 'restore' });
      context.log.warn('slot not restored; its commands wait, the other slots go on', {
        slot,
        attempt: attempts,
        error,
      });
    }
  }

  /**
   * Asks for the partitions the next transaction writes for these queued commands to be
   * added to it now, while the group-commit interval runs, so its first send does not wait
   * for AddPartitionsToTxn (addPartitionsEarly). A command not decided yet writes its events
   * and its ledger record to its own partition number; commands already decided (handed over
   * again after a rebalance) are left out. When the next transaction is expected to carry
   * EVERY_PARTITION_FACTOR commands per owned partition or more, every partition of the
   * restored slots is added at once: one request instead of one per new partition seen, and
   * a partition left unwritten costs only its marker.
   */
  prepare(commands: readonly InboundCommand[], expectedCommands = 0): void {
    if (!this.context.earlyPartitionAdds || !this.producer || commands.length === 0) return;
    const partitions = new Set<number>();
    let owned = 0;
    for (const state of this.states.values()) owned += state.partitions.size;
    if (expectedCommands >= EVERY_PARTITION_FACTOR * owned)
      for (const state of this.states.values())
        for (const partition of state.partitions.keys()) partitions.add(partition);
    else
      for (const { partition, offset } of commands) {
        const state = this.states.get(slotOf(partition, this.context.slots));
        if (state?.partitions.has(partition) && offset > state.decidedOffset(partition))
          partitions.add(partition);
      }
    if (partitions.size === 0) return;
    const list = [...partitions];
    const { topics } = this.context;
    if (
      addPartitionsEarly(this.transactionalId, [
        { topic: topics.events, partitions: list },
        { topic: topics.ledger, partitions: list },
      ])
    )
      this.addedEarly = true;
  }

  /**
   * Decides the commands (of owned partitions) and, when anything is to be written,
   * commits it in one transaction; the states change only after the commit. Returns the
   * replies to send. Throws when the transaction failed: the owner is then unusable (the
   * outcome may be unknown) and must be replaced, its slots restored.
   */
  async process(
    commands: readonly InboundCommand[],
    options: { flush?: boolean; everyPartition?: boolean } = {},
  ): Promise<RoutedReply[]> {
    const spans = DecisionSpans.open(commands, this.context.topics.commands);
    if (!spans) return this.decideAndCommit(commands, options);
    try {
      const replies = await this.decideAndCommit(commands, options, spans);
      spans.end();
      return replies;
    } catch (error) {
      spans.end(error);
      throw error;
    }
  }

  private async decideAndCommit(
    commands: readonly InboundCommand[],
    options: { flush?: boolean; everyPartition?: boolean },
    spans?: DecisionSpans,
  ): Promise<RoutedReply[]> {
    const producer = this.producer;
    if (!producer) throw new Error('transaction owner is not open');
    const started = process.hrtime.bigint();
    const now = this.context.now();
    const oldest = commands[0]?.timestamp;
    if (oldest !== undefined) metrics.queueDelaySeconds.observe(Math.max(0, now - oldest) / 1000);
    const decided = this.decide(commands, now, options);
    const written = decided.some(
      ({ decision, plan }) => plan.ledger.length > 0 || decision.deadLetters.length > 0,
    );
    const noEnds = { events: new Map<number, number>(), ledger: new Map<number, number>() };
    // Partitions added early are in an open transaction on the coordinator: it must end, or
    // the coordinator aborts it at its timeout and fences this producer.
    const mustEnd = this.addedEarly;
    if (!written && !mustEnd) {
      for (const { state, decision } of decided) state.apply(decision, undefined, now, noEnds);
      for (const { decision } of decided) metrics.decided(decision.counts);
      return decided.flatMap(({ decision }) => decision.replies);
    }
    const messages = decided.flatMap(({ state, decision, plan }) =>
      recordsOf(this.context.topics, state, decision, plan, now, spans),
    );
    let mark = metrics.phase('decide', started);
    // With nothing to write, the offsets make it a transaction that kafkajs ends (EndTxn).
    const commitOffsets =
      !written || now - this.offsetsCommittedAt >= this.context.offsetsIntervalMs;
    const ends = { events: new Map<number, number>(), ledger: new Map<number, number>() };
    const transaction = await producer.transaction();
    let producing = true;
    try {
      for (const request of produceRequests(messages)) {
        const results = await transaction.sendBatch({ topicMessages: request.topics, acks: -1 });
        for (const result of results) {
          const count = request.counts.get(`${result.topicName}\u0000${result.partition}`) ?? 0;
          const end = Number(result.baseOffset ?? -1) + count;
          if (result.topicName === this.context.topics.events)
            ends.events.set(result.partition, end);
          else if (result.topicName === this.context.topics.ledger)
            ends.ledger.set(result.partition, end);
        }
      }
      mark = metrics.phase('produce', mark);
      producing = false;
      if (commitOffsets) {
        await transaction.sendOffsets({
          consumerGroupId: this.context.groupId,
          topics: [{ topic: this.context.topics.commands, partitions: this.offsetsAfter(decided) }],
        });
        mark = metrics.phase('offsets', mark);
      }
      await transaction.commit();
      this.addedEarly = false;
      metrics.phase('commit', mark);
    } catch (error) {
      // A commit may have failed after the broker applied it: abort if still possible, and
      // let the caller replace the owner (fence, restore what really committed). After a
      // failed produce, requests of this transaction may still be in flight (kafkajs sends
      // to every leader at once): an abort now could reach a partition before them and leave
      // them a transaction of their own. The next owner's InitProducerId aborts it instead,
      // with a bumped epoch that refuses them.
      if (!producing && transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw error;
    }
    if (commitOffsets) this.offsetsCommittedAt = now;
    for (const { state, decision, plan } of decided) state.apply(decision, plan, now, ends);
    metrics.transaction(
      started,
      commands.length,
      messages,
      decided.map(({ decision }) => decision.counts),
      this.context.topics,
    );
    for (const { decision } of decided)
      for (const dead of decision.deadLetters)
        this.context.log.error('command dead-lettered', {
          partition: dead.command.partition,
          offset: dead.command.offset,
          key: dead.command.key,
          error: dead.error,
        });
    return decided.flatMap(({ decision }) => decision.replies);
  }

  /** Disconnects the producer (an open transaction is left to the next owner's fence or the timeout). */
  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  /** Decides each slot's share of the commands (and plans each slot's due snapshots). */
  private decide(
    commands: readonly InboundCommand[],
    now: number,
    options: { flush?: boolean; everyPartition?: boolean },
  ) {
    const bySlot = new Map<number, InboundCommand[]>();
    for (const command of commands) {
      const slot = slotOf(command.partition, this.context.slots);
      const list = bySlot.get(slot);
      if (list) list.push(command);
      else bySlot.set(slot, [command]);
    }
    for (const slot of bySlot.keys())
      if (!this.states.has(slot))
        throw new Error(`commands of slot ${slot}, which is not restored`);
    return [...this.states].map(([slot, state]) => {
      // Ids past the horizon are forgotten before deciding, not only after.
      state.index.expire(now);
      const decision = decideBatch(state, bySlot.get(slot) ?? []);
      const plan = state.plan(decision, now, this.context.checkpoint, options);
      return { slot, state, decision, plan };
    });
  }

  /** When the oldest dirty player of any owned slot falls due (undefined: none). */
  nextCheckpointDue(): number | undefined {
    let due: number | undefined;
    for (const state of this.states.values()) {
      const next = state.nextCheckpointDue(this.context.checkpoint);
      if (next !== undefined && (due === undefined || next < due)) due = next;
    }
    return due;
  }

  private offsetsAfter(decided: ReadonlyArray<{ state: SlotState; decision: BatchDecision }>) {
    return decided.flatMap(({ state, decision }) =>
      [...state.partitions.values()].flatMap((progress) => {
        const last = Math.max(
          progress.decided,
          decision.partitions.get(progress.partition)?.lastOffset ?? -1,
        );
        if (last < 0) return [];
        return [
          {
            partition: progress.partition,
            offset: String(last + 1),
            metadata: encodeOffsetsMetadata({ ledger: progress.ledgerEnd }),
          },
        ];
      }),
    );
  }

  private createProducer(transactionalId: string): Producer {
    return this.context.transactionalKafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.context.transactionTimeoutMs,
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
  }

  /** InitProducerId for every other id whose set shares a slot with this owner's. */
  private async fenceOthers(): Promise<void> {
    const others = overlappingMasks(this.mask, this.context.slots).filter(
      (mask) => mask !== this.mask,
    );
    const fence = async (mask: number) => {
      const producer = this.createProducer(
        transactionalIdOf(this.context.topics, mask, this.context.slots),
      );
      try {
        await producer.connect();
        await (await producer.transaction()).abort();
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    };
    // A few at a time: each is a connection and an InitProducerId.
    for (let index = 0; index < others.length; index += 8)
      await Promise.all(others.slice(index, index + 8).map(fence));
    metrics.fencedIds.inc(others.length);
  }

  private reportRestore(
    slot: number,
    partitions: readonly number[],
    state: SlotState,
    started: bigint,
  ): void {
    const { log } = this.context;
    if (state.poison.length > 0) {
      metrics.poisonSnapshots.inc(state.poison.length);
      log.error('unreadable snapshots: dead-lettered, their players rebuilt from their events', {
        slot,
        snapshots: state.poison.map(({ partition, message, reason }) => ({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8'),
          reason,
        })),
      });
    }
    log.info('slot restored', {
      slot,
      partitions,
      players: state.players.size,
      commandIds: state.index.size,
      poisonSnapshots: state.poison.length,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    });
  }
}
