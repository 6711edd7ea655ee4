import type { Analysis } from '../analysis/analyze';
import { THESIS_PUBLISHED_PSI, THESIS_SOURCE } from '../metrics/thesis-published';
import type { ExperimentResults } from '../results/experiment-results';
import type { ChartSpec } from './charts';
import type { Block } from './report-document';
import { budgetBlocks } from './sections/budget-section';
import { costBlocks } from './sections/costs';
import { endStateBlocks } from './sections/end-state';
import { failureItems, headerBlocks } from './sections/header';
import { methodBlocks } from './sections/method';
import { operationBlocks } from './sections/operations';
import { productivityBlocks } from './sections/productivity';
import { traceBlocks } from './sections/trace';
import { uslBlocks } from './sections/usl';
import { verdictBlocks } from './sections/verdict';

export { sharedMachineStatement } from './sections/header';

const L = 'left' as const;
const R = 'right' as const;

/** The thesis's published ψ, where the run is comparable (load axis or thesis variant). */
const thesisBlocks = (results: ExperimentResults, analysis: Analysis): Block[] =>
  results.config.axis === 'load' || analysis.variant === 'thesis'
    ? [
        { kind: 'heading', level: 3, text: 'Beside the thesis (lukas-karsch/thesis)' },
        {
          kind: 'paragraph',
          text: `The ψ values published with the thesis (load axis, thesis variant; Spring Boot + PostgreSQL, Axon Server for ES), from \`${THESIS_SOURCE.designLog}\` at commit ${THESIS_SOURCE.designLogCommit.slice(0, 10)} of ${THESIS_SOURCE.repository}. Different domain, stack and machine: compare directions, not values.`,
        },
        {
          kind: 'table',
          header: ['thesis test', 'k1 → k2 (req/s)', 'ψ CRUD', 'ψ ES-CQRS'],
          align: [L, L, R, R],
          rows: THESIS_PUBLISHED_PSI.map((entry) => [
            entry.test,
            `${entry.k1} → ${entry.k2}`,
            String(entry.crud),
            String(entry.esCqrs),
          ]),
        },
      ]
    : [];

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
