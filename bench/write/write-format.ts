import { formatResultTable, formatTable, type MachineInfo } from '@qf/loadgen';
import type { WriteStepResult } from './write-step';
import type { WriteBenchReport } from './write.bench';
import type { WriteSearchReport } from './write-search';

/** The roles whose CPU per command the issue's goal adds up (the write path without its client). */
const WRITE_PATH_ROLES = ['gateway', 'processor', 'broker'];
const ROLE_ORDER = [
  'gateway',
  'processor',
  'broker',
  'crud',
  'relay',
  'audit',
  'projector',
  'query',
  'database',
  'cache',
  'loadgen',
];

const ms = (value: number | undefined, digits = 2) =>
  value === undefined ? '-' : value.toFixed(digits);

const machineLine = (machine: MachineInfo) =>
  `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load ${machine.loadAverage.join(' ')}`;

const roles = (step: WriteStepResult) =>
  Object.keys(step.cpuMsPerCommand).sort(
    (a, b) =>
      (ROLE_ORDER.indexOf(a) + 1 || 99) - (ROLE_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );

const writePathCpu = (step: WriteStepResult): number | undefined => {
  const present = WRITE_PATH_ROLES.filter((role) => step.cpuMsPerCommand[role] !== undefined);
  return present.length === 0
    ? undefined
    : present.reduce((sum, role) => sum + (step.cpuMsPerCommand[role] ?? 0), 0);
};

const allCpu = (step: WriteStepResult): number =>
  Object.values(step.cpuMsPerCommand).reduce((sum, value) => sum + value, 0);

/** CPU per command by role, and what the target's probes measured, as lines. */
const stepFigures = (step: WriteStepResult): string[] => {
  const cpu = roles(step)
    .map((role) => `${role} ${ms(step.cpuMsPerCommand[role], 3)}`)
    .join(', ');
  const system = roles(step)
    .filter((role) => step.systemShare[role] !== undefined)
    .map((role) => `${role} ${Math.round((step.systemShare[role] ?? 0) * 100)} %`)
    .join(', ');
  const lines = [
    `CPU ms per command: ${cpu}; all ${ms(allCpu(step), 3)}${writePathCpu(step) !== undefined && step.cpuMsPerCommand['gateway'] !== undefined ? `; gateway + processor + broker ${ms(writePathCpu(step), 3)}` : ''}`,
    `kernel (system) share of that CPU: ${system}`,
  ];
  for (const [probe, figures] of Object.entries(step.figures)) {
    const entries = Object.entries(figures);
    if (entries.length > 0)
      lines.push(
        `${probe}: ${entries.map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(3)}`).join(', ')}`,
      );
  }
  return lines;
};

/** The single run as text: machine and settings, the headline, the per-operation table, CPU and figures. */
export const formatWriteBench = (report: WriteBenchReport): string => {
  const { result } = report;
  const headline = formatTable(
    [
      'target',
      'intended/s',
      'achieved/s',
      'decided/s',
      'ok',
      'failed',
      'p50 ms',
      'p95 ms',
      'p99 ms',
    ],
    [
      [
        String(report.backend['target']),
        String(result.intendedRate),
        result.achievedRate.toFixed(0),
        result.decidedRate.toFixed(0),
        String(result.ok),
        String(result.failed),
        ms(result.latency.p50),
        ms(result.latency.p95),
        ms(result.latency.p99),
      ],
    ],
  );
  const step = {
    rate: result.intendedRate,
    result,
    windowSeconds: 0,
    cpuSeconds: report.cpuSeconds,
    cpuMsPerCommand: report.cpuMsPerCommand,
    systemShare: report.systemShare,
    figures: report.figures,
  };
  return [
    machineLine(report.machine),
    `backend: ${Object.entries(report.backend)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')}`,
    `settings: ${JSON.stringify(report.settings)}`,
    '',
    headline,
    '',
    formatResultTable(result),
    '',
    `statuses: ${JSON.stringify(result.statuses)}`,
    `cpu seconds during the measured phase: ${Object.entries(report.cpuSeconds)
      .map(([name, seconds]) => `${name}=${seconds}`)
      .join(' ')}`,
    ...stepFigures(step),
  ].join('\n');
};

/** p95 of each step against the SLO, as a bar per step in rate order. */
const p95Chart = (report: WriteSearchReport, slo: number): string => {
  const steps = [...report.steps].sort((a, b) => a.rate - b.rate);
  const scale = Math.max(
    slo * 2,
    ...steps.map((step) => Math.min(step.result.latency.p95, slo * 4)),
  );
  const width = 40;
  const sloAt = Math.round((slo / scale) * width);
  return steps
    .map((step) => {
      const length = Math.min(
        width,
        Math.round((Math.min(step.result.latency.p95, scale) / scale) * width),
      );
      const bar = Array.from({ length: width }, (_, index) =>
        index < length ? '█' : index === sloAt ? '|' : ' ',
      ).join('');
      return `${String(step.rate).padStart(7)}/s ${bar} ${step.result.latency.p95.toFixed(1)} ms ${step.passed ? 'holds' : 'fails'}`;
    })
    .join('\n');
};

type Column = readonly [string, (step: WriteStepResult) => string];

/** The search table's columns that depend on the target: what its probes measure. */
const targetColumns = (report: WriteSearchReport): readonly Column[] =>
  report.backend['target'] === 'crud'
    ? [
        ['CPU ms all', (step) => ms(allCpu(step), 3)],
        ['crud ms', (step) => ms(step.cpuMsPerCommand['crud'], 3)],
        ['db ms', (step) => ms(step.cpuMsPerCommand['database'], 3)],
        ['db stmts/cmd', (step) => ms(step.figures['database']?.['statementsPerCommand'], 2)],
        ['audit TTC p95 ms', (step) => ms(step.figures['audit']?.['ttcP95Ms'], 0)],
      ]
    : [
        ['gw+proc+broker ms', (step) => ms(writePathCpu(step), 3)],
        ['loadgen ms', (step) => ms(step.cpuMsPerCommand['loadgen'], 3)],
        ['cmds/txn', (step) => ms(step.figures['processor']?.['commandsPerTransaction'], 1)],
        ['txn ms', (step) => ms(step.figures['processor']?.['transactionMs'], 1)],
        ['queue ms', (step) => ms(step.figures['processor']?.['queueDelayMs'], 1)],
        ['records/cmd', (step) => ms(step.figures['recordsPerCommand']?.['total'], 2)],
      ];

/** The search as text: every step, a p95 chart, and the headline figures at the highest passing rate. */
export const formatWriteSearch = (report: WriteSearchReport): string => {
  const slo = Number(report.settings['sloP95Ms']);
  const table = formatTable(
    ['step', 'rate/s', 'achieved/s', 'p50 ms', 'p95 ms', 'p99 ms', 'failed']
      .concat(targetColumns(report).map(([title]) => title))
      .concat(['SLO']),
    report.steps.map((step, index) =>
      [
        String(index + 1),
        String(step.rate),
        step.result.achievedRate.toFixed(0),
        ms(step.result.latency.p50, 1),
        ms(step.result.latency.p95, 1),
        ms(step.result.latency.p99, 1),
        String(step.result.failed),
      ]
        .concat(targetColumns(report).map(([, value]) => value(step)))
        .concat([step.passed ? 'holds' : 'fails']),
    ),
  );
  const best = report.best;
  const headline = best
    ? [
        `highest rate with p95 <= ${slo} ms: ${best.rate} commands/s (achieved ${best.result.achievedRate.toFixed(0)}/s, p50 ${ms(best.result.latency.p50, 1)} / p95 ${ms(best.result.latency.p95, 1)} / p99 ${ms(best.result.latency.p99, 1)} ms, ${best.result.failed} failed)` +
          (report.lowestFailing !== undefined ? `; ${report.lowestFailing}/s did not hold` : ''),
        ...stepFigures(best),
      ]
    : [`no step held p95 <= ${slo} ms`];
  return [
    machineLine(report.machine),
    `backend: ${Object.entries(report.backend)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')}`,
    `settings: ${JSON.stringify(report.settings)}`,
    '',
    table,
    '',
    `p95 per step (| = ${slo} ms):`,
    p95Chart(report, slo),
    '',
    ...headline,
    `search: ${report.stopReason}`,
  ].join('\n');
};
