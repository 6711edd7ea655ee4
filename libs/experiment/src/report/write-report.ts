import fs from 'node:fs';
import path from 'node:path';
import { analyze, type Analysis } from '../analysis/analyze';
import type { ExperimentResults } from '../results/experiment-results';
import { readResults, writeResults } from '../results/results-file';
import { buildReportBlocks } from './build-report';
import { buildCharts } from './charts';
import { renderHtml, renderMarkdown } from './report-document';
import { chartingVersions, renderSvg } from './render-svg';

export interface WrittenReport {
  readonly dir: string;
  readonly files: readonly string[];
  readonly analysis: Analysis;
  /** Charts that could not be rendered, with the error (the report says so instead of failing). */
  readonly chartErrors: readonly string[];
}

export interface WriteReportOptions {
  /** Write results.json too (default true; `qf report` re-renders without touching it). */
  readonly writeResultsFile?: boolean;
  /** Point `<parent of dir>/latest` at this directory (default true). */
  readonly updateLatest?: boolean;
  readonly log?: (line: string) => void;
}

/** A new report directory name: reports/2025-11-22T22-31-05Z (colons are awkward in paths). */
export const reportDirName = (now: Date = new Date()): string =>
  now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');

/** Creates reports/<timestamp>/ (a suffix is added if two runs start in the same second). */
export const createReportDir = (reportsRoot: string, now: Date = new Date()): string => {
  fs.mkdirSync(reportsRoot, { recursive: true });
  const base = path.join(reportsRoot, reportDirName(now));
  for (let attempt = 0; ; attempt += 1) {
    const dir = attempt === 0 ? base : `${base}-${attempt}`;
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
};

/** Atomically points `<reportsRoot>/latest` at `dir` (a relative symlink). */
export const updateLatestLink = (dir: string): string => {
  const root = path.dirname(path.resolve(dir));
  const link = path.join(root, 'latest');
  const tmp = path.join(root, `.latest-${process.pid}-${Date.now()}`);
  fs.symlinkSync(path.basename(dir), tmp);
  fs.renameSync(tmp, link);
  return link;
};

/**
 * Computes the analysis and writes results.json (with the analysis), charts/*.svg, report.md and
 * report.html into `dir`. A chart that fails to render is named in the report, not fatal.
 */
export const writeReport = async (
  dir: string,
  results: ExperimentResults,
  options: WriteReportOptions = {},
): Promise<WrittenReport> => {
  const log = options.log ?? (() => undefined);
  const withVersions: ExperimentResults = {
    ...results,
    tools: { ...chartingVersions(), ...results.tools },
  };
  const analysis = analyze(withVersions);
  const files: string[] = [];
  fs.mkdirSync(path.join(dir, 'charts'), { recursive: true });
  if (options.writeResultsFile !== false) {
    files.push(writeResults(dir, { ...withVersions, analysis } as ExperimentResults));
  }
  const charts = buildCharts(withVersions, analysis);
  const svgs = new Map<string, string>();
  const chartErrors: string[] = [];
  for (const chart of charts) {
    log(`rendering chart ${chart.id}`);
    try {
      const svg = await renderSvg(chart.spec);
      const file = path.join(dir, 'charts', `${chart.id}.svg`);
      fs.writeFileSync(file, svg);
      files.push(file);
      svgs.set(chart.id, svg);
    } catch (error) {
      chartErrors.push(`${chart.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const rendered = charts.filter((chart) => svgs.has(chart.id));
  const blocks = buildReportBlocks(
    {
      ...withVersions,
      notes: [...withVersions.notes, ...chartErrors.map((error) => `chart not rendered: ${error}`)],
    },
    analysis,
    rendered,
  );
  const markdown = path.join(dir, 'report.md');
  fs.writeFileSync(markdown, renderMarkdown(blocks));
  const html = path.join(dir, 'report.html');
  fs.writeFileSync(
    html,
    renderHtml(`Quest Fleet experiment: ${results.config.name}`, blocks, svgs),
  );
  files.push(markdown, html);
  if (options.updateLatest !== false) files.push(updateLatestLink(dir));
  return { dir, files, analysis, chartErrors };
};

/** `qf report <dir>`: re-renders the report of a run from its results.json. */
export const rerenderReport = async (
  dir: string,
  options: Omit<WriteReportOptions, 'writeResultsFile'> = {},
): Promise<WrittenReport> => {
  const { results } = readResults(dir);
  return writeReport(dir, results, { updateLatest: false, ...options, writeResultsFile: false });
};
