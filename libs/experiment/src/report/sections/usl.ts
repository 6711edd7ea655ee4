import type { Analysis } from '../../analysis/analyze';
import { ARCH_LABEL, type ChartSpec } from '../charts';
import { fmt } from '../format';
import type { Block } from '../report-document';
import { chartBlock } from './chart-block';

const R = 'right' as const;
const L = 'left' as const;

/** The Universal Scalability Law fitted to mean λ(k), its projection marked as such. */
export const uslBlocks = (analysis: Analysis, charts: readonly ChartSpec[]): Block[] => {
  const blocks: Block[] = [];
  blocks.push(
    { kind: 'heading', level: 2, text: 'Universal Scalability Law fit and projection' },
    {
      kind: 'callout',
      tone: 'info',
      text: 'Values beyond the largest measured k are a PROJECTION of the fitted curve, not measurements; the curve is fitted to mean λ over k, so it describes these budgets on this machine.',
    },
    {
      kind: 'table',
      header: ['architecture', 'workload', 'λ1', 'σ', 'κ', 'peak k', 'RMSE', 'method', 'notes'],
      align: [L, L, R, R, R, R, R, L, L],
      rows: analysis.usl.map((series) => [
        ARCH_LABEL[series.arch],
        series.workload,
        fmt(series.fit.lambda1),
        fmt(series.fit.sigma),
        fmt(series.fit.kappa),
        fmt(series.fit.peakK),
        fmt(series.fit.rmse),
        series.fit.method,
        series.fit.notes.join('; ') || '–',
      ]),
    },
  );
  const projectionKs = [
    ...new Set(
      analysis.usl.flatMap((series) =>
        series.fit.curve.filter((point) => point.projection).map((point) => point.k),
      ),
    ),
  ].sort((a, b) => a - b);
  if (projectionKs.length > 0) {
    const shown = projectionKs.filter(
      (k) =>
        k <= 4 || Number.isInteger(Math.log2(k)) || k === projectionKs[projectionKs.length - 1],
    );
    blocks.push({
      kind: 'table',
      header: ['architecture', 'workload', ...shown.map((k) => `k=${k} (projection)`)],
      align: [L, L, ...shown.map(() => R)],
      rows: analysis.usl.map((series) => [
        ARCH_LABEL[series.arch],
        series.workload,
        ...shown.map((k) => fmt(series.fit.curve.find((point) => point.k === k)?.throughput)),
      ]),
    });
  }
  blocks.push(...chartBlock(charts, 'usl-throughput'));

  return blocks;
};
