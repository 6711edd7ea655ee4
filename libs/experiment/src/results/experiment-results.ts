import type { BudgetWindow } from '../budget/budget-arithmetic';
import type { Architecture, ExperimentConfig } from '../config/experiment-config.schema';
import type { PriceBook } from '../config/price-file';
import type { SearchSeed } from '../search/rate-search';

/** What a process is, for costing and for the report (one row per process tree). */
export type ProcessRole =
  'service' | 'kafka' | 'database' | 'redis' | 'supervisor' | 'loadgen' | 'other';

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
export interface StepLatency {
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

/** The CPU budget over a step's window: the cap, what the group used and how often it was throttled. */
export interface StepBudget extends BudgetWindow {
  /** The cap in force, cores (k × unit). */
  readonly limitCores: number;
}

/** Where the machine's CPU went during a step's window, cores (all cores summed). */
export interface MachineCpu {
  /** Everything but idle and iowait (/proc/stat). */
  readonly busyCores: number;
  /** The system under test (its budget group; else the sampled processes). */
  readonly sutCores: number;
  /** The experiment process: load generator, sampler, probes. */
  readonly loadgenCores: number;
  /** The rest: other jobs on the machine and the kernel's own work. */
  readonly foreignCores: number;
}

/** The wait after a step until consumer lag was 0 and the system idle. */
export interface Cooldown {
  readonly seconds: number;
  /** False when the wait hit durations.maxCooldownSeconds first. */
  readonly settled: boolean;
  /** System cores and total lag when the wait ended. */
  readonly sutCores?: number;
  readonly lag?: number;
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
    /** 5xx, timeouts, transport errors and OCC exhaustion (409 PLAYER.VERSION_CONFLICT). */
    readonly errors: number;
    /** Of the errors: CRUD commands that lost every optimistic-concurrency retry. */
    readonly conflicts?: number;
  };
  /** λ: successful responses per second. */
  readonly throughput: number;
  readonly latencyMs: StepLatency;
  /** Did p95 stay within T^ and the error ratio within the allowed share? */
  readonly withinSlo: boolean;
  readonly processes: readonly ProcessUsage[];
  readonly disk: readonly DiskUsage[];
  readonly timeToConsistency?: ConsistencySummary;
  readonly consumerLag?: readonly ConsumerLag[];
  readonly saturation?: Saturation;
  readonly budget?: StepBudget;
  readonly machineCpu?: MachineCpu;
  /** Other work took more than pollution.maxForeignCores during the step. */
  readonly polluted?: boolean;
  /** Measured again at the same rate because it was polluted: the search used the rerun. */
  readonly superseded?: boolean;
  readonly cooldown?: Cooldown;
  /** Bytes on disk added during the step, by role (event store, database …). */
  readonly storageGrowth?: Readonly<Partial<Record<DiskRole, number>>>;
  /** Latency per operation (each command and query type), milliseconds. */
  readonly latencyByOperation?: Readonly<Record<string, StepLatency>>;
  /** Answers per operation and status. */
  readonly operations?: Readonly<
    Record<string, { readonly count: number; readonly statuses: Readonly<Record<string, number>> }>
  >;
}

/** How a cell's rate search went: the seed, the bracket and why it stopped. */
export interface SearchSummary {
  readonly seed?: SearchSeed;
  /** Highest offered rate that held the SLO. */
  readonly low?: number;
  /** Lowest offered rate that did not. */
  readonly high?: number;
  /** The bracket reached the configured resolution. */
  readonly converged: boolean;
  readonly stopReason?: string;
  /** Steps the search decided on (reruns of polluted steps not counted). */
  readonly steps: number;
  readonly reruns: number;
}

/** Everything measured for one repetition of one (architecture, workload, k). */
export interface CellResult {
  readonly arch: Architecture;
  readonly workload: string;
  readonly k: number;
  /** 1-based repetition of this (architecture, workload, k). */
  readonly repetition: number;
  /** 0-based position in the run's (randomized) order. */
  readonly position: number;
  /** The system under test's CPU budget, cores; absent when it ran without one. */
  readonly budgetCores?: number;
  /** Processors its JVMs were told. */
  readonly jvmProcessors?: number;
  readonly search?: SearchSummary;
  /** Seconds from "start the fleet" to every replica healthy. */
  readonly fleetStartSeconds?: number;
  /** The system's CPU with nothing offered (polling consumers, the supervisor), cores. */
  readonly idleCores?: number;
  /** Time to consistency, probed under load at `offeredRate` (measure.consistencyRate, else λ). */
  readonly consistency?: {
    readonly offeredRate: number;
    readonly summary: ConsistencySummary;
    /** Probes whose write failed. */
    readonly errors: number;
  };
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

/** One history size of the data-volume curves: the log and each rebuild of every view. */
export interface DataVolumePoint {
  readonly events: number;
  readonly bytesPerEvent: number;
  readonly fillSeconds: number;
  /** One bare kafkajs consumer reading the whole log: what a projector could at most reach. */
  readonly ceilingEventsPerSecond: number;
  readonly rebuilds: readonly {
    readonly projectors: number;
    readonly seconds: number;
    readonly eventsPerSecond: number;
    readonly status: string;
  }[];
  /**
   * Restoring every player's state as a command processor taking over all partitions
   * would: from the event log (snapshots off) and from the snapshot topic (snapshots on).
   */
  readonly restore?: {
    readonly players: number;
    readonly fromEvents: { readonly records: number; readonly seconds: number };
    readonly fromSnapshots: {
      readonly records: number;
      readonly seconds: number;
      readonly bytesPerPlayer: number;
    };
  };
}

export interface HistoryLatency {
  readonly arch: Architecture;
  readonly query: 'history' | 'state-at-version' | 'state-at-time';
  readonly requests: number;
  readonly latencyMs: StepLatency;
  /** The workload's arrival rate offered while the probes ran; absent: probed with no other load. */
  readonly offeredRate?: number;
  /** p95 per group of the probed players, grouped by their number of events (shortest first). */
  readonly byLength?: readonly {
    readonly meanEvents: number;
    readonly maxEvents: number;
    readonly requests: number;
    readonly p95: number;
  }[];
}

export interface RunMachineInfo {
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

/** The CPU budget of the run, or why there was none. */
export type BudgetInfo =
  | {
      readonly applied: true;
      /** e.g. "cgroup v1 cpu (cpu.cfs_quota_us) under /sys/fs/cgroup/cpu". */
      readonly mechanism: string;
      readonly unitCores: number;
      readonly periodUs: number;
      /** What runs inside the budget. */
      readonly members: readonly string[];
    }
  | { readonly applied: false; readonly reason: string };

/** The experiment's own infrastructure: ports and each start (with its JVM processor count). */
export interface SutInfo {
  readonly ports: Readonly<Record<string, number>>;
  readonly starts: readonly {
    readonly at: string;
    readonly seconds: number;
    readonly processors: number;
    readonly warmupSeconds: number;
  }[];
}

/** Every raw figure of one experiment run, with the settings, machine and backends. */
export interface ExperimentResults {
  readonly schemaVersion: 2;
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
  readonly machine: RunMachineInfo;
  readonly backends: readonly BackendInfo[];
  /** Versions of the measuring code: node, the load generator, this library. */
  readonly tools: Readonly<Record<string, string>>;
  readonly budget?: BudgetInfo;
  readonly sut?: SutInfo;
  /** Seed of the randomized order (recorded so the order can be reproduced). */
  readonly orderSeed?: number;
  /** Cells in the order measured. */
  readonly cells: readonly CellResult[];
  readonly replay: readonly ReplayResult[];
  readonly storagePerChange: readonly StoragePerChange[];
  readonly history: readonly HistoryLatency[];
  /** The data-volume curves, when the config asks for them. */
  readonly dataVolume?: readonly DataVolumePoint[];
  /** Free-text notes the runner wants in the report (warnings, skipped parts). */
  readonly notes: readonly string[];
}
