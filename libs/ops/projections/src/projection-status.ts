import type { Admin } from 'kafkajs';
import type { Db } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { VIEW_NAMES } from '@qf/player-read-model';
import { activeCollections, AUDIT_LOG_VIEW, liveGroupOf, versionOfCollection } from '@qf/replay';
import { consumerGroupLag } from '@qf/shared-kafka';
import {
  PROJECTION_CONTROLS,
  PROJECTION_REPLICAS,
  type ProjectionControlDocument,
  type ProjectionReplicaDocument,
} from './projection-control';

/** Every view a person can ask about. */
export const PROJECTION_VIEWS: readonly string[] = [...VIEW_NAMES, AUDIT_LOG_VIEW];

/** One view's state, as `qf projections status` and GET /projections show it. */
export interface ViewStatus {
  readonly view: string;
  /** The collection readers use and its generation (1 = never rebuilt). */
  readonly collection: string;
  readonly generation: number | null;
  /** The consumer group that writes it (the ES views share one). */
  readonly group: string;
  readonly topic: string;
  readonly paused: boolean;
  readonly pausedBy: string | null;
  readonly pausedAt: string | null;
  /** Replicas that reported within the last 30 s. */
  readonly replicas: number;
  readonly lastError: string | null;
  readonly offsetLag: number | null;
  readonly timeLagSeconds: number | null;
}

export interface ProjectionStatus {
  readonly measuredAt: string;
  readonly views: ViewStatus[];
}

/** The group that writes view (`<prefix>projector` for the ES views, `<prefix>audit-consumer` for audit_log). */
export const groupOfView = (
  view: string,
  prefix: string,
  env: NodeJS.ProcessEnv = process.env,
): string =>
  view === AUDIT_LOG_VIEW
    ? liveGroupOf('crud', prefix)
    : (env['QF_PROJECTOR_GROUP'] ?? liveGroupOf('es', prefix));

/** Thrown for a view name nobody projects. */
export class UnknownViewError extends Error {
  constructor(readonly view: string) {
    super(`unknown view "${view}"; allowed: ${PROJECTION_VIEWS.join(', ')}`);
  }
}

export const assertView = (view: string): void => {
  if (!PROJECTION_VIEWS.includes(view)) throw new UnknownViewError(view);
};

/** Generation, group, lag, time lag, last error and pause state of every view. */
export const projectionStatus = async (
  db: Db,
  admin: Admin,
  prefix: string,
  now = Date.now(),
): Promise<ProjectionStatus> => {
  const topics = topicNames(prefix);
  const existing = new Set(await admin.listTopics());
  const collections = await activeCollections(db, PROJECTION_VIEWS);
  const groups = [...new Set(PROJECTION_VIEWS.map((view) => groupOfView(view, prefix)))];
  const controls = new Map(
    (
      await db
        .collection<ProjectionControlDocument>(PROJECTION_CONTROLS)
        .find({ _id: { $in: groups } })
        .toArray()
    ).map((doc) => [doc._id, doc]),
  );
  const replicas = (
    await db.collection<ProjectionReplicaDocument>(PROJECTION_REPLICAS).find({}).toArray()
  ).filter((doc) => groups.includes(doc.group) && now - Date.parse(doc.heartbeatAt) < 30_000);
  const lagOf = async (group: string, topic: string) => {
    if (!existing.has(topic)) return { offsetLag: null, timeLagSeconds: null };
    const rows = await consumerGroupLag(admin, group, [topic], { now });
    const timeLags = rows.map((row) => row.timeLagSeconds);
    return {
      offsetLag: rows.reduce((sum, row) => sum + row.offsetLag, 0),
      timeLagSeconds: timeLags.includes(null) ? null : Math.max(0, ...(timeLags as number[])),
    };
  };
  const lags = new Map(
    await Promise.all(
      groups.map(
        async (group) =>
          [
            group,
            await lagOf(
              group,
              group === liveGroupOf('crud', prefix) ? topics.crudAudit : topics.events,
            ),
          ] as const,
      ),
    ),
  );
  return {
    measuredAt: new Date(now).toISOString(),
    views: PROJECTION_VIEWS.map((view): ViewStatus => {
      const group = groupOfView(view, prefix);
      const collection = collections[view] ?? view;
      const control = controls.get(group);
      const mine = replicas.filter((doc) => doc.group === group);
      const lag = lags.get(group) ?? { offsetLag: null, timeLagSeconds: null };
      return {
        view,
        collection,
        generation: versionOfCollection(view, collection),
        group,
        topic: view === AUDIT_LOG_VIEW ? topics.crudAudit : topics.events,
        paused: control?.paused ?? false,
        pausedBy: control?.paused ? control.by : null,
        pausedAt: control?.paused ? control.at : null,
        replicas: mine.length,
        lastError: mine.map((doc) => doc.lastError).find((error) => error !== null) ?? null,
        ...lag,
      };
    }),
  };
};
