import type { ExperimentConfig } from './experiment-config.schema';

/** Time spent outside the measured steps, seconds (measured on the 2-core machine, rounded up). */
export interface RunOverheads {
  /** Start one fleet (all replicas healthy, consumers assigned). */
  readonly fleetStartSeconds: number;
  readonly fleetStopSeconds: number;
  /** Players registered per second while seeding a workload's pool. */
  readonly seedRate: number;
  /** Replay of every view plus storage and history probes, per architecture. */
  readonly extrasSeconds: number;
}

export const DEFAULT_OVERHEADS: RunOverheads = {
  fleetStartSeconds: 30,
  fleetStopSeconds: 5,
  seedRate: 500,
  extrasSeconds: 25,
};

/** Upper bound of a run's wall time: every search uses all its steps. */
export const estimateRunSeconds = (
  config: ExperimentConfig,
  overheads: RunOverheads = DEFAULT_OVERHEADS,
): number => {
  const stepSeconds =
    config.durations.warmupSeconds +
    config.durations.stepSeconds +
    config.durations.cooldownSeconds;
  const stepsPerCell = config.axis === 'load' ? 1 : config.search.maxSteps;
  const seeding = config.workloads.reduce(
    (sum, workload) => sum + workload.players / overheads.seedRate,
    0,
  );
  const perFleet =
    overheads.fleetStartSeconds +
    overheads.fleetStopSeconds +
    seeding +
    config.workloads.length * stepsPerCell * stepSeconds;
  const fleets = config.architectures.length * config.k.length;
  const extras =
    config.measure.replay || config.measure.storagePerChange || config.measure.historyProbes > 0
      ? overheads.extrasSeconds
      : 0;
  return (
    config.durations.infraWarmupSeconds + fleets * perFleet + config.architectures.length * extras
  );
};
