import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@qf/shared-observability';
import type { InboundCommand, RoutedReply } from '../decision/decide-batch';
import { processorMetrics as metrics } from './processor.metrics';
import type { SlotOwner } from './slot-owner';
import type { CheckpointPolicy } from './slot-state';

/** Failed attempts in a row after which a slot is reported not ready (it keeps retrying). */
const FAILURES_BEFORE_NOT_READY = 3;
/** A restore or a transaction taking longer than this is reported not ready. */
const STUCK_AFTER_MS = 30_000;
const MAX_BACKOFF_MS = 5000;

const errorReason = (error: unknown): string => {
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' ? type : error instanceof Error ? error.name : 'unknown';
};

export interface SlotWorkerOptions {
  readonly slot: number;
  readonly partitions: readonly number[];
  readonly maxCommandsPerTransaction: number;
  /**
   * Group commit: a transaction starts no sooner than this many ms after the previous one
   * started, unless a full batch waits. Commands arriving meanwhile (while the previous
   * transaction commits, then until this interval is up) share the next transaction, so
   * transactions grow with the load instead of multiplying.
   */
  readonly intervalMs: number;
  readonly checkpoint: CheckpointPolicy;
  /** Opens a fresh owner (fence + restore): at start and after every failure. */
  readonly openOwner: () => Promise<SlotOwner>;
  /**
   * Resolves once the group has confirmed, after `since`, that this member still holds
   * the slot (true), or took it away (false). Reopening fences whoever holds the
   * transactional id, so after a failure only a fresh proof of ownership allows it: a
   * process paused past its session (a zombie) must never fence its successor.
   */
  readonly confirmOwnership: (since: number) => Promise<boolean>;
  readonly sendReplies: (replies: RoutedReply[]) => void;
  /** Called after each commit, before its replies are sent (fault injection in tests). */
  readonly afterCommit?: (replies: readonly RoutedReply[]) => void;
  readonly now: () => number;
  readonly log: Logger;
}

/**
 * Decides one slot's commands in transactions run one after another: the consumer hands
 * fetched commands of the slot's partitions over and goes on fetching; each transaction
 * takes everything that queued up (group commit). With nothing to decide it still wakes
 * when snapshots fall due. A failure closes the owner and, once the group confirms the
 * slot is still ours, opens a fresh one (fence, restore what really committed) and
 * retries the same commands, forever, with backoff; `readiness()` says so meanwhile.
 */
export class SlotWorker {
  private readonly queue: InboundCommand[] = [];
  private readonly lastQueued = new Map<number, number>();
  private owner?: SlotOwner;
  private wake?: () => void;
  private lastStartedAt = 0;
  private stopped = false;
  private busySince?: { what: 'restore' | 'transaction'; at: number };
  private failing?: { since: number; attempts: number; reason: string };
  private readonly loop: Promise<void>;

  constructor(private readonly options: SlotWorkerOptions) {
    this.loop = this.run();
  }

  get slot(): number {
    return this.options.slot;
  }

  /** Commands waiting for a transaction. */
  get backlog(): number {
    return this.queue.length;
  }

  get players(): number {
    return this.owner?.players ?? 0;
  }

  get commandIds(): number {
    return this.owner ? this.owner.state.index.size : 0;
  }

  get oldestCommandAt(): number | undefined {
    return this.owner?.state.index.oldestAt;
  }

  /** Offset of the last decided command per partition, once open. */
  decidedOffsets(): Map<number, number> | undefined {
    const owner = this.owner;
    if (!owner) return undefined;
    return new Map(
      owner.partitions.map((partition) => [partition, owner.state.decidedOffset(partition)]),
    );
  }

  /** true, or why this slot is not serving: in a retry loop, or stuck restoring or committing. */
  readiness(): true | string {
    const name = `slot ${this.options.slot} (partitions ${this.options.partitions.join(',')})`;
    if (this.failing && this.failing.attempts >= FAILURES_BEFORE_NOT_READY)
      return `${name}: ${this.failing.attempts} failed attempts in a row since ${new Date(this.failing.since).toISOString()} (${this.failing.reason}); retrying`;
    if (this.busySince && Date.now() - this.busySince.at > STUCK_AFTER_MS)
      return `${name}: ${this.busySince.what} running for ${Math.round((Date.now() - this.busySince.at) / 1000)} s`;
    return true;
  }

  get isFailing(): boolean {
    return this.readiness() !== true;
  }

  /**
   * Queues fetched commands (one partition's, in offset order). After a rebalance or a seek
   * kafkajs may hand over commands again: those already queued are skipped here, those
   * already decided by the decider.
   */
  enqueue(commands: readonly InboundCommand[]): void {
    if (this.stopped || commands.length === 0) return;
    const partition = (commands[0] as InboundCommand).partition;
    let last = this.lastQueued.get(partition) ?? -1;
    for (const command of commands) {
      if (command.offset <= last) continue;
      this.queue.push(command);
      last = command.offset;
    }
    this.lastQueued.set(partition, last);
    this.wake?.();
  }

  /**
   * Finishes the transaction in flight, records the offsets decided since the last ledger
   * record (best effort: the slot may have been taken over already), drops what is still
   * queued (the next owner reads it again) and closes the owner.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    const owner = this.owner;
    this.owner = undefined;
    if (owner && !this.failing)
      await owner.process([], { flush: true }).catch((error: unknown) =>
        this.options.log.info('no last ledger record (slot already taken over?)', {
          slot: this.options.slot,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    await owner?.close();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.owner) {
          this.busySince = { what: 'restore', at: Date.now() };
          this.owner = await this.options.openOwner();
          this.busySince = undefined;
        }
        const batch = await this.nextBatch(this.owner);
        if (batch === undefined) continue;
        this.busySince = { what: 'transaction', at: Date.now() };
        const replies = await this.owner.process(batch);
        this.busySince = undefined;
        this.queue.splice(0, batch.length);
        this.failing = undefined;
        this.options.afterCommit?.(replies);
        if (replies.length > 0) this.options.sendReplies(replies);
      } catch (error) {
        this.busySince = undefined;
        await this.recover(error);
      }
    }
  }

  /**
   * Waits for the next transaction's commands: something queued and the group-commit
   * interval up (or a full batch), or snapshots due (an empty batch). undefined: look again.
   */
  private async nextBatch(owner: SlotOwner): Promise<InboundCommand[] | undefined> {
    const { maxCommandsPerTransaction, intervalMs, checkpoint } = this.options;
    const due = owner.state.nextCheckpointDue(checkpoint);
    const now = this.options.now();
    if (this.queue.length === 0) {
      if (due !== undefined && due <= now) {
        this.lastStartedAt = Date.now();
        return [];
      }
      await this.pause(
        due === undefined ? undefined : Math.max(1, due - now),
        () => this.queue.length > 0,
      );
      return undefined;
    }
    const notBefore = this.lastStartedAt + intervalMs;
    if (this.queue.length < maxCommandsPerTransaction && Date.now() < notBefore) {
      await this.pause(
        notBefore - Date.now(),
        () => this.queue.length >= maxCommandsPerTransaction,
      );
      if (this.stopped) return undefined;
    }
    this.lastStartedAt = Date.now();
    return this.queue.slice(0, maxCommandsPerTransaction);
  }

  /** Sleeps for ms (forever when undefined), or less when `enough()` becomes true on a wake-up or the worker stops. */
  private async pause(ms: number | undefined, enough: () => boolean): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      if (ms !== undefined) timer = setTimeout(resolve, ms);
      this.wake = () => {
        if (this.stopped || enough()) resolve();
      };
    });
    clearTimeout(timer);
    this.wake = undefined;
  }

  private async recover(error: unknown): Promise<void> {
    const failedAt = Date.now();
    const failing = this.failing ?? { since: failedAt, attempts: 0, reason: '' };
    failing.attempts += 1;
    failing.reason = error instanceof Error ? error.message : String(error);
    this.failing = failing;
    metrics.transactionFailures.inc({ reason: errorReason(error) });
    this.options.log.warn(
      this.owner ? 'transaction failed; reopening the slot' : 'could not open the slot',
      { slot: this.options.slot, attempt: failing.attempts, error },
    );
    // The outcome of a failed transaction may be unknown: only a fresh owner (fence, then
    // restore what was really committed) can decide the queued commands again safely.
    const failed = this.owner;
    this.owner = undefined;
    await failed?.close();
    if (this.stopped) return;
    await sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(failing.attempts - 1, 7)));
    if (this.stopped) return;
    if (!(await this.options.confirmOwnership(failedAt))) this.stopped = true;
  }
}
