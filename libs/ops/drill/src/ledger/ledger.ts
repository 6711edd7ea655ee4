import { isRetriableStatus, drillOutcomeOf, type DrillRecord } from './command-record';
import { measureRecovery, type Recovery } from './recovery';

/** One event as a store holds it (the event log, audit_log …). */
export interface StoredEventRef {
  readonly eventId: string;
  readonly playerId: string;
  readonly version: number;
  /** The command that made it (the event's causationId). */
  readonly commandId: string;
}

/**
 * What the drill read back from one store after the run settled: either its events (a
 * store of events: every acknowledged event must be there, once, versions without gaps) or
 * the version each player reached (a store of state: at least the acknowledged version).
 */
export type StoreContents =
  | { readonly name: string; readonly kind: 'events'; readonly events: readonly StoredEventRef[] }
  | {
      readonly name: string;
      readonly kind: 'versions';
      readonly versions: ReadonlyMap<string, number>;
    };

/** Per store: acknowledged commands missing, commands applied twice, missing versions. */
export interface StoreFindings {
  readonly store: string;
  readonly lost: number;
  readonly duplicated: number;
  readonly versionGaps: number;
  /** A few concrete cases, for the report. */
  readonly examples: readonly string[];
}

/** The table a drill prints: what was sent, what came back, what the stores hold. */
export interface Ledger {
  readonly sent: number;
  readonly acknowledged: number;
  readonly rejected: number;
  /** Never answered with a decision, even after retrying until the end of the drill. */
  readonly unresolved: number;
  /** Sent more than once (with the same Idempotency-Key). */
  readonly retried: number;
  /** Whose first attempt got no decision (no answer, 5xx). */
  readonly failedFirstTry: number;
  /** Acknowledged, but absent from a store (summed over the stores). */
  readonly lost: number;
  /** Applied more than once (an event twice, a version twice, a command decided twice). */
  readonly duplicated: number;
  readonly versionGaps: number;
  readonly stores: readonly StoreFindings[];
  readonly recovery: Recovery;
}

const EXAMPLES = 5;

const auditEvents = (
  name: string,
  events: readonly StoredEventRef[],
  acknowledged: readonly DrillRecord[],
): StoreFindings => {
  const examples: string[] = [];
  const note = (text: string) => examples.length < EXAMPLES && examples.push(text);
  const ids = new Map<string, number>();
  const versionsOfId = new Map<string, number[]>();
  const slots = new Map<string, number>();
  const byCommand = new Map<string, StoredEventRef[]>();
  const versions = new Map<string, Set<number>>();
  for (const event of events) {
    ids.set(event.eventId, (ids.get(event.eventId) ?? 0) + 1);
    versionsOfId.set(event.eventId, [...(versionsOfId.get(event.eventId) ?? []), event.version]);
    const slot = `${event.playerId}@${event.version}`;
    slots.set(slot, (slots.get(slot) ?? 0) + 1);
    byCommand.set(event.commandId, [...(byCommand.get(event.commandId) ?? []), event]);
    const seen = versions.get(event.playerId) ?? new Set<number>();
    seen.add(event.version);
    versions.set(event.playerId, seen);
  }

  let lost = 0;
  for (const record of acknowledged) {
    const missing = (record.final?.events ?? []).filter((event) => !ids.has(event.eventId));
    if (missing.length === 0) continue;
    lost += 1;
    note(
      `${name}: acknowledged ${record.action} ${record.commandId} (player ${record.playerId} v${missing.map((e) => e.version).join(',')}) is missing`,
    );
  }

  let duplicated = 0;
  for (const [eventId, count] of ids) {
    if (count < 2) continue;
    duplicated += count - 1;
    const where = [...new Set(versionsOfId.get(eventId))].join(', ');
    note(`${name}: event ${eventId} stored ${count} times (at version ${where})`);
  }
  for (const [slot, count] of slots) {
    if (count < 2) continue;
    duplicated += count - 1;
    note(`${name}: version ${slot} stored ${count} times`);
  }
  // A retried command answers its first outcome (the same events): stored events of the
  // command that the answer does not name are a second decision of it.
  for (const record of acknowledged) {
    const answered = new Set((record.final?.events ?? []).map((event) => event.eventId));
    const extra = (byCommand.get(record.commandId) ?? []).filter(
      (event) => !answered.has(event.eventId),
    );
    if (extra.length === 0) continue;
    duplicated += 1;
    note(
      `${name}: command ${record.commandId} applied again (versions ${extra.map((event) => event.version).join(',')} of player ${record.playerId} besides the answered ones)`,
    );
  }

  let versionGaps = 0;
  for (const [playerId, seen] of versions) {
    const highest = Math.max(...seen);
    const gaps = highest - seen.size;
    if (gaps <= 0) continue;
    versionGaps += gaps;
    note(`${name}: player ${playerId} misses ${gaps} of versions 1..${highest}`);
  }
  return { store: name, lost, duplicated, versionGaps, examples };
};

const auditVersions = (
  name: string,
  versions: ReadonlyMap<string, number>,
  acknowledged: readonly DrillRecord[],
): StoreFindings => {
  const examples: string[] = [];
  let lost = 0;
  for (const record of acknowledged) {
    const version = record.final?.version;
    if (version === undefined) continue;
    const stored = versions.get(record.playerId) ?? 0;
    if (stored >= version) continue;
    lost += 1;
    if (examples.length < EXAMPLES)
      examples.push(
        `${name}: player ${record.playerId} is at v${stored}, but ${record.action} ${record.commandId} was acknowledged at v${version}`,
      );
  }
  return { store: name, lost, duplicated: 0, versionGaps: 0, examples };
};

/**
 * The drill's verdict: the client's side (sent, acknowledged, rejected, retried, failed on
 * first try, never answered) against what every store holds after the run settled.
 */
export const buildLedger = (
  records: readonly DrillRecord[],
  stores: readonly StoreContents[],
  timing: { faultAtMs: number; sloMs: number; fromMs?: number },
): Ledger => {
  const acknowledged = records.filter((record) => drillOutcomeOf(record) === 'acknowledged');
  const findings = stores.map((store) =>
    store.kind === 'events'
      ? auditEvents(store.name, store.events, acknowledged)
      : auditVersions(store.name, store.versions, acknowledged),
  );
  const sum = (field: 'lost' | 'duplicated' | 'versionGaps') =>
    findings.reduce((total, finding) => total + finding[field], 0);
  return {
    sent: records.length,
    acknowledged: acknowledged.length,
    rejected: records.filter((record) => drillOutcomeOf(record) === 'rejected').length,
    unresolved: records.filter((record) => drillOutcomeOf(record) === 'unresolved').length,
    retried: records.filter((record) => record.attempts.length > 1).length,
    failedFirstTry: records.filter(
      (record) => record.attempts[0] !== undefined && isRetriableStatus(record.attempts[0].status),
    ).length,
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    versionGaps: sum('versionGaps'),
    stores: findings,
    recovery: measureRecovery(records, timing),
  };
};

/** Anything lost, applied twice or missing from a player's versions fails the drill (exit code 1). */
export const ledgerPasses = (ledger: Ledger): boolean =>
  ledger.lost === 0 && ledger.duplicated === 0 && ledger.versionGaps === 0;
