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
  /** The unmeasured pilot of one architecture: fleet up, a ramp of a few short rates, down. */
  readonly pilotSeconds: number;
}

/** Measured in a quick run on the 2-core machine (2026-12-05): per cell and per step, rounded up. */
export const DEFAULT_OVERHEADS: RunOverheads = {
  // start, wait for a decided command, lag 0, 2 s of idle baseline
  fleetStartSeconds: 10,
  fleetStopSeconds: 5,
  seedRate: 50,
  infraStartSeconds: 5,
  // drain, disk and lag readings, the cool-down
  perStepSeconds: 2.5,
  // a seeded search: about three steps, and a rerun now and then
  seededSteps: 4,
  extrasSeconds: 15,
  pilotSeconds: 45,
};

/**
 * Expected wall time of a run: with the pilot every search starts from a seed and takes a few
 * steps (without it, each architecture's first takes search.maxSteps); the pilots; no step is
 * assumed to need a rerun.
 */
export const estimateRunSeconds = (
  config: ExperimentConfig,
  overheads: RunOverheads = DEFAULT_OVERHEADS,
): number => {
  const { warmupSeconds, stepSeconds } = config.durations;
  const step = warmupSeconds + stepSeconds + overheads.perStepSeconds;
  const cellsPerArch = config.k.length * config.workloads.length * config.repetitions;
  // With the pilot every search starts from a seed near λ; without it, each architecture's first does not.
  const unseeded =
    (config.axis === 'load' && !config.loadFractions) || config.pilot ? 0 : config.workloads.length;
  const searched = config.axis === 'resources' || config.loadFractions !== undefined;
  const stepsPerArch = !searched
    ? cellsPerArch
    : unseeded * config.search.maxSteps +
      (cellsPerArch - unseeded) * Math.min(config.search.maxSteps, overheads.seededSteps) +
      (config.loadFractions ? cellsPerArch : 0);
  const seeding =
    config.workloads.reduce((sum, workload) => sum + workload.players / overheads.seedRate, 0) /
    config.workloads.length;
  const probes = config.measure.consistencyProbes > 0 ? stepSeconds + 2 : 0;
  const perCell = overheads.fleetStartSeconds + overheads.fleetStopSeconds + seeding + probes;
  const extras =
    config.measure.replay || config.measure.storagePerChange || config.measure.historyProbes > 0
      ? overheads.extrasSeconds
      : 0;
  const infra =
    overheads.infraStartSeconds +
    config.durations.infraWarmupSeconds +
    (config.pilot && searched ? config.architectures.length * overheads.pilotSeconds : 0);
  return (
    infra + config.architectures.length * (stepsPerArch * step + cellsPerArch * perCell + extras)
  );
};
