import { performance } from 'node:perf_hooks';
import { counterDelta, type CpuCounters } from '../budget/budget-arithmetic';
import type { CpuBudget } from '../budget/cpu-budget';
import type { MachineCpu, ProcessUsage, StepBudget } from '../results/experiment-results';
import { clockTicksPerSecond } from '../sampler/resource-sampler';
import { machineBusySeconds } from './machine-busy';

/** What a window measured: where the machine's CPU went, and the budget's counters. */
export interface CpuWindowResult {
  readonly seconds: number;
  readonly machineCpu?: MachineCpu;
  readonly budget?: StepBudget;
}

const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/**
 * Opens a window over the machine's CPU: busy time from /proc/stat, the budget group's counters
 * (exact usage and throttling of the system under test) and this process's own CPU (the load
 * generator). What the machine spent beyond the two is foreign: other jobs and the kernel.
 */
export const openCpuWindow = (budget: CpuBudget | undefined) => {
  const hz = clockTicksPerSecond();
  const startedAt = performance.now();
  const busyAtStart = machineBusySeconds(hz);
  const ownAtStart = ownCpuSeconds();
  let countersAtStart: CpuCounters | undefined;
  try {
    countersAtStart = budget?.counters();
  } catch {
    countersAtStart = undefined;
  }
  return {
    /** `processes`: the sampler's figures, for the system's CPU when there is no budget group. */
    close(processes: readonly ProcessUsage[]): CpuWindowResult {
      const seconds = (performance.now() - startedAt) / 1000;
      const busyAtEnd = machineBusySeconds(hz);
      let window: ReturnType<typeof counterDelta> | undefined;
      try {
        if (budget && countersAtStart)
          window = counterDelta(countersAtStart, budget.counters(), seconds);
      } catch {
        window = undefined;
      }
      const sampled =
        processes
          .filter((usage) => usage.role !== 'loadgen')
          .reduce((sum, usage) => sum + usage.cpuSeconds, 0) / Math.max(seconds, 0.001);
      const sutCores = window?.coresUsed ?? sampled;
      const loadgenCores = (ownCpuSeconds() - ownAtStart) / Math.max(seconds, 0.001);
      const machineCpu =
        busyAtStart !== undefined && busyAtEnd !== undefined && seconds > 0
          ? (() => {
              const busyCores = (busyAtEnd - busyAtStart) / seconds;
              return {
                busyCores: round3(busyCores),
                sutCores: round3(sutCores),
                loadgenCores: round3(loadgenCores),
                foreignCores: round3(Math.max(0, busyCores - sutCores - loadgenCores)),
              };
            })()
          : undefined;
      return {
        seconds,
        ...(machineCpu ? { machineCpu } : {}),
        ...(window && budget?.limitCores !== undefined
          ? { budget: { ...window, limitCores: budget.limitCores } }
          : {}),
      };
    },
  };
};

const round3 = (value: number) => Math.round(value * 1000) / 1000;
