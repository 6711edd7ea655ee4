/**
 * SYNTHETIC experiment results for tests and for checking how reports render. The figures follow
 * simple models (USL capacity, M/M/1-like p95 growth, proportional CPU) so the charts look like
 * a real run; they are marked `synthetic: true` and the report says so in its first lines.
 * Never ship their output as a measured report.
 */
import {
  experimentConfigSchema,
  type Architecture,
  type ExperimentConfig,
  type ExperimentConfigInput,
} from '../config/experiment-config.schema';
import { resolveExperimentConfig } from '../config/load-experiment-config';
import type { PriceBook } from '../config/price-file';
import type {
  CellResult,
  ExperimentResults,
  ProcessUsage,
  ReplayResult,
  StepResult,
  StoragePerChange,
} from '../results/experiment-results';
import { RateSearch } from '../search/rate-search';
import { uslThroughput, type UslParams } from '../usl/usl-fit';

export interface SyntheticOptions {
  /** Overrides of the config (default: both architectures, k = 1, 2, 4, resources axis, one mix). */
  readonly config?: Partial<ExperimentConfigInput>;
  /** Capacity model per architecture (default ES: λ1 180, σ 0.12, κ 0.02; CRUD: λ1 260, σ 0.25, κ 0.04). */
  readonly capacity?: Partial<Record<Architecture, UslParams>>;
  /** Mark one step of the last cell as failed, to show how failures render (default true). */
  readonly withFailure?: boolean;
  readonly seed?: number;
}

export const SYNTHETIC_PRICES: PriceBook = {
  currency: 'USD',
  vcpuHour: 0.031611,
  memoryGiBHour: 0.004237,
  storageGiBMonth: 0.17,
  eventStoreGiBMonth: 0.1,
  opsInstanceHour: 0.005,
  hoursPerMonth: 730,
  sources: [
    {
      item: 'all',
      source: 'synthetic',
      note: 'the defaults of config/prices.yaml, copied for the fixture',
    },
  ],
};

/** Deterministic PRNG (mulberry32) so fixtures are stable across runs. */
const prng = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const MIB = 1024 * 1024;

export const syntheticConfig = (overrides: Partial<ExperimentConfigInput> = {}): ExperimentConfig =>
  resolveExperimentConfig(
    experimentConfigSchema.parse({
      name: 'synthetic',
      description: 'SYNTHETIC fixture for report rendering',
      architectures: ['es', 'crud'],
      axis: 'resources',
      k: [1, 2, 4],
      workloads: [
        {
          name: 'mixed',
          operations: {
            register: 1,
            move: 3,
            'pick-up': 2,
            drop: 1,
            'take-damage': 2,
            heal: 1,
            'gain-experience': 2,
            'get-player': 6,
            'get-room': 1,
            leaderboard: 1,
          },
          players: 1000,
        },
      ],
      search: { startRate: 50, maxRate: 3200, growthFactor: 2, bisectionSteps: 2, maxSteps: 8 },
      ...overrides,
    }),
    'experiments/synthetic.yaml',
  );

/** Builds a full, realistic-looking ExperimentResults with `synthetic: true`. */
export const syntheticResults = (options: SyntheticOptions = {}): ExperimentResults => {
  const config = syntheticConfig(options.config);
  const random = prng(options.seed ?? 42);
  const capacity: Record<Architecture, UslParams> = {
    es: { lambda1: 180, sigma: 0.12, kappa: 0.02 },
    crud: { lambda1: 260, sigma: 0.25, kappa: 0.04 },
    ...options.capacity,
  };
  const start = Date.parse('2025-01-01T12:00:00Z');
  let clock = start;

  const step = (
    arch: Architecture,
    k: number,
    index: number,
    offeredRate: number,
    replicas: Record<string, number>,
  ): StepResult => {
    const capacityAtK = uslThroughput(capacity[arch], k);
    const rho = offeredRate / capacityAtK;
    const base = arch === 'es' ? 9 : 5;
    const p95 =
      rho < 0.97 ? base / (1 - rho) + random() * 2 : 400 + 800 * (rho - 0.97) + random() * 100;
    const served = Math.min(offeredRate, capacityAtK * (rho < 1 ? 1 : 0.98));
    const durationSeconds = config.durations.stepSeconds;
    const sent = Math.round(offeredRate * durationSeconds);
    const errors = rho > 1.05 ? Math.round(sent * Math.min(0.3, (rho - 1) * 0.2)) : 0;
    const rejections = Math.round(sent * 0.03);
    const succeeded = Math.max(
      0,
      Math.min(sent - errors - rejections, Math.round(served * durationSeconds)),
    );
    const throughput = succeeded / durationSeconds;
    const withinSlo =
      p95 <= config.slo.latencyMs && errors / Math.max(1, sent) <= config.slo.maxErrorRatio;
    const cpuPerRequest = arch === 'es' ? 0.0022 : 0.0016;
    const processes: ProcessUsage[] = [];
    const serviceCpu = throughput * durationSeconds * cpuPerRequest;
    const serviceNames = Object.entries(replicas);
    for (const [service, count] of serviceNames) {
      for (let replica = 1; replica <= count; replica += 1) {
        const share = serviceCpu / serviceNames.length / count;
        processes.push({
          name: `${service}#${replica}`,
          role: 'service',
          pid: 10000 + processes.length,
          cpuSeconds: share * (0.9 + random() * 0.2),
          avgRssBytes: (95 + random() * 20) * MIB,
          peakRssBytes: (120 + random() * 25) * MIB,
          samples: durationSeconds,
        });
      }
    }
    processes.push(
      {
        name: 'kafka-1',
        role: 'kafka',
        pid: 2001,
        cpuSeconds: throughput * durationSeconds * (arch === 'es' ? 0.0008 : 0.0003),
        avgRssBytes: 610 * MIB,
        peakRssBytes: 660 * MIB,
        samples: durationSeconds,
      },
      {
        name: 'mongo',
        role: 'database',
        pid: 2002,
        cpuSeconds: throughput * durationSeconds * (arch === 'es' ? 0.0005 : 0.0009),
        avgRssBytes: 380 * MIB,
        peakRssBytes: 410 * MIB,
        samples: durationSeconds,
      },
      {
        name: 'redis',
        role: 'redis',
        pid: 2003,
        cpuSeconds: throughput * durationSeconds * (arch === 'es' ? 0.0001 : 0.00002),
        avgRssBytes: 12 * MIB,
        peakRssBytes: 14 * MIB,
        samples: durationSeconds,
      },
      {
        name: 'loadgen',
        role: 'loadgen',
        pid: 2004,
        cpuSeconds: sent * 0.0002,
        avgRssBytes: 150 * MIB,
        peakRssBytes: 170 * MIB,
        samples: durationSeconds,
      },
    );
    const writes = succeeded * 0.55;
    const ttcBase =
      arch === 'es' ? 18 + 40 * Math.max(0, rho - 0.5) : 35 + 20 * Math.max(0, rho - 0.5);
    const samples = Array.from({ length: 150 }, () => ttcBase * Math.exp((random() - 0.5) * 1.6));
    const sortedTtc = [...samples].sort((a, b) => a - b);
    const at = (q: number) =>
      sortedTtc[Math.min(sortedTtc.length - 1, Math.floor(q * sortedTtc.length))]!;
    clock +=
      (config.durations.warmupSeconds + durationSeconds + config.durations.cooldownSeconds) * 1000;
    return {
      index,
      offeredRate,
      startedAt: new Date(clock).toISOString(),
      durationSeconds,
      status: 'ok',
      requests: { sent, succeeded, rejections, errors },
      throughput,
      latencyMs: { p50: p95 * 0.35, p95, p99: p95 * 1.8, max: p95 * 3.2, mean: p95 * 0.45 },
      withinSlo,
      processes,
      disk:
        arch === 'es'
          ? [
              {
                name: 'kafka: player.events',
                role: 'event-store',
                bytes: (40 + writes * 0.00035 * index) * MIB,
              },
              {
                name: 'kafka: other topics',
                role: 'broker',
                bytes: (18 + writes * 0.0002 * index) * MIB,
              },
              {
                name: 'mongo data',
                role: 'database',
                bytes: (64 + writes * 0.00012 * index) * MIB,
              },
            ]
          : [
              {
                name: 'kafka: crud.audit',
                role: 'broker',
                bytes: (12 + writes * 0.0002 * index) * MIB,
              },
              { name: 'mongo data', role: 'database', bytes: (70 + writes * 0.0003 * index) * MIB },
            ],
      timeToConsistency: {
        samples,
        count: samples.length,
        p50: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
        timeouts: rho > 1 ? 3 : 0,
      },
      consumerLag: [
        {
          group: arch === 'es' ? 'projector' : 'audit-consumer',
          totalLag: Math.round(Math.max(0, rho - 0.8) * 400),
          maxPartitionLag: Math.round(Math.max(0, rho - 0.8) * 120),
        },
      ],
      saturation: {
        inFlightPeak: Math.round(offeredRate * (p95 / 1000) * 1.5),
        dbConnectionsPeak: Math.min(10 * k, 2 + Math.round(rho * 6 * k)),
      },
    };
  };

  const cells: CellResult[] = [];
  for (const arch of config.architectures) {
    for (const scale of config.scale) {
      for (const workload of config.workloads) {
        const replicas = { ...scale.replicas[arch] };
        const steps: StepResult[] = [];
        if (config.axis === 'load') {
          steps.push(step(arch, scale.k, 0, scale.offeredRate ?? 100, replicas));
        } else {
          const search = new RateSearch(config.search);
          for (let rate = search.next(); rate !== undefined; rate = search.next()) {
            const measured = step(arch, scale.k, steps.length, rate, replicas);
            steps.push(measured);
            search.record(rate, measured.withinSlo);
          }
        }
        cells.push({
          arch,
          workload: workload.name,
          k: scale.k,
          repetition: 1,
          position: cells.length,
          replicas,
          partitions: config.partitions,
          status: 'ok',
          steps,
        });
      }
    }
  }

  if (options.withFailure !== false && cells.length > 0) {
    const last = cells[cells.length - 1]!;
    const failedIndex = last.steps.length;
    const failedStep: StepResult = {
      ...last.steps[last.steps.length - 1]!,
      index: failedIndex,
      status: 'failed',
      reason: 'synthetic failure: load generator lost its connection (ECONNRESET) after 4.2 s',
      withinSlo: false,
    };
    cells[cells.length - 1] = { ...last, steps: [...last.steps, failedStep] };
  }

  const changes = 24000;
  return {
    schemaVersion: 2,
    synthetic: true,
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(clock + 60_000).toISOString(),
    status: 'complete',
    configFile: 'experiments/synthetic.yaml',
    config,
    prices: SYNTHETIC_PRICES,
    pricesFile: 'config/prices.yaml',
    machine: {
      hostname: 'synthetic-host',
      os: 'Linux 6.1.0 (x64)',
      cpuModel: 'Synthetic CPU @ 2.20GHz',
      cores: 2,
      memoryBytes: 8 * 1024 * MIB,
      node: process.version,
      clockTicksPerSecond: 100,
    },
    backends: [
      { role: 'kafka', name: 'Apache Kafka (KRaft)', version: '3.9.1', detail: 'synthetic' },
      { role: 'database', name: 'MongoDB-wire server', version: 'synthetic' },
      { role: 'redis', name: 'Redis', version: '7.0.15' },
    ],
    tools: { '@qf/experiment': 'synthetic fixture' },
    cells,
    replay: config.architectures.flatMap((arch): ReplayResult[] =>
      arch === 'es'
        ? [
            {
              arch,
              view: 'player_details',
              events: 48000,
              seconds: 21.5,
              eventsPerSecond: 48000 / 21.5,
              status: 'ok' as const,
            },
            {
              arch,
              view: 'room_occupancy',
              events: 48000,
              seconds: 26.1,
              eventsPerSecond: 48000 / 26.1,
              status: 'ok' as const,
            },
            {
              arch,
              view: 'leaderboard',
              events: 48000,
              seconds: 17.9,
              eventsPerSecond: 48000 / 17.9,
              status: 'ok' as const,
            },
          ]
        : [
            {
              arch,
              view: 'audit_log',
              events: 24000,
              seconds: 9.4,
              eventsPerSecond: 24000 / 9.4,
              status: 'ok' as const,
            },
          ],
    ),
    storagePerChange: config.architectures.map((arch): StoragePerChange =>
      arch === 'es'
        ? {
            arch,
            changes,
            bytesByComponent: {
              'event log': 9.6 * MIB,
              snapshots: 1.9 * MIB,
              'read models': 3.1 * MIB,
            },
            bytesPerChange: (14.6 * MIB) / changes,
          }
        : {
            arch,
            changes,
            bytesByComponent: {
              documents: 1.2 * MIB,
              'audit log': 7.7 * MIB,
              'audit topic': 3.4 * MIB,
            },
            bytesPerChange: (12.3 * MIB) / changes,
          },
    ),
    history: config.architectures.flatMap((arch) =>
      (['history', 'state-at-version', 'state-at-time'] as const).map((query) => {
        const base = arch === 'es' ? (query === 'history' ? 6 : 9) : query === 'history' ? 4 : 7;
        return {
          arch,
          query,
          requests: 200,
          latencyMs: { p50: base, p95: base * 2.6, p99: base * 4.1, max: base * 7 },
        };
      }),
    ),
    notes: ['SYNTHETIC fixture: generated by libs/experiment/src/testing/synthetic-results.ts.'],
  };
};
