import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueName, useEnvironment } from '@qf/shared-testing';
import { findFreeFleetOffset } from '../drill-ports';
import { DEFAULT_DRILL_OPTIONS, type DrillOptions, type DrillReport } from '../run-drill';

/**
 * Gives the drills of the enclosing describe a fleet identity of their own (QF_FLEET_ID
 * `<letter><suffix>`, a free QF_FLEET_PORT_OFFSET from `from`), restored afterwards.
 * Offsets of fleets whose ports never meet: two fleets collide when their offsets (or an
 * offset plus the 200-port replica stride) are within 120 of each other, the spread of the
 * services' ports. Process faults 11000-11090 (+200), server faults 11450-11500 (+200),
 * the experiment tests' fixed 12000 and 12400, fleet scaling 13000-13390 (+400), API fuzzing
 * 14000-14290. Free now, in case another checkout runs them.
 */
export const useDrillFleet = (letter: string, ports: { from: number; slots: number }): void => {
  const suffix = uniqueName(letter)
    .replace(/[^a-z0-9]/g, '')
    .slice(-8);
  useEnvironment(async () => ({
    QF_FLEET_ID: `${letter}${suffix}`,
    QF_FLEET_PORT_OFFSET: String(await findFreeFleetOffset(ports)),
  }));
};

/** Drill options at a test's small scale: `small(fault, arch, extra)` over these settings. */
export const smallDrill =
  (scale: Partial<DrillOptions>) =>
  (
    fault: DrillOptions['fault'],
    arch: DrillOptions['arch'],
    extra: Partial<DrillOptions> = {},
  ): DrillOptions => ({
    ...DEFAULT_DRILL_OPTIONS,
    fault,
    arch,
    log: () => undefined,
    ...scale,
    ...extra,
  });

/** The last warnings and errors of each service log the drill kept, for a failure's message. */
const serviceWarnings = (logDir: string | undefined): string => {
  const dir = logDir && join(logDir, 'fleet');
  if (!dir || !existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((file) => file.endsWith('.log'))
    .map((file) => {
      const lines = readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => /"level":"(warn|error)"/.test(line));
      return `${file}: ${lines.length} warnings/errors, the last ones:\n${lines
        .slice(-6)
        .map((line) => `  ${line.slice(0, 400)}`)
        .join('\n')}`;
    })
    .join('\n');
};

/** The ledger balances: nothing acknowledged lost, nothing applied twice, no version missing, all settled. */
export const expectNothingLost = (report: DrillReport): void => {
  const { ledger } = report;
  if (!report.passed) console.error(`drill failed; ${serviceWarnings(report.logDir)}`);
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
