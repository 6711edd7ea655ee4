import { runWriteBench } from '@qf/bench-write';
import { startCrudTarget } from './crud-target';

describe('qf bench write --target crud (the CRUD fleet as a write target)', () => {
  it('drives crud-service with the relay and audit consumer running, and reports what only the CRUD side has', async () => {
    const report = await runWriteBench(
      {
        target: 'crud',
        rate: 20,
        durationSec: 3,
        warmupSec: 1,
        players: 10,
        scenario: 'write-heavy',
        distribution: { kind: 'uniform' },
        connections: 8,
        processors: 1,
        partitions: 2,
        seed: 7,
        keepTopics: false,
        startCrud: startCrudTarget,
      },
      () => undefined,
    );
    expect(report.backend['target']).toBe('crud');
    expect(report.result.completed).toBeGreaterThan(0);
    // Every process of the fleet is measured under its role.
    expect(Object.keys(report.cpuMsPerCommand)).toEqual(
      expect.arrayContaining(['crud', 'relay', 'audit', 'database', 'broker', 'loadgen']),
    );
    const { database, audit, crud } = report.figures;
    // Each accepted command is at least its guarded write and its audit insert.
    expect(database?.['statementsPerCommand']).toBeGreaterThanOrEqual(1);
    expect(database?.['crud-service statements']).toBeGreaterThan(0);
    expect(database?.['outbox-relay statements']).toBeGreaterThan(0);
    expect(database?.['audit-consumer statements']).toBeGreaterThan(0);
    // The probes' registrations showed up in the history, and the audit log holds every event.
    expect(audit?.['ttcProbes']).toBeGreaterThan(0);
    expect(audit?.['missing']).toBe(0);
    expect(crud?.['accepted']).toBeGreaterThan(0);
  });
});
