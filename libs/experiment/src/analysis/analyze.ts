import type { MetricVariant } from '../config/experiment-config.schema';
import type { ExperimentResults } from '../results/experiment-results';
import type { Interval } from '../stats/bootstrap';
import { fitUsl, type UslFit } from '../usl/usl-fit';
import { modelsOf, repPoints, type ModelId, type RepPoint } from './rep-points';
import {
  compareArchitectures,
  psiSeries,
  summarizeCells,
  type ArchComparison,
  type CellSummary,
  type PsiComparison,
  type PsiSeries,
} from './summaries';

export { chooseStep, consistencyOf, latencyOf, readVisibleRate } from './choose-step';
export type { ModelId, RepPoint } from './rep-points';
export type {
  ArchComparison,
  CellSummary,
  PsiComparison,
  PsiEntry,
  PsiSeries,
  Verdict,
} from './summaries';

export interface SeriesKey {
  readonly arch: RepPoint['arch'];
  readonly workload: string;
}

export interface Analysis {
  readonly variant: MetricVariant;
  readonly variantLabel: string;
  readonly sloMs: number;
  readonly percentile: number;
  readonly psiThreshold: number;
  /** Confidence level of every interval. */
  readonly level: number;
  readonly alpha: number;
  /** Models F and ψ are reported under; the first decides the verdict. */
  readonly models: readonly ModelId[];
  readonly reps: readonly RepPoint[];
  readonly cells: readonly CellSummary[];
  readonly psi: readonly PsiSeries[];
  readonly comparisons: readonly ArchComparison[];
  readonly psiComparisons: readonly PsiComparison[];
  readonly usl: readonly (SeriesKey & { readonly fit: UslFit })[];
  /** One sentence per series and k pair, naming ψ's interval under the deciding model. */
  readonly verdicts: readonly string[];
  readonly notes: readonly string[];
}

export const VARIANT_LABELS: Record<MetricVariant, string> = {
  'jogalekar-woodside':
    'Jogalekar & Woodside (2000): f = 1/(1 + T/T^), C = the priced cost per second under the stated cost model',
  thesis:
    'thesis variant (lukas-karsch/thesis): f = 1/T, C = weighted CPU, storage and saturation terms',
};

const fixed = (value: number, digits = 3) =>
  Number.isFinite(value) ? value.toPrecision(digits) : '–';

/** `0.91 [0.84, 0.97]`, or `0.91 (one repetition: no interval)`. */
export const formatInterval = (interval: Interval, digits = 3): string =>
  interval.method === 'single'
    ? `${fixed(interval.estimate, digits)} (n = 1: no interval)`
    : `${fixed(interval.estimate, digits)} [${fixed(interval.low, digits)}, ${fixed(interval.high, digits)}]`;

const verdictSentences = (
  psi: readonly PsiSeries[],
  model: ModelId,
  threshold: number,
  level: number,
): string[] =>
  psi
    .filter((series) => series.model === model)
    .flatMap((series) =>
      series.entries.map((entry) => {
        const where = `${series.arch === 'es' ? 'ES + CQRS' : 'CRUD + audit log'} ${series.workload}, k ${entry.k1} → ${entry.k2} (${entry.cores1} → ${entry.cores2} cores)`;
        const interval = `ψ ${formatInterval(entry.psi)}${entry.psi.method === 'bootstrap' ? ` (${Math.round(level * 100)} % interval, ${entry.psi.n} repetitions)` : ''}`;
        const reading =
          entry.verdict === 'scalable'
            ? `scalable: the whole interval is at or above ${threshold}`
            : entry.verdict === 'not scalable'
              ? `not scalable: the whole interval is below ${threshold}`
              : `undecided: the interval spans ${threshold}`;
        return `${where}: ${interval}, ${reading}.`;
      }),
    );

/**
 * Per repetition: λ, p95, f, C and F under each cost model at the λ step. Per (architecture,
 * workload, k): means with bootstrap intervals. ψ(k1, k2) per series and model with its
 * interval and verdict; ES against CRUD per k (F ratio, permutation test) and per k pair (ψ
 * ratio); the USL fit of mean λ over k.
 */
export const analyze = (results: ExperimentResults): Analysis => {
  const { config } = results;
  const models = modelsOf(results);
  const bootstrap = { resamples: config.statistics.resamples, level: config.statistics.level };
  const reps = repPoints(results);
  const cells = summarizeCells(reps, models, bootstrap);
  const psi = psiSeries(cells, models, config.psiThreshold, bootstrap);
  const compared = compareArchitectures(cells, models, {
    ...bootstrap,
    alpha: config.statistics.alpha,
  });
  const seriesKeys: SeriesKey[] = [];
  for (const cell of cells)
    if (!seriesKeys.some((key) => key.arch === cell.arch && key.workload === cell.workload))
      seriesKeys.push({ arch: cell.arch, workload: cell.workload });
  const usl = seriesKeys.map((key) => ({
    ...key,
    fit: fitUsl(
      cells
        .filter((cell) => cell.arch === key.arch && cell.workload === key.workload)
        .map((cell) => ({ k: cell.k, throughput: cell.throughput.estimate })),
      config.projectToK,
    ),
  }));
  const notes: string[] = [];
  const missed = cells.filter((cell) => !cell.withinSlo);
  if (missed.length > 0 && config.axis === 'resources')
    notes.push(
      `No step held the SLO in some repetitions of: ${missed.map((cell) => `${cell.arch}/${cell.workload} k=${cell.k}`).join(', ')}; their lowest-rate step is used (f shows the miss).`,
    );
  const polluted = cells.filter((cell) => cell.pollutedReps > 0);
  if (polluted.length > 0)
    notes.push(
      `Other work on the machine took more than ${config.pollution.maxForeignCores} cores during the λ step of ${polluted.map((cell) => `${cell.arch}/${cell.workload} k=${cell.k} (${cell.pollutedReps} of ${cell.n})`).join(', ')} even after ${config.pollution.maxReruns} rerun(s); those figures are kept and flagged.`,
    );
  if (config.axis === 'load')
    notes.push(
      'Load axis: k scales the offered rate at a fixed system, so λ(k) tracks the offered rate until saturation; the USL fit reads k as load, not resources.',
    );
  if (config.metric.variant === 'thesis')
    notes.push(
      'Thesis variant: f = 1/T (T in ms) and a dimensionless cost C = w1·CPU + w2·S + w3·(T/200)² + w4·(D/10)² + w5·(1−R)⁴ with the weights of performance-tests/scalability_function.py; F values are comparable only within this variant.',
    );
  const deciding = models[0] as ModelId;
  return {
    variant: config.metric.variant,
    variantLabel: VARIANT_LABELS[config.metric.variant],
    sloMs: config.slo.latencyMs,
    percentile: config.slo.percentile,
    psiThreshold: config.psiThreshold,
    level: config.statistics.level,
    alpha: config.statistics.alpha,
    models,
    reps,
    cells,
    psi,
    comparisons: compared.atK,
    psiComparisons: compared.psi,
    usl,
    verdicts: verdictSentences(psi, deciding, config.psiThreshold, config.statistics.level),
    notes,
  };
};
