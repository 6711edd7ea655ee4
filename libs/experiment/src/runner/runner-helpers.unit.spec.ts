import type { Progress } from '@qf/loadgen';
import type { PartitionLag } from '@qf/shared-kafka';
import { syntheticConfig } from '../testing/synthetic-results';
import { cellEnvironment } from './cell-fleet';
import { consumerGroupsOf, summarizeLag } from './consumer-lag.probe';
import { infraRole, logDirsOf } from './infra-probe';
import { percentileOf, summarizeConsistency, thinSorted } from './latency-stats';
import { formatStepProgress, RunProgressReporter } from './progress';
import { databaseBytes } from './storage.probe';
import { fleetConfigProblems } from './validate-fleet-config';
import { parseBusyTicks } from './machine-busy';
import { InFlightCounter, scenarioOf } from './workload';

const catalog = [
  { name: 'command-gateway', arch: 'es' as const },
  { name: 'command-processor', arch: 'es' as const },
  { name: 'projector', arch: 'es' as const },
  { name: 'query-service', arch: 'es' as const },
  { name: 'crud-service', arch: 'crud' as const },
  { name: 'outbox-relay', arch: 'crud' as const },
  { name: 'audit-consumer', arch: 'crud' as const },
];

describe('fleetConfigProblems', () => {
  it('accepts the default services', () => {
    expect(fleetConfigProblems(syntheticConfig(), catalog)).toEqual([]);
  });

  it('names the field and what is allowed for an unknown service or too many replicas', () => {
    const config = syntheticConfig({
      k: [1, 2],
      partitions: 16,
      services: { es: ['command-gateway', 'warp-drive'] },
      replicas: { '2': { projector: 13, flux: 1 } },
    });
    expect(fleetConfigProblems(config, catalog)).toEqual([
      'services.es[1]: unknown es service "warp-drive"; allowed: command-gateway, command-processor, projector, query-service',
      "replicas.2.projector: expected at most 12 replicas (the fleet's limit on one machine), got 13",
      'replicas.2.flux: unknown service; allowed: command-gateway, command-processor, projector, query-service, crud-service, outbox-relay, audit-consumer',
    ]);
  });

  it('refuses k above the fleet limit on the resources axis', () => {
    const config = syntheticConfig({ k: [1, 16], partitions: 16 });
    expect(fleetConfigProblems(config, catalog)).toEqual([
      'k[1]: expected at most 12 on the resources axis (k replicas per service), got 16',
    ]);
  });
});

describe('scenarioOf', () => {
  it('turns a config mix into a load-generator scenario, zero weights dropped', () => {
    expect(
      scenarioOf({
        name: 'hot-key',
        operations: { move: 10, 'get-player': 5, 'state-at': 0 },
        keys: { distribution: 'zipf', exponent: 1.1 },
        players: 300,
      }),
    ).toEqual({
      name: 'hot-key',
      players: 300,
      mix: { move: 10, 'get-player': 5 },
      distribution: { kind: 'zipf', exponent: 1.1 },
      rooms: 50,
      items: 20,
    });
  });
});

describe('InFlightCounter', () => {
  it('keeps the peak of concurrent operations', async () => {
    const counter = new InFlightCounter();
    const gates: Array<() => void> = [];
    const op = () =>
      counter.wrap({
        label: 'x',
        run: () => new Promise<number>((resolve) => gates.push(() => resolve(200))),
      });
    const running = [op().run(), op().run(), op().run()];
    gates.forEach((open) => open());
    await Promise.all(running);
    expect(counter.takePeak()).toBe(3);
    expect(counter.takePeak()).toBe(0);
  });
});

describe('latency statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOf(sorted, 50)).toBe(50);
    expect(percentileOf(sorted, 95)).toBe(95);
    expect(percentileOf([], 95)).toBe(0);
  });

  it('thins samples evenly and keeps the extremes', () => {
    const thinned = thinSorted(
      Array.from({ length: 1001 }, (_, i) => i),
      11,
    );
    expect(thinned).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('summarises consistency probes with their timeouts', () => {
    expect(summarizeConsistency([30, 10, 20], 2)).toEqual({
      samples: [10, 20, 30],
      count: 3,
      p50: 20,
      p95: 30,
      p99: 30,
      timeouts: 2,
    });
  });
});

describe('consumer lag', () => {
  const row = (
    partition: number,
    offsetLag: number,
    timeLagSeconds: number | null,
  ): PartitionLag => ({
    groupId: 'g',
    topic: 't',
    partition,
    highWatermark: 100,
    committedOffset: 100 - offsetLag,
    offsetLag,
    timeLagSeconds,
    oldestPendingAppendedAt: null,
  });

  it('sums a group over its partitions and keeps the oldest pending age', () => {
    expect(summarizeLag('g', [row(0, 0, 0), row(1, 7, 0.25), row(2, 3, 1.5)])).toEqual({
      group: 'g',
      totalLag: 10,
      maxPartitionLag: 7,
      timeLagMs: 1500,
    });
  });

  it('leaves the time lag out when a partition could not tell it', () => {
    expect(summarizeLag('g', [row(0, 5, null)])).not.toHaveProperty('timeLagMs');
  });

  it('knows the groups of each architecture under the cell prefix', () => {
    expect(consumerGroupsOf('es', 'p.')).toEqual([
      { group: 'p.command-processor', topic: 'p.player.commands' },
      { group: 'p.projector', topic: 'p.player.events' },
    ]);
    expect(consumerGroupsOf('crud', 'p.')).toEqual([
      { group: 'p.audit-consumer', topic: 'p.crud.audit' },
    ]);
  });
});

describe('infrastructure helpers', () => {
  it('names and roles the recorded infrastructure processes', () => {
    expect(infraRole('infra-kafka-2')).toEqual({ name: 'kafka-2', role: 'kafka' });
    expect(infraRole('infra-mongo')).toEqual({ name: 'mongo', role: 'database' });
    expect(infraRole('infra-redis')).toEqual({ name: 'redis', role: 'redis' });
  });

  it('reads log.dirs from a server.properties text', () => {
    expect(logDirsOf('node.id=1\nlog.dirs=/a/log, /b/log\nnum.partitions=1\n')).toEqual([
      '/a/log',
      '/b/log',
    ]);
    expect(logDirsOf('node.id=1\n')).toEqual([]);
  });

  it('sizes a database by its own files, or by its data where one file holds every database', () => {
    expect(
      databaseBytes({ dataSize: 100, indexSize: 20, storageSize: 5000, fileSize: 5000 }),
    ).toEqual({ bytes: 120, measure: 'data + index size' });
    expect(databaseBytes({ dataSize: 100, indexSize: 20, storageSize: 60 })).toEqual({
      bytes: 80,
      measure: 'storage + index size',
    });
  });

  it("gives a cell's fleet its own topics, database, partition count and CRUD audit mode", () => {
    expect(
      cellEnvironment(
        { topicPrefix: 'exp-x-es-k1-mixed.', database: 'exp_x' },
        { partitions: 8, crudAudit: 'dual-write' },
      ),
    ).toMatchObject({
      QF_TOPIC_PREFIX: 'exp-x-es-k1-mixed.',
      QF_MONGO_DB: 'exp_x',
      QF_PARTITIONS: '8',
      QF_AUDIT_MODE: 'dual-write',
    });
  });
});

describe('progress', () => {
  const report: Progress = {
    phase: 'measure',
    elapsedSec: 9.2,
    totalSec: 11,
    etaSec: 1.8,
    sent: 900,
    completed: 890,
    inFlight: 10,
    rate: 99.6,
    window: {
      count: 500,
      mean: 10,
      p50: 8,
      p90: 20,
      p95: 41.23,
      p99: 80,
      p999: 90,
      max: 100,
    },
    errors: 0,
  };

  it('prints the cell, step, rate, latency and backlog of a running step', () => {
    expect(formatStepProgress('es k=2 mixed', { number: 3, max: 6, rate: 100 }, report)).toBe(
      'es k=2 mixed step 3/6 @ 100 req/s: measure 9/11 s, 100 req/s answered, p95 41.2 ms, in flight 10, errors 0',
    );
  });

  it('prefixes every line with the elapsed time and the ETA', () => {
    const lines: string[] = [];
    const reporter = new RunProgressReporter(
      (line) => lines.push(line),
      () => 125,
    );
    reporter.phase('seeding');
    expect(lines).toEqual(['[0s elapsed, ETA 2m05s] seeding']);
  });
});

describe('parseBusyTicks', () => {
  it('sums every busy column of the cpu line and leaves idle and iowait out', () => {
    expect(
      parseBusyTicks('cpu  100 5 50 9000 40 3 2 1 0 0\ncpu0 50 2 25 4500 20 1 1 0 0 0\n'),
    ).toBe(100 + 5 + 50 + 3 + 2 + 1);
    expect(parseBusyTicks('intr 1 2 3\n')).toBeUndefined();
  });
});
