/** The four read models the projector maintains. */
export type ViewName = 'player_details' | 'room_occupancy' | 'leaderboard' | 'player_events';

export const VIEW_NAMES: readonly ViewName[] = [
  'player_details',
  'room_occupancy',
  'leaderboard',
  'player_events',
];

/** Collection names of one generation of the read models. */
export interface ReadModelCollections {
  readonly playerDetails: string;
  readonly roomOccupancy: string;
  readonly leaderboard: string;
  readonly playerEvents: string;
}

/**
 * Where a projector writes and which consumer group it consumes as. A rebuild (issue 6)
 * is a second target: new versioned collections and a new group reading from offset 0,
 * while readers keep the active generation until the alias switches.
 */
export interface ProjectionTarget {
  readonly collections: ReadModelCollections;
  readonly groupId: string;
}

/** The collection of a view for a generation suffix ('' = the unsuffixed default names). */
export const collectionName = (view: ViewName, suffix = ''): string =>
  suffix ? `${view}_${suffix}` : view;

/** The collection set of a generation: `player_details_v2` … for suffix `v2`. */
export const readModelCollections = (suffix = ''): ReadModelCollections => ({
  playerDetails: collectionName('player_details', suffix),
  roomOccupancy: collectionName('room_occupancy', suffix),
  leaderboard: collectionName('leaderboard', suffix),
  playerEvents: collectionName('player_events', suffix),
});

/** The consumer group of the default projector (the run's topic prefix goes in front). */
export const DEFAULT_PROJECTOR_GROUP = 'projector';

/** A target for generation suffix; the group carries the suffix too, so generations never share offsets. */
export const projectionTarget = (
  suffix = '',
  groupId = suffix ? `${DEFAULT_PROJECTOR_GROUP}-${suffix}` : DEFAULT_PROJECTOR_GROUP,
): ProjectionTarget => ({
  collections: readModelCollections(suffix),
  groupId,
});

/** The view each collection field of ReadModelCollections holds. */
export const viewOfCollectionKey: Record<keyof ReadModelCollections, ViewName> = {
  playerDetails: 'player_details',
  roomOccupancy: 'room_occupancy',
  leaderboard: 'leaderboard',
  playerEvents: 'player_events',
};
