import type { Logger } from '@qf/shared-observability';
import type { InboundCommand } from '../decision/decide-batch';
import { forgetCoordinators } from '@qf/shared-kafka';
import { processorMetrics as metrics } from '../write-path.metrics';
import type { PartitionOwner } from './partition-owner';

/** Consecutive failed attempts at one batch before the worker gives the partition up (the consumer is then restarted). */
const MAX_ATTEMPTS = 5;

const errorReason = (error: unknown): string => {
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' ? type : error instanceof Error ? error.name : 'unknown';
};

export interface PartitionWorkerOptions {
  readonly maxCommandsPerTransaction: number;
  /**
   * A transaction starts no sooner than this many ms after the previous one started,
   * unless a full batch is waiting. Every transaction costs the broker and the client a
   * fixed set of round trips and log appends whatever its size, so under load commands
   * should share transactions rather than each partition running as many as the CPU allows.
   */
  readonly minTransactionIntervalMs: number;
  /** Opens a fresh owner (fence + restore): on first use and after every failed transaction. */
  readonly openOwner: () => Promise<PartitionOwner>;
  /**
   * Called when the worker gave up on a batch (MAX_ATTEMPTS failures in a row); it is then
   * stopped, and consumption must restart from resumeFrom (the batch's first offset),
   * since the consumer has fetched past what was never committed.
   */
  readonly onFatal: (error: unknown, resumeFrom: string) => void;
  readonly log: Logger;
}

/**
 * Decides one partition's commands in transactions run back to back: the consumer hands
 * fetched commands over and goes on fetching, and each transaction takes everything that
 * queued up while the previous one ran. So a partition never waits for the slowest of the
 * others (kafkajs fetches again only when every batch handler has returned), and batches
 * grow with the load instead of the number of transactions.
 */
export class PartitionWorker {
  private readonly queue: InboundCommand[] = [];
  private lastQueued = -1n;
  private owner?: Promise<PartitionOwner>;
  private wake?: () => void;
  private lastStartedAt = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    readonly partition: number,
    private readonly options: PartitionWorkerOptions,
  ) {
    this.loop = this.run();
  }

  /** Commands waiting for a transaction. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Players held by the owner, once open. */
  async players(): Promise<number> {
    return this.owner ? this.owner.then((owner) => owner.players).catch(() => 0) : 0;
  }

  /**
   * Queues fetched commands. After a rebalance kafkajs fetches again from the committed
   * offset: commands already queued (or decided) are skipped here by offset.
   */
  enqueue(commands: readonly InboundCommand[]): void {
    if (this.stopped) return;
    for (const command of commands) {
      const offset = BigInt(command.offset);
      if (offset <= this.lastQueued) continue;
      this.queue.push(command);
      this.lastQueued = offset;
    }
    this.wake?.();
  }

  /** Finishes the transaction in flight, drops what is still queued (the next owner reads it again) and closes the owner. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    const owner = this.owner;
    this.owner = undefined;
    await owner?.then((opened) => opened.close()).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.queue.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const { maxCommandsPerTransaction, minTransactionIntervalMs } = this.options;
      const notBefore = this.lastStartedAt + minTransactionIntervalMs;
      if (this.queue.length < maxCommandsPerTransaction && Date.now() < notBefore) {
        await this.pauseUntil(notBefore);
        continue;
      }
      this.lastStartedAt = Date.now();
      const batch = this.queue.slice(0, maxCommandsPerTransaction);
      try {
        await this.decide(batch);
        this.queue.splice(0, batch.length);
      } catch (error) {
        const resumeFrom = (batch[0] as InboundCommand).offset;
        const stopping = this.stopped;
        this.stopped = true;
        this.queue.length = 0;
        if (!stopping) this.options.onFatal(error, resumeFrom);
      }
    }
  }

  /** Sleeps until `time`, or less when a full batch has queued up or the worker stops. */
  private async pauseUntil(time: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, time - Date.now());
      this.wake = () => {
        if (this.stopped || this.queue.length >= this.options.maxCommandsPerTransaction) resolve();
      };
    });
    clearTimeout(timer);
    this.wake = undefined;
  }

  private async decide(batch: readonly InboundCommand[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      let owner: PartitionOwner | undefined;
      try {
        this.owner ??= this.options.openOwner();
        owner = await this.owner;
        await owner.process(batch);
        return;
      } catch (error) {
        metrics.transactionFailures.inc({ reason: errorReason(error) });
        this.options.log.warn(
          owner
            ? 'transaction failed; rebuilding the partition owner'
            : 'could not open the partition',
          { partition: this.partition, attempt, error },
        );
        // The outcome of a failed transaction may be unknown: only a fresh owner (fence,
        // then restore what was really committed) can decide the batch again safely.
        const failed = this.owner;
        this.owner = undefined;
        await failed?.then((opened) => opened.close()).catch(() => undefined);
        forgetCoordinators();
        if (attempt >= MAX_ATTEMPTS || this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }
}
