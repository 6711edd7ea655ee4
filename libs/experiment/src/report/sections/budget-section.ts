import type { Analysis } from '../../analysis/analyze';
import type { CellResult, ExperimentResults } from '../../results/experiment-results';
import { ARCH_LABEL, type ChartSpec } from '../charts';
import { fmt, fmtCores, fmtPercent } from '../format';
import type { Block } from '../report-document';
import { chartBlock } from './chart-block';

const R = 'right' as const;
const L = 'left' as const;

const measuredSteps = (cell: CellResult) => cell.steps.filter((step) => step.status === 'ok');

/**
 * The budget at work: per cell (in run order) the cap, the system's idle and busy CPU, how
 * often it was throttled, foreign CPU, polluted steps, and the cool-downs between steps.
 */
export const budgetBlocks = (
  results: ExperimentResults,
  analysis: Analysis,
  charts: readonly ChartSpec[],
): Block[] => {
  const rows = [...results.cells]
    .sort((a, b) => a.position - b.position)
    .filter((cell) => cell.steps.length > 0)
    .map((cell) => {
      const steps = measuredSteps(cell);
      const chosen = cell.chosenStep === undefined ? undefined : cell.steps[cell.chosenStep];
      const foreign = steps.map((step) => step.machineCpu?.foreignCores ?? 0);
      const cooldowns = steps.map((step) => step.cooldown).filter((entry) => entry !== undefined);
      return [
        String(cell.position + 1),
        `${ARCH_LABEL[cell.arch]} k=${cell.k} #${cell.repetition}`,
        fmtCores(cell.budgetCores),
        cell.jvmProcessors === undefined ? '–' : String(cell.jvmProcessors),
        fmt(cell.fleetStartSeconds),
        fmt(cell.idleCores),
        chosen?.budget
          ? `${fmt(chosen.budget.coresUsed)} (${fmtPercent(chosen.budget.throttledShare)})`
          : '–',
        foreign.length > 0 ? `${fmt(Math.max(...foreign))}` : '–',
        `${steps.filter((step) => step.polluted).length} / ${steps.length}`,
        cooldowns.length > 0
          ? `${fmt(cooldowns.reduce((sum, entry) => sum + entry.seconds, 0))} s${cooldowns.some((entry) => !entry.settled) ? ` (${cooldowns.filter((entry) => !entry.settled).length} unsettled)` : ''}`
          : '–',
        cell.search?.seed
          ? `${fmt(cell.search.seed.rate)} (${cell.search.seed.source})`
          : 'start rate',
      ];
    });
  if (rows.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'The CPU budget at work' },
    {
      kind: 'paragraph',
      text: `Per cell in run order: the budget (cores) and the processors its JVMs were told; fleet start-up (unmeasured, unlimited); the system's CPU with nothing offered (polling consumers, supervisor); at the λ step the cores it used and the share of ${fmt((results.budget?.applied ? results.budget.periodUs : 0) / 1000)} ms periods in which it was throttled; the most foreign CPU of any step; steps polluted by more than ${results.config.pollution.maxForeignCores} foreign cores (misses measured again up to ${results.config.pollution.maxReruns} time(s)); the cool-downs until lag 0 and idle CPU; where the search started. ${analysis.reps.some((rep) => rep.polluted) ? 'Some λ steps stayed polluted after their reruns: see the notes.' : ''}`,
    },
    {
      kind: 'table',
      header: [
        '#',
        'cell',
        'budget',
        'JVM cpus',
        'fleet start s',
        'idle cores',
        'cores at λ (throttled)',
        'max foreign',
        'polluted',
        'cool-downs',
        'search seed',
      ],
      align: [R, L, R, R, R, R, R, R, R, R, L],
      rows,
    },
    ...chartBlock(charts, 'machine-cpu'),
  ];
};
