import type { TopicNames } from '@qf/contracts';
import { DEFAULT_PROJECTOR_GROUP } from '@qf/player-read-model';
import type { ReplayKind, ReplayTarget, ReplayView } from './replay-target';
import { versionedCollection } from './versioned-names';

/** What one rebuild writes and consumes as; stored in its state document so a rerun resumes it. */
export interface ReplayPlan {
  /** `${target}@v${version}`, e.g. `all@v3`: the state document's id. */
  readonly id: string;
  readonly target: string;
  readonly kind: ReplayKind;
  /** The views rebuilt and, at the end, switched. */
  readonly views: readonly ReplayView[];
  readonly version: number;
  /** The rebuild's own consumer group (fromBeginning); its committed offsets are what a rerun resumes from. */
  readonly groupId: string;
  readonly topic: string;
  /** view -> the new collection it is rebuilt into (also player_details when it is only the fold's base). */
  readonly collections: Readonly<Record<string, string>>;
  /** Collections written only as the fold's base, never switched: dropped with the old generation. */
  readonly scratch: readonly string[];
}

/** The live consumer group that maintains a kind of view (as the projector and audit consumer name it). */
export const liveGroupOf = (kind: ReplayKind, prefix: string): string =>
  kind === 'es' ? `${prefix}${DEFAULT_PROJECTOR_GROUP}` : `${prefix}audit-consumer`;

/** The topic a kind of view is folded from. */
export const sourceTopicOf = (kind: ReplayKind, topics: TopicNames): string =>
  kind === 'es' ? topics.events : topics.crudAudit;

/** The rebuild group of a generation: never the live group, never another generation's. */
export const rebuildGroupOf = (kind: ReplayKind, prefix: string, version: number): string =>
  `${liveGroupOf(kind, prefix)}-rebuild-v${version}`;

/**
 * Plans generation `version` of target. The ES fold needs each player's whole state as
 * its base (player_details: every write is a compare-and-set on it), so a rebuild of
 * room_occupancy, leaderboard or player_events alone still writes player_details_v<n>,
 * as scratch.
 */
export const planReplay = (
  target: ReplayTarget,
  version: number,
  prefix: string,
  topics: TopicNames,
): ReplayPlan => {
  const collections: Record<string, string> = {};
  for (const view of target.views) collections[view] = versionedCollection(view, version);
  const scratch: string[] = [];
  if (target.kind === 'es' && !target.views.includes('player_details')) {
    collections['player_details'] = versionedCollection('player_details', version);
    scratch.push(collections['player_details']);
  }
  return {
    id: `${target.name}@v${version}`,
    target: target.name,
    kind: target.kind,
    views: [...target.views],
    version,
    groupId: rebuildGroupOf(target.kind, prefix, version),
    topic: sourceTopicOf(target.kind, topics),
    collections,
    scratch,
  };
};
