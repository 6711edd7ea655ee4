import type { PriceBook } from '../config/price-file';
import type { DiskUsage, ProcessUsage } from '../results/experiment-results';
import { costPerSecond, productivity, psiTable, responseValue } from './jogalekar-woodside.metric';

const GIB = 1024 ** 3;

// Prices chosen so the hand arithmetic stays simple: 0.036/vCPU-h = 1e-5 per CPU-second,
// 0.0036/GiB-h = 1e-6 per GiB-second, 0.0036/instance-h = 1e-6 per instance-second,
// and a 720-hour month (2 592 000 s).
const prices: PriceBook = {
  currency: 'USD',
  vcpuHour: 0.036,
  memoryGiBHour: 0.0036,
  storageGiBMonth: 0.72,
  eventStoreGiBMonth: 0.36,
  opsInstanceHour: 0.0036,
  hoursPerMonth: 720,
  sources: [{ item: 'all', source: 'test', note: 'round numbers' }],
};

const proc = (
  name: string,
  role: ProcessUsage['role'],
  cpuSeconds: number,
  rssGiB: number,
): ProcessUsage => ({
  name,
  role,
  pid: 1,
  cpuSeconds,
  avgRssBytes: rssGiB * GIB,
  peakRssBytes: rssGiB * GIB,
  samples: 10,
});

describe('responseValue f = 1/(1 + T/T^)', () => {
  it.each([
    [0, 100, 1],
    [100, 100, 0.5],
    [300, 100, 0.25],
    [50, 200, 0.8],
  ])('T = %p ms, T^ = %p ms -> %p', (latency, target, expected) => {
    expect(responseValue(latency, target)).toBeCloseTo(expected, 12);
  });

  it('rejects a non-positive target', () => {
    expect(() => responseValue(10, 0)).toThrow(RangeError);
  });
});

describe('costPerSecond C = C_infra + C_storage + C_ops', () => {
  const processes = [
    proc('command-processor#1', 'service', 12, 1),
    proc('kafka-1', 'kafka', 3, 0.5),
    proc('loadgen', 'loadgen', 5, 2),
  ];
  const disk: DiskUsage[] = [
    { name: 'mongo', role: 'database', bytes: 2 * GIB },
    { name: 'player.events', role: 'event-store', bytes: 4 * GIB },
  ];
  const cost = costPerSecond({ durationSeconds: 10, processes, disk }, prices);

  it('prices CPU-seconds per second of window (the load generator is not costed)', () => {
    // (12 + 3) CPU-s / 10 s = 1.5 CPU x 1e-5 per CPU-s
    expect(cost.cpu).toBeCloseTo(1.5e-5, 15);
  });

  it('prices the average RSS per second', () => {
    // (1 + 0.5) GiB x 1e-6 per GiB-s
    expect(cost.memory).toBeCloseTo(1.5e-6, 15);
    expect(cost.infra).toBeCloseTo(1.65e-5, 15);
  });

  it('prices database and event-store bytes with their own GiB-month rates', () => {
    // 2 GiB x 0.72 / 2 592 000 s and 4 GiB x 0.36 / 2 592 000 s
    expect(cost.database).toBeCloseTo(1.44 / 2_592_000, 15);
    expect(cost.eventStore).toBeCloseTo(1.44 / 2_592_000, 15);
    expect(cost.storage).toBeCloseTo(2.88 / 2_592_000, 15);
  });

  it('charges a fixed price per instance', () => {
    expect(cost.instances).toBe(2);
    expect(cost.ops).toBeCloseTo(2e-6, 15);
  });

  it('sums the three parts', () => {
    expect(cost.total).toBeCloseTo(1.5e-5 + 1.5e-6 + 2.88 / 2_592_000 + 2e-6, 15);
  });
});

describe('productivity F = λ·f/C', () => {
  it('matches the hand-computed value', () => {
    // 200 responses/s x 0.5 / 2e-5 per s = 5 000 000 value-weighted responses per unit of money
    expect(productivity(200, 0.5, 2e-5)).toBeCloseTo(5_000_000, 6);
  });

  it('rejects a zero cost', () => {
    expect(() => productivity(1, 1, 0)).toThrow(RangeError);
  });
});

describe('psiTable ψ(k1,k2) = F(k2)/F(k1)', () => {
  it('covers every pair k1 < k2 and flags the scalable ones', () => {
    const table = psiTable(
      [
        { k: 4, F: 60 },
        { k: 1, F: 100 },
        { k: 2, F: 90 },
      ],
      0.8,
    );
    expect(table.map(({ k1, k2, scalable }) => ({ k1, k2, scalable }))).toEqual([
      { k1: 1, k2: 2, scalable: true },
      { k1: 1, k2: 4, scalable: false },
      { k1: 2, k2: 4, scalable: false },
    ]);
    expect(table.map((entry) => entry.psi)).toEqual([0.9, 0.6, expect.closeTo(2 / 3, 12)]);
  });

  it('counts ψ equal to the threshold as scalable', () => {
    expect(
      psiTable(
        [
          { k: 1, F: 10 },
          { k: 2, F: 8 },
        ],
        0.8,
      )[0]?.scalable,
    ).toBe(true);
  });

  it('leaves ψ undefined (and not scalable) when F(k1) is 0', () => {
    expect(
      psiTable(
        [
          { k: 1, F: 0 },
          { k: 2, F: 5 },
        ],
        0.8,
      )[0],
    ).toMatchObject({ psi: undefined, scalable: false });
  });
});
