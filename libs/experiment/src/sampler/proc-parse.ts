/** Parsers for Linux /proc files (pure: they take the file's text). See proc(5). */

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  /** User-mode time, clock ticks. */
  readonly utime: number;
  /** Kernel-mode time, clock ticks. */
  readonly stime: number;
  /** Start time after boot, clock ticks (tells a reused pid apart). */
  readonly starttime: number;
}

/**
 * Parses /proc/<pid>/stat. The command name (field 2) sits in parentheses and may itself contain
 * spaces and parentheses, so the fields after it are counted from the LAST ')'.
 */
export const parseProcStat = (text: string): ProcStat => {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open)
    throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(text.slice(0, 80))}`);
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // Fields from 3 (state) on; rest[0] is field 3.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => {
    const value = rest[n - 3];
    if (value === undefined) throw new Error(`/proc/${pid}/stat has no field ${n}`);
    return value;
  };
  const number = (n: number) => {
    const value = Number(field(n));
    if (!Number.isFinite(value))
      throw new Error(`/proc/${pid}/stat field ${n} is not a number: ${field(n)}`);
    return value;
  };
  return {
    pid,
    comm,
    state: field(3),
    ppid: number(4),
    utime: number(14),
    stime: number(15),
    starttime: number(22),
  };
};

/** Resident set size in bytes from /proc/<pid>/status (VmRSS, in kB); 0 for kernel threads and zombies. */
export const parseVmRssBytes = (statusText: string): number => {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : 0;
};

/** Seconds since boot from /proc/uptime. */
export const parseUptimeSeconds = (text: string): number => {
  const value = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(value)) throw new Error(`not a /proc/uptime line: ${JSON.stringify(text)}`);
  return value;
};

/** Every descendant of `root` (root included) given pid -> ppid of all processes. */
export const processTree = (root: number, parentOf: ReadonlyMap<number, number>): number[] => {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentOf) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const tree: number[] = [];
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
};
