import type { CommandOutcome } from '@qf/contracts';
import { lookupCommand, recordCommand, type LedgerEntry } from '../ledger/command-ledger';

const outcome = (version: number): CommandOutcome => ({
  status: 'accepted',
  result: { playerId: 'p', version, events: [] },
});
const entry = (commandId: string, requestHash = `hash-${commandId}`, version = 1): LedgerEntry => ({
  commandId,
  requestHash,
  outcome: outcome(version),
});

describe('command ledger (per-player recent command ids)', () => {
  it('knows nothing of a command id it has not recorded', () => {
    expect(lookupCommand([entry('a'), entry('b')], 'c', 'hash-c')).toEqual({ kind: 'new' });
  });

  it('answers a recorded id with the same request hash as a duplicate carrying the first outcome', () => {
    const recent = [entry('a', 'h1', 1), entry('b', 'h2', 2)];
    expect(lookupCommand(recent, 'a', 'h1')).toEqual({ kind: 'duplicate', first: recent[0] });
  });

  it('answers a recorded id with another request hash as reused', () => {
    const recent = [entry('a', 'h1')];
    expect(lookupCommand(recent, 'a', 'other')).toEqual({ kind: 'reused', first: recent[0] });
  });

  it('keeps only the newest entries, oldest dropped first', () => {
    let recent: LedgerEntry[] = [];
    for (const id of ['a', 'b', 'c', 'd']) recent = recordCommand(recent, entry(id), 3);
    expect(recent.map((e) => e.commandId)).toEqual(['b', 'c', 'd']);
    expect(lookupCommand(recent, 'a', 'hash-a')).toEqual({ kind: 'new' });
  });

  it('does not change the list it is given', () => {
    const recent = Object.freeze([entry('a')]) as readonly LedgerEntry[];
    expect(recordCommand(recent, entry('b'), 5)).toHaveLength(2);
    expect(recent).toHaveLength(1);
  });
});
