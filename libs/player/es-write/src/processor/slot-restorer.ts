import { decodeEvent } from '@qf/player-wire';
import { evolve, initialState, type PlayerState } from '@qf/player-domain';
import type { PlayerRecord } from '../decision/decide-batch';
import type { IdempotencyIndex } from '../ledger/idempotency-index';
import { encodeLedgerLine, ledgerLineIds } from '../ledger/ledger-line';
import { decodeLedgerRecord } from '../ledger/ledger-record';
import { decodeSnapshot, type DecodedSnapshot } from '../ledger/player-snapshot';
import { SlotState, type PoisonRecord } from './slot-state';

/** The parts of a fetched record the restore reads. */
export interface RestoredMessage {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

type Latest =
  | { readonly kind: 'snapshot'; readonly snapshot: DecodedSnapshot }
  | { readonly kind: 'tombstone' }
  | { readonly kind: 'poison'; readonly poison: PoisonRecord };

interface PartitionRestore {
  decided: number;
  restoreFrom: number;
  /** The latest snapshots record per player (compaction keeps only these, eventually). */
  readonly latest: Map<string, Latest>;
  /** Players folded from their first event (their snapshot was a tombstone or unreadable). */
  readonly rebuild: Set<string>;
  readonly states: Map<string, PlayerState>;
  /** The snapshots phase is over (latest turned into states). */
  settled: boolean;
}

/** Whether a parsed ledger line is the registration of its player (its first event PlayerRegistered). */
const registers = (parsed: unknown[]): boolean => {
  const outcome = parsed[3];
  if (Array.isArray(outcome))
    return (outcome[2] as unknown[][] | undefined)?.[0]?.[0] === 'PlayerRegistered';
  const whole = outcome as { status?: string; result?: { events?: Array<{ type?: string }> } };
  return whole?.status === 'accepted' && whole.result?.events?.[0]?.type === 'PlayerRegistered';
};

/**
 * Rebuilds a slot's state from what its topics hold, fed in this order: the committed
 * consumer offsets, player.ledger and player.snapshots (each partition in offset order),
 * then player.events from `eventsFrom(partition)`. Pure: the reading is slot-restore.ts'.
 *
 * - ledger: the last decided offset and restore point of each partition; every decided
 *   command id within the horizon into the index; registrations kept for good;
 * - snapshots: the latest per player; a tombstone deletes it, an unreadable one is
 *   dead-lettered (by the first transaction), and either way the player is rebuilt from
 *   its first event (that partition's events are then read from offset 0);
 * - events: folded onto the snapshots, each at most once (by version); a gap is an error.
 */
export class SlotRestorer {
  private readonly partitions = new Map<number, PartitionRestore>();
  private readonly registrations = new Map<string, { commandId: string; line: string }>();

  constructor(
    partitions: readonly number[],
    private readonly index: IdempotencyIndex,
    private readonly now: number,
    private readonly horizonMs: number,
  ) {
    for (const partition of partitions)
      this.partitions.set(partition, {
        decided: -1,
        restoreFrom: 0,
        latest: new Map(),
        rebuild: new Set(),
        states: new Map(),
        settled: false,
      });
  }

  /** The consumer group's committed offset: everything before it was decided. */
  committed(partition: number, offset: number): void {
    const restore = this.of(partition);
    restore.decided = Math.max(restore.decided, offset - 1);
  }

  ledger(partition: number, message: RestoredMessage): void {
    const restore = this.of(partition);
    const record = decodeLedgerRecord(message.value);
    restore.decided = Math.max(restore.decided, record.decided);
    restore.restoreFrom = record.restoreFrom;
    const at = Number(message.timestamp);
    const recent = at >= this.now - this.horizonMs;
    for (const line of record.lines) {
      const parsed = JSON.parse(line) as unknown[];
      const { commandId, playerId } = ledgerLineIds(parsed);
      if (recent) this.index.add(commandId, playerId, line, at);
      if (registers(parsed)) this.registrations.set(playerId, { commandId, line });
    }
  }

  snapshot(partition: number, message: RestoredMessage): void {
    const restore = this.of(partition);
    const key = message.key?.toString('utf8') ?? '';
    if (message.value === null) {
      restore.latest.set(key, { kind: 'tombstone' });
      return;
    }
    try {
      const snapshot = decodeSnapshot(message.value);
      if (key !== '' && snapshot.state.id !== key)
        throw new Error(`snapshot of ${snapshot.state.id} under key ${key}`);
      restore.latest.set(snapshot.state.id, { kind: 'snapshot', snapshot });
    } catch (error) {
      restore.latest.set(key, {
        kind: 'poison',
        poison: { partition, message, reason: (error as Error).message },
      });
    }
  }

  /** Ends the snapshots phase: where the events of `partition` must be read from. */
  eventsFrom(partition: number): number {
    const restore = this.of(partition);
    this.settle(restore);
    return restore.rebuild.size > 0 ? 0 : restore.restoreFrom;
  }

  event(partition: number, message: RestoredMessage): void {
    const restore = this.of(partition);
    const event = decodeEvent(message.value);
    const playerId = event.metadata.aggregateId;
    const state = restore.states.get(playerId) ?? initialState(playerId);
    const { version } = event.metadata;
    if (version <= state.version) return;
    if (version !== state.version + 1)
      throw new Error(
        `player ${playerId}: event version ${version} at offset ${message.offset} follows version ${state.version} (a gap: events before the restore point are missing from its snapshot)`,
      );
    restore.states.set(playerId, evolve(state, event));
  }

  /** The restored slot (its ends are the offsets the reads stopped at). */
  finish(
    index: IdempotencyIndex,
    ends: { readonly events: Map<number, number>; readonly ledger: Map<number, number> },
  ): SlotState {
    const slot = new SlotState([...this.partitions.keys()], index);
    for (const [partition, restore] of this.partitions) {
      this.settle(restore);
      const progress = slot.progress(partition);
      progress.decided = restore.decided;
      progress.recorded = restore.decided;
      progress.eventsEnd = ends.events.get(partition) ?? 0;
      progress.ledgerEnd = ends.ledger.get(partition) ?? 0;
      for (const [playerId, latest] of restore.latest) {
        if (latest.kind === 'poison') slot.poison.push(latest.poison);
        if (latest.kind !== 'snapshot' && playerId !== '' && restore.states.has(playerId))
          slot.markDirty(partition, playerId, -Infinity, 0);
      }
      for (const [playerId, state] of restore.states) {
        const latest = restore.latest.get(playerId);
        const snapshot = latest?.kind === 'snapshot' ? latest.snapshot : undefined;
        const registration =
          this.registrations.get(playerId) ??
          (snapshot?.registration ? registrationOf(snapshot.registration) : undefined);
        const record: PlayerRecord = {
          state,
          partition,
          ...(registration ? { registration } : {}),
        };
        slot.players.set(playerId, record);
        if (state.version !== snapshot?.state.version)
          slot.markDirty(partition, playerId, this.now, restore.restoreFrom);
      }
    }
    index.expire(this.now);
    return slot;
  }

  /** Turns the latest snapshots into states (once), and legacy snapshot fields into offsets and ids. */
  private settle(restore: PartitionRestore): void {
    if (restore.settled) return;
    restore.settled = true;
    for (const [playerId, latest] of restore.latest) {
      if (latest.kind !== 'snapshot') {
        if (playerId !== '') restore.rebuild.add(playerId);
        continue;
      }
      const { snapshot } = latest;
      restore.states.set(playerId, snapshot.state);
      if (!snapshot.legacy) continue;
      restore.decided = Math.max(restore.decided, snapshot.legacy.commandOffset);
      for (const decided of snapshot.legacy.recent)
        this.index.add(decided.commandId, playerId, encodeLedgerLine(decided), this.now);
    }
  }

  private of(partition: number): PartitionRestore {
    const restore = this.partitions.get(partition);
    if (!restore) throw new Error(`partition ${partition} is not in this slot`);
    return restore;
  }
}

const registrationOf = (line: string) => {
  const { commandId } = ledgerLineIds(JSON.parse(line));
  return { commandId, line };
};
