import type { ExperimentConfig } from './experiment-config.schema';

/** Time spent outside the measured steps, seconds (measured on the 2-core machine, rounded up). */
export interface RunOverheads {
  /** Start one fleet (all replicas healthy, consumers assigned, the write path deciding). */
  readonly fleetStartSeconds: number;
  readonly fleetStopSeconds: number;
  /** Players registered per second while seeding a workload's pool. */
  readonly seedRate: number;
  /** Start the run's own infrastructure. */
  readonly infraStartSeconds: number;
  /** Around each step: disk and lag measurements, drain, the cool-down. */
  readonly perStepSeconds: number;
  /** Steps a search takes from a seed (an earlier λ): bracket it, then one or two bisections. */
  readonly seededSteps: number;
  /** Replay of every view plus storage and history probes, per architecture. */
  readonly extrasSeconds: number;
}

export const DEFAULT_OVERHEADS: RunOverheads = {
  fleetStartSeconds: 15,
  fleetStopSeconds: 4,
  seedRate: 100,
  infraStartSeconds: 8,
  perStepSeconds: 5,
  seededSteps: 4,
  extrasSeconds: 25,
};

/**
 * Expected wall time of a run: the first search of each architecture takes search.maxSteps,
 * later ones start from an earlier λ and take a few; no step is assumed to need a rerun.
 */
export const estimateRunSeconds = (
  config: ExperimentConfig,
  overheads: RunOverheads = DEFAULT_OVERHEADS,
): number => {
  const { warmupSeconds, stepSeconds } = config.durations;
  const step = warmupSeconds + stepSeconds + overheads.perStepSeconds;
  const cellsPerArch = config.k.length * config.workloads.length * config.repetitions;
  const unseeded = config.axis === 'load' ? 0 : config.workloads.length;
  const stepsPerArch =
    config.axis === 'load'
      ? cellsPerArch
      : unseeded * config.search.maxSteps +
        (cellsPerArch - unseeded) * Math.min(config.search.maxSteps, overheads.seededSteps);
  const seeding =
    config.workloads.reduce((sum, workload) => sum + workload.players / overheads.seedRate, 0) /
    config.workloads.length;
  const probes = config.measure.consistencyProbes > 0 ? stepSeconds + 3 : 0;
  const perCell = overheads.fleetStartSeconds + overheads.fleetStopSeconds + seeding + probes;
  const extras =
    config.measure.replay || config.measure.storagePerChange || config.measure.historyProbes > 0
      ? overheads.extrasSeconds
      : 0;
  const infra = overheads.infraStartSeconds + config.durations.infraWarmupSeconds;
  return (
    infra + config.architectures.length * (stepsPerArch * step + cellsPerArch * perCell + extras)
  );
};
