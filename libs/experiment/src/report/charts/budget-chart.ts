import type { TopLevelSpec } from 'vega-lite';
import type { ExperimentResults } from '../../results/experiment-results';
import { ARCH_LABEL, ARCH_ORDER, baseConfig, SCHEMA, type ChartSpec } from './chart-style';

/**
 * Where the machine's CPU went during each measured step: the system under test (against its
 * budget), the load generator, and foreign work; one panel per architecture, steps in order.
 */
export const budgetChart = (results: ExperimentResults): ChartSpec | undefined => {
  const rows = results.cells.flatMap((cell) =>
    cell.steps
      .filter((step) => step.status === 'ok' && step.machineCpu)
      .flatMap((step) => {
        const cpu = step.machineCpu!;
        const base = {
          arch: ARCH_LABEL[cell.arch],
          step: `${cell.position + 1}.${step.index + 1}`,
          rate: step.offeredRate,
          limit: step.budget?.limitCores,
        };
        return [
          { ...base, part: 'system under test', cores: cpu.sutCores, order: 0 },
          { ...base, part: 'load generator', cores: cpu.loadgenCores, order: 1 },
          { ...base, part: 'foreign (other work, kernel)', cores: cpu.foreignCores, order: 2 },
        ];
      }),
  );
  if (rows.length === 0) return undefined;
  return {
    id: 'machine-cpu',
    title: 'Where the CPU went, step by step',
    caption: `Cores used during each measured step (cell.step in run order) by the system under test, the load generator and everything else; ticks mark the budget. A step with more than ${results.config.pollution.maxForeignCores} foreign cores that missed the SLO was measured again.`,
    spec: {
      $schema: SCHEMA,
      config: baseConfig,
      title: {
        text: 'CPU per measured step',
        subtitle: 'system under test vs budget, load generator, foreign work',
      },
      data: { values: rows },
      facet: { row: { field: 'arch', type: 'nominal', title: null, sort: ARCH_ORDER } },
      spec: {
        width: 520,
        height: 150,
        layer: [
          {
            mark: { type: 'bar' },
            encoding: {
              x: {
                field: 'step',
                type: 'ordinal',
                title: 'cell.step',
                sort: null,
                axis: { labelAngle: -60, labelFontSize: 8 },
              },
              y: { field: 'cores', type: 'quantitative', title: 'cores', stack: 'zero' },
              color: {
                field: 'part',
                type: 'nominal',
                title: null,
                scale: {
                  domain: ['system under test', 'load generator', 'foreign (other work, kernel)'],
                  range: ['#4C78A8', '#54A24B', '#E45756'],
                },
              },
              order: { field: 'order', type: 'quantitative' },
            },
          },
          {
            transform: [{ filter: 'datum.order === 0 && isValid(datum.limit)' }],
            mark: { type: 'tick', color: '#000', thickness: 2 },
            encoding: {
              x: { field: 'step', type: 'ordinal', sort: null },
              y: { field: 'limit', type: 'quantitative' },
            },
          },
        ],
      },
      resolve: { scale: { x: 'independent' } },
    } as TopLevelSpec,
  };
};
