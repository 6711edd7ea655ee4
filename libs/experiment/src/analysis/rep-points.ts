import type { Architecture, CostModelId } from '../config/experiment-config.schema';
import { costUnderModel, type ModelCost } from '../metrics/cost-models';
import { productivity, responseValue } from '../metrics/jogalekar-woodside.metric';
import {
  thesisCost,
  thesisProductivity,
  thesisValue,
  type ThesisCostBreakdown,
  type ThesisCostInputs,
} from '../metrics/thesis.metric';
import type { CellResult, ExperimentResults, StepResult } from '../results/experiment-results';
import { chooseStep, consistencyOf, latencyOf, readVisibleRate } from './choose-step';

/** How F is priced: one of the cost models, or the thesis's dimensionless cost. */
export type ModelId = CostModelId | 'thesis';

/** The figures of one repetition of one (architecture, workload, k), at its λ step. */
export interface RepPoint {
  readonly arch: Architecture;
  readonly workload: string;
  readonly k: number;
  readonly repetition: number;
  /** Cores the system was given: its budget, else the machine's cores. */
  readonly cores: number;
  readonly budgeted: boolean;
  readonly stepIndex: number;
  readonly offeredRate: number;
  /** λ: successful responses/s at the chosen step. */
  readonly throughput: number;
  /** T: the SLO percentile of the chosen step, ms. */
  readonly latencyMs: number;
  readonly withinSlo: boolean;
  /** The chosen step was polluted by foreign CPU even after its reruns. */
  readonly polluted: boolean;
  /** f under the variant. */
  readonly value: number;
  /** The search's bracket of offered rates. */
  readonly bracket: { readonly low?: number; readonly high?: number; readonly converged: boolean };
  readonly costs: Readonly<Partial<Record<CostModelId, ModelCost>>>;
  readonly thesis?: { readonly inputs: ThesisCostInputs; readonly cost: ThesisCostBreakdown };
  /** C and F per model (C in currency/s, or dimensionless for the thesis). */
  readonly C: Readonly<Partial<Record<ModelId, number>>>;
  readonly F: Readonly<Partial<Record<ModelId, number>>>;
}

const diskBytes = (step: StepResult) => step.disk.reduce((sum, entry) => sum + entry.bytes, 0);

const thesisFigures = (
  results: ExperimentResults,
  cell: CellResult,
  step: StepResult,
  crudReference: number,
) => {
  const { config } = results;
  // The thesis measured its application server's CPU, not the database's or the broker's.
  const appCpu = step.processes
    .filter((process) => process.role === 'service')
    .reduce((sum, process) => sum + process.cpuSeconds, 0);
  const cores = cell.budgetCores ?? results.machine.cores;
  const own = diskBytes(step);
  const inputs: ThesisCostInputs = {
    cpu: appCpu / (step.durationSeconds * Math.max(0.1, cores)),
    storageRatio: cell.arch === 'crud' || crudReference <= 0 || own <= 0 ? 1 : own / crudReference,
    // Tomcat's pool caps busy threads at its size: the term saturates there.
    threads: Math.min(step.saturation?.inFlightPeak ?? 0, config.metric.thesis.threadLimit),
    dbConnections: step.saturation?.dbConnectionsPeak ?? 0,
    readVisibleRate: readVisibleRate(consistencyOf(cell), config.slo.latencyMs),
  };
  return { inputs, cost: thesisCost(inputs, config.metric.thesis.weights, config.metric.thesis) };
};

/** One point per repetition that measured a λ step, with C and F under every model reported. */
export const repPoints = (results: ExperimentResults): RepPoint[] => {
  const { config } = results;
  const models = config.costs.models;
  const chosen = results.cells
    .map((cell) => ({ cell, step: chooseStep(cell) }))
    .filter((entry): entry is { cell: CellResult; step: StepResult } => entry.step !== undefined);
  const crudReference = (workload: string, k: number, repetition: number) => {
    const match = chosen.find(
      ({ cell }) =>
        cell.arch === 'crud' &&
        cell.workload === workload &&
        cell.k === k &&
        cell.repetition === repetition,
    );
    return match ? diskBytes(match.step) : 0;
  };
  return chosen.map(({ cell, step }) => {
    const latencyMs = latencyOf(step, config.slo.percentile);
    const cores = cell.budgetCores ?? results.machine.cores;
    const costs: Partial<Record<CostModelId, ModelCost>> = {};
    const C: Partial<Record<ModelId, number>> = {};
    const F: Partial<Record<ModelId, number>> = {};
    const value =
      config.metric.variant === 'thesis'
        ? thesisValue(latencyMs)
        : responseValue(latencyMs, config.slo.latencyMs);
    for (const model of models) {
      const cost = costUnderModel(
        model,
        {
          arch: cell.arch,
          windowSeconds: step.durationSeconds,
          provisionedCores: cores,
          processes: step.processes,
          storageGrowth: step.storageGrowth ?? {},
        },
        results.prices,
        config.costs.storageAmortisationMonths,
      );
      costs[model] = cost;
      C[model] = cost.total;
      F[model] =
        cost.total > 0
          ? productivity(
              step.throughput,
              responseValue(latencyMs, config.slo.latencyMs),
              cost.total,
            )
          : 0;
    }
    let thesis: RepPoint['thesis'];
    if (config.metric.variant === 'thesis') {
      thesis = thesisFigures(
        results,
        cell,
        step,
        crudReference(cell.workload, cell.k, cell.repetition),
      );
      C.thesis = thesis.cost.total;
      F.thesis = thesisProductivity(step.throughput, 0, latencyMs, thesis.cost.total);
    }
    return {
      arch: cell.arch,
      workload: cell.workload,
      k: cell.k,
      repetition: cell.repetition,
      cores,
      budgeted: cell.budgetCores !== undefined,
      stepIndex: step.index,
      offeredRate: step.offeredRate,
      throughput: step.throughput,
      latencyMs,
      withinSlo: step.withinSlo,
      polluted: step.polluted === true,
      value,
      bracket: {
        ...(cell.search?.low === undefined ? {} : { low: cell.search.low }),
        ...(cell.search?.high === undefined ? {} : { high: cell.search.high }),
        converged: cell.search?.converged ?? false,
      },
      costs,
      ...(thesis ? { thesis } : {}),
      C,
      F,
    };
  });
};

/** The models F is reported under, the verdict's first. */
export const modelsOf = (results: ExperimentResults): ModelId[] =>
  results.config.metric.variant === 'thesis'
    ? ['thesis', ...results.config.costs.models]
    : [...results.config.costs.models];
