import { evolve, type PlayerEvent, type PlayerState } from '@qf/player-domain';

/** An event the fold could not apply; it is dead-lettered and the fold goes on without it. */
export interface UnappliableEvent {
  readonly event: PlayerEvent;
  readonly error: unknown;
}

/** What one batch does to one player: the state it starts from and the state it ends at. */
export interface PlayerChange {
  readonly playerId: string;
  readonly base: PlayerState;
  readonly state: PlayerState;
  /** Events above the base version, in the order applied. */
  readonly applied: readonly PlayerEvent[];
  /** Events at or below the version already reflected: replays and redeliveries. */
  readonly skipped: number;
  readonly failed: readonly UnappliableEvent[];
}

/**
 * Folds a player's batch events onto base. An event at or below the version already
 * folded is skipped, which makes a redelivered or replayed batch (even one that
 * overlaps what was applied) a no-op. Events are applied in version order, whatever
 * order they came in.
 */
export const projectPlayer = (base: PlayerState, events: readonly PlayerEvent[]): PlayerChange => {
  const ordered = [...events].sort((a, b) => a.metadata.version - b.metadata.version);
  let state = base;
  let skipped = 0;
  const applied: PlayerEvent[] = [];
  const failed: UnappliableEvent[] = [];
  for (const event of ordered) {
    if (event.metadata.version <= state.version) {
      skipped += 1;
      continue;
    }
    try {
      state = evolve(state, event);
      applied.push(event);
    } catch (error) {
      failed.push({ event, error });
    }
  }
  return { playerId: base.id, base, state, applied, skipped, failed };
};

/** Events grouped by aggregate id, keeping the order of first appearance. */
export const groupByPlayer = (events: readonly PlayerEvent[]): Map<string, PlayerEvent[]> => {
  const groups = new Map<string, PlayerEvent[]>();
  for (const event of events) {
    const id = event.metadata.aggregateId;
    const group = groups.get(id);
    if (group) group.push(event);
    else groups.set(id, [event]);
  }
  return groups;
};
