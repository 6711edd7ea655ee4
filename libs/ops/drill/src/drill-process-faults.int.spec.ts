import { runDrill } from './run-drill';
import { expectNothingLost, smallDrill, useDrillFleet } from './testing/drill-spec';

/**
 * Each fault drill that kills or freezes a service, at a small scale, on the shared
 * servers (its own fleet, topics and database): nothing acknowledged may be lost, nothing
 * applied twice, no version may be missing.
 */
jest.setTimeout(600_000);

const small = smallDrill({
  // Many players for the rate: a retried command finds its first outcome among the player's recent commands.
  players: 60,
  rate: 10,
  seconds: 12,
  faultAtSeconds: 4,
  partitions: 2,
  settleSeconds: 30,
  pauseSeconds: 14,
});

describe('qf drill: service faults (small scale)', () => {
  useDrillFleet('p', { from: 11_000, slots: 10 });

  it('processor-kill: the surviving processor takes over, the ledger balances', async () => {
    const report = await runDrill(small('processor-kill', 'es'));
    expect(report.faultEvent.description).toMatch(
      /^SIGKILL qf\w+-command-processor-2 \(pid \d+\)$/,
    );
    expectNothingLost(report);
    expect(report.reads?.stale).toBe(0);
  });

  it('processor-pause: the frozen processor is fenced when it wakes up', async () => {
    const report = await runDrill(small('processor-pause', 'es'));
    expect(report.faultEvent.description).toMatch(/SIGSTOP .* then SIGCONT/);
    expectNothingLost(report);
  });

  it('projector-kill: the read model still gets every event', async () => {
    expectNothingLost(await runDrill(small('projector-kill', 'es')));
  });

  it('relay-kill: the other relay publishes every pending outbox', async () => {
    expectNothingLost(await runDrill(small('relay-kill', 'crud')));
  });

  it('audit-kill: the audit log still gets every event', async () => {
    expectNothingLost(await runDrill(small('audit-kill', 'crud')));
  });
});
