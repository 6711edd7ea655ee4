import path from 'node:path';
import { repoRoot } from '@qf/shared-config';

/** Where the local infrastructure keeps its files: everything lives under `.local/`. */
export interface InfraContext {
  readonly root: string;
  readonly localDir: string;
  readonly cacheDir: string;
  readonly dataDir: string;
  readonly logDir: string;
  readonly runDir: string;
  readonly log: (message: string) => void;
}

/** Builds the context for a project checkout (defaults to this repository). */
export const createInfraContext = (
  root = repoRoot,
  log: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): InfraContext => {
  const localDir = process.env['QF_LOCAL_DIR'] ?? path.join(root, '.local');
  return {
    root,
    localDir,
    cacheDir: path.join(localDir, 'cache'),
    dataDir: path.join(localDir, 'data'),
    logDir: path.join(localDir, 'logs'),
    runDir: path.join(localDir, 'run'),
    log,
  };
};
