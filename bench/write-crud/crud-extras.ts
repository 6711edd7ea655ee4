import type { Db } from 'mongodb';
import { formatTable } from '@qf/loadgen';
import { COLLECTIONS } from '@qf/player-crud';
import { metricValue, scrape } from '@qf/shared-testing';

/** crud-service counters, read from its /metrics (cumulative since the process started). */
export interface CrudCounters {
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly retries: number;
  readonly exhausted: number;
  readonly dualWritePublished: number;
  readonly dualWriteLost: number;
}

export const readCrudCounters = async (crudUrl: string): Promise<CrudCounters> => {
  const text = await scrape(crudUrl);
  return {
    accepted: metricValue(text, 'qf_crud_commands_total', { outcome: 'accepted' }),
    rejected: metricValue(text, 'qf_crud_commands_total', { outcome: 'rejected' }),
    duplicates: metricValue(text, 'qf_crud_commands_total', { outcome: 'duplicate' }),
    conflicts: metricValue(text, 'qf_crud_occ_conflicts_total'),
    retries: metricValue(text, 'qf_crud_occ_retries_total'),
    exhausted: metricValue(text, 'qf_crud_occ_exhausted_total'),
    dualWritePublished: metricValue(text, 'qf_crud_dual_write_published_total'),
    dualWriteLost: metricValue(text, 'qf_crud_dual_write_lost_total'),
  };
};

const minus = (after: CrudCounters, before: CrudCounters): CrudCounters =>
  Object.fromEntries(
    Object.entries(after).map(([key, value]) => [key, value - before[key as keyof CrudCounters]]),
  ) as unknown as CrudCounters;

/** Polls the relays' backlog gauges while the load runs and keeps the worst values seen. */
export class BacklogSampler {
  private timer?: NodeJS.Timeout;
  maxPendingEntries = 0;
  maxOldestAgeSeconds = 0;
  samples = 0;

  constructor(private readonly relayUrls: readonly string[]) {}

  /** Pending entries and oldest pending age now (the gauges are the same on every relay: take the largest). */
  async sample(): Promise<{ entries: number; oldestAgeSeconds: number }> {
    const texts = await Promise.all(this.relayUrls.map((url) => scrape(url).catch(() => '')));
    const entries = Math.max(
      0,
      ...texts.map((text) => metricValue(text, 'qf_outbox_pending_entries')),
    );
    const oldestAgeSeconds = Math.max(
      0,
      ...texts.map((text) => metricValue(text, 'qf_outbox_oldest_pending_age_seconds')),
    );
    this.maxPendingEntries = Math.max(this.maxPendingEntries, entries);
    this.maxOldestAgeSeconds = Math.max(this.maxOldestAgeSeconds, oldestAgeSeconds);
    this.samples += 1;
    return { entries, oldestAgeSeconds };
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

export interface LatencyFigures {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

/** Audit lag (occurredAt -> auditedAt, written by the audit consumer) of the events that occurred in [from, to]. */
export const auditLag = async (db: Db, from: Date, to: Date): Promise<LatencyFigures> => {
  const docs = await db
    .collection<{ occurredAt: Date; auditedAt: Date }>(COLLECTIONS.auditLog)
    .find(
      { occurredAt: { $gte: from, $lte: to } },
      { projection: { _id: 0, occurredAt: 1, auditedAt: 1 } },
    )
    .toArray();
  const lags = docs
    .map((doc) => new Date(doc.auditedAt).getTime() - new Date(doc.occurredAt).getTime())
    .sort((a, b) => a - b);
  return {
    count: lags.length,
    p50: percentile(lags, 50),
    p95: percentile(lags, 95),
    p99: percentile(lags, 99),
    max: lags[lags.length - 1] ?? 0,
  };
};

/** Events the documents say happened (sum of versions) against entries in audit_log. */
export const auditCompleteness = async (
  db: Db,
): Promise<{ events: number; audited: number; missing: number }> => {
  const [row] = await db
    .collection(COLLECTIONS.players)
    .aggregate<{ events: number }>([{ $group: { _id: null, events: { $sum: '$version' } } }])
    .toArray();
  const events = row?.events ?? 0;
  const audited = await db.collection(COLLECTIONS.auditLog).countDocuments();
  return { events, audited, missing: events - audited };
};

/**
 * Waits until audit_log holds every event the documents count (or the timeout passes);
 * returns the seconds it took. (The relay's pending-entries gauge is refreshed only by
 * its periodic sweep, so it is not waited for.)
 */
export const waitForAuditDrain = async (
  db: Db,
  sampler: BacklogSampler,
  timeoutMs: number,
): Promise<{ seconds: number; drained: boolean }> => {
  const start = Date.now();
  for (;;) {
    const [, { missing }] = await Promise.all([sampler.sample(), auditCompleteness(db)]);
    if (missing <= 0) return { seconds: (Date.now() - start) / 1000, drained: true };
    if (Date.now() - start > timeoutMs)
      return { seconds: (Date.now() - start) / 1000, drained: false };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

export interface CrudExtrasInput {
  readonly db: Db;
  readonly crudUrl: string;
  readonly sampler: BacklogSampler;
  /** Counters read before the load started. */
  readonly before: CrudCounters;
  /** The measured window (events that occurred in it count for the audit lag). */
  readonly from: Date;
  readonly to: Date;
  readonly drain: { seconds: number; drained: boolean };
}

/** The CRUD-specific figures of a write run. */
export interface CrudExtras {
  readonly occ: CrudCounters & { readonly conflictsPerAccepted: number };
  readonly outbox: {
    readonly maxPendingEntries: number;
    readonly maxOldestPendingAgeSeconds: number;
    readonly drainSeconds: number;
    readonly drained: boolean;
  };
  readonly auditLagMs: LatencyFigures;
  readonly audit: { readonly events: number; readonly audited: number; readonly missing: number };
}

/** OCC conflict/retry counts (from crud-service /metrics), outbox backlog, audit lag and completeness. */
export const measureCrudExtras = async (input: CrudExtrasInput): Promise<CrudExtras> => {
  const occ = minus(await readCrudCounters(input.crudUrl), input.before);
  return {
    occ: {
      ...occ,
      conflictsPerAccepted:
        occ.accepted > 0 ? Math.round((occ.conflicts / occ.accepted) * 1000) / 1000 : 0,
    },
    outbox: {
      maxPendingEntries: input.sampler.maxPendingEntries,
      maxOldestPendingAgeSeconds: Math.round(input.sampler.maxOldestAgeSeconds * 1000) / 1000,
      drainSeconds: Math.round(input.drain.seconds * 10) / 10,
      drained: input.drain.drained,
    },
    auditLagMs: await auditLag(input.db, input.from, input.to),
    audit: await auditCompleteness(input.db),
  };
};

export const formatCrudExtras = (extras: CrudExtras): string =>
  [
    formatTable(
      [
        'accepted',
        'rejected',
        'dup',
        'occ conflicts',
        'retries',
        '409 exhausted',
        'conflicts/accepted',
        'dual-write lost',
      ],
      [
        [
          extras.occ.accepted,
          extras.occ.rejected,
          extras.occ.duplicates,
          extras.occ.conflicts,
          extras.occ.retries,
          extras.occ.exhausted,
          extras.occ.conflictsPerAccepted,
          extras.occ.dualWriteLost,
        ].map(String),
      ],
    ),
    '',
    formatTable(
      [
        'outbox max pending',
        'oldest pending max s',
        'drain after load s',
        'audit lag p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'audited/events',
        'missing',
      ],
      [
        [
          String(extras.outbox.maxPendingEntries),
          extras.outbox.maxOldestPendingAgeSeconds.toFixed(3),
          `${extras.outbox.drainSeconds}${extras.outbox.drained ? '' : ' (not drained)'}`,
          String(extras.auditLagMs.p50),
          String(extras.auditLagMs.p95),
          String(extras.auditLagMs.p99),
          String(extras.auditLagMs.max),
          `${extras.audit.audited}/${extras.audit.events}`,
          String(extras.audit.missing),
        ],
      ],
    ),
  ].join('\n');
