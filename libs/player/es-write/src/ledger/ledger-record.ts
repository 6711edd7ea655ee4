import type { Message } from 'kafkajs';
import { MalformedRecord } from '@qf/contracts';

/**
 * What one transaction records on player.ledger for one input partition: the offset of
 * the last command decided on that partition, where a restore must start reading the
 * partition's events (everything before is in snapshots), and one line per decided command
 * (ledger-line.ts). The record's timestamp is when it was decided.
 */
export interface LedgerRecord {
  /** Offset on player.commands of the last command decided (this transaction or before). */
  readonly decided: number;
  /** Offset on player.events from which a restore folds events onto the snapshots. */
  readonly restoreFrom: number;
  readonly lines: readonly string[];
}

const VERSION = 1;

/**
 * The wire form: a JSON header line, then the command lines, separated by newlines (JSON
 * text never holds a raw one), so a restore can keep each line as it is. Key = the
 * partition number: compaction (after the idempotency horizon) keeps each partition's last
 * record, so the last decided offset and restore point are never lost.
 */
export const encodeLedgerRecord = (
  record: LedgerRecord,
  partition: number,
  timestamp: number,
): Message & { key: string; value: string; partition: number } => {
  let value = `{"v":${VERSION},"o":${record.decided},"e":${record.restoreFrom}}`;
  for (const line of record.lines) value += `\n${line}`;
  return { key: String(partition), value, partition, timestamp: String(timestamp) };
};

const isOffset = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= -1;

/** Parses a ledger record (throws MalformedRecord); the lines are returned unparsed. */
export const decodeLedgerRecord = (value: Buffer | string | null): LedgerRecord => {
  if (value === null) throw new MalformedRecord('ledger', 'tombstone');
  const text = typeof value === 'string' ? value : value.toString('utf8');
  const lines = text.split('\n');
  let header: { v?: unknown; o?: unknown; e?: unknown };
  try {
    header = JSON.parse(lines[0] ?? '') as typeof header;
  } catch (error) {
    throw new MalformedRecord('ledger', `header not JSON (${(error as Error).message})`);
  }
  if (header?.v !== VERSION) throw new MalformedRecord('ledger', `version ${String(header?.v)}`);
  if (!isOffset(header.o) || !isOffset(header.e))
    throw new MalformedRecord('ledger', 'no decided offset or restore point');
  return { decided: header.o, restoreFrom: header.e, lines: lines.slice(1) };
};
