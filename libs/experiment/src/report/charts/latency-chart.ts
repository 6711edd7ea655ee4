import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../../analysis/analyze';
import type { ExperimentResults } from '../../results/experiment-results';
import { ARCH_LABEL, ARCH_ORDER, baseConfig, type ChartSpec } from './chart-style';

/** p95 vs achieved throughput of every search step, one line per k, one panel per architecture. */
export const latencyThroughputChart = (
  results: ExperimentResults,
  analysis: Analysis,
): ChartSpec | undefined => {
  const workloads = new Set(results.cells.map((cell) => cell.workload));
  const rows = results.cells.flatMap((cell) =>
    cell.steps
      .filter((step) => step.status === 'ok' && !step.superseded)
      .map((step) => ({
        rep: `${cell.arch}-${cell.k}-${cell.repetition}`,
        arch: ARCH_LABEL[cell.arch],
        workload: cell.workload,
        k: `k = ${cell.k}`,
        kValue: cell.k,
        offered: step.offeredRate,
        throughput: step.throughput,
        latency: Math.max(
          0.1,
          analysis.percentile === 50
            ? step.latencyMs.p50
            : analysis.percentile === 99
              ? step.latencyMs.p99
              : step.latencyMs.p95,
        ),
        slo: step.withinSlo ? 'within SLO' : 'SLO missed',
      })),
  );
  if (rows.length === 0) return undefined;
  const p = `p${analysis.percentile}`;
  const column = { field: 'arch', type: 'nominal' as const, title: null, sort: ARCH_ORDER };
  const facet =
    workloads.size > 1
      ? { row: { field: 'workload', type: 'nominal' as const, title: null }, column }
      : { column };
  const maxLatency = Math.max(analysis.sloMs * 2, ...rows.map((row) => row.latency));
  return {
    id: 'latency-vs-throughput',
    title: `${p} latency vs throughput, per k (rate search trace)`,
    caption: `Every measured step of the rate search: achieved throughput λ against ${p} latency (log scale). Lines join the steps of one repetition of one k in order of offered rate; crosses missed the SLO. Dashed: T^ = ${analysis.sloMs} ms.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      title: {
        text: `${p} latency vs throughput per k`,
        subtitle: `rate-search steps; dashed line: T^ = ${analysis.sloMs} ms`,
      },
      data: { values: rows },
      facet,
      spec: {
        width: workloads.size > 1 ? 300 : 320,
        height: 240,
        layer: [
          {
            mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8 },
            encoding: {
              x: {
                field: 'throughput',
                type: 'quantitative',
                title: 'throughput λ (successful responses/s)',
              },
              y: {
                field: 'latency',
                type: 'quantitative',
                title: `${p} latency (ms, log)`,
                scale: {
                  type: 'log',
                  domain: [
                    Math.max(0.1, Math.min(...rows.map((row) => row.latency)) / 1.5),
                    maxLatency * 1.5,
                  ],
                  nice: false,
                },
              },
              color: {
                field: 'k',
                type: 'ordinal',
                title: 'scale factor',
                scale: { scheme: 'viridis' },
                sort: { field: 'kValue' },
              },
              order: { field: 'offered', type: 'quantitative' },
              detail: { field: 'rep', type: 'nominal' },
            },
          },
          {
            mark: { type: 'point', size: 70, strokeWidth: 2, filled: true },
            encoding: {
              x: { field: 'throughput', type: 'quantitative' },
              y: { field: 'latency', type: 'quantitative' },
              color: { field: 'k', type: 'ordinal', sort: { field: 'kValue' } },
              shape: {
                field: 'slo',
                type: 'nominal',
                title: null,
                scale: { domain: ['within SLO', 'SLO missed'], range: ['circle', 'cross'] },
              },
            },
          },
          {
            mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
            encoding: { y: { datum: analysis.sloMs } },
          },
        ],
      },
      resolve: { scale: { x: 'independent' } },
    } as TopLevelSpec,
  };
};
