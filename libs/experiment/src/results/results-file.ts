import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { experimentConfigSchema } from '../config/experiment-config.schema';
import { resolveExperimentConfig } from '../config/load-experiment-config';
import { ConfigFileError, describeConfigIssues, displayPath } from '../config/yaml-file';
import type { ExperimentResults } from './experiment-results';
import { resultsSchema } from './results-schema';

export const RESULTS_FILE = 'results.json';

/**
 * Results of version 1 (one run per cell, no budget) in the version-2 shape: each cell is
 * repetition 1 at its position, and the rate search's old `bisectionSteps` is dropped.
 */
export const upgradeResults = (raw: unknown): unknown => {
  if (typeof raw !== 'object' || raw === null) return raw;
  const record = raw as Record<string, unknown>;
  if (record['schemaVersion'] !== 1) return raw;
  const config = { ...(record['config'] as Record<string, unknown>) };
  if (typeof config['search'] === 'object' && config['search'] !== null) {
    const { bisectionSteps: _dropped, ...search } = config['search'] as Record<string, unknown>;
    config['search'] = search;
  }
  const cells = Array.isArray(record['cells'])
    ? (record['cells'] as Record<string, unknown>[])
    : [];
  return {
    ...record,
    schemaVersion: 2,
    config,
    cells: cells.map((cell, position) => ({ repetition: 1, position, ...cell })),
    notes: [
      ...(Array.isArray(record['notes']) ? (record['notes'] as string[]) : []),
      'Read from a version-1 results file: one run per cell and no CPU budget (every process shared the whole machine).',
    ],
  };
};

/** Reads and validates `<dir>/results.json` (or a results file); errors name the file and the field. */
export const readResults = (dirOrFile: string): { results: ExperimentResults; file: string } => {
  const file = dirOrFile.endsWith('.json') ? dirOrFile : path.join(dirOrFile, RESULTS_FILE);
  const shown = displayPath(file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new ConfigFileError(shown, [
        `no such file (is ${displayPath(path.dirname(file))} a report directory?)`,
      ]);
    throw new ConfigFileError(shown, [
      code ? `cannot read the file (${code})` : `not valid JSON: ${(error as Error).message}`,
    ]);
  }
  const parsed = resultsSchema.safeParse(upgradeResults(raw));
  if (!parsed.success)
    throw new ConfigFileError(shown, describeConfigIssues(parsed.error.issues, raw, resultsSchema));
  // The stored config is the resolved one: validate what it was resolved from, then resolve again.
  const { scale: _scale, pricesPath, ...stored } = parsed.data.config as Record<string, unknown>;
  const config = experimentConfigSchema.safeParse(stored);
  if (!config.success) {
    throw new ConfigFileError(
      shown,
      describeConfigIssues(
        config.error.issues.map((issue) => ({ ...issue, path: ['config', ...issue.path] })),
        raw,
        z.object({ config: experimentConfigSchema }),
      ),
    );
  }
  const resolved = resolveExperimentConfig(config.data, parsed.data.configFile);
  const results = {
    ...parsed.data,
    config: {
      ...resolved,
      pricesPath: typeof pricesPath === 'string' ? pricesPath : resolved.pricesPath,
    },
  } as ExperimentResults;
  return { results, file };
};

/** Writes results.json (pretty, stable key order as built). */
export const writeResults = (dir: string, results: ExperimentResults): string => {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, RESULTS_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
};
