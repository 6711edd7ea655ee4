import { topicNames } from '@qf/contracts';
import { liveGroupOf, planReplay, rebuildGroupOf } from './replay-plan';
import { parseReplayTarget, REPLAY_TARGET_NAMES, UnknownReplayTargetError } from './replay-target';
import { nextVersion, versionedCollection, versionOfCollection } from './versioned-names';

describe('replay targets', () => {
  it('accepts each view, all (the four ES read models) and audit_log', () => {
    expect(parseReplayTarget('leaderboard')).toEqual({
      name: 'leaderboard',
      kind: 'es',
      views: ['leaderboard'],
    });
    expect(parseReplayTarget('all')).toEqual({
      name: 'all',
      kind: 'es',
      views: ['player_details', 'room_occupancy', 'leaderboard', 'player_events'],
    });
    expect(parseReplayTarget('audit_log')).toEqual({
      name: 'audit_log',
      kind: 'crud',
      views: ['audit_log'],
    });
    expect(REPLAY_TARGET_NAMES).toEqual([
      'player_details',
      'room_occupancy',
      'leaderboard',
      'player_events',
      'all',
      'audit_log',
    ]);
  });

  it('an unknown view names the argument and every allowed value', () => {
    expect(() => parseReplayTarget('players')).toThrow(UnknownReplayTargetError);
    expect(() => parseReplayTarget('players')).toThrow(
      'unknown view "players" for argument <view>; allowed: player_details, room_occupancy, leaderboard, player_events, all, audit_log',
    );
  });
});

describe('versioned collection names', () => {
  it('names generation n `${view}_v${n}`; the plain name is generation 1', () => {
    expect(versionedCollection('player_details', 3)).toBe('player_details_v3');
    expect(versionOfCollection('player_details', 'player_details')).toBe(1);
    expect(versionOfCollection('player_details', 'player_details_v12')).toBe(12);
  });

  it('anything else is not a generation of the view', () => {
    for (const name of [
      'player_details_v',
      'player_details_v0',
      'player_details_v2x',
      'leaderboard_v2',
      'player_details_vv2',
    ]) {
      expect(versionOfCollection('player_details', name)).toBeNull();
    }
  });

  it('the next version is one above every version in use, at least 2', () => {
    expect(nextVersion([])).toBe(2);
    expect(nextVersion([1])).toBe(2);
    expect(nextVersion([1, 4, 2])).toBe(5);
  });
});

describe('replay plans', () => {
  const topics = topicNames('run-7.');

  it('all: four new collections of one generation, a rebuild group of its own, read from player.events', () => {
    const plan = planReplay(parseReplayTarget('all'), 3, 'run-7.', topics);
    expect(plan).toEqual({
      id: 'all@v3',
      target: 'all',
      kind: 'es',
      views: ['player_details', 'room_occupancy', 'leaderboard', 'player_events'],
      version: 3,
      groupId: 'run-7.projector-rebuild-v3',
      topic: 'run-7.player.events',
      collections: {
        player_details: 'player_details_v3',
        room_occupancy: 'room_occupancy_v3',
        leaderboard: 'leaderboard_v3',
        player_events: 'player_events_v3',
      },
      scratch: [],
    });
    expect(plan.groupId).not.toBe(liveGroupOf('es', 'run-7.'));
  });

  it('a derived view alone still writes player_details (the fold base) as scratch', () => {
    const plan = planReplay(parseReplayTarget('leaderboard'), 2, '', topicNames(''));
    expect(plan.collections).toEqual({
      leaderboard: 'leaderboard_v2',
      player_details: 'player_details_v2',
    });
    expect(plan.scratch).toEqual(['player_details_v2']);
  });

  it('audit_log reads crud.audit with a group beside the audit consumer', () => {
    const plan = planReplay(parseReplayTarget('audit_log'), 4, 'run-7.', topics);
    expect(plan).toMatchObject({
      kind: 'crud',
      topic: 'run-7.crud.audit',
      groupId: 'run-7.audit-consumer-rebuild-v4',
      collections: { audit_log: 'audit_log_v4' },
      scratch: [],
    });
    expect(rebuildGroupOf('crud', 'run-7.', 4)).toBe(plan.groupId);
  });
});
