import fs from 'node:fs';
import path from 'node:path';
import { fleetDown } from '@qf/fleet';
import { infraDown, type InfraContext } from '@qf/local-infra';

/** Who runs the drill of a `.local/drill/<fleet id>` directory: `owner.json` in it. */
export interface DrillOwner {
  readonly pid: number;
  /** The process's start time (field 22 of /proc/<pid>/stat): a reused pid does not match. */
  readonly startTicks: string;
  readonly startedAt: string;
}

const OWNER_FILE = 'owner.json';

const startTicksOf = (pid: number): string | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
};

/** True while the recorded owner process still runs (and is the same process). */
export const ownerAlive = (owner: DrillOwner): boolean =>
  startTicksOf(owner.pid) === owner.startTicks;

export const readOwner = (dir: string): DrillOwner | undefined => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as DrillOwner;
  } catch {
    return undefined;
  }
};

/**
 * Claims a drill directory for this process. Refuses when a live process owns it (two drills
 * of one fleet id would stop each other's servers).
 */
export const claimDrillDir = (dir: string): void => {
  const owner = readOwner(dir);
  if (owner && owner.pid !== process.pid && ownerAlive(owner))
    throw new Error(
      `another drill of this fleet id runs (pid ${owner.pid}, since ${owner.startedAt}): wait for it, or set another QF_FLEET_ID`,
    );
  fs.mkdirSync(dir, { recursive: true });
  const claim: DrillOwner = {
    pid: process.pid,
    startTicks: startTicksOf(process.pid) ?? '',
    startedAt: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(claim, null, 2));
};

/** Gives the directory up (its servers are stopped): a later drill finds nothing to clean. */
export const releaseDrillDir = (dir: string): void =>
  fs.rmSync(path.join(dir, OWNER_FILE), { force: true });

/** Whether the drill's pm2 daemon runs (connecting to a dead one would start a new one). */
const pm2DaemonAlive = (ctx: InfraContext): boolean => {
  try {
    const pid = Number(fs.readFileSync(path.join(ctx.localDir, 'pm2', 'pm2.pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** fleetDown of another fleet id (its pm2 namespace comes from QF_FLEET_ID). */
const fleetDownOf = async (fleetId: string, ctx: InfraContext): Promise<string[]> => {
  const saved = process.env['QF_FLEET_ID'];
  process.env['QF_FLEET_ID'] = fleetId;
  try {
    return await fleetDown(ctx);
  } catch {
    return [];
  } finally {
    if (saved === undefined) delete process.env['QF_FLEET_ID'];
    else process.env['QF_FLEET_ID'] = saved;
  }
};

/**
 * Stops what drills whose process died (SIGKILL, a killed test worker, a lost terminal) left
 * running: each `.local/drill/*` directory whose owner no longer runs has its fleet (pm2) and
 * private servers (recorded pids) stopped and its server data removed; its logs stay.
 * Directories without an owner file are left alone (not made by a drill that claims one).
 * Returns what was stopped, for the log.
 */
export const cleanDrillLeftovers = async (
  drillRoot: string,
  contextOf: (fleetId: string) => InfraContext,
): Promise<string[]> => {
  if (!fs.existsSync(drillRoot)) return [];
  const stopped: string[] = [];
  for (const entry of fs.readdirSync(drillRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(drillRoot, entry.name);
    const owner = readOwner(dir);
    if (!owner || ownerAlive(owner)) continue;
    const ctx = contextOf(entry.name);
    const services = pm2DaemonAlive(ctx) ? await fleetDownOf(entry.name, ctx) : [];
    const servers = await infraDown(ctx).catch(() => []);
    fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    releaseDrillDir(dir);
    stopped.push(
      `${entry.name} (left by pid ${owner.pid}): ${[...services, ...servers].join(', ') || 'nothing running'}`,
    );
  }
  return stopped;
};
