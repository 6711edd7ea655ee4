import type { Admin } from 'kafkajs';
import { consumerGroupLag } from '@qf/shared-kafka';

/** What a probe knows of the step it measures when it starts. */
export interface StepWindow {
  /** Seconds the measured phase lasts. */
  readonly durationSec: number;
}

/**
 * Something a write benchmark measures around each step besides latency and CPU: the
 * extension point of `qf bench write` (ES: records per command, commands per transaction,
 * projector lag; CRUD: database operations, audit lag …). A target lists its probes;
 * every step calls start() when the measured phase begins, sample() about once a second
 * during it, and finish() at its end, and reports what finish() returns under the probe's
 * name. settle(), when present, is awaited during the cool-down before a step (e.g. until
 * a consumer has caught up), so one step's backlog does not count against the next.
 */
export interface StepProbe {
  readonly name: string;
  start(window?: StepWindow): Promise<void>;
  sample?(): Promise<void>;
  /** Figures of the step; `commands` is the number of commands the step completed. */
  finish(commands: number): Promise<Readonly<Record<string, number>>>;
  settle?(deadline: number): Promise<void>;
}

const sumOfHighWatermarks = async (admin: Admin, topic: string): Promise<number> =>
  (await admin.fetchTopicOffsets(topic)).reduce((sum, entry) => sum + Number(entry.high), 0);

/**
 * Records appended per command on each topic: the end offsets' growth during the step over
 * the growth of the command topic (every command is one record there). Offsets count
 * transaction markers too (a control record per partition a transaction wrote to), which
 * the broker writes and stores like any record.
 */
export const recordsPerCommandProbe = (
  admin: Admin,
  commandTopic: string,
  topics: Readonly<Record<string, string>>,
): StepProbe => {
  let before: Record<string, number> = {};
  const read = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries({ commands: commandTopic, ...topics }).map(
          async ([name, topic]) =>
            [name, await sumOfHighWatermarks(admin, topic).catch(() => 0)] as const,
        ),
      ),
    );
  return {
    name: 'recordsPerCommand',
    start: async () => {
      before = await read();
    },
    finish: async () => {
      const after = await read();
      const commands = (after['commands'] ?? 0) - (before['commands'] ?? 0);
      if (commands <= 0) return {};
      const perTopic = Object.fromEntries(
        Object.keys(topics).map((name) => [
          name,
          ((after[name] ?? 0) - (before[name] ?? 0)) / commands,
        ]),
      );
      return { ...perTopic, total: Object.values(perTopic).reduce((sum, value) => sum + value, 0) };
    },
  };
};

/**
 * Adds the samples of each series in a Prometheus text exposition into totals: a key
 * `name` sums the series over its labels, a key `name{a="x",b="y"}` takes that one series
 * (labels as the exposition writes them).
 */
export const sumSeries = (text: string, totals: Record<string, number>): Record<string, number> => {
  for (const line of text.split('\n')) {
    const match = /^(([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?) ([-+0-9.eE]+)$/.exec(line);
    if (!match) continue;
    const [, series, name, value] = match as unknown as [string, string, string, string];
    if (series !== name && series in totals) totals[series] = (totals[series] ?? 0) + Number(value);
    if (name in totals) totals[name] = (totals[name] ?? 0) + Number(value);
  }
  return totals;
};

/** Sums of Prometheus series (name → value) from /metrics of each URL; labels are summed over. */
export const scrapeMetrics = async (
  urls: readonly string[],
  names: readonly string[],
): Promise<Record<string, number>> => {
  const totals: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  const texts = await Promise.all(
    urls.map((url) =>
      fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })
        .then((response) => response.text())
        .catch(() => ''),
    ),
  );
  for (const text of texts) sumSeries(text, totals);
  return totals;
};

/**
 * Commands per Kafka transaction of the command processors, from their
 * `qf_processor_batch_size` histogram (commands per transaction): growth of its sum over
 * growth of its count during the step.
 */
export const commandsPerTransactionProbe = (processorUrls: () => readonly string[]): StepProbe => {
  const names = [
    'qf_processor_batch_size_sum',
    'qf_processor_batch_size_count',
    'qf_processor_transaction_duration_seconds_sum',
    'qf_processor_queue_delay_seconds_sum',
    'qf_processor_queue_delay_seconds_count',
    'qf_processor_transaction_phase_seconds_sum{phase="produce"}',
    'qf_processor_kafka_requests_total{api="AddPartitionsToTxn"}',
  ];
  let before: Record<string, number> = {};
  return {
    name: 'processor',
    start: async () => {
      before = await scrapeMetrics(processorUrls(), names);
    },
    finish: async (): Promise<Record<string, number>> => {
      const after = await scrapeMetrics(processorUrls(), names);
      const [
        commands = 0,
        transactions = 0,
        busy = 0,
        delay = 0,
        delays = 0,
        producing = 0,
        partitionAdds = 0,
      ] = names.map((name) => (after[name] ?? 0) - (before[name] ?? 0));
      if (transactions <= 0) return { transactions };
      // Where a command's time goes in the processor: waiting for its transaction to start
      // (fetch + group-commit interval), then the transaction itself.
      return {
        transactions,
        commandsPerTransaction: commands / transactions,
        transactionMs: (busy / transactions) * 1000,
        // The produce phase includes the AddPartitionsToTxn a transaction still waits for
        // (those added early, while its commands queued, it does not wait for).
        produceMs: (producing / transactions) * 1000,
        addPartitionsRequestsPerTransaction: partitionAdds / transactions,
        ...(delays > 0 ? { queueDelayMs: (delay / delays) * 1000 } : {}),
      };
    },
  };
};

/**
 * What the command gateways' Kafka clients did per command: commands per produce request
 * (send window) and the reply consumer's fetches per command, from their metrics.
 */
export const gatewayKafkaProbe = (gatewayUrls: () => readonly string[]): StepProbe => {
  const names = [
    'qf_gateway_produce_batch_size_sum',
    'qf_gateway_produce_batch_size_count',
    'qf_gateway_kafka_requests_total{client="reply-consumer",api="Fetch"}',
  ];
  let before: Record<string, number> = {};
  return {
    name: 'gateway',
    start: async () => {
      before = await scrapeMetrics(gatewayUrls(), names);
    },
    finish: async (): Promise<Record<string, number>> => {
      const after = await scrapeMetrics(gatewayUrls(), names);
      const [commands = 0, produces = 0, fetches = 0] = names.map(
        (name) => (after[name] ?? 0) - (before[name] ?? 0),
      );
      if (commands <= 0) return {};
      return {
        commandsPerProduce: produces > 0 ? commands / produces : 0,
        replyFetchesPerCommand: fetches / commands,
      };
    },
  };
};

/** The p-th percentile (0..100) of values, nearest rank; 0 for none. */
const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

/**
 * A consumer group's time lag (age of the oldest record it has not committed, the largest
 * over the partitions) sampled once a second through the step: max, p95 and mean. settle()
 * waits until the group has caught up (offset lag 0).
 */
export const consumerLagProbe = (
  admin: Admin,
  name: string,
  groupId: string,
  topics: readonly string[],
): StepProbe => {
  let samples: number[] = [];
  const lagNow = async () => {
    const rows = await consumerGroupLag(admin, groupId, topics);
    return {
      seconds: Math.max(0, ...rows.map((row) => row.timeLagSeconds ?? 0)),
      records: rows.reduce((sum, row) => sum + row.offsetLag, 0),
    };
  };
  return {
    name,
    start: async () => {
      samples = [];
    },
    sample: async () => {
      samples.push((await lagNow()).seconds);
    },
    finish: async () => ({
      samples: samples.length,
      maxTimeLagSeconds: Math.max(0, ...samples),
      p95TimeLagSeconds: percentile(samples, 95),
      meanTimeLagSeconds: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : 0,
    }),
    settle: async (deadline) => {
      while (Date.now() < deadline) {
        const lag = await lagNow().catch(() => ({ records: 0 }));
        if (lag.records === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
  };
};
