import type { Kafka } from 'kafkajs';
import { formatTable, machineInfo, type MachineInfo } from '@qf/loadgen';
import { createInfraContext, INFRA_PREFIX, isRecordedAlive, listRecorded } from '@qf/local-infra';
import {
  cacheCoordinatorLookups,
  createKafka,
  ensureTopics,
  loopTransactions,
  retryConcurrentTransactions,
  useFastRecordEncoder,
} from '@qf/shared-kafka';
import { cpuSecondsOf } from './process-cpu';

/**
 * The Kafka transaction ceiling of this machine: bare kafkajs transactions shaped like the
 * command processor's (one record each to an events, a snapshots and a replies topic, plus
 * the consumed offset, then commit), run back to back by N transactional producers at
 * once, as N partition owners would. No gateway, no decider, no consumer: what it prints
 * bounds every write-path figure from above.
 */
export interface TxnCeilingOptions {
  /** Concurrent transactional producers per step (the processor runs one per owned partition). */
  readonly streams: readonly number[];
  readonly secondsPerStep: number;
  /** Records per output topic in each transaction (a batch of that many commands). */
  readonly recordsPerTopic: number;
  /**
   * stock: kafkajs as installed. patched: with the command processor's patches (coordinator
   * lookups cached, CONCURRENT_TRANSACTIONS asked again at the request, the fast record
   * encoder), the client the write path really runs.
   */
  readonly kafkajs?: 'stock' | 'patched';
  /** Partitions of each topic one transaction writes to (recordsPerTopic records to each): 1 is the v1 shape. */
  readonly partitionsPerTransaction?: number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_TXN_CEILING: TxnCeilingOptions = {
  streams: [1, 4, 12],
  secondsPerStep: 10,
  recordsPerTopic: 1,
  kafkajs: 'stock',
};

export interface TxnCeilingStep {
  readonly streams: number;
  /** Committed transactions. */
  readonly transactions: number;
  /** Failed ones (aborted; not in the latencies), e.g. NOT_COORDINATOR on a broker just started. */
  readonly failed: number;
  readonly seconds: number;
  readonly transactionsPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Broker CPU per transaction (null when the broker is not one started by `qf infra up`). */
  readonly brokerCpuMsPerTransaction: number | null;
  readonly clientCpuMsPerTransaction: number;
}

export interface TxnCeilingReport {
  readonly benchmark: 'kafka-transaction-ceiling';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Omit<TxnCeilingOptions, 'log'>;
  readonly steps: readonly TxnCeilingStep[];
}

const PARTITIONS = 12;

const percentile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number);

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

const brokerPid = (): number | undefined =>
  listRecorded(createInfraContext(), INFRA_PREFIX)
    .filter(isRecordedAlive)
    .find((record) => record.name.startsWith(`${INFRA_PREFIX}kafka`))?.pid;

const runStep = async (
  kafka: Kafka,
  runId: string,
  streams: number,
  options: TxnCeilingOptions,
): Promise<TxnCeilingStep> => {
  const admin = kafka.admin();
  await admin.connect();
  const prefix = `${runId}-s${streams}`;
  const [events, snapshots, replies, commands] = ['events', 'snapshots', 'replies', 'commands'].map(
    (name) => `${prefix}.${name}`,
  ) as [string, string, string, string];
  try {
    // ensureTopics waits out a broker that has leaders but does not serve them yet (seen under load).
    await ensureTopics(
      admin,
      [events, snapshots, replies, commands].map((topic) => ({ topic, numPartitions: PARTITIONS })),
    );
    const latencies: number[] = [];
    const pid = brokerPid();
    const brokerBefore = pid === undefined ? undefined : cpuSecondsOf(pid);
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    const until = started + options.secondsPerStep * 1000;
    const loops = await Promise.all(
      Array.from({ length: streams }, (_, stream) =>
        loopTransactions({
          kafka,
          transactionalId: `${prefix}-${stream}`,
          outputs: [events, snapshots, replies],
          partition: stream % PARTITIONS,
          partitions: Array.from(
            { length: Math.min(PARTITIONS, options.partitionsPerTransaction ?? 1) },
            (_, index) => (stream + index) % PARTITIONS,
          ),
          recordsPerTopic: options.recordsPerTopic,
          offsets: { groupId: `${prefix}.group`, topic: commands },
          keepGoing: () => performance.now() < until,
          onCommitted: (ms) => latencies.push(ms),
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const client = process.cpuUsage(clientBefore);
    const brokerAfter = pid === undefined ? undefined : cpuSecondsOf(pid);
    const n = Math.max(1, latencies.length);
    latencies.sort((a, b) => a - b);
    return {
      streams,
      transactions: latencies.length,
      failed: loops.reduce((sum, loop) => sum + loop.failed, 0),
      seconds: round(seconds, 2),
      transactionsPerSecond: Math.round(latencies.length / seconds),
      p50Ms: round(percentile(latencies, 0.5)),
      p95Ms: round(percentile(latencies, 0.95)),
      p99Ms: round(percentile(latencies, 0.99)),
      brokerCpuMsPerTransaction:
        brokerBefore !== undefined && brokerAfter !== undefined
          ? round(((brokerAfter - brokerBefore) * 1000) / n, 2)
          : null,
      clientCpuMsPerTransaction: round((client.user + client.system) / 1000 / n, 2),
    };
  } finally {
    await admin
      .deleteTopics({ topics: [events, snapshots, replies, commands] })
      .catch(() => undefined);
    await admin.disconnect();
  }
};

export const runTxnCeilingBench = async (options: TxnCeilingOptions): Promise<TxnCeilingReport> => {
  const say = options.log ?? (() => undefined);
  const startedAt = new Date();
  const runId = `bench-txn-${startedAt.getTime().toString(36)}`;
  if (options.kafkajs === 'patched') {
    cacheCoordinatorLookups({ ttlMs: 30_000 });
    retryConcurrentTransactions();
    useFastRecordEncoder();
  }
  // The processor's transactional retry settings: back-to-back transactions meet CONCURRENT_TRANSACTIONS.
  const kafka = createKafka(runId, {
    retry: { initialRetryTime: 10, maxRetryTime: 1000, retries: 10 },
  });
  const steps: TxnCeilingStep[] = [];
  for (const [index, streams] of options.streams.entries()) {
    say(
      `step ${index + 1}/${options.streams.length}: ${streams} transactional producer(s) for ${options.secondsPerStep} s`,
    );
    const step = await runStep(kafka, runId, streams, options);
    say(`  ${step.transactionsPerSecond} transactions/s, p95 ${step.p95Ms} ms`);
    steps.push(step);
  }
  const { log: _log, ...settings } = options;
  return {
    benchmark: 'kafka-transaction-ceiling',
    startedAt: startedAt.toISOString(),
    machine: machineInfo(),
    settings,
    steps,
  };
};

export const formatTxnCeiling = (report: TxnCeilingReport): string => {
  const { machine, settings } = report;
  return [
    formatTable(
      [
        'producers',
        'transactions',
        'failed',
        'tx/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'broker CPU ms/tx',
        'client CPU ms/tx',
      ],
      report.steps.map((step) => [
        String(step.streams),
        String(step.transactions),
        String(step.failed),
        String(step.transactionsPerSecond),
        step.p50Ms.toFixed(1),
        step.p95Ms.toFixed(1),
        step.p99Ms.toFixed(1),
        step.brokerCpuMsPerTransaction === null ? 'n/a' : step.brokerCpuMsPerTransaction.toFixed(2),
        step.clientCpuMsPerTransaction.toFixed(2),
      ]),
    ),
    '',
    `each transaction: ${settings.recordsPerTopic} record(s) of 200 B to each of ${settings.partitionsPerTransaction ?? 1} partition(s) of each of 3 topics + the consumed offsets, then commit (${PARTITIONS} partitions per topic); kafkajs ${settings.kafkajs ?? 'stock'}`,
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load ${machine.loadAverage.join(' ')}; broker, client and everything else share these cores`,
  ].join('\n');
};
