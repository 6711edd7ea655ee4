import type { Analysis } from '../../analysis/analyze';
import type { ExperimentResults, StepLatency } from '../../results/experiment-results';
import { ARCH_LABEL } from '../charts';
import { fmtMs } from '../format';
import type { Block } from '../report-document';

const R = 'right' as const;
const L = 'left' as const;

/** p95 of each operation (command and query type) at the λ step, mean over the repetitions. */
export const operationBlocks = (results: ExperimentResults, analysis: Analysis): Block[] => {
  const operations = [
    ...new Set(
      results.cells.flatMap((cell) =>
        cell.steps.flatMap((step) => Object.keys(step.latencyByOperation ?? {})),
      ),
    ),
  ].sort();
  if (operations.length === 0) return [];
  const rows = analysis.cells.map((cell) => {
    const perRep = cell.reps.map((rep) => {
      const source = results.cells.find(
        (candidate) =>
          candidate.arch === rep.arch &&
          candidate.workload === rep.workload &&
          candidate.k === rep.k &&
          candidate.repetition === rep.repetition,
      );
      return source?.steps[rep.stepIndex]?.latencyByOperation ?? {};
    });
    const p95 = (operation: string) => {
      const values = perRep
        .map((byOperation) => (byOperation as Record<string, StepLatency>)[operation]?.p95)
        .filter((value): value is number => value !== undefined);
      return values.length > 0
        ? fmtMs(values.reduce((sum, value) => sum + value, 0) / values.length)
        : '–';
    };
    return [ARCH_LABEL[cell.arch], cell.workload, String(cell.k), ...operations.map(p95)];
  });
  return [
    { kind: 'heading', level: 2, text: 'Latency per operation at λ' },
    {
      kind: 'paragraph',
      text: 'p95 of each command and query type at the λ step (open loop, from the intended send time), mean over the repetitions.',
    },
    {
      kind: 'table',
      header: ['architecture', 'workload', 'k', ...operations],
      align: [L, L, R, ...operations.map(() => R)],
      rows,
    },
  ];
};
