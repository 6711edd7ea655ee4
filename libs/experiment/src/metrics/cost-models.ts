/**
 * Cost per second C(k) of the system under test, under stated models (the C of F = λ·f/C).
 * Which model is chosen decides much of ψ, so the report prints ψ under each:
 *
 * - `provisioned`: what a cloud bill charges for the budget, whether used or not:
 *   budget cores × vCPU-hour + memory reserved (peak RSS of the components used) × GiB-hour.
 * - `on-use`: only what was consumed: CPU-seconds used × vCPU-hour + average RSS × GiB-hour.
 * - `+ops`: either, plus a fixed price per running instance (service replica, Kafka, database,
 *   Redis) for operating it.
 *
 * In every model only the components the architecture uses are costed (CRUD does not use
 * Redis), the load generator never, and storage is the durable growth the load causes (the
 * event log, the database), amortised: bytes added per second × months each byte is kept ×
 * the GiB-month price. A stock of bytes priced per month would be noise (< 0.01 % of C) and
 * grow with the run's length, not the load; topics bounded by retention or compaction are
 * not growth.
 */
import type { Architecture, CostModelId } from '../config/experiment-config.schema';
import type { PriceBook } from '../config/price-file';
import type { DiskRole, ProcessRole, ProcessUsage } from '../results/experiment-results';

const GIB = 1024 ** 3;
const SECONDS_PER_HOUR = 3600;

/** Roles each architecture uses; the supervisor runs either fleet. */
const USED_ROLES: Readonly<Record<Architecture, readonly ProcessRole[]>> = {
  es: ['service', 'kafka', 'database', 'redis', 'supervisor'],
  crud: ['service', 'kafka', 'database', 'supervisor'],
};

/** Roles that count as an operated instance for the ops price (the supervisor is machinery). */
const INSTANCE_ROLES: readonly ProcessRole[] = ['service', 'kafka', 'database', 'redis'];

export const usesRole = (arch: Architecture, role: ProcessRole): boolean =>
  USED_ROLES[arch].includes(role);

/** What every model is computed from, for one step of one cell. */
export interface CostInputs {
  readonly arch: Architecture;
  /** Length of the measured window, seconds. */
  readonly windowSeconds: number;
  /** Cores provisioned: the budget (k × unit), or the machine's cores when there was none. */
  readonly provisionedCores: number;
  readonly processes: readonly ProcessUsage[];
  /** Bytes on disk added during the window, by role. */
  readonly storageGrowth: Readonly<Partial<Record<DiskRole, number>>>;
}

/** C per second and where it comes from, currency/s. */
export interface ModelCost {
  readonly model: CostModelId;
  readonly cpu: number;
  readonly memory: number;
  /** Database growth (documents, read models, audit log), amortised. */
  readonly database: number;
  /** Event-store growth (Kafka's log), amortised at its own price. */
  readonly eventStore: number;
  readonly ops: number;
  readonly total: number;
  /** The quantities priced: cores, GiB, GiB/s added, instances. */
  readonly quantities: {
    readonly cores: number;
    readonly memoryGiB: number;
    readonly databaseGiBPerSecond: number;
    readonly eventStoreGiBPerSecond: number;
    readonly instances: number;
  };
}

export const costUnderModel = (
  model: CostModelId,
  inputs: CostInputs,
  prices: PriceBook,
  amortisationMonths: number,
): ModelCost => {
  if (!(inputs.windowSeconds > 0))
    throw new RangeError(`the window must last > 0 s, got ${inputs.windowSeconds}`);
  const used = inputs.processes.filter((process) => usesRole(inputs.arch, process.role));
  const provisioned = model.startsWith('provisioned');
  const cores = provisioned
    ? inputs.provisionedCores
    : used.reduce((sum, process) => sum + process.cpuSeconds, 0) / inputs.windowSeconds;
  const memoryGiB =
    used.reduce(
      (sum, process) => sum + (provisioned ? process.peakRssBytes : process.avgRssBytes),
      0,
    ) / GIB;
  const instances = used.filter((process) => INSTANCE_ROLES.includes(process.role)).length;
  const growth = (roles: readonly DiskRole[]) =>
    roles.reduce((sum, role) => sum + Math.max(0, inputs.storageGrowth[role] ?? 0), 0) /
    GIB /
    inputs.windowSeconds;
  const eventStoreGiBPerSecond = growth(['event-store']);
  // Only durable growth accumulates: the event log and the database. The other topics
  // (commands, replies, compacted snapshots and ledger, the audit topic) are bounded by retention or
  // compaction, so their bytes do not pile up with the load.
  const databaseGiBPerSecond = growth(['database']);
  const perSecond = (hourly: number) => hourly / SECONDS_PER_HOUR;
  const cpu = cores * perSecond(prices.vcpuHour);
  const memory = memoryGiB * perSecond(prices.memoryGiBHour);
  const database = databaseGiBPerSecond * amortisationMonths * prices.storageGiBMonth;
  const eventStore = eventStoreGiBPerSecond * amortisationMonths * prices.eventStoreGiBMonth;
  const ops = model.endsWith('+ops') ? instances * perSecond(prices.opsInstanceHour) : 0;
  return {
    model,
    cpu,
    memory,
    database,
    eventStore,
    ops,
    total: cpu + memory + database + eventStore + ops,
    quantities: { cores, memoryGiB, databaseGiBPerSecond, eventStoreGiBPerSecond, instances },
  };
};

/** One line per model for the report's method section. */
export const COST_MODEL_TEXT: Readonly<Record<CostModelId, string>> = {
  provisioned:
    'provisioned: budget cores × vCPU-hour + reserved memory (peak RSS of the components used) × GiB-hour + durable storage growth (event log, database) amortised',
  'provisioned+ops': 'provisioned, plus instances × the ops price per instance-hour',
  'on-use':
    'on use: CPU-seconds consumed × vCPU-hour + average RSS × GiB-hour + storage growth amortised',
  'on-use+ops': 'on use, plus instances × the ops price per instance-hour',
};
