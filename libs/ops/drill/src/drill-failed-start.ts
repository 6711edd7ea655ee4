import fs from 'node:fs';
import path from 'node:path';
import type { InfraContext } from '@qf/local-infra';

/** How many failed starts' logs are kept (the oldest go first). */
const KEPT_FAILED_STARTS = 10;

/**
 * Where the logs of a drill whose private servers did not start are kept:
 * `.local/drill-failed-starts/<time>-<fleet id>`. Outside the drill's own directory, whose
 * logs the next drill of the fleet id removes at its start and a passing drill removes
 * with the rest, so the cause of a failed start survives the drills that come after it.
 */
export const failedStartsDir = (sharedLocalDir: string): string =>
  path.join(sharedLocalDir, 'drill-failed-starts');

/** The kept directory's name: its time first, so names sort oldest first. */
export const failedStartName = (fleetId: string, at: Date): string =>
  `${at.toISOString().replace(/[:.]/g, '-')}-${fleetId}`;

/** The kept directories beyond the newest `keep`, oldest first. */
export const failedStartsBeyond = (names: readonly string[], keep: number): string[] => {
  const sorted = [...names].sort();
  return sorted.slice(0, Math.max(0, sorted.length - keep));
};

/**
 * The error of a failed start: the components' failures (each quoting its log's end) with
 * the log paths moved to where the logs are kept, and a last line saying where that is.
 * `keptDir` undefined: the logs could not be moved and stay in `logDir`.
 */
export const failedStartMessage = (
  failure: string,
  logDir: string,
  keptDir: string | undefined,
): string =>
  keptDir === undefined
    ? `${failure}\nthe drill's private servers did not start; their logs are in ${logDir} (the next drill of this fleet id removes them)`
    : `${failure.split(`${logDir}${path.sep}`).join(`${keptDir}${path.sep}`)}\nthe drill's private servers did not start; their logs are kept in ${keptDir}`;

/** Moves the logs aside (dropping the oldest kept beyond KEPT_FAILED_STARTS); undefined when that failed. */
const moveLogsAside = (logDir: string, keptRoot: string, name: string): string | undefined => {
  try {
    fs.mkdirSync(keptRoot, { recursive: true });
    const keptDir = path.join(keptRoot, name);
    fs.renameSync(logDir, keptDir);
    for (const old of failedStartsBeyond(fs.readdirSync(keptRoot), KEPT_FAILED_STARTS))
      fs.rmSync(path.join(keptRoot, old), { recursive: true, force: true });
    return keptDir;
  } catch {
    return undefined;
  }
};

/**
 * After the drill's private servers failed to start (and were stopped): keeps their logs
 * out of the next drill's way, removes their data (the next drill formats its own), and
 * returns the error to throw, the original as its cause.
 */
export const keepFailedStartLogs = (
  ctx: InfraContext,
  sharedLocalDir: string,
  error: unknown,
  at = new Date(),
): Error => {
  fs.rmSync(ctx.dataDir, { recursive: true, force: true });
  const keptDir = moveLogsAside(
    ctx.logDir,
    failedStartsDir(sharedLocalDir),
    failedStartName(path.basename(ctx.localDir), at),
  );
  const failure = error instanceof Error ? error.message : String(error);
  return new Error(failedStartMessage(failure, ctx.logDir, keptDir), { cause: error });
};
