import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import {
  cacheCoordinatorLookups,
  guardTransactionalProduce,
  createKafka,
  installEarlyPartitionAdds,
  retryConcurrentTransactions,
  transactionalLogCreator,
  useFastRecordEncoder,
} from '@qf/shared-kafka';
import { createLogger, tracing, type Logger } from '@qf/shared-observability';
import type { ProcessorConfig } from '../config/write-path.config';
import type { InboundCommand, RoutedReply } from '../decision/decide-batch';
import { ensureWritePathTopics } from '../topics/write-path.topics';
import { processorMetrics as metrics } from './processor.metrics';
import { ReplySender } from './reply-sender';
import { GroupCommitPacer } from './group-commit.pacer';
import { slotAssigner, slotsOfAssignment } from './slot.assigner';
import { effectiveSlots, slotOf, slotPartitions } from './slots';
import { TransactionOwner } from './transaction-owner';
import { TransactionWorker } from './transaction-worker';

/** What tests may replace. */
export interface ProcessorOptions {
  /** The clock of the idempotency horizon, the ledger and the snapshot cadence (default Date.now). */
  readonly now?: () => number;
  /** Called after each commit, before its replies are sent: where a test crashes the process. */
  readonly afterCommit?: (replies: readonly RoutedReply[]) => void;
}

interface MembershipWaiter {
  readonly since: number;
  readonly resolve: (member: boolean) => void;
}

/**
 * The command processor: a member of the consumer group on player.commands whose assigner
 * hands out whole slots (fixed groups of partitions). One TransactionWorker decides the
 * fetched commands of every slot it owns in group-committed transactions, through a
 * TransactionOwner (a transactional producer bound to the set of owned slots + each slot's
 * state); replies go out after each commit through one idempotent producer. A rebalance
 * that changes the owned slots replaces the owner between two transactions: the new one
 * fences every earlier owner of those slots, carries over the slots kept and restores the
 * others before deciding.
 */
export class CommandProcessor {
  private readonly log: Logger;
  private readonly kafka: Kafka;
  private readonly transactionalKafka: Kafka;
  private readonly now: () => number;
  private readonly afterCommit?: (replies: readonly RoutedReply[]) => void;
  private readonly slots: number;
  private admin?: Admin;
  private consumer?: Consumer;
  private replies?: ReplySender;
  private worker?: TransactionWorker;
  private readonly paused = new Set<number>();
  private assigned = new Set<number>();
  private owned = new Set<number>();
  private mismatch?: string;
  private joined = false;
  private crashed?: string;
  private stopping = false;
  private gaugeTimer?: NodeJS.Timeout;
  private lastJoinAt = 0;
  private lastHeartbeatSentAt = 0;
  private confirmedAt = 0;
  private waiters: MembershipWaiter[] = [];

  constructor(
    private readonly config: ProcessorConfig,
    options: ProcessorOptions = {},
  ) {
    this.log = createLogger('command-processor', 'processor');
    this.now = options.now ?? Date.now;
    this.afterCommit = options.afterCommit;
    this.slots = effectiveSlots(config.slots, config.partitions);
    this.kafka = createKafka(`command-processor-${config.instanceId}`);
    this.transactionalKafka = createKafka(`command-processor-${config.instanceId}-tx`, {
      retry: { initialRetryTime: 10, maxRetryTime: 1000, retries: 10 },
      logCreator: transactionalLogCreator,
    });
    cacheCoordinatorLookups({ ttlMs: 30_000 });
    // A transaction whose produce failed once is given up, never retried by kafkajs (see the guard).
    guardTransactionalProduce();
    retryConcurrentTransactions({
      onRetry: (request) => metrics.concurrentTransactionRetries.inc({ request }),
    });
    useFastRecordEncoder();
    // After the guard and the retries: an early AddPartitionsToTxn goes through both.
    if (config.earlyPartitionAdds) installEarlyPartitionAdds();
  }

  /** Creates the topics, joins the group and starts consuming (returns once running). */
  async start(): Promise<void> {
    const { config } = this;
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await ensureWritePathTopics(this.admin, config.topics, config.partitions, {
      idempotencyHorizonMs: config.idempotencyHorizonMs,
    });
    this.replies = new ReplySender(this.kafka, config.topics.replies, this.log);
    await this.replies.start();
    this.worker = this.createWorker();

    const consumer = this.kafka.consumer({
      groupId: config.groupId,
      partitionAssigners: [
        slotAssigner({
          slots: config.slots,
          owned: () => [...this.owned],
          onDisagreement: (counts) =>
            this.log.error(
              'processors disagree on QF_PROCESSOR_SLOTS: assigning nothing until they agree',
              { counts },
            ),
        }),
      ],
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: config.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(30_000, config.sessionTimeoutMs * 2),
      readUncommitted: false,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
      // kafkajs retries a failed fetch or heartbeat with exponential backoff; uncapped (30 s)
      // it had reached 3-9 s between attempts by the time a killed broker's partitions had
      // moved, and a processor confirms its membership (before it fences) only through
      // that loop. Capped at 1 s, with as many seconds of retries before a crash as before.
      retry: {
        initialRetryTime: 100,
        maxRetryTime: 1000,
        retries: 30,
        restartOnFailure: async () => !this.stopping,
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.crashed = undefined;
      this.lastJoinAt = Date.now();
      this.reconcile(payload.memberAssignment[config.topics.commands] ?? []);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashed = payload.error.message;
      this.log.error('consumer crashed', { error: payload.error, restart: payload.restart });
    });
    consumer.on(consumer.events.REQUEST, ({ payload }) => {
      metrics.consumerRequests.inc({ api: payload.apiName });
      if (payload.apiName === 'Heartbeat') this.lastHeartbeatSentAt = payload.sentAt;
    });
    // A heartbeat that was sent after a failure and succeeded proves the membership is
    // current (a response sent before a pause would carry an older sentAt).
    consumer.on(consumer.events.HEARTBEAT, () => {
      this.confirmedAt = Math.max(this.confirmedAt, this.lastHeartbeatSentAt);
      this.settleWaiters();
    });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.commands, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.partitions,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.gaugeTimer = setInterval(() => this.updateGauges(), 5000);
    this.gaugeTimer.unref();
    this.log.info('command processor started', {
      groupId: config.groupId,
      partitions: config.partitions,
      slots: this.slots,
      topic: config.topics.commands,
    });
  }

  /** Stops fetching, lets every transaction in flight finish and its replies go, then leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.gaugeTimer);
    try {
      this.consumer?.pause([{ topic: this.config.topics.commands }]);
    } catch {
      /* not running */
    }
    this.settleWaiters();
    await this.worker?.stop();
    await this.replies?.stop();
    // kafkajs waits for the batch handlers (they only queue), then leaves the group.
    await this.consumer
      ?.disconnect()
      .catch((error: unknown) => this.log.warn('consumer disconnect failed', { error }));
    await this.admin?.disconnect().catch(() => undefined);
    this.log.info('command processor stopped', await metrics.summary().catch(() => ({})));
  }

  /** Liveness: joined the group and the consumer has not crashed. */
  health(): true | string {
    if (this.stopping) return 'stopping';
    if (this.crashed) return `consumer crashed: ${this.crashed}`;
    return this.joined ? true : 'not yet joined the consumer group';
  }

  /** Readiness: alive, and no owned slot stuck in a retry loop (the reasons, when some are). */
  readiness(): true | string {
    const live = this.health();
    if (live !== true) return live;
    if (this.mismatch) return this.mismatch;
    return this.worker?.readiness() ?? true;
  }

  /** Partitions this replica owns (its current assignment). */
  ownedPartitions(): number[] {
    return [...this.assigned].sort((a, b) => a - b);
  }

  /** Slots this replica owns. */
  ownedSlots(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  private reconcile(assignment: readonly number[]): void {
    this.assigned = new Set(assignment);
    const slots = slotsOfAssignment(assignment, this.config.slots, this.config.partitions);
    if ('mismatch' in slots) {
      this.mismatch = slots.mismatch;
      this.log.error('assignment is not made of whole slots: deciding nothing', { assignment });
    } else this.mismatch = undefined;
    this.owned = new Set('slots' in slots ? slots.slots : []);
    for (const partition of [...this.paused])
      if (!this.assigned.has(partition)) this.paused.delete(partition);
    metrics.partitionsOwned.set('slots' in slots ? this.assigned.size : 0);
    metrics.slotsOwned.set(this.owned.size);
    this.log.info('assignment', { slots: this.ownedSlots(), partitions: this.ownedPartitions() });
    this.worker?.assign(
      new Map(
        this.ownedSlots().map((slot) => [
          slot,
          slotPartitions(slot, this.slots, this.config.partitions),
        ]),
      ),
    );
    this.settleWaiters();
  }

  private createWorker(): TransactionWorker {
    const { config } = this;
    const checkpoint = {
      intervalMs: config.checkpointIntervalMs,
      // Never longer than the interval itself (interval 0: a snapshot at every change).
      batchMs: Math.min(config.checkpointBatchMs, config.checkpointIntervalMs),
      maxPerTransaction: config.maxSnapshotsPerTransaction,
    };
    return new TransactionWorker({
      maxCommandsPerTransaction: config.maxCommandsPerTransaction,
      slotOf: (partition) => slotOf(partition, this.slots),
      pacer: new GroupCommitPacer({
        maxIntervalMs: config.maxTransactionIntervalMs,
        ratePerMs: config.transactionRatePerMs,
        targetCommands: config.transactionTargetCommands,
      }),
      openOwner: async (owned, carried) => {
        const owner = new TransactionOwner(owned, {
          transactionalKafka: this.transactionalKafka,
          kafka: this.kafka,
          admin: this.admin as Admin,
          topics: config.topics,
          groupId: config.groupId,
          slots: this.slots,
          transactionTimeoutMs: config.transactionTimeoutMs,
          horizonMs: config.idempotencyHorizonMs,
          maxEntriesPerSlot: Math.max(1, Math.floor(config.idempotencyMaxEntries / this.slots)),
          offsetsIntervalMs: config.offsetsIntervalMs,
          checkpoint,
          earlyPartitionAdds: config.earlyPartitionAdds,
          now: this.now,
          log: this.log,
        });
        try {
          await owner.open(carried);
        } catch (error) {
          await owner.close();
          throw error;
        }
        return owner;
      },
      confirmMembership: (since) =>
        new Promise<boolean>((resolve) => {
          this.waiters.push({ since, resolve });
          this.settleWaiters();
        }),
      sendReplies: (replies) => this.replies?.send(replies),
      ...(this.afterCommit ? { afterCommit: this.afterCommit } : {}),
      now: this.now,
      log: this.log,
    });
  }

  /** Answers the membership questions the group has answered since they were asked. */
  private settleWaiters(): void {
    const proof = Math.max(this.confirmedAt, this.lastJoinAt);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.stopping) waiter.resolve(false);
      else if (proof > waiter.since) waiter.resolve(true);
      else return true;
      return false;
    });
  }

  private async handleBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    if (this.stopping || batch.messages.length === 0) return;
    const worker = this.worker;
    if (worker && this.owned.has(slotOf(batch.partition, this.slots))) {
      const traced = tracing().enabled;
      const commands: InboundCommand[] = batch.messages.map((message) => {
        const command: InboundCommand = {
          partition: batch.partition,
          offset: Number(message.offset),
          timestamp: Number(message.timestamp),
          key: message.key === null ? null : message.key.toString('utf8'),
          value: message.value,
        };
        // Headers are kept only for the decision spans: off, one object per command as before.
        return traced && message.headers ? { ...command, headers: message.headers } : command;
      });
      worker.enqueue(commands);
      this.applyBackpressure(batch.partition, worker);
    }
    // Only the fetch position moves on: offsets are recorded by the slots' transactions.
    resolveOffset(batch.lastOffset());
    await heartbeat();
  }

  /** A partition is not fetched while the worker's queue is long, until it is short again. */
  private applyBackpressure(partition: number, worker: TransactionWorker): void {
    const limit = Math.max(1000, this.config.maxCommandsPerTransaction * 8);
    const topic = this.config.topics.commands;
    if (worker.backlog < limit || this.paused.has(partition)) return;
    this.paused.add(partition);
    this.consumer?.pause([{ topic, partitions: [partition] }]);
    const check = setInterval(() => {
      if (!this.assigned.has(partition) || worker.backlog < limit / 2 || this.stopping) {
        clearInterval(check);
        if (this.paused.delete(partition) && !this.stopping)
          this.consumer?.resume([{ topic, partitions: [partition] }]);
      }
    }, 10);
  }

  private updateGauges(): void {
    const worker = this.worker;
    if (!worker) return;
    const { entries, oldestAt } = worker.idempotency();
    metrics.backlog.set(worker.backlog);
    metrics.players.set(worker.players);
    metrics.idempotencyEntries.set(entries);
    metrics.idempotencyOldestSeconds.set(
      oldestAt === undefined ? 0 : (this.now() - oldestAt) / 1000,
    );
    metrics.slotsFailing.set(worker.failingSlots);
  }
}
