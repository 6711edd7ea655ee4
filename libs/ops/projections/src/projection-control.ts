import type { Db } from 'mongodb';

/** Whether a projection group is paused, and by whom (`projection_controls`, _id = consumer group). */
export interface ProjectionControlDocument {
  readonly _id: string;
  readonly paused: boolean;
  readonly by: string;
  readonly at: string;
}

/** What each replica of a projection reports about itself (`projection_replicas`). */
export interface ProjectionReplicaDocument {
  readonly _id: string;
  readonly group: string;
  readonly instance: string;
  readonly partitions: Record<string, number[]>;
  readonly paused: boolean;
  readonly lastError: string | null;
  readonly heartbeatAt: string;
}

export const PROJECTION_CONTROLS = 'projection_controls';
export const PROJECTION_REPLICAS = 'projection_replicas';

/** Pauses or resumes every replica of group: they follow within their refresh interval. */
export const setPaused = async (
  db: Db,
  group: string,
  paused: boolean,
  by: string,
  now = new Date(),
): Promise<void> => {
  await db
    .collection<ProjectionControlDocument>(PROJECTION_CONTROLS)
    .replaceOne({ _id: group }, { paused, by, at: now.toISOString() }, { upsert: true });
};

export const readControl = (db: Db, group: string): Promise<ProjectionControlDocument | null> =>
  db.collection<ProjectionControlDocument>(PROJECTION_CONTROLS).findOne({ _id: group });

/** A consumer a person can pause (the projector implements it). */
export interface PausableProjection {
  pause(): void;
  resume(): void;
  isPaused(): boolean;
  lastError(): string | undefined;
  partitions(): Record<string, number[]>;
}

/**
 * Runs in each projector replica: applies the group's pause switch to the consumer and
 * reports the replica's state, every refreshMs. Both are single-document reads and writes
 * by _id (the local Mongo-wire server scans on any other filter).
 */
export class ProjectionControlLoop {
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly db: Db,
    private readonly group: string,
    private readonly instance: string,
    private readonly projection: PausableProjection,
    private readonly refreshMs = 2000,
  ) {}

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.db
      .collection<ProjectionReplicaDocument>(PROJECTION_REPLICAS)
      .deleteOne({ _id: `${this.group}/${this.instance}` })
      .catch(() => undefined);
  }

  /** One round: follow the switch, then report. Errors wait for the next round. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const control = await readControl(this.db, this.group);
      const wanted = control?.paused ?? false;
      if (wanted && !this.projection.isPaused()) this.projection.pause();
      if (!wanted && this.projection.isPaused()) this.projection.resume();
      await this.db.collection<ProjectionReplicaDocument>(PROJECTION_REPLICAS).replaceOne(
        { _id: `${this.group}/${this.instance}` },
        {
          group: this.group,
          instance: this.instance,
          partitions: this.projection.partitions(),
          paused: this.projection.isPaused(),
          lastError: this.projection.lastError() ?? null,
          heartbeatAt: new Date().toISOString(),
        },
        { upsert: true },
      );
    } catch {
      // Mongo away: the consumer goes on as it is; the next round tries again.
    } finally {
      this.ticking = false;
    }
  }
}
