import type { Analysis, CellSummary, ModelId } from '../../analysis/analyze';
import type { ExperimentResults } from '../../results/experiment-results';
import { ARCH_LABEL, MODEL_LABEL, type ChartSpec } from '../charts';
import { fmt, fmtCores, fmtInterval, fmtIntervalPerHour } from '../format';
import type { Block } from '../report-document';
import { chartBlock } from './chart-block';

const R = 'right' as const;
const L = 'left' as const;

/** Each repetition's search bracket of offered rates; `*` where it did not reach the resolution. */
const brackets = (cell: CellSummary): string =>
  cell.reps
    .map((rep) => {
      const { low, high, converged } = rep.bracket;
      if (low === undefined && high === undefined) return `${fmt(rep.offeredRate)}`;
      return `[${low ?? '–'}, ${high ?? '–'})${converged ? '' : '*'}`;
    })
    .join(' ');

const psiFromFirst = (analysis: Analysis, cell: CellSummary, model: ModelId): string => {
  const series = analysis.psi.find(
    (entry) =>
      entry.arch === cell.arch && entry.workload === cell.workload && entry.model === model,
  );
  const first = series?.entries[0];
  if (!series || !first) return '–';
  if (cell.k === first.k1) return '1';
  const entry = series.entries.find(
    (candidate) => candidate.k1 === first.k1 && candidate.k2 === cell.k,
  );
  return entry ? fmtInterval(entry.psi) : '–';
};

const costCell = (cell: CellSummary, model: ModelId) =>
  model === 'thesis' ? fmtInterval(cell.C[model]) : fmtIntervalPerHour(cell.C[model]);

/**
 * Per architecture: k, cores, λ with its interval and the search brackets, p95, and C, F and
 * ψ(k1, k) under the first two models; every figure with its interval over the repetitions.
 */
export const productivityBlocks = (
  results: ExperimentResults,
  analysis: Analysis,
  charts: readonly ChartSpec[],
): Block[] => {
  const models = analysis.models.slice(0, 2);
  const currency = results.prices.currency;
  const level = `${Math.round(analysis.level * 100)} %`;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Productivity per k' },
    {
      kind: 'paragraph',
      text: `Means over the repetitions with ${level} bootstrap intervals in brackets. λ counts successful responses per second at the highest offered rate that held the SLO; the brackets are each repetition's search result in offered req/s ([held, missed); * = stopped before the resolution). Errors include 5xx, timeouts and CRUD version conflicts (409 after the last retry); domain rejections (409/422) are valid answers counted apart. C per hour (${currency}/h).`,
    },
  ];
  for (const arch of results.config.architectures) {
    const cells = analysis.cells.filter((cell) => cell.arch === arch);
    if (cells.length === 0) continue;
    const several = new Set(cells.map((cell) => cell.workload)).size > 1;
    blocks.push(
      { kind: 'heading', level: 3, text: ARCH_LABEL[arch] },
      {
        kind: 'table',
        header: [
          ...(several ? ['workload'] : []),
          'k',
          'cores',
          'n',
          'λ resp/s',
          'brackets',
          `p${analysis.percentile} ms`,
          ...models.flatMap((model) => [
            `C (${MODEL_LABEL[model]})`,
            `F (${MODEL_LABEL[model]})`,
            `ψ (${MODEL_LABEL[model]})`,
          ]),
        ],
        align: [...(several ? [L] : []), R, R, R, R, L, R, ...models.flatMap(() => [R, R, R])],
        rows: cells.map((cell) => [
          ...(several ? [cell.workload] : []),
          String(cell.k),
          fmtCores(cell.cores),
          `${cell.n}${cell.pollutedReps > 0 ? ` (${cell.pollutedReps} polluted)` : ''}`,
          fmtInterval(cell.throughput),
          brackets(cell),
          `${fmtInterval(cell.latencyMs)}${cell.withinSlo ? '' : ' **missed**'}`,
          ...models.flatMap((model) => [
            costCell(cell, model),
            fmtInterval(cell.F[model]),
            psiFromFirst(analysis, cell, model),
          ]),
        ]),
      },
    );
  }
  blocks.push(...chartBlock(charts, 'latency-vs-throughput'));
  return blocks;
};
