import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createInfraContext, infraUp } from '@qf/local-infra';

interface JestSummary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numRuntimeErrorTestSuites: number;
}

const runJest = (args: string[]): Promise<number> =>
  new Promise((resolve) => {
    const jestBin = require.resolve('jest/bin/jest');
    spawn(process.execPath, [jestBin, ...args], { stdio: 'inherit' }).on('exit', (code) =>
      resolve(code ?? 1),
    );
  });

/** `qf test`: brings the infra up when integration tests run, runs Jest, prints `N passed, N failed`. */
export const registerTestCommand = (program: Command): void => {
  program
    .command('test')
    .description('run the test suites (unit, then integration against the real local infra)')
    .option('--unit', 'only the unit tests (no infrastructure needed)')
    .option('--int', 'only the integration and e2e tests')
    .argument('[patterns...]', 'test path patterns passed to Jest')
    .allowUnknownOption(false)
    .action(async (patterns: string[], options: { unit?: boolean; int?: boolean }) => {
      const ctx = createInfraContext();
      const projects = options.unit
        ? ['unit']
        : options.int
          ? ['integration']
          : ['unit', 'integration'];
      if (projects.includes('integration')) await infraUp(ctx, { brokers: 1 });
      // One file per run: `.local` may be shared by several checkouts running tests at once,
      // and a fixed name let one run read (or delete) another's summary. A caller that wants
      // the summary afterwards (CI counts every test) names the file and keeps it.
      const keptResultsFile = process.env['QF_TEST_RESULTS_FILE'];
      const resultsFile = keptResultsFile
        ? path.resolve(keptResultsFile)
        : path.join(ctx.localDir, 'test-results', `${process.pid}.json`);
      fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
      fs.rmSync(resultsFile, { force: true });
      const args = [
        '--selectProjects',
        ...projects,
        '--json',
        `--outputFile=${resultsFile}`,
        '--maxWorkers=2',
        ...(process.env['CI'] ? ['--ci'] : []),
        ...(patterns.length > 0 ? ['--testPathPatterns', ...patterns] : []),
      ];
      const exitCode = await runJest(args);
      if (!fs.existsSync(resultsFile)) {
        process.stdout.write('0 passed, 1 failed\n');
        process.exitCode = exitCode || 1;
        return;
      }
      const summary = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as JestSummary;
      if (!keptResultsFile) fs.rmSync(resultsFile, { force: true });
      const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
      const skipped = summary.numPendingTests > 0 ? `, ${summary.numPendingTests} skipped` : '';
      process.stdout.write(`${summary.numPassedTests} passed, ${failed} failed${skipped}\n`);
      process.exitCode = exitCode !== 0 || failed > 0 ? 1 : 0;
    });
};
