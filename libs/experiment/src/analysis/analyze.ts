import {
  ARCHITECTURES,
  type Architecture,
  type MetricVariant,
} from '../config/experiment-config.schema';
import {
  costPerSecond,
  productivity,
  psiTable,
  responseValue,
  type CostBreakdown,
  type PsiEntry,
} from '../metrics/jogalekar-woodside.metric';
import {
  thesisCost,
  thesisProductivity,
  thesisValue,
  type ThesisCostBreakdown,
  type ThesisCostInputs,
} from '../metrics/thesis.metric';
import type { CellResult, ExperimentResults, StepResult } from '../results/experiment-results';
import { fitUsl, type UslFit } from '../usl/usl-fit';

/** The figures behind F(k) for one (architecture, workload, k). */
export interface ProductivityPoint {
  readonly arch: Architecture;
  readonly workload: string;
  readonly k: number;
  /** Index of the step used (the highest rate within the SLO). */
  readonly stepIndex: number;
  readonly offeredRate: number;
  /** λ: successful responses/s. */
  readonly throughput: number;
  /** T: the configured latency percentile of the step, ms. */
  readonly latencyMs: number;
  readonly withinSlo: boolean;
  /** f: the value of a response under the selected variant. */
  readonly value: number;
  /** Cost per second from the price file (always computed, shown in the cost chart). */
  readonly cost: CostBreakdown;
  /** Thesis variant only: its dimensionless cost and the inputs it was computed from. */
  readonly thesis?: { readonly inputs: ThesisCostInputs; readonly cost: ThesisCostBreakdown };
  /** C used in F (currency/s for Jogalekar-Woodside; dimensionless for the thesis variant). */
  readonly costUsed: number;
  /** F = λ·f/C. */
  readonly F: number;
}

export interface SeriesKey {
  readonly arch: Architecture;
  readonly workload: string;
}

export interface Analysis {
  readonly variant: MetricVariant;
  /** How the report names the variant. */
  readonly variantLabel: string;
  readonly sloMs: number;
  readonly percentile: number;
  readonly psiThreshold: number;
  readonly points: readonly ProductivityPoint[];
  readonly psi: readonly (SeriesKey & { readonly entries: readonly PsiEntry[] })[];
  readonly usl: readonly (SeriesKey & { readonly fit: UslFit })[];
  readonly notes: readonly string[];
}

export const VARIANT_LABELS: Record<MetricVariant, string> = {
  'jogalekar-woodside':
    'Jogalekar & Woodside (2000): f = 1/(1 + T/T^), C = priced CPU, RAM, storage and ops per second',
  thesis:
    'thesis variant (lukas-karsch/thesis): f = 1/T, C = weighted CPU, storage and saturation terms',
};

const latencyOf = (step: StepResult, percentile: number): number =>
  percentile === 50
    ? step.latencyMs.p50
    : percentile === 99
      ? step.latencyMs.p99
      : step.latencyMs.p95;

/**
 * The step that sets λ(k): the one the runner chose, else the highest offered rate within the
 * SLO; when no step held the SLO, the lowest-rate step that ran (its f shows how far it missed).
 */
export const chooseStep = (cell: CellResult): StepResult | undefined => {
  if (cell.chosenStep !== undefined) {
    const chosen = cell.steps[cell.chosenStep];
    if (chosen && chosen.status === 'ok') return chosen;
  }
  const ran = cell.steps.filter((step) => step.status === 'ok');
  const passing = ran.filter((step) => step.withinSlo);
  if (passing.length > 0)
    return passing.reduce((best, step) => (step.offeredRate > best.offeredRate ? step : best));
  return ran.reduce<StepResult | undefined>(
    (lowest, step) => (!lowest || step.offeredRate < lowest.offeredRate ? step : lowest),
    undefined,
  );
};

const diskBytes = (step: StepResult) => step.disk.reduce((sum, entry) => sum + entry.bytes, 0);

/** Share of consistency probes visible within `withinMs` (1 when nothing was probed, as in the thesis code). */
export const readVisibleRate = (step: StepResult, withinMs: number): number => {
  const ttc = step.timeToConsistency;
  if (!ttc || ttc.count + ttc.timeouts === 0 || ttc.samples.length === 0) return 1;
  const visibleShare =
    ttc.samples.filter((sample) => sample <= withinMs).length / ttc.samples.length;
  return (visibleShare * ttc.count) / (ttc.count + ttc.timeouts);
};

/** Computes f, C, F per (arch, workload, k), ψ for every pair k1 < k2, and the USL fit of λ(k). */
export const analyze = (results: ExperimentResults): Analysis => {
  const { config } = results;
  const variant = config.metric.variant;
  const percentile = config.slo.percentile;
  const notes: string[] = [];
  const chosen = new Map<CellResult, StepResult>();
  for (const cell of results.cells) {
    const step = chooseStep(cell);
    if (step) chosen.set(cell, step);
  }
  const crudBytes = (workload: string, k: number) => {
    const cell = results.cells.find(
      (candidate) =>
        candidate.arch === 'crud' && candidate.workload === workload && candidate.k === k,
    );
    const step = cell ? chosen.get(cell) : undefined;
    return step ? diskBytes(step) : 0;
  };

  let missingSaturation = false;
  const points: ProductivityPoint[] = [];
  for (const [cell, step] of chosen) {
    const latencyMs = latencyOf(step, percentile);
    const cost = costPerSecond(
      { durationSeconds: step.durationSeconds, processes: step.processes, disk: step.disk },
      results.prices,
    );
    const base = {
      arch: cell.arch,
      workload: cell.workload,
      k: cell.k,
      stepIndex: step.index,
      offeredRate: step.offeredRate,
      throughput: step.throughput,
      latencyMs,
      withinSlo: step.withinSlo,
      cost,
    };
    if (variant === 'thesis') {
      const systemCpu = step.processes
        .filter((process) => process.role !== 'loadgen')
        .reduce((sum, process) => sum + process.cpuSeconds, 0);
      const reference = crudBytes(cell.workload, cell.k);
      const own = diskBytes(step);
      if (
        step.saturation?.inFlightPeak === undefined ||
        step.saturation.dbConnectionsPeak === undefined
      )
        missingSaturation = true;
      const inputs: ThesisCostInputs = {
        cpu: systemCpu / (step.durationSeconds * Math.max(1, results.machine.cores)),
        storageRatio: cell.arch === 'crud' || reference <= 0 || own <= 0 ? 1 : own / reference,
        threads: step.saturation?.inFlightPeak ?? 0,
        dbConnections: step.saturation?.dbConnectionsPeak ?? 0,
        readVisibleRate: readVisibleRate(step, config.slo.latencyMs),
      };
      const thesis = thesisCost(inputs, config.metric.thesis.weights, config.metric.thesis);
      points.push({
        ...base,
        value: thesisValue(latencyMs),
        thesis: { inputs, cost: thesis },
        costUsed: thesis.total,
        F: thesisProductivity(step.throughput, 0, latencyMs, thesis.total),
      });
    } else {
      const value = responseValue(latencyMs, config.slo.latencyMs);
      points.push({
        ...base,
        value,
        costUsed: cost.total,
        F: cost.total > 0 ? productivity(step.throughput, value, cost.total) : 0,
      });
    }
  }
  points.sort(
    (a, b) =>
      ARCHITECTURES.indexOf(a.arch) - ARCHITECTURES.indexOf(b.arch) ||
      a.workload.localeCompare(b.workload) ||
      a.k - b.k,
  );

  if (variant === 'thesis') {
    notes.push(
      'Thesis variant: f = 1/T (T in ms) and a dimensionless cost C = w1·CPU + w2·S + w3·(T/200)² + w4·(D/10)² + w5·(1−R)⁴ with the weights of performance-tests/scalability_function.py; F values are comparable only within this variant.',
    );
    if (missingSaturation)
      notes.push(
        'Thesis variant: requests in flight or DB connections were not measured for some steps; their saturation terms count as 0.',
      );
  }
  const unpassed = points.filter((point) => !point.withinSlo);
  if (unpassed.length > 0 && config.axis === 'resources') {
    notes.push(
      `No step held the SLO for: ${unpassed.map((point) => `${point.arch}/${point.workload} k=${point.k}`).join(', ')}; their lowest-rate step is used (f shows the miss).`,
    );
  }

  const series: SeriesKey[] = [];
  for (const point of points) {
    if (!series.some((entry) => entry.arch === point.arch && entry.workload === point.workload))
      series.push({ arch: point.arch, workload: point.workload });
  }
  const psi = series.map((key) => ({
    ...key,
    entries: psiTable(
      points.filter((point) => point.arch === key.arch && point.workload === key.workload),
      config.psiThreshold,
    ),
  }));
  const usl = series.map((key) => ({
    ...key,
    fit: fitUsl(
      points
        .filter((point) => point.arch === key.arch && point.workload === key.workload)
        .map((point) => ({ k: point.k, throughput: point.throughput })),
      config.projectToK,
    ),
  }));
  if (config.axis === 'load')
    notes.push(
      'Load axis: k scales the offered rate at fixed replicas, so λ(k) tracks the offered rate until saturation; the USL fit reads k as load, not resources.',
    );

  return {
    variant,
    variantLabel: VARIANT_LABELS[variant],
    sloMs: config.slo.latencyMs,
    percentile,
    psiThreshold: config.psiThreshold,
    points,
    psi,
    usl,
    notes,
  };
};
