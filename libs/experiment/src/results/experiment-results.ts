import type { Architecture, ExperimentConfig } from '../config/experiment-config.schema';
import type { PriceBook } from '../config/price-file';

/** What a process is, for costing and for the report (one row per process tree). */
export type ProcessRole = 'service' | 'kafka' | 'database' | 'redis' | 'loadgen' | 'other';

/** CPU and memory of one process tree over one measured window, sampled from /proc. */
export interface ProcessUsage {
  /** e.g. `command-processor#2`, `kafka-1`, `mongo`, `redis`, `loadgen`. */
  readonly name: string;
  readonly role: ProcessRole;
  readonly pid: number;
  /** utime + stime of the process and its descendants within the window, seconds. */
  readonly cpuSeconds: number;
  readonly avgRssBytes: number;
  readonly peakRssBytes: number;
  /** Samples taken in the window. */
  readonly samples: number;
}

/** What a directory holds, for costing: the event store is priced on its own. */
export type DiskRole = 'event-store' | 'database' | 'broker' | 'cache' | 'other';

/** Bytes on disk (allocated blocks, du-like) of one directory at the end of a step. */
export interface DiskUsage {
  readonly name: string;
  readonly role: DiskRole;
  readonly path?: string;
  readonly bytes: number;
}

/** Latency percentiles of one step, milliseconds (HdrHistogram, open loop). */
export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean?: number;
}

/** Append -> visible in the read model, milliseconds. */
export interface ConsistencySummary {
  /** Raw samples (may be thinned to at most a few thousand), milliseconds. */
  readonly samples: readonly number[];
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Probes that never became visible within the probe timeout. */
  readonly timeouts: number;
}

/** Consumer-group lag at the end of a step. */
export interface ConsumerLag {
  readonly group: string;
  readonly totalLag: number;
  readonly maxPartitionLag: number;
  /** Age of the oldest unconsumed record, milliseconds, when known. */
  readonly timeLagMs?: number;
}

/** Concurrency peaks that feed the thesis variant's saturation terms. */
export interface Saturation {
  /** Peak requests in flight at the services (the thesis's Tomcat busy threads). */
  readonly inFlightPeak?: number;
  /** Peak database connections in use (the thesis's Hikari active connections). */
  readonly dbConnectionsPeak?: number;
}

/** One measured step: a constant offered arrival rate held for `durationSeconds`. */
export interface StepResult {
  readonly index: number;
  /** Offered arrival rate, requests/s. */
  readonly offeredRate: number;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly status: 'ok' | 'failed';
  /** Why the step failed (failed steps are kept, with what they measured). */
  readonly reason?: string;
  readonly requests: {
    readonly sent: number;
    /** 2xx responses. */
    readonly succeeded: number;
    /** Domain rejections (409/422): valid answers, counted apart. */
    readonly rejections: number;
    /** 5xx, timeouts and transport errors. */
    readonly errors: number;
  };
  /** λ: successful responses per second. */
  readonly throughput: number;
  readonly latencyMs: LatencySummary;
  /** Did p95 stay within T^ and the error ratio within the allowed share? */
  readonly withinSlo: boolean;
  readonly processes: readonly ProcessUsage[];
  readonly disk: readonly DiskUsage[];
  readonly timeToConsistency?: ConsistencySummary;
  readonly consumerLag?: readonly ConsumerLag[];
  readonly saturation?: Saturation;
}

/** Everything measured for one (architecture, workload, k). */
export interface CellResult {
  readonly arch: Architecture;
  readonly workload: string;
  readonly k: number;
  readonly replicas: Readonly<Record<string, number>>;
  readonly partitions: number;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly reason?: string;
  /** The search trace, in the order measured. */
  readonly steps: readonly StepResult[];
  /** Index into `steps` of the step that sets λ(k): the highest rate within the SLO. */
  readonly chosenStep?: number;
}

export interface ReplayResult {
  readonly arch: Architecture;
  /** The view rebuilt (e.g. player_details, audit_log). */
  readonly view: string;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly status: 'ok' | 'failed';
  readonly reason?: string;
}

export interface StoragePerChange {
  readonly arch: Architecture;
  /** State changes (accepted commands) stored. */
  readonly changes: number;
  /** Bytes per component, e.g. {"event log": ..., snapshots: ...} or {documents: ..., "audit log": ...}. */
  readonly bytesByComponent: Readonly<Record<string, number>>;
  readonly bytesPerChange: number;
}

export interface HistoryLatency {
  readonly arch: Architecture;
  readonly query: 'history' | 'state-at-version' | 'state-at-time';
  readonly requests: number;
  readonly latencyMs: LatencySummary;
}

export interface MachineInfo {
  readonly hostname: string;
  readonly os: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly clockTicksPerSecond: number;
}

export interface BackendInfo {
  /** kafka, database, redis. */
  readonly role: string;
  /** e.g. "Apache Kafka (KRaft)", "FerretDB", "Redis". */
  readonly name: string;
  readonly version: string;
  readonly detail?: string;
}

/** Every raw figure of one experiment run, with the settings, machine and backends. */
export interface ExperimentResults {
  readonly schemaVersion: 1;
  /** True for generated fixtures: the report says so in its first line. */
  readonly synthetic?: boolean;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** interrupted: stopped early (Ctrl-C, a fatal error); what was measured is kept. */
  readonly status: 'complete' | 'interrupted' | 'failed';
  readonly reason?: string;
  readonly configFile: string;
  readonly config: ExperimentConfig;
  readonly prices: PriceBook;
  readonly pricesFile: string;
  readonly machine: MachineInfo;
  readonly backends: readonly BackendInfo[];
  /** Versions of the measuring code: node, the load generator, this library. */
  readonly tools: Readonly<Record<string, string>>;
  readonly cells: readonly CellResult[];
  readonly replay: readonly ReplayResult[];
  readonly storagePerChange: readonly StoragePerChange[];
  readonly history: readonly HistoryLatency[];
  /** Free-text notes the runner wants in the report (warnings, skipped parts). */
  readonly notes: readonly string[];
}
