import type { Logger } from './json-logger';

/**
 * Ends a service that must not run as configured (topics that could lose history, a bad
 * environment variable): one error line that names the reason, then exit code 1, so a
 * supervisor shows the crash instead of a replica retrying a setting that will not change.
 */
export const refuseToRun = (log: Logger, error: unknown): never => {
  log.error('refusing to run', { reason: error instanceof Error ? error.message : String(error) });
  process.exit(1);
};
