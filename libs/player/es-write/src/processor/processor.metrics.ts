import { counter, gauge, histogram } from '@qf/shared-observability';
import type { BatchCounts } from '../decision/decide-batch';

const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

const commands = counter({
  name: 'qf_processor_commands_total',
  help: 'Commands consumed, by what became of them',
  labelNames: ['outcome'],
});
const records = counter({
  name: 'qf_processor_records_total',
  help: 'Records written, by topic kind (events, snapshots, ledger and dead letters in transactions; replies after them)',
  labelNames: ['kind'],
});
const phaseSeconds = histogram({
  name: 'qf_processor_transaction_phase_seconds',
  help: 'Time in each step of a transaction',
  labelNames: ['phase'],
});
const kafkaRequests = counter({
  name: 'qf_processor_kafka_requests_total',
  help: 'Requests the transactional producers sent, by API',
  labelNames: ['api'],
});
const kafkaRequestSeconds = counter({
  name: 'qf_processor_kafka_request_seconds_total',
  help: 'Time the transactional producers waited for responses, by API',
  labelNames: ['api'],
});
const evicted = counter({
  name: 'qf_processor_idempotency_evicted_total',
  help: 'Command ids forgotten: expired (past the horizon) or bound (the index was full: forgotten before the horizon)',
  labelNames: ['reason'],
});

// prom-client resolves label values on every call; the hot path uses children bound once.
const outcomes = {
  accepted: commands.labels('accepted'),
  rejected: commands.labels('rejected'),
  duplicates: commands.labels('duplicate'),
  redelivered: commands.labels('redelivered'),
  deadLettered: commands.labels('dead-lettered'),
} as const;
const recordKinds = {
  events: records.labels('events'),
  snapshots: records.labels('snapshots'),
  ledger: records.labels('ledger'),
  other: records.labels('dead-letters'),
  replies: records.labels('replies'),
};
const phases = new Map(
  ['decide', 'produce', 'offsets', 'commit'].map((name) => [name, phaseSeconds.labels(name)]),
);
const requestCounters = new Map<string, ReturnType<typeof kafkaRequests.labels>>();
const requestSeconds = new Map<string, ReturnType<typeof kafkaRequestSeconds.labels>>();
const evictions = { expired: evicted.labels('expired'), bound: evicted.labels('bound') };

const seconds = (since: bigint, now: bigint) => Number(now - since) / 1e9;

/** Processor: commands decided, transactions, batches, restores, the idempotency index, slots. */
export const processorMetrics = {
  queueDelaySeconds: histogram({
    name: 'qf_processor_queue_delay_seconds',
    help: 'From the gateway producing the oldest command of a transaction (record timestamp) to the start of that transaction',
  }),
  batchSize: histogram({
    name: 'qf_processor_batch_size',
    help: 'Commands per transaction',
    buckets: BATCH_BUCKETS,
  }),
  transactions: counter({
    name: 'qf_processor_transactions_total',
    help: 'Transactions committed',
  }),
  transactionSeconds: histogram({
    name: 'qf_processor_transaction_duration_seconds',
    help: 'Decide + produce + sendOffsets + commit of one batch',
  }),
  transactionFailures: counter({
    name: 'qf_processor_transaction_failures_total',
    help: 'Transactions aborted or failed, or slots that could not be opened (the batch is redone after a restore)',
    labelNames: ['reason'],
  }),
  concurrentTransactionRetries: counter({
    name: 'qf_processor_concurrent_transactions_retries_total',
    help: 'Transactional requests asked again because the previous transaction was still completing',
    labelNames: ['request'],
  }),
  fencedIds: counter({
    name: 'qf_processor_fenced_transactional_ids_total',
    help: 'Transactional ids of overlapping slot sets fenced when taking slots over',
  }),
  transactionIntervalSeconds: gauge({
    name: 'qf_processor_group_commit_interval_seconds',
    help: 'The group-commit interval in force (grows with the arrival rate up to QF_PROCESSOR_TXN_INTERVAL_MS)',
  }),
  restoreSeconds: histogram({
    name: 'qf_processor_restore_duration_seconds',
    help: 'Restore of one slot (after fencing)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
  replyFailures: counter({
    name: 'qf_processor_reply_failures_total',
    help: 'Replies whose send failed after their commit (the client retries with its key)',
  }),
  poisonSnapshots: counter({
    name: 'qf_processor_poison_snapshots_total',
    help: 'Unreadable snapshots dead-lettered (their players rebuilt from their events)',
  }),
  partitionsOwned: gauge({
    name: 'qf_processor_partitions_owned',
    help: 'Partitions of player.commands this replica owns',
  }),
  slotsOwned: gauge({ name: 'qf_processor_slots_owned', help: 'Slots this replica owns' }),
  slotsFailing: gauge({
    name: 'qf_processor_slots_failing',
    help: 'Owned slots in a retry loop (their transactions or restore failing, or stuck); /health names them',
  }),
  players: gauge({
    name: 'qf_processor_players_in_memory',
    help: 'Players held in memory',
  }),
  backlog: gauge({
    name: 'qf_processor_backlog_commands',
    help: 'Fetched commands waiting for a transaction',
  }),
  idempotencyEntries: gauge({
    name: 'qf_processor_idempotency_entries',
    help: 'Command ids held for deduplication (bounded by QF_IDEMPOTENCY_MAX_ENTRIES)',
  }),
  idempotencyOldestSeconds: gauge({
    name: 'qf_processor_idempotency_oldest_seconds',
    help: 'Age of the oldest command id held: the idempotency horizon actually kept (below QF_IDEMPOTENCY_HORIZON_MS when the bound forgets ids early)',
  }),
  consumerRequests: counter({
    name: 'qf_processor_consumer_kafka_requests_total',
    help: 'Requests the command consumer sent, by API',
    labelNames: ['api'],
  }),

  /** Counts one request of a transactional producer (kafkajs REQUEST event). */
  producerRequest(payload: { apiName: string; duration: number }): void {
    let count = requestCounters.get(payload.apiName);
    let time = requestSeconds.get(payload.apiName);
    if (!count || !time) {
      count = kafkaRequests.labels(payload.apiName);
      time = kafkaRequestSeconds.labels(payload.apiName);
      requestCounters.set(payload.apiName, count);
      requestSeconds.set(payload.apiName, time);
    }
    count.inc();
    time.inc(payload.duration / 1000);
  },

  /** Records the time since `since` as `name`; returns now. */
  phase(name: string, since: bigint): bigint {
    const now = process.hrtime.bigint();
    phases.get(name)?.observe(seconds(since, now));
    return now;
  },

  decided(counts: BatchCounts): void {
    if (counts.accepted) outcomes.accepted.inc(counts.accepted);
    if (counts.rejected) outcomes.rejected.inc(counts.rejected);
    if (counts.duplicates) outcomes.duplicates.inc(counts.duplicates);
    if (counts.redelivered) outcomes.redelivered.inc(counts.redelivered);
    if (counts.deadLettered) outcomes.deadLettered.inc(counts.deadLettered);
  },

  /** A committed transaction: its size, duration and records. */
  transaction(
    started: bigint,
    commandCount: number,
    written: ReadonlyArray<{ topic: string }>,
    counts: readonly BatchCounts[],
    kinds: { events: string; snapshots: string; ledger: string },
  ): void {
    processorMetrics.transactions.inc();
    processorMetrics.transactionSeconds.observe(seconds(started, process.hrtime.bigint()));
    processorMetrics.batchSize.observe(commandCount);
    let events = 0;
    let snapshots = 0;
    let ledger = 0;
    for (const { topic } of written) {
      if (topic === kinds.events) events += 1;
      else if (topic === kinds.snapshots) snapshots += 1;
      else if (topic === kinds.ledger) ledger += 1;
    }
    if (events) recordKinds.events.inc(events);
    if (snapshots) recordKinds.snapshots.inc(snapshots);
    if (ledger) recordKinds.ledger.inc(ledger);
    const other = written.length - events - snapshots - ledger;
    if (other) recordKinds.other.inc(other);
    for (const each of counts) processorMetrics.decided(each);
  },

  replies(count: number): void {
    if (count) recordKinds.replies.inc(count);
  },

  idempotencyEvicted(reason: 'expired' | 'bound', count: number): void {
    evictions[reason].inc(count);
  },

  /** Totals since the process started: transactions, commands per transaction, records per command by kind. */
  async summary(): Promise<Record<string, number>> {
    const valueOf = async (
      metric: {
        get(): Promise<{
          values: Array<{ value: number; labels: Record<string, unknown>; metricName?: string }>;
        }>;
      },
      label?: [string, string],
      name?: string,
    ) =>
      (await metric.get()).values
        .filter(
          (entry) =>
            (!label || entry.labels[label[0]] === label[1]) && (!name || entry.metricName === name),
        )
        .reduce((sum, entry) => sum + entry.value, 0);
    const transactions = await valueOf(processorMetrics.transactions);
    const inTransactions = await valueOf(
      processorMetrics.batchSize,
      undefined,
      'qf_processor_batch_size_sum',
    );
    const decided =
      (await valueOf(commands, ['outcome', 'accepted'])) +
      (await valueOf(commands, ['outcome', 'rejected'])) +
      (await valueOf(commands, ['outcome', 'dead-lettered']));
    const byKind = Object.fromEntries(
      await Promise.all(
        ['events', 'snapshots', 'ledger', 'replies', 'dead-letters'].map(
          async (kind) => [kind, await valueOf(records, ['kind', kind])] as const,
        ),
      ),
    );
    const average = async (metric: Parameters<typeof valueOf>[0], name: string) => {
      const sum = await valueOf(metric, undefined, `${name}_sum`);
      const count = await valueOf(metric, undefined, `${name}_count`);
      return count > 0 ? Math.round((sum / count) * 10_000) / 10 : 0;
    };
    const timing = {
      transactionMsAvg: await average(
        processorMetrics.transactionSeconds,
        'qf_processor_transaction_duration_seconds',
      ),
      queueDelayMsAvg: await average(
        processorMetrics.queueDelaySeconds,
        'qf_processor_queue_delay_seconds',
      ),
      concurrentTransactionRetriesPerTransaction:
        transactions > 0
          ? Math.round(
              ((await valueOf(processorMetrics.concurrentTransactionRetries)) / transactions) * 100,
            ) / 100
          : 0,
    };
    const perCommand = (count: number) =>
      decided > 0 ? Math.round((count / decided) * 1000) / 1000 : 0;
    return {
      transactions,
      ...timing,
      decidedCommands: decided,
      commandsPerTransaction:
        transactions > 0 ? Math.round((inTransactions / transactions) * 10) / 10 : 0,
      ...Object.fromEntries(
        Object.entries(byKind).map(([kind, count]) => [`${kind}PerCommand`, perCommand(count)]),
      ),
      recordsInTransactionsPerCommand: perCommand(
        (byKind['events'] ?? 0) +
          (byKind['snapshots'] ?? 0) +
          (byKind['ledger'] ?? 0) +
          (byKind['dead-letters'] ?? 0),
      ),
    };
  },
};
