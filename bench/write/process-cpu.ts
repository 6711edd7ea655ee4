import fs from 'node:fs';

/** CPU time (user + system) of a process so far, from /proc; undefined when unreadable. */
export const cpuSecondsOf = (pid: number): number | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s on Linux)
  } catch {
    return undefined;
  }
};
