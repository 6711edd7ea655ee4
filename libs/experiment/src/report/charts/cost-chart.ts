import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../../analysis/analyze';
import type { CostModelId } from '../../config/experiment-config.schema';
import type { ExperimentResults } from '../../results/experiment-results';
import { ARCH_LABEL, ARCH_ORDER, baseConfig, SCHEMA, type ChartSpec } from './chart-style';
import { MODEL_LABEL } from './psi-chart';

const COMPONENTS = [
  'CPU',
  'RAM',
  'database growth',
  'event-store growth',
  'ops (per instance)',
] as const;

/** The cost per hour at each k under the first two priced models, stacked by component (means over repetitions). */
export const costChart = (
  results: ExperimentResults,
  analysis: Analysis,
): ChartSpec | undefined => {
  const models = analysis.models
    .filter((model): model is CostModelId => model !== 'thesis')
    .slice(0, 2);
  const several = new Set(analysis.cells.map((cell) => cell.workload)).size > 1;
  const rows = analysis.cells.flatMap((cell) =>
    models.flatMap((model) => {
      const costs = cell.reps.map((rep) => rep.costs[model]).filter((cost) => cost !== undefined);
      if (costs.length === 0) return [];
      const mean = (pick: (cost: (typeof costs)[number]) => number) =>
        costs.reduce((sum, cost) => sum + pick(cost), 0) / costs.length;
      const values: Record<(typeof COMPONENTS)[number], number> = {
        CPU: mean((cost) => cost.cpu),
        RAM: mean((cost) => cost.memory),
        'database growth': mean((cost) => cost.database),
        'event-store growth': mean((cost) => cost.eventStore),
        'ops (per instance)': mean((cost) => cost.ops),
      };
      return COMPONENTS.map((component, order) => ({
        panel: `${ARCH_LABEL[cell.arch]} · ${MODEL_LABEL[model]}`,
        arch: ARCH_LABEL[cell.arch],
        group: several ? `${cell.workload} k=${cell.k}` : `k = ${cell.k} (${cell.cores} cores)`,
        component,
        order,
        perHour: values[component] * 3600,
      }));
    }),
  );
  if (rows.length === 0) return undefined;
  const currency = results.prices.currency;
  return {
    id: 'cost-breakdown',
    title: 'Cost per hour at the λ step, by component',
    caption: `C per hour (${currency}/h) at each k under ${models.map((model) => MODEL_LABEL[model]).join(' and ')}, means over the repetitions; storage is the growth the load caused, amortised over ${results.config.costs.storageAmortisationMonths} month(s). Prices: ${results.pricesFile}.`,
    spec: {
      $schema: SCHEMA,
      config: baseConfig,
      title: {
        text: `Cost per hour at the λ step (${currency}/h)`,
        subtitle: 'by component, per cost model',
      },
      data: { values: rows },
      facet: {
        column: {
          field: 'panel',
          type: 'nominal',
          title: null,
          sort: ARCH_ORDER.flatMap((arch) =>
            models.map((model) => `${arch} · ${MODEL_LABEL[model]}`),
          ),
        },
      },
      spec: {
        width: 150,
        height: 220,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'group', type: 'nominal', title: null, axis: { labelAngle: -30 } },
          y: {
            field: 'perHour',
            type: 'quantitative',
            title: `${currency} per hour`,
            stack: 'zero',
          },
          color: {
            field: 'component',
            type: 'nominal',
            title: null,
            scale: {
              domain: [...COMPONENTS],
              range: ['#4C78A8', '#72B7B2', '#F58518', '#E45756', '#9D755D'],
            },
          },
          order: { field: 'order', type: 'quantitative' },
        },
      },
    } as TopLevelSpec,
  };
};
