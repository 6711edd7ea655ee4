import { performance } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import type { Db } from 'mongodb';
import { runOpenLoop, type OpenLoopResult, type ScenarioDriver } from '@qf/loadgen';
import type { CpuBudget } from '../budget/cpu-budget';
import type { CellSystem, CpuWindow } from './cell-system';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type { DiskUsage, StepResult } from '../results/experiment-results';
import type { ResourceSampler, SamplingWindow } from '../sampler/resource-sampler';
import { measureConsumerLag, type GroupOnTopic } from './consumer-lag.probe';
import { describeLoss, ProcessWatch, type WatchedProcess } from './process-watch';
import { formatStepProgress, type RunProgressReporter } from './progress';
import type { CellPlan } from './run-plan';
import { shortReason } from './short-reason';
import { buildStepResult, diskGrowth, emptyFailedStep, failStep } from './step-result';
import { measureDisk } from './storage.probe';
import type { InFlightCounter } from './workload';

/** What every step of a cell shares: its fleet, its load and where to record. */
export interface StepContext {
  readonly plan: CellPlan;
  readonly config: ExperimentConfig;
  readonly where: string;
  readonly system: CellSystem;
  readonly budget?: CpuBudget;
  readonly sampler: ResourceSampler;
  readonly watched: readonly WatchedProcess[];
  readonly driver: ScenarioDriver;
  readonly inFlight: InFlightCounter;
  /** The cell's database, when the harness reaches it (always for a local system). */
  readonly db?: Db;
  readonly logDirs: readonly string[];
  readonly admin?: Admin;
  readonly groups: readonly GroupOnTopic[];
  readonly progress: RunProgressReporter;
  readonly signal: AbortSignal;
  readonly notes: string[];
}

export const INTERRUPTED = 'interrupted (Ctrl-C)';

const diskNow = async (ctx: StepContext, when: string): Promise<DiskUsage[]> => {
  // A remote system's disk is not ours to measure (its topics and database outlive the cell).
  if (!ctx.db || !ctx.system.ownsData) return [];
  return measureDisk(ctx.plan.arch, ctx.plan.topicPrefix, ctx.db, ctx.logDirs).catch(
    (error: unknown) => {
      ctx.notes.push(`${ctx.where} ${when}: disk not measured (${shortReason(error)})`);
      return [];
    },
  );
};

const lagNow = (ctx: StepContext, index: number) =>
  ctx.admin
    ? measureConsumerLag(ctx.admin, ctx.groups).catch((error: unknown) => {
        ctx.notes.push(`${ctx.where} step ${index}: lag not measured (${shortReason(error)})`);
        return undefined;
      })
    : Promise.resolve(undefined);

/**
 * One measured step at `rate`: open-loop load after a warm-up; over the measured window the
 * /proc sampler (per process), the budget's counters (usage, throttling) and the machine's
 * busy time (foreign CPU); bytes on disk before and after (growth); consumer lag at the end.
 */
export const measureStep = async (
  ctx: StepContext,
  index: number,
  rate: number,
  label: { readonly number: number; readonly max: number },
): Promise<StepResult> => {
  const { config, signal } = ctx;
  const startedAt = new Date().toISOString();
  const watch = new ProcessWatch(ctx.watched);
  const missing = watch.missingAtStart();
  if (missing.length > 0)
    return emptyFailedStep(
      index,
      rate,
      startedAt,
      describeLoss(missing, 'before the step started'),
    );
  const diskBefore = await diskNow(ctx, `step ${index} start`);
  let window: SamplingWindow | undefined;
  let cpu: CpuWindow | undefined;
  let windowStart = 0;
  let loop: OpenLoopResult;
  ctx.inFlight.takePeak();
  try {
    loop = await runOpenLoop({
      rate,
      durationMs: config.durations.stepSeconds * 1000,
      warmupMs: config.durations.warmupSeconds * 1000,
      drainTimeoutMs: 5000,
      maxInFlight: 10_000,
      next: () => ctx.inFlight.wrap(ctx.driver.next()),
      onMeasureStart: () => {
        window = ctx.sampler.openWindow();
        cpu = ctx.system.openCpu();
        windowStart = performance.now();
      },
      progressEveryMs: 5000,
      onProgress: (report) =>
        ctx.progress.line(formatStepProgress(ctx.where, { ...label, rate }, report)),
      signal,
    });
  } catch (error) {
    window?.close();
    return emptyFailedStep(index, rate, startedAt, `load generator: ${shortReason(error)}`);
  }
  const sampled = window?.close() ?? [];
  const cpuResult = await cpu?.close(sampled).catch((error: unknown) => {
    ctx.notes.push(
      `${ctx.where} step ${index}: the system's CPU was not read (${shortReason(error)})`,
    );
    return undefined;
  });
  // A remote system's processes come from its CPU source; the load generator from /proc.
  const processes = cpuResult?.processes ? [...cpuResult.processes, ...sampled] : sampled;
  const windowSeconds = windowStart > 0 ? (performance.now() - windowStart) / 1000 : 0;
  const lost = watch.lost();
  const [diskAfter, consumerLag] = await Promise.all([
    diskNow(ctx, `step ${index} end`),
    lagNow(ctx, index),
  ]);
  // The disk grew over warm-up and measurement: the measured share is the step's.
  const { warmupSeconds, stepSeconds } = config.durations;
  const measuredShare = stepSeconds / (warmupSeconds + stepSeconds);
  const growth = Object.fromEntries(
    Object.entries(diskGrowth(diskBefore, diskAfter)).map(([role, bytes]) => [
      role,
      Math.round(bytes * measuredShare),
    ]),
  );
  const step = buildStepResult(
    {
      index,
      offeredRate: rate,
      startedAt,
      windowSeconds,
      loop,
      processes,
      disk: diskAfter,
      ...(consumerLag ? { consumerLag } : {}),
      saturation: { inFlightPeak: ctx.inFlight.takePeak() },
      ...(cpuResult?.budget ? { budget: cpuResult.budget } : {}),
      ...(cpuResult?.machineCpu ? { machineCpu: cpuResult.machineCpu } : {}),
      ...(diskBefore.length > 0 && diskAfter.length > 0 ? { storageGrowth: growth } : {}),
      maxForeignCores: config.pollution.maxForeignCores,
    },
    config.slo,
  );
  if (lost.length > 0) return failStep(step, describeLoss(lost, 'during the step'));
  if (signal.aborted) return failStep(step, `${INTERRUPTED} during the step`);
  return step;
};
