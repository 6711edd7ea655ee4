import path from 'node:path';
import type { Command } from 'commander';
import { displayPath, rerenderReport, writeComparison } from '@qf/experiment';

/** `qf report <dir>`: re-renders report.md, report.html and charts/ from the run's results.json. */
export const registerReportCommand = (program: Command): void => {
  program
    .command('report')
    .description('re-render a report (report.md, report.html, charts/*.svg) from its results.json')
    .argument('<dir>', 'a report directory, e.g. reports/latest')
    .action(async (dir: string) => {
      const target = dir.endsWith('.json') ? path.dirname(dir) : dir;
      const written = await rerenderReport(target, {
        log: (line) => process.stderr.write(`  ${line}\n`),
      });
      for (const error of written.chartErrors)
        process.stderr.write(`qf report: chart not rendered: ${error}\n`);
      process.stdout.write(
        `${written.files.map((file) => `wrote ${displayPath(file)}`).join('\n')}\n`,
      );
    });
};

/** `qf compare <dirA> <dirB>`: key figures and ψ of two runs side by side (printed, and compare.md/html). */
export const registerCompareCommand = (program: Command): void => {
  program
    .command('compare')
    .description('put two experiment runs side by side: key figures and ψ per architecture')
    .argument('<dirA>', 'first report directory (its results.json is read)')
    .argument('<dirB>', 'second report directory')
    .option(
      '-o, --out <dir>',
      'where compare.md and compare.html go (default reports/compare-<A>-vs-<B>)',
    )
    .action(async (dirA: string, dirB: string, options: { out?: string }) => {
      const name = (dir: string) => path.basename(path.resolve(dir));
      const out = options.out ?? path.join('reports', `compare-${name(dirA)}-vs-${name(dirB)}`);
      const { markdown, files } = await writeComparison(dirA, dirB, out);
      process.stdout.write(markdown);
      process.stdout.write(`\n${files.map((file) => `wrote ${displayPath(file)}`).join('\n')}\n`);
    });
};
