import type { Ledger } from './ledger';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The drill's table as Markdown (it reads as plain text too), then one line per finding. */
export const ledgerTable = (ledger: Ledger, title: string, sloMs: number): string => {
  const recovery = ledger.recovery;
  const columns: Array<[string, string]> = [
    ['sent', String(ledger.sent)],
    ['acknowledged', String(ledger.acknowledged)],
    ['rejected', String(ledger.rejected)],
    ['unresolved', String(ledger.unresolved)],
    ['retried', String(ledger.retried)],
    ['failed 1st try', String(ledger.failedFirstTry)],
    ['lost', String(ledger.lost)],
    ['duplicated', String(ledger.duplicated)],
    ['version gaps', String(ledger.versionGaps)],
    ['failing for', seconds(recovery.failingForMs)],
    ['time to recover', seconds(recovery.timeToRecoverMs)],
  ];
  const widths = columns.map(([name, value]) => Math.max(name.length, value.length));
  const row = (cells: string[]) =>
    `| ${cells.map((cell, index) => cell.padStart(widths[index] as number)).join(' | ')} |`;
  const lines = [
    title,
    '',
    row(columns.map(([name]) => name)),
    `|${widths.map((width) => `${'-'.repeat(width + 1)}:`).join('|')}|`,
    row(columns.map(([, value]) => value)),
    '',
    `stores: ${ledger.stores.map((store) => `${store.store} lost ${store.lost}, duplicated ${store.duplicated}, gaps ${store.versionGaps}`).join('; ')}`,
    `first-attempt p99 before the fault ${recovery.baselineP99Ms === null ? 'n/a' : `${Math.round(recovery.baselineP99Ms)} ms`}; ` +
      `after it ${recovery.failingSeconds} s with failed first attempts, ${recovery.badSeconds} s above the SLO (time to recover: p99 back under it)`,
  ];
  if (recovery.baselineP99Ms !== null && recovery.baselineP99Ms > sloMs)
    lines.push(
      `the service was already above the SLO (${sloMs} ms) before the fault: the machine does not sustain this rate, so the recovery figures measure the backlog; try a lower --rate`,
    );
  const examples = ledger.stores.flatMap((store) => store.examples);
  if (examples.length > 0) lines.push('', ...examples.map((example) => `  ${example}`));
  return lines.join('\n');
};
