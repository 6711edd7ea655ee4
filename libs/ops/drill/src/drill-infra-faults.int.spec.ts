import { transactionsAcrossBrokerKill } from './faults/transactions-across-broker-kill';
import { runDrill } from './run-drill';
import { expectNothingLost, smallDrill, useDrillFleet } from './testing/drill-spec';

/**
 * Each fault drill that kills or stops a server, at a small scale. The drill runs the
 * server it kills itself (a private Kafka cluster, Mongo-wire server or Redis on the drill
 * ports under .local/drill), so the shared servers are never touched. Nothing acknowledged
 * may be lost, nothing applied twice, no version may be missing.
 */
jest.setTimeout(900_000);

const small = smallDrill({
  players: 60,
  rate: 10,
  seconds: 14,
  faultAtSeconds: 4,
  partitions: 2,
  settleSeconds: 45,
  outageSeconds: 8,
});

describe('qf drill: server faults on private servers (small scale)', () => {
  useDrillFleet('i', { from: 11_450, slots: 6 });

  it('broker-kill: the leader of the busiest partition dies, one of three; acks=all keeps every acknowledged command', async () => {
    const report = await runDrill(
      // Up to two minutes to settle: after a broker kill the processors can decide nothing
      // for ~47 s (an open issue-14 defect, docs/reliability.md). This test is about nothing
      // lost or doubled; the recovery time is the drill's figure, not an assertion.
      small('broker-kill', 'es', { settleSeconds: 120 }),
    );
    expect(report.faultEvent.description).toMatch(
      /^SIGKILL broker [123] \(pid \d+\), leader of .*player\.events\[\d+\]$/,
    );
    expectNothingLost(report);
  });

  it('broker-kill under a transactional producer (kafkajs alone): only whole transactions commit, each record once', async () => {
    const result = await transactionsAcrossBrokerKill();
    expect({ missing: result.missing, twice: result.twice }).toEqual({ missing: [], twice: [] });
    expect(result.killed).toBe(true);
    expect(result.committed).toBeGreaterThan(0);
  });

  it('kafka-outage: the CRUD side keeps serving, the outbox drains afterwards', async () => {
    const report = await runDrill(small('kafka-outage', 'crud'));
    expect(report.faultEvent.description).toMatch(/^SIGTERM kafka/);
    expectNothingLost(report);
    // Commands never needed Kafka: none failed while it was down.
    expect(report.ledger.failedFirstTry).toBe(0);
  });

  it('db-restart: a clean stop and start of the Mongo-wire server loses nothing', async () => {
    const report = await runDrill(small('db-restart', 'crud'));
    expect(report.faultEvent.description).toMatch(/^SIGTERM mongo .* started again/);
    expectNothingLost(report);
  });

  it('redis-restart: reads go on from Mongo and never show an older view than Mongo holds', async () => {
    const report = await runDrill(small('redis-restart', 'es'));
    expectNothingLost(report);
    expect(report.reads).toMatchObject({ stale: 0 });
    expect(report.reads?.reads).toBeGreaterThan(0);
  });
});
