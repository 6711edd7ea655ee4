import type { ExperimentConfig } from '../config/experiment-config.schema';
import type { PriceBook } from '../config/price-file';
import { displayPath } from '../config/yaml-file';
import type { CellResult, ExperimentResults } from '../results/experiment-results';
import { collectMachineInfo } from '../results/machine-info';
import type { CellPlan } from './run-plan';
import { toolVersions } from './tool-versions';

/** Notes every run's report carries about how its figures were taken. */
export const methodNotes = (config: ExperimentConfig): string[] => [
  'The load generator runs inside the experiment process, outside the CPU budget; its CPU is sampled (role loadgen) but never costed.',
  `Each repetition of each (architecture, k, workload) ran on a fresh fleet with its own topics (${config.partitions} partitions each) and its own database; the fleet was stopped and its data removed after it.`,
  `Time to consistency: after the rate search the workload was offered ${config.measure.consistencyRate === undefined ? "at the cell's λ" : `at ${config.measure.consistencyRate} req/s (the same for every cell)`} for ${config.durations.stepSeconds} s while ${config.measure.consistencyProbes} probes each registered a new player and read the query side every 5 ms until it showed the write (ES: the read model through the query service; CRUD: the audit log through history). Timed from the command's answer; resolution about 5 ms.`,
  'Consumer lag is read from the broker after each step: committed offsets vs. the log end per partition; the next step starts once every group is at lag 0 and the system is back to its idle CPU.',
  'Replay: one in-process projector (ES) or audit consumer (CRUD) in a new consumer group rebuilds from offset 0 into fresh collections; it runs in the experiment process, outside the budget, while the database it writes to is inside.',
];

export const skippedCell = (
  plan: CellPlan,
  config: ExperimentConfig,
  reason: string,
): CellResult => ({
  arch: plan.arch,
  workload: plan.workload.name,
  k: plan.k,
  repetition: plan.repetition,
  position: plan.index,
  replicas: plan.replicas,
  partitions: config.partitions,
  status: 'skipped',
  reason,
  steps: [],
});

/** The results as they stand before the first cell (the first checkpoint). */
export const initialResults = (options: {
  readonly config: ExperimentConfig;
  readonly configFile: string;
  readonly prices: PriceBook;
  readonly startedAt: Date;
  readonly root: string;
  readonly orderSeed: number;
  readonly notes: string[];
}): ExperimentResults => ({
  schemaVersion: 2,
  startedAt: options.startedAt.toISOString(),
  status: 'interrupted',
  reason: 'the run stopped before it finished: this is its last checkpoint',
  configFile: displayPath(options.configFile),
  config: options.config,
  prices: options.prices,
  pricesFile: displayPath(options.config.pricesPath),
  machine: collectMachineInfo(),
  backends: [],
  tools: toolVersions(options.root),
  orderSeed: options.orderSeed,
  cells: [],
  replay: [],
  storagePerChange: [],
  history: [],
  notes: options.notes,
});

/** The final status and reason from what happened. */
export const finalResults = (
  results: ExperimentResults,
  cells: readonly CellResult[],
  planned: number,
  outcome: { aborted: boolean; fatal?: string },
): ExperimentResults => {
  const done = cells.filter((cell) => cell.status === 'ok').length;
  const status: ExperimentResults['status'] = outcome.aborted
    ? 'interrupted'
    : outcome.fatal !== undefined || done === 0
      ? 'failed'
      : 'complete';
  const { reason: _checkpointReason, ...rest } = results;
  return {
    ...rest,
    cells,
    finishedAt: new Date().toISOString(),
    status,
    ...(status === 'interrupted'
      ? {
          reason: `interrupted (Ctrl-C) after ${cells.filter((cell) => cell.steps.length > 0).length} of ${planned} cells; what was measured is kept`,
        }
      : status === 'failed'
        ? { reason: outcome.fatal ?? 'no cell could be measured (see the failed cells)' }
        : {}),
  };
};
