/**
 * One SYNTHETIC step: figures from simple models (USL capacity per budget, M/M/1-like p95
 * growth, CPU proportional to throughput within the budget) so charts look like a real run.
 */
import type { Architecture, ExperimentConfig } from '../config/experiment-config.schema';
import type { ProcessUsage, StepResult } from '../results/experiment-results';

const MIB = 1024 * 1024;

export interface SyntheticStepInput {
  readonly config: ExperimentConfig;
  readonly arch: Architecture;
  readonly k: number;
  readonly index: number;
  readonly offeredRate: number;
  /** λ the system holds at this k in this repetition (req/s). */
  readonly capacity: number;
  readonly budgetCores: number;
  readonly replicas: Readonly<Record<string, number>>;
  readonly random: () => number;
  readonly startedAt: string;
}

const processesOf = (
  input: SyntheticStepInput,
  throughput: number,
  sent: number,
): ProcessUsage[] => {
  const { arch, replicas, random } = input;
  const seconds = input.config.durations.stepSeconds;
  const busy = Math.min(
    input.budgetCores,
    0.15 + (throughput / input.capacity) * input.budgetCores * 0.9,
  );
  const processes: ProcessUsage[] = [];
  const services = Object.entries(replicas);
  for (const [service, count] of services)
    for (let replica = 1; replica <= count; replica += 1)
      processes.push({
        name: `${service}#${replica}`,
        role: 'service',
        pid: 10000 + processes.length,
        cpuSeconds: ((busy * 0.6) / services.length / count) * seconds * (0.9 + random() * 0.2),
        avgRssBytes: (95 + random() * 20) * MIB,
        peakRssBytes: (120 + random() * 25) * MIB,
        samples: seconds,
      });
  const infra = (
    name: string,
    role: ProcessUsage['role'],
    share: number,
    rssMiB: number,
  ): ProcessUsage => ({
    name,
    role,
    pid: 2000 + processes.length,
    cpuSeconds: busy * share * seconds,
    avgRssBytes: rssMiB * MIB,
    peakRssBytes: rssMiB * 1.08 * MIB,
    samples: seconds,
  });
  processes.push(
    infra('kafka-1', 'kafka', arch === 'es' ? 0.25 : 0.15, 610),
    infra('mongo', 'database', arch === 'es' ? 0.12 : 0.22, 380),
    infra('redis', 'redis', arch === 'es' ? 0.02 : 0.001, 12),
    infra('pm2', 'supervisor', 0.01, 60),
    { ...infra('loadgen', 'loadgen', 0, 150), cpuSeconds: sent * 0.0002 },
  );
  return processes;
};

export const syntheticStep = (input: SyntheticStepInput): StepResult => {
  const { config, arch, offeredRate, capacity, random } = input;
  const rho = offeredRate / capacity;
  const base = arch === 'es' ? 9 : 5;
  const p95 =
    rho < 0.97
      ? base / Math.max(0.03, 1 - rho * 0.97) + random() * 2
      : 400 + 800 * (rho - 0.97) + random() * 100;
  const seconds = config.durations.stepSeconds;
  const sent = Math.round(offeredRate * seconds);
  const errors = rho > 1.05 ? Math.round(sent * Math.min(0.3, (rho - 1) * 0.2)) : 0;
  const conflicts = arch === 'crud' && rho > 0.9 ? Math.round(errors / 3) : 0;
  const rejections = Math.round(sent * 0.03);
  const succeeded = Math.max(
    0,
    Math.min(sent - errors - rejections, Math.round(Math.min(offeredRate, capacity) * seconds)),
  );
  const throughput = succeeded / seconds;
  const processes = processesOf(input, throughput, sent);
  const sutCores =
    processes
      .filter((process) => process.role !== 'loadgen')
      .reduce((sum, process) => sum + process.cpuSeconds, 0) / seconds;
  const foreignCores = random() < 0.1 ? 0.15 + random() * 0.2 : random() * 0.05;
  const writes = succeeded * 0.55;
  return {
    index: input.index,
    offeredRate,
    startedAt: input.startedAt,
    durationSeconds: seconds,
    status: 'ok',
    requests: { sent, succeeded, rejections, errors, conflicts },
    throughput,
    latencyMs: { p50: p95 * 0.35, p95, p99: p95 * 1.8, max: p95 * 3.2, mean: p95 * 0.45 },
    withinSlo:
      p95 <= config.slo.latencyMs && errors / Math.max(1, sent) <= config.slo.maxErrorRatio,
    processes,
    disk: [
      {
        name: `kafka: ${arch === 'es' ? 'player.events' : 'crud.audit'}`,
        role: arch === 'es' ? 'event-store' : 'broker',
        bytes: (40 + writes * 0.00035) * MIB,
      },
      { name: 'mongo data', role: 'database', bytes: (64 + writes * 0.0002) * MIB },
    ],
    storageGrowth:
      arch === 'es'
        ? { 'event-store': writes * 350, database: writes * 150, broker: writes * 80 }
        : { database: writes * 420, broker: writes * 120 },
    consumerLag: [
      {
        group: arch === 'es' ? 'projector' : 'audit-consumer',
        totalLag: Math.round(Math.max(0, rho - 0.8) * 400),
        maxPartitionLag: Math.round(Math.max(0, rho - 0.8) * 120),
      },
    ],
    saturation: {
      inFlightPeak: Math.round(offeredRate * (p95 / 1000) * 1.5),
      dbConnectionsPeak: Math.min(10 * input.k, 2 + Math.round(rho * 6 * input.k)),
    },
    budget: {
      limitCores: input.budgetCores,
      seconds,
      usageSeconds: sutCores * seconds,
      coresUsed: sutCores,
      periods: seconds * 100,
      throttledPeriods: Math.round(seconds * 100 * Math.min(1, Math.max(0, rho - 0.6))),
      throttledShare: Math.min(1, Math.max(0, rho - 0.6)),
      throttledSeconds: Math.max(0, rho - 0.6) * seconds * 0.2,
    },
    machineCpu: {
      busyCores: sutCores + 0.2 + foreignCores,
      sutCores,
      loadgenCores: 0.2,
      foreignCores,
    },
    polluted: foreignCores > config.pollution.maxForeignCores,
    cooldown: { seconds: 1 + rho * 3, settled: true, sutCores: 0.12, lag: 0 },
    latencyByOperation: {
      move: { p50: p95 * 0.4, p95: p95 * 1.1, p99: p95 * 1.9, max: p95 * 3 },
      'get-player': { p50: p95 * 0.2, p95: p95 * 0.6, p99: p95 * 1.2, max: p95 * 2 },
    },
  };
};

/** A time-to-consistency summary drawn from a log-normal-ish spread around `base` ms. */
export const syntheticConsistency = (base: number, random: () => number) => {
  const samples = Array.from({ length: 120 }, () => base * Math.exp((random() - 0.5) * 1.6));
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return {
    samples,
    count: samples.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    timeouts: 0,
  };
};
