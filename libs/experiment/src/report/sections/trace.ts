import { chooseStep } from '../../analysis/analyze';
import type { CellResult, ExperimentResults, StepResult } from '../../results/experiment-results';
import { ARCH_LABEL } from '../charts';
import { fmt, fmtBytes, fmtMs } from '../format';
import type { Block } from '../report-document';

const R = 'right' as const;
const L = 'left' as const;

const stepRow = (cell: CellResult, step: StepResult, chosen: StepResult | undefined): string[] => [
  `${cell.position + 1}`,
  `${ARCH_LABEL[cell.arch]} k=${cell.k} #${cell.repetition}`,
  `${step.index}${step === chosen ? ' (λ)' : ''}`,
  fmt(step.offeredRate),
  fmt(step.throughput),
  fmtMs(step.latencyMs.p95),
  String(step.requests.sent),
  `${step.requests.errors}${step.requests.conflicts ? ` (${step.requests.conflicts} OCC)` : ''}`,
  String(step.requests.rejections),
  step.budget ? `${fmt(step.budget.coresUsed)} / ${fmt(step.budget.limitCores)}` : '–',
  step.machineCpu ? fmt(step.machineCpu.foreignCores) : '–',
  step.cooldown
    ? `${fmt(step.cooldown.seconds)} s${step.cooldown.settled ? '' : ' (unsettled)'}`
    : '–',
  [
    step.withinSlo ? 'held' : 'missed',
    step.polluted ? 'polluted' : '',
    step.superseded ? 'rerun' : '',
  ]
    .filter(Boolean)
    .join(', '),
  step.status === 'ok' ? 'ok' : `**failed**: ${step.reason ?? ''}`,
];

/** Every step of every cell in run order, and the processes at one repetition's λ step. */
export const traceBlocks = (results: ExperimentResults): Block[] => {
  const ordered = [...results.cells].sort((a, b) => a.position - b.position);
  const rows = ordered.flatMap((cell) => {
    const chosen = chooseStep(cell);
    if (cell.steps.length === 0)
      return [
        [
          `${cell.position + 1}`,
          `${ARCH_LABEL[cell.arch]} k=${cell.k} #${cell.repetition}`,
          '–',
          '–',
          '–',
          '–',
          '–',
          '–',
          '–',
          '–',
          '–',
          '–',
          '–',
          `${cell.status}${cell.reason ? `: ${cell.reason}` : ''}`,
        ],
      ];
    return cell.steps.map((step) => stepRow(cell, step, chosen));
  });
  const processRows = ordered
    .filter((cell) => cell.repetition === 1)
    .flatMap((cell) => {
      const step = chooseStep(cell);
      if (!step) return [];
      return step.processes.map((process) => [
        ARCH_LABEL[cell.arch],
        cell.workload,
        String(cell.k),
        process.name,
        process.role,
        fmt(process.cpuSeconds),
        fmt(process.cpuSeconds / step.durationSeconds),
        fmtBytes(process.avgRssBytes),
        fmtBytes(process.peakRssBytes),
      ]);
    });
  return [
    { kind: 'heading', level: 2, text: 'Rate search trace' },
    {
      kind: 'paragraph',
      text: "Every step in the order measured: offered rate, successful responses/s, p95, requests, errors (OCC exhaustion among them), rejections, the system's cores against its budget, foreign cores, the cool-down that followed, and whether the step held the SLO, was polluted by other work, or was replaced by a rerun.",
    },
    {
      kind: 'table',
      header: [
        '#',
        'cell',
        'step',
        'offered',
        'λ',
        'p95',
        'sent',
        'errors',
        'rejections',
        'cores / budget',
        'foreign',
        'cool-down',
        'outcome',
        'status',
      ],
      align: [R, L, R, R, R, R, R, R, R, R, R, R, L, L],
      rows,
    },
    { kind: 'heading', level: 2, text: 'Processes at the λ step (repetition 1)' },
    {
      kind: 'table',
      header: [
        'architecture',
        'workload',
        'k',
        'process',
        'role',
        'CPU-s',
        'cores busy',
        'avg RSS',
        'peak RSS',
      ],
      align: [L, L, R, L, L, R, R, R, R],
      rows: processRows,
    },
  ];
};
