import { performance } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import type { CpuBudget } from '../budget/cpu-budget';
import type { Cooldown } from '../results/experiment-results';
import { measureConsumerLag, type GroupOnTopic } from './consumer-lag.probe';
import { sleep } from './short-reason';

/** CPU of the budget group over `ms`, cores (undefined without a group). */
export const groupCores = async (
  budget: CpuBudget | undefined,
  ms: number,
  signal?: AbortSignal,
): Promise<number | undefined> => {
  if (!budget) {
    await sleep(ms, signal);
    return undefined;
  }
  const start = budget.counters();
  const startedAt = performance.now();
  await sleep(ms, signal);
  const seconds = (performance.now() - startedAt) / 1000;
  return (budget.counters().usageSeconds - start.usageSeconds) / Math.max(seconds, 0.001);
};

/**
 * The idle level a cool-down waits for: the system's CPU when nothing is offered. Consumers
 * that poll Kafka and the supervisor's monitoring cost something even then (about 0.2 cores
 * for eight replicas here), so "idle" means back to this baseline, not zero.
 */
export const idleThreshold = (baselineCores: number): number => baselineCores * 1.25 + 0.03;

export interface CooldownOptions {
  readonly budget?: CpuBudget;
  readonly admin?: Admin;
  readonly groups: readonly GroupOnTopic[];
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** The cell's idle CPU (see idleThreshold). */
  readonly baselineCores?: number;
  readonly signal?: AbortSignal;
}

/**
 * Waits after a step until every consumer group of the cell has lag 0 and the system's CPU
 * is back to its idle baseline (two readings in a row), at least `minSeconds` and at most
 * `maxSeconds`. Without it the next step starts on a backlog and measures the previous one.
 */
export const coolDown = async (options: CooldownOptions): Promise<Cooldown> => {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const threshold =
    options.baselineCores === undefined ? undefined : idleThreshold(options.baselineCores);
  let quietReadings = 0;
  let lastCores: number | undefined;
  let lastLag: number | undefined;
  while (!options.signal?.aborted) {
    lastCores = await groupCores(options.budget, 500, options.signal);
    // Without a broker to ask (a remote system), only the idle CPU and the minimum count.
    lastLag = options.admin
      ? await measureConsumerLag(options.admin, options.groups)
          .then((lags) => lags.reduce((sum, lag) => sum + lag.totalLag, 0))
          .catch(() => undefined)
      : 0;
    const idle = threshold === undefined || lastCores === undefined || lastCores <= threshold;
    quietReadings = lastLag === 0 && idle ? quietReadings + 1 : 0;
    if (quietReadings >= 2 && elapsed() >= options.minSeconds) break;
    if (elapsed() >= options.maxSeconds) {
      return { seconds: round1(elapsed()), settled: false, ...figures(lastCores, lastLag) };
    }
  }
  return { seconds: round1(elapsed()), settled: true, ...figures(lastCores, lastLag) };
};

const figures = (cores: number | undefined, lag: number | undefined) => ({
  ...(cores === undefined ? {} : { sutCores: Math.round(cores * 1000) / 1000 }),
  ...(lag === undefined ? {} : { lag }),
});

const round1 = (value: number) => Math.round(value * 10) / 10;
