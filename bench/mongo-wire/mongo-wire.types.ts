import type { Document } from 'mongodb';

export interface MongoWireBenchOptions {
  /** mongodb:// connection string of the server under test. */
  url: string;
  /** Free text naming the server/backend (goes into the result and the database name). */
  label: string;
  /** Documents seeded for the read benchmarks and the key space of the write benchmarks (default 10 000). */
  docs?: number;
  /** Measured seconds per throughput operation (default 5). */
  seconds?: number;
  /** Requests in flight per throughput operation (default 8). */
  concurrency?: number;
  /** Upserts per bulkWrite (default 500). */
  bulkSize?: number;
  /** Skip the throughput part (compatibility matrix only). */
  compatibilityOnly?: boolean;
  /** An operation without an answer for this long marks the server as hung (default 30 000 ms). */
  opTimeoutMs?: number;
}

export type CheckStatus = 'pass' | 'fail' | 'info';

export interface CompatibilityCheck {
  readonly id: string;
  /** `required`: the project relies on it; `extra`: nice to know; `avoid`: the project must not use it. */
  readonly kind: 'required' | 'extra' | 'avoid';
  readonly status: CheckStatus;
  /** What happened, in words (what real MongoDB does is the expectation). */
  readonly detail: string;
  /** The error the server answered, when there was one. */
  readonly error?: string;
}

export interface ThroughputResult {
  readonly id: string;
  readonly description: string;
  readonly operations: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  /** For bulkWrite: documents written per second (operations x bulkSize). */
  readonly docsPerSecond?: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
  };
  readonly errors: number;
  /** Guarded upserts answered with E11000 (a newer version is stored): expected under concurrency, not errors. */
  readonly skipped?: number;
  readonly concurrency: number;
  /** True when an operation got no answer within opTimeoutMs: the measurement stopped there. */
  readonly hung?: boolean;
  /** True when the operation was not measured because an earlier one hung the server. */
  readonly notMeasured?: boolean;
  readonly firstError?: string;
}

export interface MongoWireBenchResult {
  readonly label: string;
  readonly url: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly totalMemoryGiB: number;
    readonly loadAverage: number[];
    readonly platform: string;
    readonly node: string;
    readonly mongodbDriver: string;
  };
  readonly server: {
    readonly name: string;
    readonly version: string;
    readonly maxWireVersion?: number;
    readonly buildInfo: Document;
  };
  readonly settings: {
    readonly database: string;
    readonly docs: number;
    readonly seconds: number;
    readonly concurrency: number;
    readonly bulkSize: number;
    readonly warmupSeconds: number;
    readonly writeConcern: string;
    readonly opTimeoutMs: number;
  };
  readonly compatibility: CompatibilityCheck[];
  readonly compatibilitySummary: {
    readonly requiredPassed: number;
    readonly requiredTotal: number;
  };
  readonly throughput: ThroughputResult[];
}
