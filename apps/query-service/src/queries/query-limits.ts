/** Caps of the list queries. */
export interface QueryLimits {
  /** Most players GET /rooms/{roomId}/players lists (in player-id order). */
  readonly roomPlayers: number;
}

export const QUERY_LIMITS = Symbol('QueryLimits');
