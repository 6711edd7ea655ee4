/** Collection names of the CRUD side, in the database databaseName() picks. */
export const COLLECTIONS = {
  /** One live document per player: state, recent command ids and the pending outbox. */
  players: 'players',
  /** One document per audit event (_id = eventId), written by the audit consumer. */
  auditLog: 'audit_log',
  /** Outbox relays' leases on shards of the players (outbox/relay-shards.ts) and their heartbeats. */
  relayLeases: 'outbox_relay_leases',
} as const;
