import type { TopLevelSpec } from 'vega-lite';
import type { Analysis, ModelId } from '../../analysis/analyze';
import type { ExperimentResults } from '../../results/experiment-results';
import { baseConfig, SCHEMA, seriesLabeler, seriesScale, type ChartSpec } from './chart-style';

/** How a model is named in chart panels and tables. */
export const MODEL_LABEL: Readonly<Record<ModelId, string>> = {
  provisioned: 'provisioned budget',
  'provisioned+ops': 'provisioned + ops',
  'on-use': 'CPU on use',
  'on-use+ops': 'on use + ops',
  thesis: 'thesis cost',
};

/**
 * ψ(k₁, k) against the cores of the budget at k, one point per k with its bootstrap interval as
 * an error bar, one panel per cost model (the deciding one and the next). ψ is 1 at k₁ by
 * definition, so that point has no bar.
 */
export const psiChart = (results: ExperimentResults, analysis: Analysis): ChartSpec | undefined => {
  const label = seriesLabeler(results);
  const models = analysis.models.slice(0, 2);
  const rows = analysis.psi
    .filter((series) => models.includes(series.model))
    .flatMap((series) => {
      const first = series.entries[0];
      if (!first) return [];
      const base = {
        series: label(series.arch, series.workload),
        model: MODEL_LABEL[series.model],
      };
      return [
        { ...base, cores: first.cores1, psi: 1, low: 1, high: 1 },
        ...series.entries
          .filter((entry) => entry.k1 === first.k1 && Number.isFinite(entry.psi.estimate))
          .map((entry) => ({
            ...base,
            cores: entry.cores2,
            psi: entry.psi.estimate,
            low: Number.isFinite(entry.psi.low) ? entry.psi.low : entry.psi.estimate,
            high: Number.isFinite(entry.psi.high) ? entry.psi.high : entry.psi.estimate,
          })),
      ];
    });
  if (rows.length === 0) return undefined;
  const threshold = analysis.psiThreshold;
  const top = Math.max(threshold * 1.25, 1.2, ...rows.map((row) => row.high * 1.1));
  const cores = rows.map((row) => row.cores);
  const level = `${Math.round(analysis.level * 100)} %`;
  const x = {
    field: 'cores',
    type: 'quantitative' as const,
    title: 'cores of the budget (k × unit)',
    scale: { domain: [Math.min(...cores) * 0.8, Math.max(...cores) * 1.1], nice: false },
  };
  const y = {
    field: 'psi',
    type: 'quantitative' as const,
    title: 'ψ(k₁, k)',
    scale: { domain: [0, top], nice: false },
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: seriesScale(results),
  };
  return {
    id: 'psi-vs-cores',
    title: `Scalability ψ vs cores, with ${level} intervals`,
    caption: `ψ(k₁,k) = F(k)/F(k₁) from the smallest k, against the cores of the CPU budget; bars are ${level} bootstrap intervals over the repetitions. One panel per cost model (${models.map((model) => MODEL_LABEL[model]).join(', ')}). At or above the dashed line (ψ = ${threshold}) with the whole bar, the step is scalable; a bar across the line leaves it undecided.`,
    spec: {
      $schema: SCHEMA,
      config: baseConfig,
      title: {
        text: 'Scalability ψ vs cores',
        subtitle: `error bars: ${level} bootstrap intervals; dashed: ψ = ${threshold}`,
      },
      data: { values: rows },
      facet: {
        column: {
          field: 'model',
          type: 'nominal',
          title: null,
          sort: models.map((model) => MODEL_LABEL[model]),
        },
      },
      spec: {
        width: 280,
        height: 260,
        layer: [
          {
            mark: { type: 'line', strokeWidth: 2, point: { size: 70, filled: true } },
            encoding: { x, y, color },
          },
          {
            mark: { type: 'rule', strokeWidth: 2 },
            encoding: {
              x,
              y: { field: 'low', type: 'quantitative' },
              y2: { field: 'high' },
              color,
            },
          },
          {
            mark: { type: 'tick', thickness: 2, size: 10 },
            encoding: { x, y: { field: 'low', type: 'quantitative' }, color },
          },
          {
            mark: { type: 'tick', thickness: 2, size: 10 },
            encoding: { x, y: { field: 'high', type: 'quantitative' }, color },
          },
          {
            mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
            encoding: { y: { datum: threshold } },
          },
        ],
      },
    } as TopLevelSpec,
  };
};
