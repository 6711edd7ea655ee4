import { z } from 'zod';
import { priceBookSchema } from '../config/price-file';

// The shape of results.json, version 2 (results-file.ts upgrades version 1 before checking).
// Every field the runner writes is declared: zod drops what it does not know.

const count = z.number().int().min(0);
const num = z.number().finite();
const latency = z.object({ p50: num, p95: num, p99: num, max: num, mean: num.optional() });

const stepSchema = z.object({
  index: count,
  offeredRate: num,
  startedAt: z.string(),
  durationSeconds: num.positive(),
  status: z.enum(['ok', 'failed']),
  reason: z.string().optional(),
  requests: z.object({
    sent: count,
    succeeded: count,
    rejections: count,
    errors: count,
    conflicts: count.optional(),
  }),
  throughput: num,
  latencyMs: latency,
  withinSlo: z.boolean(),
  processes: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['service', 'kafka', 'database', 'redis', 'supervisor', 'loadgen', 'other']),
      pid: z.number().int(),
      cpuSeconds: num,
      avgRssBytes: num,
      peakRssBytes: num,
      samples: count,
    }),
  ),
  disk: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['event-store', 'database', 'broker', 'cache', 'other']),
      path: z.string().optional(),
      bytes: num,
    }),
  ),
  timeToConsistency: z
    .object({ samples: z.array(num), count, p50: num, p95: num, p99: num, timeouts: count })
    .optional(),
  consumerLag: z
    .array(
      z.object({
        group: z.string(),
        totalLag: num,
        maxPartitionLag: num,
        timeLagMs: num.optional(),
      }),
    )
    .optional(),
  saturation: z
    .object({ inFlightPeak: num.optional(), dbConnectionsPeak: num.optional() })
    .optional(),
  budget: z
    .object({
      limitCores: num,
      seconds: num,
      usageSeconds: num,
      coresUsed: num,
      periods: num,
      throttledPeriods: num,
      throttledShare: num,
      throttledSeconds: num,
    })
    .optional(),
  machineCpu: z
    .object({ busyCores: num, sutCores: num, loadgenCores: num, foreignCores: num })
    .optional(),
  polluted: z.boolean().optional(),
  superseded: z.boolean().optional(),
  cooldown: z
    .object({ seconds: num, settled: z.boolean(), sutCores: num.optional(), lag: num.optional() })
    .optional(),
  storageGrowth: z.record(num).optional(),
  latencyByOperation: z.record(latency).optional(),
  operations: z.record(z.object({ count, statuses: z.record(count) })).optional(),
});

const searchSummary = z.object({
  seed: z.object({ rate: num, source: z.string() }).optional(),
  low: num.optional(),
  high: num.optional(),
  converged: z.boolean(),
  stopReason: z.string().optional(),
  steps: count,
  reruns: count,
});

const budgetInfo = z.union([
  z.object({
    applied: z.literal(true),
    mechanism: z.string(),
    unitCores: num,
    periodUs: num,
    members: z.array(z.string()),
  }),
  z.object({ applied: z.literal(false), reason: z.string() }),
]);

const arch = z.enum(['es', 'crud']);

export const resultsSchema = z.object({
  schemaVersion: z.literal(2, {
    errorMap: () => ({
      message: 'expected 2 (the results format this version reads; 1 is upgraded)',
    }),
  }),
  synthetic: z.boolean().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(['complete', 'interrupted', 'failed']),
  reason: z.string().optional(),
  configFile: z.string(),
  config: z.record(z.unknown()),
  prices: priceBookSchema,
  pricesFile: z.string(),
  machine: z.object({
    hostname: z.string(),
    os: z.string(),
    cpuModel: z.string(),
    cores: count,
    memoryBytes: num,
    node: z.string(),
    clockTicksPerSecond: num,
  }),
  backends: z.array(
    z.object({
      role: z.string(),
      name: z.string(),
      version: z.string(),
      detail: z.string().optional(),
    }),
  ),
  tools: z.record(z.string()),
  budget: budgetInfo.optional(),
  sut: z
    .object({
      ports: z.record(count),
      starts: z.array(
        z.object({ at: z.string(), seconds: num, processors: count, warmupSeconds: num }),
      ),
    })
    .optional(),
  orderSeed: count.optional(),
  cells: z.array(
    z.object({
      arch,
      workload: z.string(),
      k: z.number().int().min(1),
      repetition: z.number().int().min(1),
      position: count,
      budgetCores: num.optional(),
      jvmProcessors: count.optional(),
      search: searchSummary.optional(),
      fleetStartSeconds: num.optional(),
      idleCores: num.optional(),
      consistency: z
        .object({
          offeredRate: num,
          summary: z.object({
            samples: z.array(num),
            count,
            p50: num,
            p95: num,
            p99: num,
            timeouts: count,
          }),
          errors: count,
        })
        .optional(),
      replicas: z.record(count),
      partitions: count,
      status: z.enum(['ok', 'failed', 'skipped']),
      reason: z.string().optional(),
      steps: z.array(stepSchema),
      chosenStep: count.optional(),
    }),
  ),
  replay: z.array(
    z.object({
      arch,
      view: z.string(),
      events: count,
      seconds: num,
      eventsPerSecond: num,
      status: z.enum(['ok', 'failed']),
      reason: z.string().optional(),
    }),
  ),
  storagePerChange: z.array(
    z.object({ arch, changes: count, bytesByComponent: z.record(num), bytesPerChange: num }),
  ),
  history: z.array(
    z.object({
      arch,
      query: z.enum(['history', 'state-at-version', 'state-at-time']),
      requests: count,
      latencyMs: latency,
      offeredRate: num.optional(),
      byLength: z
        .array(z.object({ meanEvents: num, maxEvents: num, requests: count, p95: num }))
        .optional(),
    }),
  ),
  dataVolume: z
    .array(
      z.object({
        events: count,
        bytesPerEvent: num,
        fillSeconds: num,
        ceilingEventsPerSecond: num,
        rebuilds: z.array(
          z.object({ projectors: count, seconds: num, eventsPerSecond: num, status: z.string() }),
        ),
        restore: z
          .object({
            players: count,
            fromEvents: z.object({ records: count, seconds: num }),
            fromSnapshots: z.object({ records: count, seconds: num, bytesPerPlayer: num }),
          })
          .optional(),
      }),
    )
    .optional(),
  notes: z.array(z.string()),
});
