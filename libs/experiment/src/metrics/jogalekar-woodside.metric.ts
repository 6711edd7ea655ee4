/**
 * The productivity metric of Jogalekar & Woodside, "Evaluating the scalability of distributed
 * systems", IEEE TPDS 11(6), 2000: F(k) = λ(k)·f(k)/C(k), ψ(k1,k2) = F(k2)/F(k1), with the value
 * of a response f = 1/(1 + T/T^) (T the response time, T^ its target).
 */
import type { PriceBook } from '../config/price-file';
import type { DiskUsage, ProcessUsage } from '../results/experiment-results';

const GIB = 1024 ** 3;
const SECONDS_PER_HOUR = 3600;

/** f(T) = 1 / (1 + T/T^): 1 for an instant answer, 1/2 at the target, -> 0 as T grows. */
export const responseValue = (latencyMs: number, targetMs: number): number => {
  if (!(targetMs > 0)) throw new RangeError(`T^ must be > 0, got ${targetMs}`);
  if (!(latencyMs >= 0)) throw new RangeError(`T must be >= 0, got ${latencyMs}`);
  return 1 / (1 + latencyMs / targetMs);
};

/** Cost per second and where it comes from (currency/s). */
export interface CostBreakdown {
  /** CPU-seconds used x price of a CPU-second, per second of the window. */
  readonly cpu: number;
  /** Average RSS (GiB) x price of a GiB-second. */
  readonly memory: number;
  /** cpu + memory. */
  readonly infra: number;
  /** Database / other block storage (GiB on disk x GiB-month price / seconds in a month). */
  readonly database: number;
  /** The event store (Kafka's event log), at its own GiB-month price. */
  readonly eventStore: number;
  /** database + eventStore. */
  readonly storage: number;
  /** Instances x fixed price per instance-second. */
  readonly ops: number;
  /** infra + storage + ops: C of F = λ·f/C. */
  readonly total: number;
  readonly instances: number;
}

export interface CostInputs {
  /** Length of the measured window, seconds (CPU-seconds are spread over it). */
  readonly durationSeconds: number;
  readonly processes: readonly ProcessUsage[];
  readonly disk: readonly DiskUsage[];
}

/**
 * C = C_infra + C_storage + C_ops per second:
 *   C_infra   = Σ cpuSeconds / duration · vcpuHour/3600 + Σ avgRss[GiB] · memoryGiBHour/3600
 *   C_storage = (Σ database GiB · storageGiBMonth + Σ event-store GiB · eventStoreGiBMonth) / (hoursPerMonth·3600)
 *   C_ops     = instances · opsInstanceHour/3600
 * The load generator is the client, not the system: it is left out of the cost.
 */
export const costPerSecond = (inputs: CostInputs, prices: PriceBook): CostBreakdown => {
  if (!(inputs.durationSeconds > 0))
    throw new RangeError(`the window must last > 0 s, got ${inputs.durationSeconds}`);
  const system = inputs.processes.filter((process) => process.role !== 'loadgen');
  const cpuSeconds = system.reduce((sum, process) => sum + process.cpuSeconds, 0);
  const avgRssGiB = system.reduce((sum, process) => sum + process.avgRssBytes, 0) / GIB;
  const cpu = (cpuSeconds / inputs.durationSeconds) * (prices.vcpuHour / SECONDS_PER_HOUR);
  const memory = avgRssGiB * (prices.memoryGiBHour / SECONDS_PER_HOUR);
  const secondsPerMonth = prices.hoursPerMonth * SECONDS_PER_HOUR;
  const eventStoreGiB =
    inputs.disk
      .filter((entry) => entry.role === 'event-store')
      .reduce((sum, entry) => sum + entry.bytes, 0) / GIB;
  const otherGiB =
    inputs.disk
      .filter((entry) => entry.role !== 'event-store')
      .reduce((sum, entry) => sum + entry.bytes, 0) / GIB;
  const database = (otherGiB * prices.storageGiBMonth) / secondsPerMonth;
  const eventStore = (eventStoreGiB * prices.eventStoreGiBMonth) / secondsPerMonth;
  const ops = system.length * (prices.opsInstanceHour / SECONDS_PER_HOUR);
  const infra = cpu + memory;
  const storage = database + eventStore;
  return {
    cpu,
    memory,
    infra,
    database,
    eventStore,
    storage,
    ops,
    total: infra + storage + ops,
    instances: system.length,
  };
};

/** F = λ·f/C (responses/s x value / currency/s). */
export const productivity = (throughput: number, value: number, costPerSec: number): number => {
  if (!(costPerSec > 0)) throw new RangeError(`C must be > 0, got ${costPerSec}`);
  return (throughput * value) / costPerSec;
};

/** One ψ(k1,k2) with its verdict. */
export interface PsiEntry {
  readonly k1: number;
  readonly k2: number;
  readonly F1: number;
  readonly F2: number;
  /** F(k2)/F(k1); undefined when F(k1) is 0. */
  readonly psi: number | undefined;
  /** ψ >= threshold. */
  readonly scalable: boolean;
}

/** ψ(k1,k2) = F(k2)/F(k1) for every pair k1 < k2, flagged scalable when ψ >= threshold. */
export const psiTable = (
  points: readonly { readonly k: number; readonly F: number }[],
  threshold: number,
): PsiEntry[] => {
  const sorted = [...points].sort((a, b) => a.k - b.k);
  const entries: PsiEntry[] = [];
  sorted.forEach((first, i) => {
    for (const second of sorted.slice(i + 1)) {
      if (second.k === first.k) continue;
      const psi = first.F > 0 ? second.F / first.F : undefined;
      entries.push({
        k1: first.k,
        k2: second.k,
        F1: first.F,
        F2: second.F,
        psi,
        scalable: psi !== undefined && psi >= threshold,
      });
    }
  });
  return entries;
};
