import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import {
  cacheCoordinatorLookups,
  createKafka,
  transactionalLogCreator,
  useFastRecordEncoder,
} from '@qf/shared-kafka';
import { createLogger, type Logger } from '@qf/shared-observability';
import type { ProcessorConfig } from '../config/write-path.config';
import type { InboundCommand } from '../decision/decide-batch';
import { ensureWritePathTopics } from '../topics/write-path.topics';
import { processorMetrics as metrics } from '../write-path.metrics';
import { PartitionOwner } from './partition-owner';
import { PartitionWorker } from './partition-worker';

/**
 * The command processor: a member of the consumer group on player.commands. For every
 * partition it owns, a PartitionWorker decides the fetched commands in transactions run
 * back to back, each through the partition's PartitionOwner (transactional producer bound
 * to the partition + the partition's snapshots). A rebalance that takes a partition away
 * stops its worker; one that hands a partition over starts a worker, whose owner fences
 * the previous owner and restores the snapshots before deciding anything.
 */
export class CommandProcessor {
  private readonly log: Logger;
  private readonly kafka: Kafka;
  private readonly transactionalKafka: Kafka;
  private admin?: Admin;
  private consumer?: Consumer;
  private readonly workers = new Map<number, PartitionWorker>();
  private readonly paused = new Set<number>();
  private assigned = new Set<number>();
  private joined = false;
  private crashed?: string;
  private stopping = false;
  private gaugeTimer?: NodeJS.Timeout;

  constructor(private readonly config: ProcessorConfig) {
    this.log = createLogger('command-processor', 'processor');
    this.kafka = createKafka(`command-processor-${config.instanceId}`);
    // Transactions retry fast: back-to-back transactions meet CONCURRENT_TRANSACTIONS until
    // the previous one's markers are written (kafkajs #304).
    this.transactionalKafka = createKafka(`command-processor-${config.instanceId}-tx`, {
      retry: { initialRetryTime: 10, maxRetryTime: 1000, retries: 10 },
      logCreator: transactionalLogCreator,
    });
    cacheCoordinatorLookups({ ttlMs: 30_000 });
    useFastRecordEncoder();
  }

  /** Creates the topics, joins the group and starts consuming (returns once running). */
  async start(): Promise<void> {
    const { config } = this;
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await ensureWritePathTopics(this.admin, config.topics, config.partitions);

    const consumer = this.kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: config.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(30_000, config.sessionTimeoutMs * 2),
      readUncommitted: false,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, retries: 8, restartOnFailure: async () => !this.stopping },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.crashed = undefined;
      void this.reconcile(payload.memberAssignment[config.topics.commands] ?? []);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashed = payload.error.message;
      this.log.error('consumer crashed', { error: payload.error, restart: payload.restart });
    });
    consumer.on(consumer.events.REQUEST, ({ payload }) =>
      metrics.consumerRequests.inc({ api: payload.apiName }),
    );
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.commands, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.min(config.concurrency, config.partitions),
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.gaugeTimer = setInterval(() => void this.updateGauges(), 5000);
    this.gaugeTimer.unref();
    this.log.info('command processor started', {
      groupId: config.groupId,
      partitions: config.partitions,
      topic: config.topics.commands,
    });
  }

  /** Stops fetching, lets every transaction in flight finish, then leaves the group and closes the producers. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.gaugeTimer);
    const { commands } = this.config.topics;
    try {
      this.consumer?.pause([{ topic: commands }]);
    } catch {
      /* not running */
    }
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
    // kafkajs waits for the batch handlers (they only queue), then leaves the group.
    await this.consumer
      ?.disconnect()
      .catch((error: unknown) => this.log.warn('consumer disconnect failed', { error }));
    await this.admin?.disconnect().catch(() => undefined);
    this.log.info('command processor stopped');
  }

  /** '/health': joined the group and not crashed. */
  health(): true | string {
    if (this.stopping) return 'stopping';
    if (this.crashed) return `consumer crashed: ${this.crashed}`;
    return this.joined ? true : 'not yet joined the consumer group';
  }

  /** Partitions this replica owns (its current assignment). */
  ownedPartitions(): number[] {
    return [...this.assigned].sort((a, b) => a - b);
  }

  private async reconcile(assignment: readonly number[]): Promise<void> {
    this.assigned = new Set(assignment);
    metrics.partitionsOwned.set(this.assigned.size);
    const revoked = [...this.workers.keys()].filter((partition) => !this.assigned.has(partition));
    this.log.info('assignment', { partitions: this.ownedPartitions(), revoked });
    await Promise.all(revoked.map((partition) => this.dropWorker(partition)));
  }

  private async dropWorker(partition: number): Promise<void> {
    const worker = this.workers.get(partition);
    this.workers.delete(partition);
    this.paused.delete(partition);
    await worker?.stop();
  }

  private workerFor(partition: number): PartitionWorker {
    let worker = this.workers.get(partition);
    if (!worker) {
      const created: PartitionWorker = new PartitionWorker(partition, {
        maxCommandsPerTransaction: this.config.maxCommandsPerTransaction,
        minTransactionIntervalMs: this.config.minTransactionIntervalMs,
        openOwner: async () => {
          const owner = new PartitionOwner(partition, {
            transactionalKafka: this.transactionalKafka,
            kafka: this.kafka,
            admin: this.admin as Admin,
            topics: this.config.topics,
            groupId: this.config.groupId,
            dedupWindow: this.config.dedupWindow,
            transactionTimeoutMs: this.config.transactionTimeoutMs,
            offsetsIntervalMs: this.config.offsetsIntervalMs,
            log: this.log,
          });
          try {
            await owner.open();
          } catch (error) {
            await owner.close();
            throw error;
          }
          return owner;
        },
        onFatal: (error, resumeFrom) => {
          this.log.error(
            'giving the partition up after repeated failures; re-reading it from the first undecided command',
            { partition, resumeFrom, error },
          );
          if (this.workers.get(partition) === created) this.workers.delete(partition);
          // The consumer fetched past commands that were never committed: go back to them.
          if (!this.stopping)
            this.consumer?.seek({
              topic: this.config.topics.commands,
              partition,
              offset: resumeFrom,
            });
        },
        log: this.log,
      });
      worker = created;
      this.workers.set(partition, worker);
    }
    return worker;
  }

  private async handleBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    if (this.stopping || batch.messages.length === 0) return;
    const commands: InboundCommand[] = batch.messages.map((message) => ({
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key === null ? null : message.key.toString('utf8'),
      value: message.value,
    }));
    const worker = this.workerFor(batch.partition);
    worker.enqueue(commands);
    // Only the fetch position moves on: offsets are committed by the worker's transactions.
    resolveOffset(batch.lastOffset());
    this.applyBackpressure(batch.partition, worker);
    await heartbeat();
  }

  /** A partition whose worker has a long queue stops being fetched until the queue is short again. */
  private applyBackpressure(partition: number, worker: PartitionWorker): void {
    const limit = this.config.maxCommandsPerTransaction * 8;
    const topic = this.config.topics.commands;
    if (worker.backlog < limit || this.paused.has(partition)) return;
    this.paused.add(partition);
    this.consumer?.pause([{ topic, partitions: [partition] }]);
    const check = setInterval(() => {
      if (this.workers.get(partition) !== worker || worker.backlog < limit / 2 || this.stopping) {
        clearInterval(check);
        if (this.paused.delete(partition) && !this.stopping)
          this.consumer?.resume([{ topic, partitions: [partition] }]);
      }
    }, 10);
  }

  private async updateGauges(): Promise<void> {
    const workers = [...this.workers.values()];
    metrics.backlog.set(workers.reduce((sum, worker) => sum + worker.backlog, 0));
    metrics.players.set(
      (await Promise.all(workers.map((worker) => worker.players()))).reduce(
        (sum, count) => sum + count,
        0,
      ),
    );
  }
}
