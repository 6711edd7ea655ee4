import type { DrillRecord } from './command-record';
import { buildLedger, ledgerPasses, type StoredEventRef } from './ledger';
import { measureRecovery } from './recovery';

const acked = (
  commandId: string,
  playerId: string,
  version: number,
  at = 0,
  attempts = [{ at, status: 200, latencyMs: 20 }],
): DrillRecord => ({
  commandId,
  playerId,
  action: 'heal',
  scheduledAt: at,
  attempts,
  final: { status: 200, version, events: [{ eventId: `e-${commandId}`, version }] },
});
const stored = (
  commandId: string,
  playerId: string,
  version: number,
  eventId = `e-${commandId}`,
): StoredEventRef => ({ eventId, playerId, version, commandId });
const timing = { faultAtMs: 10_000, sloMs: 500 };

describe('buildLedger', () => {
  it('passes a run where every acknowledged event is stored once, without gaps', () => {
    const records = [
      acked('c1', 'p', 1),
      acked('c2', 'p', 2),
      { ...acked('c3', 'p', 3), final: { status: 409, events: [] } },
    ];
    const ledger = buildLedger(
      records,
      [
        { name: 'event log', kind: 'events', events: [stored('c1', 'p', 1), stored('c2', 'p', 2)] },
        { name: 'read model', kind: 'versions', versions: new Map([['p', 2]]) },
      ],
      timing,
    );
    expect(ledger).toMatchObject({
      sent: 3,
      acknowledged: 2,
      rejected: 1,
      unresolved: 0,
      lost: 0,
      duplicated: 0,
      versionGaps: 0,
    });
    expect(ledgerPasses(ledger)).toBe(true);
  });

  it('counts an acknowledged command missing from a store as lost, in each store', () => {
    const ledger = buildLedger(
      [acked('c1', 'p', 1), acked('c2', 'p', 2)],
      [
        { name: 'event log', kind: 'events', events: [stored('c1', 'p', 1)] },
        { name: 'read model', kind: 'versions', versions: new Map([['p', 1]]) },
      ],
      timing,
    );
    expect(ledger.lost).toBe(2);
    expect(ledger.stores.map((store) => store.lost)).toEqual([1, 1]);
    expect(ledgerPasses(ledger)).toBe(false);
  });

  it('finds a retry applied twice, an event stored twice and a version gap', () => {
    const retried = acked('c2', 'p', 2, 0, [
      { at: 0, status: 504, latencyMs: 5000 },
      { at: 5300, status: 200, latencyMs: 30 },
    ]);
    const ledger = buildLedger(
      [acked('c1', 'p', 1), retried],
      [
        {
          name: 'event log',
          kind: 'events',
          // c2 decided twice (v2 and, on the retry, v3); c1's event delivered twice; v5 without v4.
          events: [
            stored('c1', 'p', 1),
            stored('c1', 'p', 1),
            stored('c2', 'p', 2),
            stored('c2', 'p', 3, 'e-c2-again'),
            stored('c9', 'p', 5),
          ],
        },
      ],
      timing,
    );
    expect(ledger.retried).toBe(1);
    expect(ledger.failedFirstTry).toBe(1);
    expect(ledger.duplicated).toBe(3); // the event id twice, version 1 twice, c2 twice
    expect(ledger.versionGaps).toBe(1);
    expect(ledger.stores[0]?.examples.join('\n')).toMatch(
      /command c2 applied again \(versions 3 of player p/,
    );
  });

  it('counts a command never answered as unresolved, not lost', () => {
    const unresolved: DrillRecord = {
      commandId: 'c1',
      playerId: 'p',
      action: 'move',
      scheduledAt: 0,
      attempts: [{ at: 0, status: 0, latencyMs: 10_000 }],
    };
    const ledger = buildLedger(
      [unresolved],
      [{ name: 'event log', kind: 'events', events: [] }],
      timing,
    );
    expect(ledger).toMatchObject({ unresolved: 1, lost: 0, failedFirstTry: 1 });
  });
});

describe('measureRecovery', () => {
  const second = (start: number, failures: number, latencyMs = 20, count = 100): DrillRecord[] =>
    Array.from({ length: count }, (_, index) => ({
      commandId: `c${start}-${index}`,
      playerId: 'p',
      action: 'heal',
      scheduledAt: start,
      attempts: [{ at: start + index * 5, status: index < failures ? 503 : 200, latencyMs }],
    }));

  it('recovers at the end of the last second whose p99 is above the SLO after the fault', () => {
    const records = [
      ...second(8000, 0),
      ...second(9000, 0),
      ...second(10_000, 40),
      ...second(11_000, 0, 800),
      ...second(12_000, 0),
      ...second(13_000, 1),
      ...second(14_000, 0),
    ];
    const recovery = measureRecovery(records, { faultAtMs: 10_000, sloMs: 500 });
    // 10 s: failures; 11 s: slow; 13 s: 1 failure in 100 is under the p99.
    expect(recovery.timeToRecoverMs).toBe(2000);
    expect(recovery.badSeconds).toBe(2);
    expect(recovery.baselineP99Ms).toBe(20);
    // Commands failed in two windows, the last one ending 4 s after the fault.
    expect(recovery).toMatchObject({ failingForMs: 4000, failingSeconds: 2 });
  });

  it('is 0 when nothing after the fault was slow or failed', () => {
    const recovery = measureRecovery([...second(9000, 0), ...second(10_000, 0)], {
      faultAtMs: 10_000,
      sloMs: 500,
    });
    expect(recovery).toMatchObject({ timeToRecoverMs: 0, failingForMs: 0 });
  });

  it('reads windows from the start of the load', () => {
    const recovery = measureRecovery([...second(4000, 0), ...second(5000, 100)], {
      faultAtMs: 5500,
      sloMs: 500,
      fromMs: 4000,
    });
    expect(recovery.windows.map((window) => window.startMs)).toEqual([0, 1000]);
    expect(recovery).toMatchObject({ failingForMs: 500, failingSeconds: 1 });
  });
});
