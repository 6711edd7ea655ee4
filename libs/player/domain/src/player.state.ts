/** The Player aggregate as folded from its events. */
export interface PlayerState {
  id: string;
  registered: boolean;
  name: string;
  level: number;
  xp: number;
  health: number;
  maxHealth: number;
  roomId: string;
  /** itemId -> quantity; only positive quantities are kept. Read it with quantityOf. */
  inventory: Readonly<Record<string, number>>;
  alive: boolean;
  /** Version of the last event applied; 0 before the first. */
  version: number;
  /** occurredAt of the last event applied; '' before the first. */
  updatedAt: string;
}

/** The state of a player with no events: not registered, not alive, version 0. */
export const initialState = (playerId: string): PlayerState => ({
  id: playerId,
  registered: false,
  name: '',
  // Zeros rather than the start stats: nothing exists until PlayerRegistered says so.
  level: 0,
  xp: 0,
  health: 0,
  maxHealth: 0,
  roomId: '',
  inventory: {},
  alive: false,
  version: 0,
  updatedAt: '',
});
