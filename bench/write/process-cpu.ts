import fs from 'node:fs';

/** CPU time of a process so far, split into user and system (kernel) seconds. */
export interface CpuTimes {
  readonly user: number;
  readonly system: number;
}

/** CPU times (utime, stime) of a process from /proc; undefined when unreadable. */
export const cpuTimesOf = (pid: number): CpuTimes | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (100/s on Linux)
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return undefined;
  }
};

/** CPU time (user + system) of a process so far, from /proc; undefined when unreadable. */
export const cpuSecondsOf = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  const times = cpuTimesOf(pid);
  return times === undefined ? undefined : times.user + times.system;
};
