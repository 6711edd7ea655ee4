import type {
  Architecture,
  ExperimentConfig,
  WorkloadMix,
} from '../config/experiment-config.schema';

/** One (architecture, k, workload) of a run: a fleet of its own on fresh topics and a fresh database. */
export interface CellPlan {
  /** 0-based position in the run. */
  readonly index: number;
  readonly arch: Architecture;
  readonly k: number;
  readonly workload: WorkloadMix;
  /** Replicas of each scalable service at this k (the rest of the architecture runs one each). */
  readonly replicas: Readonly<Record<string, number>>;
  /** Load axis: the fixed offered rate; resources axis: undefined (the rate is searched). */
  readonly offeredRate?: number;
  /** QF_TOPIC_PREFIX of the cell's fleet: its own topics, created with the config's partitions. */
  readonly topicPrefix: string;
  /** QF_MONGO_DB of the cell's fleet. */
  readonly database: string;
  /** The architecture's last cell: the end state where replay, storage and history are measured. */
  readonly endStateOfArch: boolean;
}

/** A run tag from the start time: `mx3k2a` (base 36 seconds), short enough for topic and database names. */
export const runTag = (startedAt: Date): string =>
  Math.floor(startedAt.getTime() / 1000).toString(36);

/** Names that isolate one cell: Kafka allows [a-zA-Z0-9._-], Mongo database names no `.`. */
export const cellNamespace = (
  tag: string,
  arch: Architecture,
  k: number,
  workload: string,
): { topicPrefix: string; database: string } => {
  const base = `exp-${tag}-${arch}-k${k}-${workload}`;
  return {
    topicPrefix: `${base}.`,
    // Mongo database names stay under 64 bytes.
    database: base.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 63),
  };
};

/** Every cell of a run in the order measured: per architecture, per k, per workload. */
export const planCells = (config: ExperimentConfig, tag: string): CellPlan[] => {
  const cells: CellPlan[] = [];
  for (const arch of config.architectures) {
    for (const point of config.scale) {
      for (const workload of config.workloads) {
        cells.push({
          index: cells.length,
          arch,
          k: point.k,
          workload,
          replicas: point.replicas[arch],
          ...(point.offeredRate === undefined ? {} : { offeredRate: point.offeredRate }),
          ...cellNamespace(tag, arch, point.k, workload.name),
          endStateOfArch: false,
        });
      }
    }
  }
  return cells.map((cell, index) => ({
    ...cell,
    endStateOfArch: cells.slice(index + 1).every((later) => later.arch !== cell.arch),
  }));
};

/** Steps a cell can take at most: one on the load axis, search.maxSteps on the resources axis. */
export const maxStepsPerCell = (config: ExperimentConfig): number =>
  config.axis === 'load' ? 1 : config.search.maxSteps;
