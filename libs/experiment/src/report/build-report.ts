import type { Analysis } from '../analysis/analyze';
import type { ExperimentResults } from '../results/experiment-results';
import type { ChartSpec } from './charts';
import type { Block } from './report-document';
import { budgetBlocks } from './sections/budget-section';
import { costBlocks } from './sections/costs';
import { dataVolumeBlocks } from './sections/data-volume';
import { endStateBlocks } from './sections/end-state';
import { failureItems, headerBlocks } from './sections/header';
import { methodBlocks } from './sections/method';
import { operationBlocks } from './sections/operations';
import { productivityBlocks } from './sections/productivity';
import { thesisBlocks } from './sections/thesis';
import { traceBlocks } from './sections/trace';
import { uslBlocks } from './sections/usl';
import { verdictBlocks } from './sections/verdict';

export { sharedMachineStatement } from './sections/header';

/** The whole report as blocks (rendered to report.md and report.html), verdict first. */
export const buildReportBlocks = (
  results: ExperimentResults,
  analysis: Analysis,
  charts: readonly ChartSpec[],
): Block[] => {
  const failed = failureItems(results);
  const notes = [...analysis.notes, ...results.notes];
  return [
    ...headerBlocks(results),
    ...verdictBlocks(results, analysis, charts),
    ...thesisBlocks(results, analysis),
    ...productivityBlocks(results, analysis, charts),
    ...budgetBlocks(results, analysis, charts),
    ...costBlocks(results, analysis, charts),
    ...operationBlocks(results, analysis),
    ...uslBlocks(analysis, charts),
    ...endStateBlocks(results, charts),
    ...dataVolumeBlocks(results, charts),
    ...traceBlocks(results),
    ...(failed.length > 0
      ? [
          { kind: 'heading', level: 2, text: 'Failures' } as Block,
          { kind: 'list', items: failed } as Block,
        ]
      : []),
    ...(notes.length > 0
      ? [
          { kind: 'heading', level: 2, text: 'Notes' } as Block,
          { kind: 'list', items: notes } as Block,
        ]
      : []),
    ...methodBlocks(results, analysis),
  ];
};
