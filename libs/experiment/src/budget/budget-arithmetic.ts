/**
 * The arithmetic of a CPU budget (pure): k × a unit of cores, turned into a CFS quota per
 * period, the processor count a JVM is told, and the deltas of the kernel's counters.
 */

/** Shortest CFS period the kernel accepts (1 ms) and the longest (1 s), microseconds. */
export const MIN_PERIOD_US = 1_000;
export const MAX_PERIOD_US = 1_000_000;
/** The kernel refuses a quota below 1 ms. */
export const MIN_QUOTA_US = 1_000;

/** Cores of the budget at scale factor k: k × unit. */
export const budgetCores = (k: number, unitCores: number): number => {
  if (!(k > 0) || !(unitCores > 0))
    throw new RangeError(`k and the unit must be > 0, got k = ${k}, unit = ${unitCores}`);
  return round6(k * unitCores);
};

/**
 * The CFS quota that gives `cores` cores per `periodUs`: quota = cores × period. A short period
 * (10 ms) keeps a throttled group from stalling for tens of milliseconds; the quota must still
 * be at least 1 ms, so the smallest budget at a 10 ms period is 0.1 cores.
 */
export const cfsQuotaUs = (cores: number, periodUs: number): number => {
  if (!(periodUs >= MIN_PERIOD_US && periodUs <= MAX_PERIOD_US) || !Number.isInteger(periodUs))
    throw new RangeError(
      `the CFS period must be a whole number of microseconds from ${MIN_PERIOD_US} to ${MAX_PERIOD_US}, got ${periodUs}`,
    );
  if (!(cores > 0)) throw new RangeError(`a budget needs > 0 cores, got ${cores}`);
  const quota = Math.round(cores * periodUs);
  if (quota < MIN_QUOTA_US)
    throw new RangeError(
      `${cores} cores at a ${periodUs} µs period is a quota of ${quota} µs, below the kernel's 1 ms minimum: lengthen the period or raise the unit`,
    );
  return quota;
};

/** cgroup v2 `cpu.max`: "<quota> <period>", or "max <period>" for no limit. */
export const cpuMaxLine = (cores: number | undefined, periodUs: number): string =>
  cores === undefined ? `max ${periodUs}` : `${cfsQuotaUs(cores, periodUs)} ${periodUs}`;

/** Parses cgroup v2 `cpu.max`: cores, or undefined for "max". */
export const parseCpuMax = (text: string): number | undefined => {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === 'max') return undefined;
  const q = Number(quota);
  const p = Number(period);
  if (!(q > 0) || !(p > 0)) throw new Error(`unreadable cpu.max: ${JSON.stringify(text)}`);
  return q / p;
};

/**
 * Processors a JVM inside the budget is told (-XX:ActiveProcessorCount): the cores rounded up,
 * at least 1. It sizes GC and compiler threads and the common pool to what the budget can run.
 */
export const jvmProcessors = (cores: number): number => Math.max(1, Math.ceil(cores - 1e-9));

/** What the kernel counts for a group, unified over cgroup v1 and v2. */
export interface CpuCounters {
  /** CPU time used by every task of the group, seconds. */
  readonly usageSeconds: number;
  /** CFS enforcement periods that elapsed while the group had runnable tasks. */
  readonly periods: number;
  /** Of those, periods in which the group used up its quota and was throttled. */
  readonly throttledPeriods: number;
  /** Total time tasks of the group spent throttled, seconds. */
  readonly throttledSeconds: number;
}

/** Usage and throttling over a window, from the counters at its start and end. */
export interface BudgetWindow {
  readonly seconds: number;
  readonly usageSeconds: number;
  /** usageSeconds / seconds. */
  readonly coresUsed: number;
  readonly periods: number;
  readonly throttledPeriods: number;
  /** throttledPeriods / periods (0 when no period elapsed). */
  readonly throttledShare: number;
  readonly throttledSeconds: number;
}

export const counterDelta = (
  start: CpuCounters,
  end: CpuCounters,
  wallSeconds: number,
): BudgetWindow => {
  const usageSeconds = Math.max(0, end.usageSeconds - start.usageSeconds);
  const periods = Math.max(0, end.periods - start.periods);
  const throttledPeriods = Math.max(0, end.throttledPeriods - start.throttledPeriods);
  return {
    seconds: round6(wallSeconds),
    usageSeconds: round6(usageSeconds),
    coresUsed: wallSeconds > 0 ? round6(usageSeconds / wallSeconds) : 0,
    periods,
    throttledPeriods,
    throttledShare: periods > 0 ? round6(throttledPeriods / periods) : 0,
    throttledSeconds: round6(Math.max(0, end.throttledSeconds - start.throttledSeconds)),
  };
};

/** `key value` lines (cpu.stat of v1 and v2) as numbers. */
export const parseKeyValues = (text: string): Map<string, number> => {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && Number.isFinite(Number(value)))
      values.set(key, Number(value));
  }
  return values;
};

/** v1: cpu.stat (nr_periods, nr_throttled, throttled_time in ns) and cpuacct.usage (ns). */
export const countersV1 = (cpuStat: string, cpuacctUsage: string): CpuCounters => {
  const stat = parseKeyValues(cpuStat);
  return {
    usageSeconds: Number(cpuacctUsage.trim()) / 1e9,
    periods: stat.get('nr_periods') ?? 0,
    throttledPeriods: stat.get('nr_throttled') ?? 0,
    throttledSeconds: (stat.get('throttled_time') ?? 0) / 1e9,
  };
};

/** v2: cpu.stat (usage_usec, nr_periods, nr_throttled, throttled_usec). */
export const countersV2 = (cpuStat: string): CpuCounters => {
  const stat = parseKeyValues(cpuStat);
  return {
    usageSeconds: (stat.get('usage_usec') ?? 0) / 1e6,
    periods: stat.get('nr_periods') ?? 0,
    throttledPeriods: stat.get('nr_throttled') ?? 0,
    throttledSeconds: (stat.get('throttled_usec') ?? 0) / 1e6,
  };
};

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;
