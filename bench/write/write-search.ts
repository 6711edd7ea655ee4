import { RateSearch, type RateSearchSettings } from '@qf/experiment';
import { machineInfo, type MachineInfo } from '@qf/loadgen';
import { measureWriteStep, type WriteStepResult } from './write-step';
import { prepareRun, type LoadOptions } from './write-run';
import type { TargetOptions } from './write-target';

/** How a search step passes and how the search moves. */
export interface SearchOptions {
  /** A step passes when its p95 (from each request's intended send time) is at most this. */
  readonly sloP95Ms: number;
  /** … and at most this share of its requests failed (5xx, shed, timed out, dropped). */
  readonly maxErrorRate: number;
  readonly startRate: number;
  readonly maxRate: number;
  /** The search stops when the bracket [passing, failing) is within this share of its lower end. */
  readonly resolution: number;
  readonly maxSteps: number;
  readonly stepDurationSec: number;
  readonly stepWarmupSec: number;
  /** Pause between steps, after which the probes settle (e.g. consumers catch up). */
  readonly coolDownSec: number;
  /**
   * Load at the start rate before the first step, not judged: a target just started (JIT,
   * a new database and topics, consumers joining their group) is slower for its first
   * minute, and a first step failing there would bound the whole search.
   */
  readonly initialWarmupSec: number;
}

export const DEFAULT_SEARCH: SearchOptions = {
  sloP95Ms: 50,
  maxErrorRate: 0.001,
  startRate: 500,
  maxRate: 20_000,
  resolution: 0.05,
  maxSteps: 14,
  stepDurationSec: 15,
  stepWarmupSec: 5,
  coolDownSec: 5,
  initialWarmupSec: 30,
};

/** One measured step of the search and whether it held the SLO. */
export interface SearchStep extends WriteStepResult {
  readonly passed: boolean;
  /** Why it failed (p95 above the SLO, errors), empty when it passed. */
  readonly reasons: readonly string[];
}

export interface WriteSearchReport {
  readonly benchmark: 'write-search';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly backend: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly steps: readonly SearchStep[];
  /** The highest rate that held the SLO (undefined: none did). */
  readonly best?: SearchStep;
  /** The lowest rate that did not. */
  readonly lowestFailing?: number;
  readonly stopReason: string;
}

/** Whether a step held the SLO, and why not. */
export const judgeStep = (
  step: WriteStepResult,
  options: Pick<SearchOptions, 'sloP95Ms' | 'maxErrorRate'>,
): { passed: boolean; reasons: string[] } => {
  const { result } = step;
  const reasons: string[] = [];
  if (result.latency.p95 > options.sloP95Ms)
    reasons.push(`p95 ${result.latency.p95.toFixed(1)} ms > ${options.sloP95Ms} ms`);
  const errorRate = result.scheduled > 0 ? result.failed / result.scheduled : 1;
  if (errorRate > options.maxErrorRate)
    reasons.push(
      `${result.failed} of ${result.scheduled} failed (${(errorRate * 100).toFixed(2)} %)`,
    );
  return { passed: reasons.length === 0, reasons };
};

/** Steps the bisection still needs to narrow [low, high) to the resolution (an estimate for the ETA). */
const stepsLeft = (
  low: number | undefined,
  high: number | undefined,
  options: SearchOptions,
): number => {
  if (low === undefined || high === undefined)
    return Math.max(1, Math.ceil(Math.log2(1 / options.resolution)));
  let width = high - low;
  let steps = 0;
  while (width > Math.max(1, options.resolution * low)) {
    width /= 2;
    steps += 1;
  }
  return steps;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `qf bench write --search`: the highest arrival rate whose p95 stays within the SLO, found
 * by open-loop steps on the same running target: doubling from the start rate until a step
 * fails, then bisecting the bracket to within the resolution, with a cool-down between
 * steps. Players are registered once, before the first step.
 */
export const runWriteSearch = async (
  targetOptions: TargetOptions,
  load: LoadOptions,
  options: SearchOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  signal?: AbortSignal,
): Promise<WriteSearchReport> => {
  const startedAt = new Date().toISOString();
  const run = await prepareRun(targetOptions, load, log);
  // Both generations of the experiment's RateSearch read what they need from these fields.
  const settings = {
    startRate: options.startRate,
    maxRate: options.maxRate,
    minRate: Math.min(options.startRate, 10),
    growthFactor: 2,
    seedSpread: 0.5,
    resolution: options.resolution,
    resolutionRate: 1,
    bisectionSteps: options.maxSteps,
    maxSteps: options.maxSteps,
  };
  const search = new RateSearch(settings as unknown as RateSearchSettings);
  const steps: SearchStep[] = [];
  let best: SearchStep | undefined;
  let lowestFailing: number | undefined;
  const started = Date.now();
  try {
    if (options.initialWarmupSec > 0 && !signal?.aborted) {
      log(
        `warming the target up: ${options.initialWarmupSec}s at ${options.startRate}/s, not judged`,
      );
      await measureWriteStep({
        rate: options.startRate,
        durationSec: options.initialWarmupSec,
        warmupSec: 0,
        next: () => run.driver.next(),
        processes: [],
        probes: [],
        log,
        ...(signal ? { signal } : {}),
      });
    }
    for (let rate = search.next(); rate !== undefined && !signal?.aborted; rate = search.next()) {
      if (steps.length > 0) {
        log(`cool-down ${options.coolDownSec}s`);
        await sleep(options.coolDownSec * 1000);
        const deadline = Date.now() + 60_000;
        await Promise.all(
          run.target.probes.map((probe) => probe.settle?.(deadline).catch(() => undefined)),
        );
      }
      const left = stepsLeft(best?.rate, lowestFailing, options);
      const perStep = options.stepDurationSec + options.stepWarmupSec + options.coolDownSec;
      log(
        `step ${steps.length + 1} at ${rate}/s (about ${left} more after it, ETA ${Math.round(((left + 1) * perStep) / 60)} min; ${Math.round((Date.now() - started) / 1000)}s so far)`,
      );
      const step = await measureWriteStep({
        rate,
        durationSec: options.stepDurationSec,
        warmupSec: options.stepWarmupSec,
        next: () => run.driver.next(),
        processes: run.target.processes,
        probes: run.target.probes,
        log,
        ...(signal ? { signal } : {}),
      });
      const verdict = judgeStep(step, options);
      const judged: SearchStep = { ...step, ...verdict };
      steps.push(judged);
      if (verdict.passed && (best === undefined || rate > best.rate)) best = judged;
      if (!verdict.passed)
        lowestFailing = Math.min(lowestFailing ?? Number.POSITIVE_INFINITY, rate);
      log(
        `step ${steps.length}: ${rate}/s → p95 ${step.result.latency.p95.toFixed(1)} ms, ${step.result.failed} failed: ${verdict.passed ? 'holds' : `fails (${verdict.reasons.join('; ')})`}`,
      );
      search.record(rate, verdict.passed);
    }
  } finally {
    await run.close();
  }
  const state = search.state() as { stopReason?: string };
  return {
    benchmark: 'write-search',
    startedAt,
    machine: machineInfo(),
    backend: { target: run.target.kind, node: process.version, ...run.target.backend },
    settings: {
      ...options,
      players: load.players,
      scenario: run.scenario.name,
      mix: run.scenario.mix,
      distribution: load.distribution,
      connections: load.connections,
      seed: load.seed,
      ...run.target.settings,
    },
    steps,
    ...(best ? { best } : {}),
    ...(lowestFailing !== undefined ? { lowestFailing } : {}),
    stopReason: signal?.aborted ? 'interrupted' : (state.stopReason ?? 'done'),
  };
};
