import { counter, gauge, histogram } from '@qf/shared-observability';

// Metric names are part of the benchmark's contract (bench/write-crud reads them).

/** crud-service */
export const crudMetrics = {
  commands: counter({
    name: 'qf_crud_commands_total',
    help: 'Commands by type and outcome (accepted, rejected, duplicate, conflict)',
    labelNames: ['type', 'outcome'],
  }),
  occConflicts: counter({
    name: 'qf_crud_occ_conflicts_total',
    help: 'Conditional writes that lost an optimistic-concurrency race (version moved, or register met an existing id)',
  }),
  occRetries: counter({
    name: 'qf_crud_occ_retries_total',
    help: 'Attempts made again after a lost race',
  }),
  occExhausted: counter({
    name: 'qf_crud_occ_exhausted_total',
    help: 'Commands answered 409 PLAYER.VERSION_CONFLICT after the last attempt',
  }),
  transientErrors: counter({
    name: 'qf_crud_transient_db_errors_total',
    help: 'Command attempts that failed on a dropped or unreachable database connection (retried, then 503)',
  }),
  attempts: histogram({
    name: 'qf_crud_command_attempts',
    help: "Attempts per decided group of commands (one player's commands decided into one write)",
    buckets: [1, 2, 3, 4, 6, 8, 12, 16],
  }),
  commandsPerWrite: histogram({
    name: 'qf_crud_commands_per_write',
    help: "Accepted commands per document write (a player's commands queued behind its previous write go in one)",
    buckets: [1, 2, 4, 8, 16, 32, 64],
  }),
  dualWritePublished: counter({
    name: 'qf_crud_dual_write_published_total',
    help: 'Audit events published directly (dual-write mode)',
  }),
  stateCache: counter({
    name: 'qf_crud_state_cache_total',
    help: 'Commands by where their first decision came from: hit (the document this process last wrote), miss (read), recheck (a rejection read again), stale (the copy lost the version guard)',
    labelNames: ['result'],
  }),
  idempotencyForgotten: counter({
    name: 'qf_crud_idempotency_forgotten_total',
    help: 'Accepted command ids dropped from player documents: horizon (older than QF_IDEMPOTENCY_HORIZON_MS) or bound (QF_IDEMPOTENCY_MAX_PER_PLAYER reached first: a retry of such an id is decided again)',
    labelNames: ['reason'],
  }),
  dualWriteLost: counter({
    name: 'qf_crud_dual_write_lost_total',
    help: 'Audit events lost: the document changed but the direct publish failed (dual-write mode)',
  }),
};

/** outbox-relay */
export const relayMetrics = {
  pendingEntries: gauge({
    name: 'qf_outbox_pending_entries',
    help: 'Audit events waiting in player outboxes',
  }),
  pendingPlayers: gauge({
    name: 'qf_outbox_pending_players',
    help: 'Player documents with a non-empty outbox',
  }),
  oldestAge: gauge({
    name: 'qf_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest pending outbox entry (a lower bound of its occurredAt; 0 when empty)',
  }),
  sweeps: counter({
    name: 'qf_relay_sweeps_total',
    help: 'Queries of the pending outboxes (the backlog gauges come from them)',
  }),
  published: counter({
    name: 'qf_relay_published_total',
    help: 'Outbox entries published to the audit topic',
  }),
  rounds: counter({
    name: 'qf_relay_rounds_total',
    help: 'Relay rounds by result (work, idle, error)',
    labelNames: ['result'],
  }),
  shardsHeld: gauge({
    name: 'qf_relay_shards_held',
    help: 'Shards of the players whose outboxes this relay holds a lease on (of 16)',
  }),
  leasesLost: counter({
    name: 'qf_relay_leases_lost_total',
    help: 'Outboxes another relay released first (this relay had lost the shard lease; their entries were published twice)',
  }),
  publishFailures: counter({
    name: 'qf_relay_publish_failures_total',
    help: 'Rounds whose publish to Kafka failed (the entries stay pending)',
  }),
  publishDuration: histogram({
    name: 'qf_relay_publish_duration_seconds',
    help: 'Time to publish one round to Kafka',
  }),
};

/** audit-consumer */
export const auditMetrics = {
  stored: counter({ name: 'qf_audit_stored_total', help: 'Audit events inserted into audit_log' }),
  duplicates: counter({
    name: 'qf_audit_duplicates_total',
    help: 'Redelivered audit events already in audit_log (ignored)',
  }),
  deadLettered: counter({
    name: 'qf_audit_dead_lettered_total',
    help: 'Records sent to the audit dead-letter topic',
  }),
  lag: gauge({
    name: 'qf_audit_consumer_lag',
    help: 'Records behind the high watermark per partition, after the last batch',
    labelNames: ['partition'],
  }),
  timeLag: histogram({
    name: 'qf_audit_time_lag_seconds',
    help: 'occurredAt -> stored in audit_log',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  }),
  writeRetries: counter({
    name: 'qf_audit_write_retries_total',
    help: 'Batch inserts retried after a database error',
  }),
};

/** Every service of the CRUD side: what it asks of the database (bench/write-crud divides these by commands). */
export const mongoMetrics = {
  requests: counter({
    name: 'qf_mongo_requests_total',
    help: 'Database commands sent (round trips), by command name',
    labelNames: ['command'],
  }),
  statements: counter({
    name: 'qf_mongo_statements_total',
    help: 'Documents a database command asked for: inserted documents, update and delete statements, 1 per query',
    labelNames: ['command'],
  }),
};
