import fs from 'node:fs';

/**
 * Busy time of the whole machine from the first line of /proc/stat (`cpu user nice system
 * idle iowait irq softirq steal guest guest_nice`, in clock ticks): everything but idle
 * and iowait. Guest time is already inside user. Undefined when the line is not there.
 */
export const parseBusyTicks = (procStat: string): number | undefined => {
  const line = procStat.split('\n').find((entry) => /^cpu\s/.test(entry));
  if (!line) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const parts = [user, nice, system, irq ?? 0, softirq ?? 0, steal ?? 0];
  if (parts.some((value) => value === undefined || !Number.isFinite(value))) return undefined;
  return (parts as number[]).reduce((sum, value) => sum + value, 0);
};

/** Seconds of CPU the whole machine has spent busy since boot (all cores summed). */
export const machineBusySeconds = (clockTicksPerSecond: number): number | undefined => {
  try {
    const ticks = parseBusyTicks(fs.readFileSync('/proc/stat', 'utf8'));
    return ticks === undefined ? undefined : ticks / clockTicksPerSecond;
  } catch {
    return undefined;
  }
};
