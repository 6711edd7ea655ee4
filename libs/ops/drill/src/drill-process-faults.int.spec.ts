import { uniqueName } from '@qf/shared-testing';
import { findFreeFleetOffset } from './drill-ports';
import { DEFAULT_DRILL_OPTIONS, runDrill, type DrillOptions, type DrillReport } from './run-drill';

/**
 * Each fault drill that kills or freezes a service, at a small scale, on the shared
 * servers (its own fleet, topics and database): nothing acknowledged may be lost, nothing
 * applied twice, no version may be missing.
 */
jest.setTimeout(600_000);

const suffix = uniqueName('d')
  .replace(/[^a-z0-9]/g, '')
  .slice(-8);

const small = (
  fault: DrillOptions['fault'],
  arch: DrillOptions['arch'],
  extra: Partial<DrillOptions> = {},
): DrillOptions => ({
  ...DEFAULT_DRILL_OPTIONS,
  fault,
  arch,
  // Many players for the rate: a retried command finds its first outcome among the player's recent commands.
  players: 60,
  rate: 10,
  seconds: 12,
  faultAtSeconds: 4,
  partitions: 2,
  settleSeconds: 30,
  pauseSeconds: 14,
  log: () => undefined,
  ...extra,
});

const expectNothingLost = (report: DrillReport) => {
  const { ledger } = report;
  expect({
    lost: ledger.lost,
    duplicated: ledger.duplicated,
    versionGaps: ledger.versionGaps,
    examples: ledger.stores.flatMap((store) => store.examples),
  }).toEqual({
    lost: 0,
    duplicated: 0,
    versionGaps: 0,
    examples: [],
  });
  expect(ledger.acknowledged).toBeGreaterThan(0);
  expect(ledger.unresolved).toBe(0);
  expect(report.settled).toBe(true);
  expect(report.passed).toBe(true);
};

describe('qf drill: service faults (small scale)', () => {
  const previous = { id: process.env['QF_FLEET_ID'], offset: process.env['QF_FLEET_PORT_OFFSET'] };
  // Offsets of fleets whose ports never meet: two fleets collide when their offsets (or an
  // offset plus the 200-port replica stride) are within 120 of each other, the spread of the
  // services' ports. Process faults 11000-11090 (+200), server faults 11450-11500 (+200),
  // the experiment tests' fixed 12000 and 12400. Free now, in case another checkout runs them.
  beforeAll(async () => {
    process.env['QF_FLEET_ID'] = `p${suffix}`;
    process.env['QF_FLEET_PORT_OFFSET'] = String(
      await findFreeFleetOffset({ from: 11_000, slots: 10 }),
    );
  });
  afterAll(() => {
    for (const [name, value] of [
      ['QF_FLEET_ID', previous.id],
      ['QF_FLEET_PORT_OFFSET', previous.offset],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

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
