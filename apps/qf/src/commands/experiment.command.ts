import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '@qf/shared-config';
import { displayPath, formatInterval, runExperiment, type ExperimentRun } from '@qf/experiment';

/** What `npm start` / `qf start` runs. */
export const QUICK_EXPERIMENT = 'experiments/quick.yaml';

/** A config path as given (from the working directory), else from the repository root (`npx qf` elsewhere). */
const resolveConfig = (file: string): string => {
  const fromCwd = path.resolve(file);
  const fromRoot = path.resolve(repoRoot, file);
  return fs.existsSync(fromCwd) || !fs.existsSync(fromRoot) ? fromCwd : fromRoot;
};

interface ExperimentOptions {
  readonly config: string;
  readonly keepData?: boolean;
  readonly reports?: string;
}

/** The figures people look for first: λ and p95 per k with their intervals, then the verdicts. */
const summary = (run: ExperimentRun): string => {
  const { analysis } = run.report;
  const model = analysis.models[0];
  const lines = [`experiment ${run.results.status}: ${displayPath(run.dir)}`];
  for (const cell of analysis.cells) {
    lines.push(
      `  ${cell.arch.padEnd(4)} ${cell.workload} k=${cell.k} (${cell.cores} cores, n=${cell.n}): λ ${formatInterval(cell.throughput)} req/s, p${analysis.percentile} ${formatInterval(cell.latencyMs)} ms${cell.withinSlo ? '' : ' (SLO missed)'}${model ? `, F ${formatInterval(cell.F[model] ?? cell.throughput)}` : ''}`,
    );
  }
  for (const verdict of analysis.verdicts) lines.push(`  ${verdict}`);
  lines.push(
    `  report: ${displayPath(path.join(run.dir, 'report.html'))} (and report.md, results.json)`,
  );
  return `${lines.join('\n')}\n`;
};

/**
 * Runs an experiment with Ctrl-C handling: the first interrupt stops the current step, takes
 * the fleet down and writes what was measured (results.json + report); a second one quits.
 */
export const runExperimentCommand = async (options: ExperimentOptions): Promise<void> => {
  // In-process consumers (replay) log like services; only warnings belong in the progress output.
  process.env['QF_LOG_LEVEL'] ??= 'warn';
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(
        `\nqf experiment: ${signal}: stopping the current step, taking the fleet down and writing what was measured (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again quits at once)\n`,
      );
      controller.abort();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const run = await runExperiment({
      configFile: resolveConfig(options.config),
      signal: controller.signal,
      keepData: options.keepData ?? false,
      ...(options.reports ? { reportsRoot: path.resolve(options.reports) } : {}),
    });
    for (const error of run.report.chartErrors)
      process.stderr.write(`qf experiment: chart not rendered: ${error}\n`);
    process.stdout.write(summary(run));
    process.exitCode =
      run.results.status === 'complete' ? 0 : run.results.status === 'interrupted' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

/** `qf experiment [--config experiments/<name>.yaml]`. */
export const registerExperimentCommand = (program: Command): void => {
  program
    .command('experiment')
    .description(
      'run an experiment: per architecture and k, start the fleet, search the highest rate within the SLO, measure, tear down; then write reports/<timestamp>/',
    )
    .option('-c, --config <file>', 'experiment config (YAML)', QUICK_EXPERIMENT)
    .option('--keep-data', "keep each cell's topics and database after it (default: removed)")
    .option('--reports <dir>', 'where reports/<timestamp>/ is created (default: reports/)')
    .action((options: ExperimentOptions) => runExperimentCommand(options));
};
