import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { InfraContext } from '../infra-context';

/** A process we started, as recorded in `.local/run/<name>.pid.json`. */
export interface RecordedProcess {
  readonly name: string;
  readonly pid: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly startedAt: string;
  readonly logFile: string;
}

export interface SpawnSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const recordPath = (ctx: InfraContext, name: string) => path.join(ctx.runDir, `${name}.pid.json`);
export const logPathFor = (ctx: InfraContext, name: string) => path.join(ctx.logDir, `${name}.log`);

/** How the processes this Node process spawned ended (`code 1`, `SIGKILL`), by pid and start. */
const endings = new Map<string, string>();
const endingKey = (record: Pick<RecordedProcess, 'pid' | 'startedAt'>) =>
  `${record.pid} ${record.startedAt}`;

/** Starts a long-lived server in its own process group, output appended to its log file. */
export const spawnRecorded = (ctx: InfraContext, spec: SpawnSpec): RecordedProcess => {
  fs.mkdirSync(ctx.runDir, { recursive: true });
  fs.mkdirSync(ctx.logDir, { recursive: true });
  const logFile = logPathFor(ctx, spec.name);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd ?? ctx.root,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
  const startedAt = new Date().toISOString();
  // Only the parent learns the exit code; a failed start quotes it (recordedEnding).
  child.once('exit', (code, signal) =>
    endings.set(endingKey({ pid, startedAt }), code === null ? `${signal}` : `code ${code}`),
  );
  child.unref();
  const record: RecordedProcess = {
    name: spec.name,
    pid,
    command: spec.command,
    args: spec.args,
    startedAt,
    logFile,
  };
  fs.writeFileSync(recordPath(ctx, spec.name), JSON.stringify(record, null, 2));
  return record;
};

/** True when the pid runs and is still the program we recorded (pids get reused). */
export const isRecordedAlive = (record: RecordedProcess): boolean => {
  try {
    const cmdline = fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    const stat = fs.readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return (
      state !== 'Z' &&
      cmdline.split('\0')[0] !== undefined &&
      cmdline.includes(path.basename(record.command))
    );
  } catch {
    return false;
  }
};

/**
 * How a recorded process ended (`code 1`, `SIGKILL`), when this Node process started it and
 * has seen it end; undefined otherwise (still running, or started by an earlier command).
 */
export const recordedEnding = (record: RecordedProcess): string | undefined =>
  endings.get(endingKey(record));

/** Every process recorded under `.local/run`, optionally only those whose name starts with `prefix`. */
export const listRecorded = (ctx: InfraContext, prefix = ''): RecordedProcess[] => {
  if (!fs.existsSync(ctx.runDir)) return [];
  return fs
    .readdirSync(ctx.runDir)
    .filter((file) => file.endsWith('.pid.json') && file.startsWith(prefix))
    .flatMap((file) => {
      try {
        return [
          JSON.parse(fs.readFileSync(path.join(ctx.runDir, file), 'utf8')) as RecordedProcess,
        ];
      } catch {
        return [];
      }
    });
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops one recorded process group: SIGTERM, then SIGKILL after `graceMs`; forgets the record. */
export const stopRecorded = async (
  ctx: InfraContext,
  record: RecordedProcess,
  graceMs = 15_000,
): Promise<void> => {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-record.pid, signal);
    } catch {
      /* the group is gone already */
    }
  };
  if (isRecordedAlive(record)) {
    signalGroup('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isRecordedAlive(record) && Date.now() < deadline) await sleep(100);
    if (isRecordedAlive(record)) {
      ctx.log(`${record.name} did not stop within ${graceMs} ms, killing it`);
      signalGroup('SIGKILL');
      while (isRecordedAlive(record)) await sleep(50);
    }
  }
  fs.rmSync(recordPath(ctx, record.name), { force: true });
};

/** Finds a recorded process by exact name. */
export const findRecorded = (ctx: InfraContext, name: string): RecordedProcess | undefined =>
  listRecorded(ctx, name).find((record) => record.name === name);
