import type { Analysis } from '../../analysis/analyze';
import type { ExperimentResults } from '../../results/experiment-results';
import { budgetChart } from './budget-chart';
import type { ChartSpec } from './chart-style';
import { consistencyChart } from './consistency-chart';
import { costChart } from './cost-chart';
import { dataVolumeChart, restoreChart } from './data-volume-chart';
import { historyChart, historyLengthChart, replayChart, storageChart } from './end-state-charts';
import { latencyThroughputChart } from './latency-chart';
import { psiChart } from './psi-chart';
import { uslChart } from './usl-chart';

export { ARCH_LABEL, baseConfig, type ChartSpec } from './chart-style';
export { MODEL_LABEL } from './psi-chart';

/** Every chart the data supports, in report order (charts without data are left out). */
export const buildCharts = (results: ExperimentResults, analysis: Analysis): ChartSpec[] =>
  [
    psiChart(results, analysis),
    latencyThroughputChart(results, analysis),
    costChart(results, analysis),
    budgetChart(results),
    uslChart(results, analysis),
    consistencyChart(results, analysis),
    replayChart(results),
    storageChart(results),
    historyChart(results),
    historyLengthChart(results),
    dataVolumeChart(results),
    restoreChart(results),
  ].filter((chart): chart is ChartSpec => chart !== undefined);
