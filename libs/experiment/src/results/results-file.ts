import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { experimentConfigSchema } from '../config/experiment-config.schema';
import { resolveExperimentConfig } from '../config/load-experiment-config';
import { priceBookSchema } from '../config/price-file';
import { ConfigFileError, describeIssues, displayPath } from '../config/yaml-file';
import type { ExperimentResults } from './experiment-results';

export const RESULTS_FILE = 'results.json';

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
  requests: z.object({ sent: count, succeeded: count, rejections: count, errors: count }),
  throughput: num,
  latencyMs: latency,
  withinSlo: z.boolean(),
  processes: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['service', 'kafka', 'database', 'redis', 'loadgen', 'other']),
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
});

const arch = z.enum(['es', 'crud']);

const resultsSchema = z.object({
  schemaVersion: z.literal(1, {
    errorMap: () => ({ message: 'expected 1 (the results format this version reads)' }),
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
  cells: z.array(
    z.object({
      arch,
      workload: z.string(),
      k: z.number().int().min(1),
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
    }),
  ),
  notes: z.array(z.string()),
});

/** Reads and validates `<dir>/results.json` (or a results file); errors name the file and the field. */
export const readResults = (dirOrFile: string): { results: ExperimentResults; file: string } => {
  const file = dirOrFile.endsWith('.json') ? dirOrFile : path.join(dirOrFile, RESULTS_FILE);
  const shown = displayPath(file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new ConfigFileError(shown, [
        `no such file (is ${displayPath(path.dirname(file))} a report directory?)`,
      ]);
    throw new ConfigFileError(shown, [
      code ? `cannot read the file (${code})` : `not valid JSON: ${(error as Error).message}`,
    ]);
  }
  const parsed = resultsSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigFileError(shown, describeIssues(parsed.error.issues, raw, resultsSchema));
  // The stored config is the resolved one: validate what it was resolved from, then resolve again.
  const { scale: _scale, pricesPath, ...stored } = parsed.data.config as Record<string, unknown>;
  const config = experimentConfigSchema.safeParse(stored);
  if (!config.success) {
    throw new ConfigFileError(
      shown,
      describeIssues(
        config.error.issues.map((issue) => ({ ...issue, path: ['config', ...issue.path] })),
        raw,
        z.object({ config: experimentConfigSchema }),
      ),
    );
  }
  const resolved = resolveExperimentConfig(config.data, parsed.data.configFile);
  const results = {
    ...parsed.data,
    config: {
      ...resolved,
      pricesPath: typeof pricesPath === 'string' ? pricesPath : resolved.pricesPath,
    },
  } as ExperimentResults;
  return { results, file };
};

/** Writes results.json (pretty, stable key order as built). */
export const writeResults = (dir: string, results: ExperimentResults): string => {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, RESULTS_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
};
