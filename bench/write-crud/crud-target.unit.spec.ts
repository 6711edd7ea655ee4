import { formatWriteSearch, roleOf, type WriteSearchReport } from '@qf/bench-write';
import type { OpenLoopResult } from '@qf/loadgen';
import type { MongoCounts } from './cost';
import { databaseFigures } from './crud-target';

describe('qf bench write --target crud pieces', () => {
  it('counts database requests and statements per command over a step, statements by service', () => {
    const before = new Map<string, MongoCounts>([
      ['crud-service', { update: { requests: 10, statements: 40 } }],
      ['outbox-relay-1', { find: { requests: 5, statements: 5 } }],
    ]);
    const after = new Map<string, MongoCounts>([
      [
        'crud-service',
        { update: { requests: 60, statements: 240 }, find: { requests: 20, statements: 20 } },
      ],
      [
        'outbox-relay-1',
        { find: { requests: 25, statements: 25 }, update: { requests: 40, statements: 380 } },
      ],
      ['outbox-relay-2', { update: { requests: 10, statements: 20 } }],
    ]);
    expect(databaseFigures(before, after, 200)).toEqual({
      requestsPerCommand: 0.7, // (80 - 10) + (65 - 5) + 10 = 140 requests
      statementsPerCommand: 3.2, // 220 + 400 + 20 = 640 statements
      'crud-service statements': 1.1,
      'outbox-relay statements': 2.1,
    });
    expect(databaseFigures(before, after, 0)).toEqual({});
  });

  it('reports the CRUD fleet processes under their roles', () => {
    expect(
      ['crud-service', 'outbox-relay-1', 'audit-consumer-1', 'mongo-wire', 'kafka', 'loadgen'].map(
        roleOf,
      ),
    ).toEqual(['crud', 'relay', 'audit', 'database', 'broker', 'loadgen']);
  });

  it('shows what the CRUD probes measured in the search table', () => {
    const step = {
      rate: 1000,
      result: {
        achievedRate: 998,
        failed: 0,
        latency: { p50: 3, p95: 27.3, p99: 57 },
      } as unknown as OpenLoopResult,
      windowSeconds: 20,
      cpuSeconds: {},
      cpuMsPerCommand: { crud: 0.47, database: 0.4, relay: 0.16 },
      systemShare: {},
      figures: { database: { statementsPerCommand: 3.82 }, audit: { ttcP95Ms: 58.97 } },
      passed: true,
      reasons: [],
    };
    const report = {
      benchmark: 'write-search',
      startedAt: '2026-12-05T11:00:00Z',
      machine: {
        cpus: 2,
        cpuModel: 'x',
        memoryGiB: 1,
        os: 'linux',
        node: 'v20',
        loadAverage: [1, 1, 1],
      },
      backend: { target: 'crud' },
      settings: { sloP95Ms: 50 },
      steps: [step],
      best: step,
      stopReason: 'done',
    } as unknown as WriteSearchReport;
    const text = formatWriteSearch(report);
    const row = text.split('\n').find((line) => line.startsWith('1 '));
    expect(text).toContain('db stmts/cmd');
    expect(text).toContain('audit TTC p95 ms');
    expect(row?.split(/\s+/)).toEqual([
      '1',
      '1000',
      '998',
      '3.0',
      '27.3',
      '57.0',
      '0',
      '1.030',
      '0.470',
      '0.400',
      '3.82',
      '59',
      'holds',
    ]);
    expect(text).toContain('highest rate with p95 <= 50 ms: 1000 commands/s');
  });
});
