import { seededRandom } from '@qf/loadgen';
import type {
  Architecture,
  ExperimentConfig,
  WorkloadMix,
} from '../config/experiment-config.schema';

/** One repetition of one (architecture, k, workload): a fleet of its own on fresh topics and a fresh database. */
export interface CellPlan {
  /** 0-based position in the run. */
  readonly index: number;
  readonly arch: Architecture;
  readonly k: number;
  readonly workload: WorkloadMix;
  /** 1-based repetition of this (architecture, k, workload). */
  readonly repetition: number;
  /** Replicas of each scalable service at this k (the rest of the architecture runs one each). */
  readonly replicas: Readonly<Record<string, number>>;
  /** Cores of the system under test's CPU budget. */
  readonly budgetCores: number;
  /** Processors the infrastructure's JVMs are told (the infrastructure restarts when it changes). */
  readonly jvmProcessors: number;
  /** Load axis: the fixed offered rate; resources axis: undefined (the rate is searched). */
  readonly offeredRate?: number;
  /** Load axis with loadFractions: λ is searched, then this share of it offered. */
  readonly loadFraction?: number;
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
  repetition = 1,
): { topicPrefix: string; database: string } => {
  const base = `exp-${tag}-${arch}-k${k}-${workload}${repetition > 1 ? `-r${repetition}` : ''}`;
  return {
    topicPrefix: `${base}.`,
    // Mongo database names stay under 64 bytes.
    database: base.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 63),
  };
};

/** Fisher–Yates with a seeded generator: the same seed gives the same order. */
export const shuffle = <T>(items: readonly T[], random: () => number): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

type Unplanned = Omit<CellPlan, 'index' | 'endStateOfArch'>;

/** One round: every (architecture, k, workload) once, for repetition `repetition`. */
const roundOf = (config: ExperimentConfig, tag: string, repetition: number): Unplanned[] =>
  config.architectures.flatMap((arch) =>
    config.scale.flatMap((point) =>
      config.workloads.map((workload) => ({
        arch,
        k: point.k,
        workload,
        repetition,
        replicas: point.replicas[arch],
        budgetCores: point.budgetCores,
        jvmProcessors: point.jvmProcessors,
        ...(point.offeredRate === undefined ? {} : { offeredRate: point.offeredRate }),
        ...(point.loadFraction === undefined ? {} : { loadFraction: point.loadFraction }),
        ...cellNamespace(tag, arch, point.k, workload.name, repetition),
      })),
    ),
  );

/**
 * Every cell of a run in the order measured. Repetitions run in rounds (every cell once
 * before any twice), so slow drift of the machine spreads over all cells alike. With
 * `order: randomized` each round is shuffled, in blocks of equal JVM processor count (the
 * infrastructure restarts when that changes, so blocks keep restarts to one or two per
 * round); the blocks' order is shuffled too. `sequential` keeps the listed order.
 */
export const planCells = (config: ExperimentConfig, tag: string, seed: number): CellPlan[] => {
  const random = seededRandom(seed);
  const rounds = Array.from({ length: config.repetitions }, (_, r) => {
    const round = roundOf(config, tag, r + 1);
    if (config.order === 'sequential') return round;
    const blocks = new Map<number, Unplanned[]>();
    for (const cell of round)
      blocks.set(cell.jvmProcessors, [...(blocks.get(cell.jvmProcessors) ?? []), cell]);
    return shuffle([...blocks.values()], random).flatMap((block) => shuffle(block, random));
  });
  const cells = rounds.flat();
  return cells.map((cell, index) => ({
    ...cell,
    index,
    endStateOfArch: cells.slice(index + 1).every((later) => later.arch !== cell.arch),
  }));
};

/** The seed of the order: the config's, else one from the run's start. */
export const orderSeedOf = (config: ExperimentConfig, startedAt: Date): number =>
  config.orderSeed ?? Math.floor(startedAt.getTime() / 1000) % 2_147_483_647;

/** Steps a cell can take at most: one on the load axis (a search and one more with loadFractions), search.maxSteps on the resources axis. */
export const maxStepsPerCell = (config: ExperimentConfig): number =>
  config.axis === 'load'
    ? config.loadFractions
      ? config.search.maxSteps + 1
      : 1
    : config.search.maxSteps;
