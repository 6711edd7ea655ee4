import type { Analysis } from '../../analysis/analyze';
import type { ExperimentResults } from '../../results/experiment-results';
import { ARCH_LABEL, MODEL_LABEL, type ChartSpec } from '../charts';
import { fmt, fmtCores, fmtInterval } from '../format';
import type { Block } from '../report-document';
import { chartBlock } from './chart-block';

const R = 'right' as const;
const L = 'left' as const;

/** The verdict first: ψ with its interval per series and k pair, under every cost model; ES against CRUD. */
export const verdictBlocks = (
  results: ExperimentResults,
  analysis: Analysis,
  charts: readonly ChartSpec[],
): Block[] => {
  const level = `${Math.round(analysis.level * 100)} %`;
  const deciding = analysis.models[0];
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Verdict' },
    {
      kind: 'paragraph',
      text: `Under the **${deciding ? MODEL_LABEL[deciding] : '–'}** cost model (the config's first). ψ(k1,k2) = F(k2)/F(k1); a step counts as scalable when its whole ${level} interval is at or above ${analysis.psiThreshold}, not scalable when it is wholly below, undecided when it spans the line.`,
    },
    analysis.verdicts.length > 0
      ? { kind: 'list', items: analysis.verdicts }
      : {
          kind: 'paragraph',
          text: 'No ψ: fewer than two k values were measured for every series.',
        },
  ];
  const rows = analysis.psi.flatMap((series) =>
    series.entries.map((entry) => [
      ARCH_LABEL[series.arch],
      series.workload,
      MODEL_LABEL[series.model],
      `${entry.k1} → ${entry.k2}`,
      `${fmtCores(entry.cores1)} → ${fmtCores(entry.cores2)}`,
      fmtInterval(entry.psi),
      entry.verdict === 'scalable' ? `**scalable**` : entry.verdict,
    ]),
  );
  if (rows.length > 0)
    blocks.push(
      { kind: 'heading', level: 3, text: `ψ under every cost model (${level} intervals)` },
      {
        kind: 'table',
        header: [
          'architecture',
          'workload',
          'cost model',
          'k1 → k2',
          'cores',
          'ψ [interval]',
          'verdict',
        ],
        align: [L, L, L, L, L, R, L],
        rows,
      },
    );
  blocks.push(...chartBlock(charts, 'psi-vs-cores'));
  if (analysis.comparisons.length > 0) {
    blocks.push(
      { kind: 'heading', level: 3, text: 'ES + CQRS against CRUD + audit log' },
      {
        kind: 'paragraph',
        text: `Per k: F(ES)/F(CRUD) with its ${level} bootstrap interval, and a two-sided permutation test of the difference in F over the repetitions (significant when p < ${analysis.alpha}; with few repetitions the smallest attainable p is large, and the table says so). Per k pair: ψ(ES)/ψ(CRUD); an interval that excludes 1 means one architecture scales better than the other.`,
      },
      {
        kind: 'table',
        header: [
          'workload',
          'cost model',
          'k',
          'F(ES) / F(CRUD)',
          'p',
          'smallest p possible',
          'significant',
        ],
        align: [L, L, R, R, R, R, L],
        rows: analysis.comparisons.map((entry) => [
          entry.workload,
          MODEL_LABEL[entry.model],
          String(entry.k),
          fmtInterval(entry.ratio),
          fmt(entry.test.pValue),
          fmt(entry.test.minAttainableP),
          entry.significant ? '**yes**' : 'no',
        ]),
      },
    );
    if (analysis.psiComparisons.length > 0)
      blocks.push({
        kind: 'table',
        header: ['workload', 'cost model', 'k1 → k2', 'ψ(ES) / ψ(CRUD)', 'interval excludes 1'],
        align: [L, L, L, R, L],
        rows: analysis.psiComparisons.map((entry) => [
          entry.workload,
          MODEL_LABEL[entry.model],
          `${entry.k1} → ${entry.k2}`,
          fmtInterval(entry.ratio),
          entry.significant ? '**yes**' : 'no',
        ]),
      });
  }
  return blocks;
};
