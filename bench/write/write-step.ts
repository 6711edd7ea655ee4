import { formatProgress, runOpenLoop, type OpenLoopResult, type Operation } from '@qf/loadgen';
import { cpuTimesOf, type CpuTimes } from './process-cpu';
import type { StepProbe } from './step-probe';
import type { MeasuredProcess } from './write-target';

/** One open-loop step at a fixed rate, with what the processes and probes measured during it. */
export interface WriteStepResult {
  readonly rate: number;
  readonly result: OpenLoopResult;
  /** Seconds from the first measured request to the last answer (the CPU window). */
  readonly windowSeconds: number;
  /** CPU seconds of each measured process during the measured phase. */
  readonly cpuSeconds: Readonly<Record<string, number>>;
  /** CPU milliseconds per completed command, by role (gateway, processor, broker, loadgen …). */
  readonly cpuMsPerCommand: Readonly<Record<string, number>>;
  /** The share of each role's CPU spent in the kernel (system time: sockets, wake-ups). */
  readonly systemShare: Readonly<Record<string, number>>;
  /** Each probe's figures, by probe name. */
  readonly figures: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface StepOptions {
  readonly rate: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly next: () => Operation;
  readonly processes: readonly MeasuredProcess[];
  readonly probes: readonly StepProbe[];
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

const cpuOf = (processes: readonly MeasuredProcess[]) =>
  new Map(processes.map((proc) => [proc.name, cpuTimesOf(proc.pid)]));

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Runs one step: a warm-up at the rate (not recorded), then the measured phase, between
 * whose start and end the CPU of every process is read from /proc and the probes run.
 */
export const measureWriteStep = async (options: StepOptions): Promise<WriteStepResult> => {
  const { processes, probes, log } = options;
  let cpuBefore = new Map<string, CpuTimes | undefined>();
  let measureStartedAt = 0;
  let probesStarted: Promise<unknown> = Promise.resolve();
  let sampling: NodeJS.Timeout | undefined;
  // Samples still running when the step ends are awaited: one left running past the end of the
  // bench found its admin client disconnected, and kafkajs' reconnecting retries kept the
  // process alive after the report was printed.
  const samplesInFlight = new Set<Promise<unknown>>();
  const result = await runOpenLoop({
    rate: options.rate,
    durationMs: options.durationSec * 1000,
    warmupMs: options.warmupSec * 1000,
    next: options.next,
    onProgress: (progress) => log(`  ${formatProgress(progress)}`),
    ...(options.signal ? { signal: options.signal } : {}),
    onMeasureStart: () => {
      measureStartedAt = performance.now();
      cpuBefore = cpuOf(processes);
      probesStarted = Promise.all(
        probes.map((probe) =>
          probe.start({ durationSec: options.durationSec }).catch(() => undefined),
        ),
      );
      sampling = setInterval(() => {
        for (const probe of probes) {
          const sample = probe.sample?.().catch(() => undefined);
          if (!sample) continue;
          samplesInFlight.add(sample);
          void sample.finally(() => samplesInFlight.delete(sample));
        }
      }, 1000);
    },
  });
  clearInterval(sampling);
  const windowSeconds = measureStartedAt ? (performance.now() - measureStartedAt) / 1000 : 0;
  const cpuAfter = cpuOf(processes);
  await Promise.all(samplesInFlight);
  await probesStarted;
  const commands = result.completed;
  const cpuSeconds: Record<string, number> = {};
  const byRole: Record<string, { user: number; system: number }> = {};
  for (const proc of processes) {
    const before = cpuBefore.get(proc.name);
    const after = cpuAfter.get(proc.name);
    if (before === undefined || after === undefined) continue;
    const user = after.user - before.user;
    const system = after.system - before.system;
    cpuSeconds[proc.name] = round(user + system, 2);
    const role = (byRole[proc.role] ??= { user: 0, system: 0 });
    role.user += user;
    role.system += system;
  }
  const cpuMsPerCommand = Object.fromEntries(
    Object.entries(byRole).map(([role, { user, system }]) => [
      role,
      commands > 0 ? round(((user + system) * 1000) / commands, 4) : 0,
    ]),
  );
  const systemShare = Object.fromEntries(
    Object.entries(byRole).map(([role, { user, system }]) => [
      role,
      user + system > 0 ? round(system / (user + system), 3) : 0,
    ]),
  );
  const figures = Object.fromEntries(
    await Promise.all(
      probes.map(
        async (probe) => [probe.name, await probe.finish(commands).catch(() => ({}))] as const,
      ),
    ),
  );
  return {
    rate: options.rate,
    result,
    windowSeconds,
    cpuSeconds,
    cpuMsPerCommand,
    systemShare,
    figures,
  };
};
