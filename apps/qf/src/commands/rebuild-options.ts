import { Option } from 'commander';
import { DEFAULT_REBUILD_SETTINGS, type RebuildSettings } from '@qf/replay';
import { intInRange } from './parse-options';

/** The rebuild consumer's tuning flags, named alike on `qf replay` and `qf bench replay`. */
export interface RebuildTuningOptions {
  chunk?: number;
  maxBytesPerPartition?: number;
}

const mib = (bytes: number) => `${bytes / 1024 / 1024} MiB`;

/** --chunk: events of a partition folded between two writes (default: the rebuild consumer's). */
export const chunkOption = (): Option =>
  new Option(
    '--chunk <events>',
    `events of a partition folded between two writes of its players (default ${DEFAULT_REBUILD_SETTINGS.flushEvents})`,
  ).argParser(intInRange('--chunk', 1, 1_000_000));

/** --max-bytes-per-partition: the kafkajs fetch size of a replica (default: the rebuild consumer's). */
export const maxBytesPerPartitionOption = (): Option =>
  new Option(
    '--max-bytes-per-partition <n>',
    `kafkajs fetch size per partition of a projector replica (default ${mib(DEFAULT_REBUILD_SETTINGS.maxBytesPerPartition)})`,
  ).argParser(intInRange('--max-bytes-per-partition', 1024, 1024 ** 3));

/** The rebuild settings those flags override. */
export const rebuildTuning = (options: RebuildTuningOptions): Partial<RebuildSettings> => ({
  ...(options.chunk ? { flushEvents: options.chunk } : {}),
  ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
});
