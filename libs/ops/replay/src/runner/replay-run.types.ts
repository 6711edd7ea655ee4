import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { RebuildSettings, RebuildStats } from '@qf/player-read-model';
import type { Logger } from '@qf/shared-observability';
import type { ReplayTarget, ReplayView } from '../plan/replay-target';
import type { ProgressSnapshot } from '../progress/replay-progress';
import type { ReplayMode, ReplayStatus } from '../state/replay-state';

/** What a replay talks to. */
export interface ReplayDeps {
  readonly kafka: Kafka;
  /** The database of the views (the fleet's QF_MONGO_DB). */
  readonly db: Db;
  readonly logger?: Logger;
}

/** How `qf replay` was asked to run. */
export interface ReplayOptions {
  readonly target: ReplayTarget;
  /** The fleet's topic prefix (QF_TOPIC_PREFIX). */
  readonly prefix: string;
  /** Consumer replicas run in this process. */
  readonly replicas: number;
  /** Seconds between the switch and dropping the old generation; the rebuild keeps the new one fresh meanwhile. */
  readonly graceSeconds: number;
  /** Leave the old generation in place (it stops being updated at the switch). */
  readonly keepOld: boolean;
  /** Caught up = target offsets reached and at most this many events behind the live head. */
  readonly maxLag: number;
  /** The live consumer group (default: the projector's / audit consumer's for the prefix). */
  readonly liveGroup?: string;
  /** How often progress and catch-up are checked. */
  readonly pollMs?: number;
  /** Tuning of the ES rebuild consumers. */
  readonly settings?: Partial<RebuildSettings>;
  /** Aborting stops the rebuild cleanly (committed work stays); a rerun resumes it. */
  readonly signal?: AbortSignal;
  /** Rebuild even from a source whose log lost records (retention, compaction): `--allow-truncated`. */
  readonly allowTruncated?: boolean;
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  /** One line per phase: planned, caught up, switched, dropped … */
  readonly onPhase?: (message: string) => void;
}

/** What a run did. */
export interface ReplayOutcome {
  readonly id: string;
  readonly mode: ReplayMode;
  readonly status: ReplayStatus;
  readonly version: number;
  readonly views: readonly ReplayView[];
  readonly groupId: string;
  readonly topic: string;
  /** A rerun of an interrupted rebuild. */
  readonly resumed: boolean;
  /** Events the rebuild group had already committed when this run began. */
  readonly doneAtStart: number;
  /** Events to rebuild (offsets from the log start to the target). */
  readonly events: number;
  /** This run's time from its start until the rebuild caught up (0 when it was already). */
  readonly buildSeconds: number;
  /** Events this run applied per second of buildSeconds. */
  readonly eventsPerSecond: number;
  /** view -> the collection readers use now. */
  readonly active: Readonly<Record<string, string>>;
  readonly dropped: readonly string[];
  readonly kept: readonly string[];
  /** What this run's ES rebuild consumers did (summed over replicas). */
  readonly consumers?: RebuildStats;
}
