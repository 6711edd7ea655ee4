import type { PlayerState } from '@qf/player-domain';

/**
 * The states this projector instance last wrote, so a steady stream needs no read
 * before each write. Only a hint: every player_details write is a compare-and-set on
 * the version, so a stale entry is caught by the store and reloaded. Cleared on
 * rebalance (another instance may have written meanwhile). Least recently used first out.
 */
export class PlayerStateCache {
  private readonly states = new Map<string, PlayerState>();

  constructor(readonly capacity: number) {}

  get(playerId: string): PlayerState | undefined {
    const state = this.states.get(playerId);
    if (state === undefined) return undefined;
    this.states.delete(playerId);
    this.states.set(playerId, state);
    return state;
  }

  set(state: PlayerState): void {
    if (this.capacity <= 0) return;
    this.states.delete(state.id);
    this.states.set(state.id, state);
    while (this.states.size > this.capacity) {
      const oldest = this.states.keys().next().value;
      if (oldest === undefined) break;
      this.states.delete(oldest);
    }
  }

  delete(playerId: string): void {
    this.states.delete(playerId);
  }

  clear(): void {
    this.states.clear();
  }

  get size(): number {
    return this.states.size;
  }
}
