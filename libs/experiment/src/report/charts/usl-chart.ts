import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../../analysis/analyze';
import type { ExperimentResults } from '../../results/experiment-results';
import {
  baseConfig,
  HEIGHT,
  kAxis,
  seriesLabeler,
  seriesScale,
  WIDTH,
  type ChartSpec,
} from './chart-style';

/** Measured λ(k) with the USL fit; the fit beyond the largest measured k is dashed and labelled. */
export const uslChart = (results: ExperimentResults, analysis: Analysis): ChartSpec | undefined => {
  const label = seriesLabeler(results);
  const measured = analysis.usl.flatMap((series) =>
    series.fit.measured.map((point) => ({
      series: label(series.arch, series.workload),
      k: point.k,
      throughput: point.throughput,
    })),
  );
  if (measured.length === 0) return undefined;
  const curve = analysis.usl.flatMap((series) => {
    const largest = Math.max(...series.fit.measured.map((point) => point.k));
    return series.fit.curve.flatMap((point) => {
      const rows = [
        {
          series: label(series.arch, series.workload),
          k: point.k,
          throughput: point.throughput,
          part: point.projection ? 'USL projection' : 'USL fit (measured range)',
        },
      ];
      // The projection starts where the measured range ends, so the two segments join.
      if (point.k === largest) rows.push({ ...rows[0]!, part: 'USL projection' });
      return rows;
    });
  });
  const largestMeasured = Math.max(...measured.map((point) => point.k));
  const largestK = Math.max(largestMeasured, ...curve.map((point) => point.k));
  const ks = Array.from({ length: largestK }, (_, index) => index + 1);
  const maxThroughput = Math.max(
    ...measured.map((point) => point.throughput),
    ...curve.map((point) => point.throughput),
  );
  return {
    id: 'usl-throughput',
    title: 'Throughput λ(k): measured and Universal Scalability Law fit',
    caption: `Dots are measured λ(k); the solid line is the USL fit over the measured k; the dashed line beyond k = ${largestMeasured} is a PROJECTION, not a measurement. All replicas share one 2-core machine, so the projection describes this machine, not a cluster.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH,
      height: HEIGHT,
      title: {
        text: 'Throughput λ(k): measured vs USL',
        subtitle: `dashed = projection beyond the measured k (one shared 2-core machine)`,
      },
      layer: [
        {
          data: { values: [{ from: largestMeasured + 0.05, to: largestK + 0.3 }] },
          mark: { type: 'rect', color: '#f2f2f2' },
          encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
        },
        {
          data: { values: [{ x: largestMeasured + 0.15, text: 'projection →' }] },
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'top',
            dy: 4,
            color: '#666',
            fontSize: 11,
            fontStyle: 'italic',
          },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { value: 0 },
            text: { field: 'text' },
          },
        },
        {
          data: { values: curve },
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: {
              field: 'k',
              type: 'quantitative',
              title: 'scale factor k',
              axis: kAxis(ks),
              scale: { domain: [0.7, largestK + 0.3], nice: false },
            },
            y: {
              field: 'throughput',
              type: 'quantitative',
              title: 'λ (successful responses/s)',
              scale: { domain: [0, maxThroughput * 1.15], nice: false },
            },
            color: { field: 'series', type: 'nominal', title: null, scale: seriesScale(results) },
            strokeDash: {
              field: 'part',
              type: 'nominal',
              title: null,
              scale: {
                domain: ['USL fit (measured range)', 'USL projection'],
                range: [
                  [1, 0],
                  [6, 4],
                ],
              },
            },
            detail: { field: 'part', type: 'nominal' },
          },
        },
        {
          data: { values: measured },
          mark: { type: 'point', size: 90, filled: true, opacity: 1 },
          encoding: {
            x: { field: 'k', type: 'quantitative' },
            y: { field: 'throughput', type: 'quantitative' },
            color: { field: 'series', type: 'nominal', scale: seriesScale(results) },
            shape: { datum: 'measured', type: 'nominal', title: null },
          },
        },
      ],
    } as TopLevelSpec,
  };
};
