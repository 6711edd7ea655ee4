import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@qf/shared-observability';
import type { InboundCommand, RoutedReply } from '../decision/decide-batch';
import type { GroupCommitPacer } from './group-commit.pacer';
import { processorMetrics as metrics } from './processor.metrics';
import type { SlotState } from './slot-state';
import type { TransactionOwner } from './transaction-owner';

/** Failed attempts in a row after which the slots are reported not ready (they keep retrying). */
const FAILURES_BEFORE_NOT_READY = 3;
/** A restore or a transaction taking longer than this is reported not ready. */
const STUCK_AFTER_MS = 30_000;
/**
 * Longest wait between reopen attempts. While a killed broker's partitions and coordinators
 * move (3-5 s), every attempt fails and the backoff doubles from 50 ms; with a 5 s cap the
 * first wait after the cluster had recovered could be 3-5 s more (qf drill broker-kill).
 */
const MAX_BACKOFF_MS = 1000;
/** Opening an owner needs a proof of membership at most this old (a join, or a heartbeat sent since). */
const FRESH_MEMBERSHIP_MS = 1000;

const errorReason = (error: unknown): string => {
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' ? type : error instanceof Error ? error.name : 'unknown';
};

export interface TransactionWorkerOptions {
  readonly maxCommandsPerTransaction: number;
  /** The slot of a partition. */
  readonly slotOf: (partition: number) => number;
  readonly pacer: GroupCommitPacer;
  /** Opens a fresh owner of these slots (fence, restore what is not carried over). */
  readonly openOwner: (
    owned: ReadonlyMap<number, readonly number[]>,
    carried: ReadonlyMap<number, SlotState>,
  ) => Promise<TransactionOwner>;
  /**
   * Resolves once the group has confirmed, after `since`, that this member is still in it
   * (true) or that it is not (false). Opening an owner fences whoever used the overlapping
   * transactional ids, so after a failure only a fresh proof of membership allows it: a
   * process paused past its session (a zombie) must never fence its successors.
   */
  readonly confirmMembership: (since: number) => Promise<boolean>;
  readonly sendReplies: (replies: RoutedReply[]) => void;
  /** Called after each commit, before its replies are sent (fault injection in tests). */
  readonly afterCommit?: (replies: readonly RoutedReply[]) => void;
  readonly now: () => number;
  readonly log: Logger;
}

/**
 * Decides the commands of every slot this processor owns in transactions run one after
 * another (one transaction stream per processor, whatever its slot count): the consumer
 * hands fetched commands over and goes on fetching; each transaction takes everything that
 * queued up, at most every pacer.interval() ms (group commit). With nothing to decide it
 * still wakes when snapshots fall due. A new assignment is taken between transactions: the
 * owner is replaced by one for the new set of slots, carrying over the states of the slots
 * kept. A failure closes the owner and, once the group confirms this member, opens a fresh
 * one (fence, restore what really committed) and decides the same commands again, forever,
 * with backoff; `readiness()` says so meanwhile.
 */
export class TransactionWorker {
  private queue: InboundCommand[] = [];
  /** Commands of owned slots that could not be restored, in arrival order, until they are. */
  private readonly held = new Map<number, InboundCommand[]>();
  private readonly lastQueued = new Map<number, number>();
  private owner?: TransactionOwner;
  private desired = new Map<number, readonly number[]>();
  private wake?: () => void;
  /** The owner whose next transaction the queue is gathering for (set during the group-commit wait). */
  private gathering?: TransactionOwner;
  /** Commands the transaction being gathered is expected to carry (rate × interval). */
  private expectedCommands = 0;
  private lastStartedAt = 0;
  private stopped = false;
  private busySince?: { what: 'restore' | 'transaction'; at: number };
  private failing?: { since: number; attempts: number; reason: string };
  private readonly loop: Promise<void>;

  constructor(private readonly options: TransactionWorkerOptions) {
    this.loop = this.run();
  }

  /** Commands waiting for a transaction (those of unavailable slots included). */
  get backlog(): number {
    let held = 0;
    for (const list of this.held.values()) held += list.length;
    return this.queue.length + held;
  }

  get players(): number {
    return this.owner?.players ?? 0;
  }

  /** Command ids held, and when the oldest was decided. */
  idempotency(): { entries: number; oldestAt: number | undefined } {
    let entries = 0;
    let oldestAt: number | undefined;
    for (const state of this.owner?.slotStates.values() ?? []) {
      entries += state.index.size;
      const at = state.index.oldestAt;
      if (at !== undefined && (oldestAt === undefined || at < oldestAt)) oldestAt = at;
    }
    return { entries, oldestAt };
  }

  /** true, or why owned slots are not served: in a retry loop, stuck restoring or committing, or not restored. */
  readiness(): true | string {
    if (this.desired.size === 0) return true;
    const reasons: string[] = [];
    const name = `slots ${[...this.desired.keys()].join(',')} (partitions ${[
      ...this.desired.values(),
    ]
      .flat()
      .sort((a, b) => a - b)
      .join(',')})`;
    if (this.failing && this.failing.attempts >= FAILURES_BEFORE_NOT_READY)
      reasons.push(
        `${name}: ${this.failing.attempts} failed attempts in a row since ${new Date(this.failing.since).toISOString()} (${this.failing.reason}); retrying`,
      );
    else if (this.busySince && Date.now() - this.busySince.at > STUCK_AFTER_MS)
      reasons.push(
        `${name}: ${this.busySince.what} running for ${Math.round((Date.now() - this.busySince.at) / 1000)} s`,
      );
    for (const { reason, since, attempts } of this.unavailable())
      if (attempts >= FAILURES_BEFORE_NOT_READY || Date.now() - since > STUCK_AFTER_MS)
        reasons.push(
          `${reason} (${attempts} attempts since ${new Date(since).toISOString()}); its commands wait, retrying`,
        );
    return reasons.length === 0 ? true : reasons.join('; ');
  }

  /** Slots of this processor now failing (for the metric). */
  get failingSlots(): number {
    if (this.desired.size === 0) return 0;
    if (
      (this.failing && this.failing.attempts >= FAILURES_BEFORE_NOT_READY) ||
      (this.busySince && Date.now() - this.busySince.at > STUCK_AFTER_MS)
    )
      return this.desired.size;
    return this.unavailable().filter(
      ({ attempts, since }) =>
        attempts >= FAILURES_BEFORE_NOT_READY || Date.now() - since > STUCK_AFTER_MS,
    ).length;
  }

  private unavailable() {
    return [...(this.owner?.unavailableSlots.values() ?? [])];
  }

  /** The slots (with their partitions) the group gave this member; taken between transactions. */
  assign(owned: ReadonlyMap<number, readonly number[]>): void {
    this.desired = new Map(owned);
    const partitions = new Set([...owned.values()].flat());
    this.queue = this.queue.filter((command) => partitions.has(command.partition));
    for (const slot of [...this.held.keys()]) if (!owned.has(slot)) this.held.delete(slot);
    for (const partition of [...this.lastQueued.keys()])
      if (!partitions.has(partition)) this.lastQueued.delete(partition);
    this.wake?.();
  }

  /**
   * Queues fetched commands (one partition's, in offset order). After a rebalance or a seek
   * kafkajs may hand over commands again: those already queued are skipped here, those
   * already decided by the decider.
   */
  enqueue(commands: readonly InboundCommand[]): void {
    if (this.stopped || commands.length === 0) return;
    const partition = (commands[0] as InboundCommand).partition;
    const held = this.held.get(this.options.slotOf(partition));
    const target = held ?? this.queue;
    let last = this.lastQueued.get(partition) ?? -1;
    let added = 0;
    for (const command of commands) {
      if (command.offset <= last) continue;
      target.push(command);
      last = command.offset;
      added += 1;
    }
    this.lastQueued.set(partition, last);
    this.options.pacer.arrived(added, Date.now());
    if (added > 0 && target === this.queue)
      this.gathering?.prepare(commands.slice(commands.length - added), this.expectedCommands);
    // Each pause decides whether this is enough to go on (an empty queue waits for anything).
    this.wake?.();
  }

  /**
   * Finishes the transaction in flight, records the offsets decided since the last ledger
   * records (best effort: the slots may have been taken over already), drops what is still
   * queued (the next owner reads it again) and closes the owner.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.closeOwner(true);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.sameSlots()) await this.reopen();
        const owner = this.owner;
        if (!owner) {
          await this.pause(undefined, () => !this.sameSlots());
          continue;
        }
        const retryAt = owner.nextRestoreAt();
        if (retryAt !== undefined && retryAt <= Date.now()) await owner.retryRestores();
        this.holdUnavailable(owner);
        const batch = await this.nextBatch(owner);
        if (batch === undefined) continue;
        this.busySince = { what: 'transaction', at: Date.now() };
        const replies = await owner.process(batch);
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

  /** Moves the commands of slots that could not be restored aside, and back once they are. */
  private holdUnavailable(owner: TransactionOwner): void {
    const unavailable = owner.unavailableSlots;
    for (const [slot, list] of [...this.held])
      if (!unavailable.has(slot)) {
        this.held.delete(slot);
        this.queue = [...list, ...this.queue];
      }
    for (const slot of unavailable.keys())
      if (!this.held.has(slot)) {
        const { slotOf } = this.options;
        this.held.set(
          slot,
          this.queue.filter((command) => slotOf(command.partition) === slot),
        );
        this.queue = this.queue.filter((command) => slotOf(command.partition) !== slot);
      }
  }

  private sameSlots(): boolean {
    const owned = this.owner?.owned;
    if (!owned) return this.desired.size === 0;
    if (owned.size !== this.desired.size) return false;
    for (const slot of this.desired.keys()) if (!owned.has(slot)) return false;
    return true;
  }

  /**
   * Replaces the owner by one for the desired slots. The states of the slots kept are
   * carried over only when the old owner's last transaction (a record on every partition)
   * committed: then no one else wrote to them since (anyone who took one of them over
   * meanwhile fenced that producer, and that transaction would have failed).
   */
  private async reopen(): Promise<void> {
    const states = new Map(this.owner?.slotStates ?? []);
    const verified = await this.closeOwner(true);
    if (this.desired.size === 0 || this.stopped) return;
    // Opening fences: only on a fresh proof that this member is in the group.
    if (!(await this.options.confirmMembership(Date.now() - FRESH_MEMBERSHIP_MS))) return;
    this.busySince = { what: 'restore', at: Date.now() };
    this.owner = await this.options.openOwner(this.desired, verified ? states : new Map());
    this.busySince = undefined;
  }

  /** Closes the owner; with `verify`, after a last transaction on every partition: whether it committed. */
  private async closeOwner(verify: boolean): Promise<boolean> {
    const owner = this.owner;
    this.owner = undefined;
    if (!owner) return false;
    let committed = false;
    if (verify && !this.failing)
      committed = await owner.process([], { flush: true, everyPartition: true }).then(
        () => true,
        (error: unknown) => {
          this.options.log.info('last transaction of the old slot set failed (taken over?)', {
            slots: [...owner.owned.keys()],
            error: error instanceof Error ? error.message : String(error),
          });
          return false;
        },
      );
    await owner.close();
    return committed;
  }

  /**
   * Waits for the next transaction's commands: something queued and the group-commit
   * interval up (or a full batch), or snapshots due (an empty batch). undefined: look again.
   */
  private async nextBatch(owner: TransactionOwner): Promise<InboundCommand[] | undefined> {
    const { maxCommandsPerTransaction, pacer } = this.options;
    const due = owner.nextCheckpointDue();
    const now = this.options.now();
    if (this.queue.length === 0) {
      if (due !== undefined && due <= now) {
        this.lastStartedAt = Date.now();
        return [];
      }
      await this.pause(
        due === undefined ? undefined : Math.max(1, due - now),
        () => this.queue.length > 0 || !this.sameSlots(),
      );
      return undefined;
    }
    const interval = pacer.interval();
    metrics.transactionIntervalSeconds.set(interval / 1000);
    const notBefore = this.lastStartedAt + interval;
    if (this.queue.length < maxCommandsPerTransaction && Date.now() < notBefore) {
      // While the interval runs, the partitions of what is queued (and of what arrives) are
      // added to the next transaction, so its first send does not wait for that.
      this.expectedCommands = (pacer.ratePerSecond * interval) / 1000;
      owner.prepare(this.queue, this.expectedCommands);
      this.gathering = owner;
      try {
        await this.pause(
          notBefore - Date.now(),
          () => this.queue.length >= maxCommandsPerTransaction || !this.sameSlots(),
        );
      } finally {
        this.gathering = undefined;
      }
      if (this.stopped || !this.sameSlots()) return undefined;
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
      this.owner ? 'transaction failed; reopening the slots' : 'could not open the slots',
      { slots: [...this.desired.keys()], attempt: failing.attempts, error },
    );
    // The outcome of a failed transaction may be unknown: only a fresh owner (fence, then
    // restore what was really committed) can decide the queued commands again safely.
    await this.closeOwner(false);
    if (this.stopped) return;
    await sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(failing.attempts - 1, 7)));
    if (this.stopped) return;
    // Until the group confirms this member, nothing is fenced; a member that is out waits
    // for its new assignment (assign()).
    if (!(await this.options.confirmMembership(failedAt))) this.desired = new Map();
  }
}
