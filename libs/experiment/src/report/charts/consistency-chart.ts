import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../../analysis/analyze';
import { consistencyOf } from '../../analysis/analyze';
import type { ExperimentResults } from '../../results/experiment-results';
import {
  baseConfig,
  HEIGHT,
  seriesLabeler,
  seriesScale,
  WIDTH,
  type ChartSpec,
} from './chart-style';

/** Empirical CDF of time to consistency at the chosen step of each k. */
export const consistencyChart = (
  results: ExperimentResults,
  analysis: Analysis,
): ChartSpec | undefined => {
  const label = seriesLabeler(results);
  const rows: { series: string; k: string; ms: number; share: number }[] = [];
  for (const cell of results.cells) {
    const samples = consistencyOf(cell)?.samples;
    if (!samples || samples.length === 0) continue;
    const sorted = [...samples].sort((a, b) => a - b);
    const stride = Math.max(1, Math.floor(sorted.length / 200));
    for (let i = 0; i < sorted.length; i += stride) {
      rows.push({
        series: label(cell.arch, cell.workload),
        k: `k = ${cell.k} #${cell.repetition}`,
        ms: Math.max(0.1, sorted[i]!),
        share: (i + 1) / sorted.length,
      });
    }
    rows.push({
      series: label(cell.arch, cell.workload),
      k: `k = ${cell.k} #${cell.repetition}`,
      ms: Math.max(0.1, sorted[sorted.length - 1]!),
      share: 1,
    });
  }
  if (rows.length === 0) return undefined;
  return {
    id: 'time-to-consistency',
    title: 'Time to consistency (append → visible), CDF',
    caption: `Share of consistency probes visible in the read side within x ms, at the chosen step of each k (log x axis). Dashed: T^ = ${analysis.sloMs} ms.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH,
      height: HEIGHT,
      title: {
        text: 'Time to consistency: cumulative distribution',
        subtitle: 'write accepted → visible in the read model / audit log, at the chosen step',
      },
      layer: [
        {
          data: { values: rows },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: {
            x: {
              field: 'ms',
              type: 'quantitative',
              title: 'time to consistency (ms, log)',
              scale: { type: 'log' },
            },
            y: {
              field: 'share',
              type: 'quantitative',
              title: 'share of probes visible',
              axis: { format: '%' },
              scale: { domain: [0, 1] },
            },
            color: { field: 'series', type: 'nominal', title: null, scale: seriesScale(results) },
            strokeDash: { field: 'k', type: 'nominal', title: null },
          },
        },
        {
          mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
          encoding: { x: { datum: analysis.sloMs } },
        },
      ],
    } as TopLevelSpec,
  };
};
