import type { PriceBook } from '../config/price-file';
import type { ProcessUsage } from '../results/experiment-results';
import { costUnderModel, usesRole, type CostInputs } from './cost-models';

const GIB = 1024 ** 3;

// Round prices so every expected figure can be worked out by hand.
const prices: PriceBook = {
  currency: 'USD',
  vcpuHour: 3.6, // 0.001 per core-second
  memoryGiBHour: 0.36, // 0.0001 per GiB-second
  storageGiBMonth: 2,
  eventStoreGiBMonth: 1,
  opsInstanceHour: 0.36, // 0.0001 per instance-second
  hoursPerMonth: 730,
  sources: [{ item: 'all', source: 'test', note: 'round numbers' }],
};

const usage = (
  name: string,
  role: ProcessUsage['role'],
  cpuSeconds: number,
  avgGiB: number,
  peakGiB: number,
): ProcessUsage => ({
  name,
  role,
  pid: 1,
  cpuSeconds,
  avgRssBytes: avgGiB * GIB,
  peakRssBytes: peakGiB * GIB,
  samples: 10,
});

const processes = [
  usage('crud-service#1', 'service', 2, 0.25, 0.5),
  usage('kafka-1', 'kafka', 1, 0.5, 0.5),
  usage('mongo', 'database', 1, 0.25, 0.5),
  usage('redis', 'redis', 1, 0.5, 0.5),
  usage('pm2', 'supervisor', 0, 0, 0),
  usage('loadgen', 'loadgen', 5, 1, 1),
];

const inputs = (arch: CostInputs['arch']): CostInputs => ({
  arch,
  windowSeconds: 10,
  provisionedCores: 0.8,
  processes,
  storageGrowth: { 'event-store': 0.01 * GIB, database: 0.02 * GIB, broker: 0.5 * GIB },
});

describe('cost models', () => {
  it('prices the provisioned budget, not the CPU used', () => {
    const cost = costUnderModel('provisioned', inputs('crud'), prices, 1);
    expect(cost.quantities.cores).toBe(0.8);
    expect(cost.cpu).toBeCloseTo(0.8 * 0.001, 12);
    // Reserved memory: peak RSS of service + kafka + database (no Redis for CRUD, no loadgen).
    expect(cost.quantities.memoryGiB).toBeCloseTo(1.5, 12);
    expect(cost.memory).toBeCloseTo(1.5 * 0.0001, 12);
    expect(cost.ops).toBe(0);
  });

  it('prices only the CPU used on use, and only components the architecture uses', () => {
    const crud = costUnderModel('on-use', inputs('crud'), prices, 1);
    // (2 + 1 + 1) CPU-s over 10 s = 0.4 cores; Redis and the load generator are left out.
    expect(crud.quantities.cores).toBeCloseTo(0.4, 12);
    expect(crud.quantities.memoryGiB).toBeCloseTo(1, 12);
    const es = costUnderModel('on-use', inputs('es'), prices, 1);
    expect(es.quantities.cores).toBeCloseTo(0.5, 12);
    expect(es.quantities.memoryGiB).toBeCloseTo(1.5, 12);
    expect(usesRole('crud', 'redis')).toBe(false);
    expect(usesRole('es', 'redis')).toBe(true);
  });

  it('amortises durable storage growth: bytes per second × months kept × GiB-month price', () => {
    const cost = costUnderModel('on-use', inputs('es'), prices, 3);
    // 0.02 GiB over 10 s at 2 per GiB-month kept 3 months; the event store at its own price.
    expect(cost.database).toBeCloseTo((0.02 / 10) * 3 * 2, 12);
    expect(cost.eventStore).toBeCloseTo((0.01 / 10) * 3 * 1, 12);
    // Topics bounded by retention or compaction (role broker) do not accumulate.
    expect(cost.quantities.databaseGiBPerSecond).toBeCloseTo(0.02 / 10, 12);
  });

  it('adds the ops price per operated instance in the +ops variants', () => {
    const es = costUnderModel('provisioned+ops', inputs('es'), prices, 1);
    // service, kafka, database, redis: the supervisor is machinery, the generator the client.
    expect(es.quantities.instances).toBe(4);
    expect(es.ops).toBeCloseTo(4 * 0.0001, 12);
    const crud = costUnderModel('on-use+ops', inputs('crud'), prices, 1);
    expect(crud.quantities.instances).toBe(3);
    expect(crud.total).toBeCloseTo(
      crud.cpu + crud.memory + crud.database + crud.eventStore + crud.ops,
      12,
    );
  });

  it('refuses an empty window', () => {
    expect(() =>
      costUnderModel('provisioned', { ...inputs('es'), windowSeconds: 0 }, prices, 1),
    ).toThrow(RangeError);
  });
});
