import { counter, gauge, histogram } from '@qf/shared-observability';

/** The projector's Prometheus metrics (labelled by consumer group, so a rebuild is told apart). */
export const projectorMetrics = {
  eventsApplied: counter({
    name: 'qf_projector_events_applied_total',
    help: 'Events folded into the read models',
    labelNames: ['group'],
  }),
  eventsSkipped: counter({
    name: 'qf_projector_events_skipped_total',
    help: 'Events at or below the version already projected (redeliveries, replays)',
    labelNames: ['group'],
  }),
  deadLetters: counter({
    name: 'qf_projector_dead_letters_total',
    help: 'Poison events sent to the dead-letter topic',
    labelNames: ['group', 'reason'],
  }),
  retries: counter({
    name: 'qf_projector_retries_total',
    help: 'Batch attempts that failed and were retried after a backoff',
    labelNames: ['group'],
  }),
  batchDuration: histogram({
    name: 'qf_projector_batch_duration_seconds',
    help: 'Time to apply one chunk of a batch, commit included',
    labelNames: ['group'],
  }),
  batchSize: histogram({
    name: 'qf_projector_batch_events',
    help: 'Events per applied chunk',
    labelNames: ['group'],
    buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 25000],
  }),
  appendToVisible: histogram({
    name: 'qf_projector_append_to_visible_seconds',
    help: 'From the append of an event to its read models being written (time to consistency)',
    labelNames: ['group'],
  }),
  lastAppliedAppendTime: gauge({
    name: 'qf_projector_last_applied_append_timestamp_seconds',
    help: 'Append time of the newest event applied, per partition',
    labelNames: ['group', 'topic', 'partition'],
  }),
  offsetLag: gauge({
    name: 'qf_consumer_offset_lag',
    help: 'High watermark minus committed offset',
    labelNames: ['group', 'topic', 'partition'],
  }),
  timeLag: gauge({
    name: 'qf_consumer_time_lag_seconds',
    help: 'Age of the oldest record the group has not applied yet (0 when caught up)',
    labelNames: ['group', 'topic', 'partition'],
  }),
};
