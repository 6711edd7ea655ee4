import type { BatchDecision, DecisionView, PlayerRecord } from '../decision/decide-batch';
import type { IdempotencyIndex } from '../ledger/idempotency-index';
import type { LedgerRecord } from '../ledger/ledger-record';
import type { PlayerSnapshot } from '../ledger/player-snapshot';

/** A player whose events since its last snapshot are not in player.snapshots yet. */
interface DirtyMark {
  /** When it became dirty (ms); -Infinity: snapshot at the next transaction. */
  readonly since: number;
  /** An offset on player.events at or before its first unsnapshotted event. */
  readonly from: number;
}

/** Where one input partition of the slot stands. */
export interface PartitionProgress {
  readonly partition: number;
  /** Offset on player.commands of the last command decided (-1: none). */
  decided: number;
  /** An offset at or before the next one player.events[partition] will give (a lower bound). */
  eventsEnd: number;
  /** The same on player.ledger. */
  ledgerEnd: number;
  /** The decided offset the last ledger record of this partition holds (-1: none). */
  recorded: number;
  /** Dirty players of this partition, oldest first (so `from` never decreases along the map). */
  readonly dirty: Map<string, DirtyMark>;
}

/** An unreadable snapshot found while restoring: dead-lettered by the first transaction. */
export interface PoisonRecord {
  readonly partition: number;
  readonly message: {
    readonly offset: string;
    readonly key: Buffer | null;
    readonly value: Buffer | null;
  };
  readonly reason: string;
}

/** What one transaction writes besides the decisions: due snapshots and one ledger record per partition that moved. */
export interface CheckpointPlan {
  readonly snapshots: Array<{ readonly partition: number; readonly snapshot: PlayerSnapshot }>;
  readonly ledger: Array<{ readonly partition: number; readonly record: LedgerRecord }>;
  /** Players whose snapshot this transaction writes, by partition. */
  readonly snapshotted: Map<number, string[]>;
  /** Set when it writes snapshots: true when they are every one then due (the batch window starts at its commit). */
  readonly checkpointed?: boolean;
}

export interface CheckpointPolicy {
  /** A dirty player is snapshotted once its first unsnapshotted event is this old (ms). */
  readonly intervalMs: number;
  /** At most this many snapshots per transaction (spreads a burst over several). */
  readonly maxPerTransaction: number;
  /**
   * After a transaction that wrote every due snapshot of the slot, the next due ones wait
   * until this much later (ms; default 0: none wait), then go together. Each transaction
   * that writes a snapshot touches that snapshots partition and, when no command moved
   * it, a ledger partition: a marker on each and an AddPartitionsToTxn entry. At low load
   * every command makes one player due a little later than the last, so without a batch
   * nearly every transaction carried one snapshot on a partition of its own, or woke an
   * idle processor for a transaction of its own.
   */
  readonly batchMs?: number;
}

/**
 * The in-memory state of one slot, as committed: its players, the command ids decided within
 * the idempotency horizon, and per partition the decided offset and the players whose
 * latest events are not in a snapshot yet. Changed only by `apply`, after a commit.
 */
export class SlotState implements DecisionView {
  readonly players = new Map<string, PlayerRecord>();
  readonly partitions = new Map<number, PartitionProgress>();
  /** Unreadable snapshots the next transaction dead-letters (their players were rebuilt from events). */
  poison: PoisonRecord[] = [];
  /** When a committed transaction last wrote every snapshot then due (ms; the batch window starts there). */
  private checkpointedAt = Number.NEGATIVE_INFINITY;

  constructor(
    partitions: readonly number[],
    readonly index: IdempotencyIndex,
  ) {
    for (const partition of partitions)
      this.partitions.set(partition, {
        partition,
        decided: -1,
        eventsEnd: 0,
        ledgerEnd: 0,
        recorded: -1,
        dirty: new Map(),
      });
  }

  player(playerId: string): PlayerRecord | undefined {
    return this.players.get(playerId);
  }

  decidedCommand(playerId: string, commandId: string) {
    return this.index.find(playerId, commandId);
  }

  decidedOffset(partition: number): number {
    return this.progress(partition).decided;
  }

  progress(partition: number): PartitionProgress {
    const progress = this.partitions.get(partition);
    if (!progress) throw new Error(`partition ${partition} is not in this slot`);
    return progress;
  }

  /** Marks a player dirty (restore): snapshotted after the interval, or at once when `since` is -Infinity. */
  markDirty(partition: number, playerId: string, since: number, from: number): void {
    const { dirty } = this.progress(partition);
    if (!dirty.has(playerId)) dirty.set(playerId, { since, from });
  }

  /** When the oldest dirty player falls due, batch window included (undefined: none is dirty). */
  nextCheckpointDue(policy: CheckpointPolicy): number | undefined {
    let due: number | undefined;
    for (const { dirty } of this.partitions.values()) {
      const first = dirty.values().next().value as DirtyMark | undefined;
      if (first && (due === undefined || first.since + policy.intervalMs < due))
        due = first.since + policy.intervalMs;
    }
    // A player marked to be snapshotted at once (-Infinity) does not wait for the window.
    if (due === undefined || due === Number.NEGATIVE_INFINITY) return due;
    return Math.max(due, this.checkpointedAt + (policy.batchMs ?? 0));
  }

  /**
   * The snapshots and ledger records a transaction deciding `decision` at `now` writes. A
   * partition gets a ledger record when it decided commands, or when snapshots moved its
   * restore point: the oldest player still dirty after the transaction, else the end of its
   * events as known before it (conservative: a restore skips events its snapshots hold).
   */
  plan(
    decision: BatchDecision,
    now: number,
    policy: CheckpointPolicy,
    { flush = false, everyPartition = false }: { flush?: boolean; everyPartition?: boolean } = {},
  ): CheckpointPlan {
    const snapshots: CheckpointPlan['snapshots'] = [];
    const ledger: CheckpointPlan['ledger'] = [];
    const snapshotted = new Map<number, string[]>();
    // Inside the batch window nothing is due yet (but what is marked for at once).
    const window = (this.nextCheckpointDue(policy) ?? Number.POSITIVE_INFINITY) > now;
    let budget = policy.maxPerTransaction;
    let cut = false;
    for (const progress of this.partitions.values()) {
      const { partition, dirty } = progress;
      const chosen: string[] = [];
      let firstKept: DirtyMark | undefined;
      for (const [playerId, mark] of dirty) {
        // Marks are in the order players became dirty, so `since` never decreases: the
        // first one not due (or past the budget) ends the choice and fixes the restore point.
        if (
          budget <= 0 ||
          mark.since + policy.intervalMs > now ||
          (window && mark.since !== Number.NEGATIVE_INFINITY)
        ) {
          if (budget <= 0 && mark.since + policy.intervalMs <= now) cut = true;
          firstKept = mark;
          break;
        }
        chosen.push(playerId);
        budget -= 1;
        const record = decision.players.get(playerId) ?? this.players.get(playerId);
        if (record)
          snapshots.push({
            partition,
            snapshot: {
              state: record.state,
              ...(record.registration ? { registration: record.registration.line } : {}),
            },
          });
      }
      if (chosen.length > 0) snapshotted.set(partition, chosen);
      const decided = decision.partitions.get(partition);
      const deadLettered = decision.deadLetters.some(
        (dead) => dead.command.partition === partition,
      );
      const lastOffset = Math.max(progress.decided, decided?.lastOffset ?? -1);
      // A flush (before handing the slot over) records offsets only answered again since the
      // last record, so the next owner does not answer them once more; everyPartition writes
      // a record for each partition (a transaction that proves the producer is not fenced).
      const unrecorded = (flush && lastOffset > progress.recorded) || everyPartition;
      if (
        chosen.length === 0 &&
        !decided?.lines.length &&
        !deadLettered &&
        !unrecorded &&
        !this.hasPoison(partition)
      )
        continue;
      ledger.push({
        partition,
        record: {
          decided: lastOffset,
          restoreFrom: Math.min(firstKept?.from ?? progress.eventsEnd, progress.eventsEnd),
          lines: decided?.lines.map((entry) => entry.line) ?? [],
        },
      });
    }
    if (snapshotted.size === 0) return { snapshots, ledger, snapshotted };
    return { snapshots, ledger, snapshotted, checkpointed: !cut && !window };
  }

  /**
   * Applies a committed transaction (or a batch that needed none): new player records,
   * decided lines into the index, decided offsets, snapshotted players clean, newly changed
   * players dirty from the events end known before, and the ends the produce answers gave.
   */
  apply(
    decision: BatchDecision,
    plan: CheckpointPlan | undefined,
    now: number,
    ends: { readonly events: Map<number, number>; readonly ledger: Map<number, number> },
  ): void {
    for (const [partition, chosen] of plan?.snapshotted ?? []) {
      const { dirty } = this.progress(partition);
      for (const playerId of chosen) dirty.delete(playerId);
    }
    // The window opens only after a transaction that left nothing due behind (a burst cut
    // by maxPerTransaction goes on in the next transaction).
    if (plan?.checkpointed) this.checkpointedAt = now;
    for (const [playerId, record] of decision.players) {
      const previous = this.players.get(playerId);
      this.players.set(playerId, record);
      if (previous?.state.version !== record.state.version) {
        const progress = this.progress(record.partition);
        const justSnapshotted = plan?.snapshotted.get(record.partition)?.includes(playerId);
        if (!justSnapshotted && !progress.dirty.has(playerId))
          progress.dirty.set(playerId, { since: now, from: progress.eventsEnd });
      }
    }
    for (const [partition, decided] of decision.partitions) {
      const progress = this.progress(partition);
      if (decided.lastOffset > progress.decided) progress.decided = decided.lastOffset;
      for (const { commandId, playerId, line } of decided.lines)
        this.index.add(commandId, playerId, line, now);
    }
    // The ends cover the whole transaction, which may span other slots too.
    for (const [partition, end] of ends.events) {
      const progress = this.partitions.get(partition);
      if (progress && end > progress.eventsEnd) progress.eventsEnd = end;
    }
    for (const { partition, record } of plan?.ledger ?? []) {
      const progress = this.progress(partition);
      if (record.decided > progress.recorded) progress.recorded = record.decided;
    }
    for (const [partition, end] of ends.ledger) {
      const progress = this.partitions.get(partition);
      if (progress && end > progress.ledgerEnd) progress.ledgerEnd = end;
    }
    if (plan && this.poison.length > 0) this.poison = [];
    this.index.expire(now);
  }

  private hasPoison(partition: number): boolean {
    return this.poison.some((poison) => poison.partition === partition);
  }
}
