import fs from 'node:fs';
import { formatTable } from '@qf/loadgen';
import { scrape } from '@qf/shared-testing';
import { cpuSecondsOf } from '@qf/bench-write';

/**
 * The process listening on a local TCP port (from /proc/net/tcp{,6} and the processes'
 * open sockets), so the database server's CPU is measured whichever server MONGO_URL names.
 */
export const pidListeningOn = (port: number): number | undefined => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT; state 0A is LISTEN; field 9 is the socket inode.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9])
        inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return Number(entry);
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return undefined;
};

/** Database requests and statements a service sent so far, by command name (its /metrics). */
export type MongoCounts = Readonly<Record<string, { requests: number; statements: number }>>;

const SAMPLE = /^qf_mongo_(requests|statements)_total\{command="([^"]+)"\} ([0-9.e+]+)$/;

export const readMongoCounts = async (url: string): Promise<MongoCounts> => {
  const counts: Record<string, { requests: number; statements: number }> = {};
  for (const line of (await scrape(url)).split('\n')) {
    const match = SAMPLE.exec(line.trim());
    if (!match) continue;
    const [, kind, command, value] = match;
    const entry = (counts[command!] ??= { requests: 0, statements: 0 });
    entry[kind as 'requests' | 'statements'] = Number(value);
  }
  return counts;
};

const minusCounts = (after: MongoCounts, before: MongoCounts): MongoCounts =>
  Object.fromEntries(
    Object.entries(after).map(([command, { requests, statements }]) => [
      command,
      {
        requests: requests - (before[command]?.requests ?? 0),
        statements: statements - (before[command]?.statements ?? 0),
      },
    ]),
  );

/** A snapshot of what the run's processes had spent: CPU-seconds and database counts. */
export interface CostSnapshot {
  readonly at: number;
  readonly cpu: Readonly<Record<string, number | undefined>>;
  readonly mongo: Readonly<Record<string, MongoCounts>>;
}

export const takeCostSnapshot = async (
  pids: ReadonlyMap<string, number | undefined>,
  services: ReadonlyMap<string, string>,
): Promise<CostSnapshot> => ({
  at: Date.now(),
  cpu: Object.fromEntries([...pids].map(([name, pid]) => [name, cpuSecondsOf(pid)])),
  mongo: Object.fromEntries(
    await Promise.all(
      [...services].map(
        async ([name, url]) => [name, await readMongoCounts(url).catch(() => ({}))] as const,
      ),
    ),
  ),
});

/** What one command cost, over a window of the run. */
export interface CommandCost {
  readonly commands: number;
  readonly seconds: number;
  /** CPU milliseconds per command, by process, and in all. */
  readonly cpuMsPerCommand: Readonly<Record<string, number>>;
  readonly cpuMsPerCommandTotal: number;
  /** Cores busy on average over the window, all processes measured. */
  readonly cores: number;
  /** Database requests and statements per command, by service and command name. */
  readonly mongoPerCommand: Readonly<
    Record<string, Readonly<Record<string, { requests: number; statements: number }>>>
  >;
  readonly requestsPerCommand: number;
  readonly statementsPerCommand: number;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

export const commandCost = (
  before: CostSnapshot,
  after: CostSnapshot,
  commands: number,
): CommandCost => {
  const per = (value: number) => (commands > 0 ? value / commands : 0);
  const cpu: Record<string, number> = {};
  let cpuTotal = 0;
  for (const [name, end] of Object.entries(after.cpu)) {
    const start = before.cpu[name];
    if (end === undefined || start === undefined) continue;
    cpu[name] = round(per(end - start) * 1000);
    cpuTotal += end - start;
  }
  const mongo: Record<string, Record<string, { requests: number; statements: number }>> = {};
  let requests = 0;
  let statements = 0;
  for (const [service, counts] of Object.entries(after.mongo)) {
    const diff = minusCounts(counts, before.mongo[service] ?? {});
    mongo[service] = Object.fromEntries(
      Object.entries(diff)
        .filter(([, count]) => count.requests > 0)
        .map(([command, count]) => {
          requests += count.requests;
          statements += count.statements;
          return [
            command,
            { requests: round(per(count.requests)), statements: round(per(count.statements)) },
          ];
        }),
    );
  }
  const seconds = (after.at - before.at) / 1000;
  return {
    commands,
    seconds: round(seconds, 1),
    cpuMsPerCommand: cpu,
    cpuMsPerCommandTotal: round(per(cpuTotal) * 1000),
    cores: round(seconds > 0 ? cpuTotal / seconds : 0, 2),
    mongoPerCommand: mongo,
    requestsPerCommand: round(per(requests)),
    statementsPerCommand: round(per(statements)),
  };
};

export const formatCommandCost = (cost: CommandCost): string => {
  const cpuRows = Object.entries(cost.cpuMsPerCommand)
    .sort(([, a], [, b]) => b - a)
    .map(([name, ms]) => [name, ms.toFixed(3)]);
  const dbRows = Object.entries(cost.mongoPerCommand).flatMap(([service, commands]) =>
    Object.entries(commands).map(([command, count]) => [
      service,
      command,
      count.requests.toFixed(3),
      count.statements.toFixed(3),
    ]),
  );
  return [
    `cost per command (${cost.commands} commands decided in ${cost.seconds} s, warm-up included; ${cost.cores} cores busy on average):`,
    formatTable(
      ['process', 'CPU ms/command'],
      [...cpuRows, ['all', cost.cpuMsPerCommandTotal.toFixed(3)]],
    ),
    '',
    formatTable(
      ['service', 'database command', 'requests/command', 'statements/command'],
      [
        ...dbRows,
        ['all', '', cost.requestsPerCommand.toFixed(3), cost.statementsPerCommand.toFixed(3)],
      ],
    ),
  ].join('\n');
};
