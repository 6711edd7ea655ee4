import { topicNames } from '@qf/contracts';
import { planReplay } from '../plan/replay-plan';
import { parseReplayTarget } from '../plan/replay-target';
import {
  canAdvance,
  decideRun,
  isFinished,
  type ReplayMode,
  type ReplayStateDocument,
  type ReplayStatus,
} from './replay-state';

const stateOf = (
  target: string,
  version: number,
  status: ReplayStatus,
  mode: ReplayMode = 'blue-green',
): ReplayStateDocument => {
  const plan = planReplay(parseReplayTarget(target), version, '', topicNames(''));
  return {
    ...plan,
    _id: plan.id,
    mode,
    status,
    targetEnd: [],
    runs: 1,
    startedAt: '',
    updatedAt: '',
  };
};

describe('replay status', () => {
  it('moves forward only: building -> caught-up -> switched -> dropped', () => {
    expect(canAdvance('building', 'caught-up')).toBe(true);
    expect(canAdvance('caught-up', 'switched')).toBe(true);
    expect(canAdvance('switched', 'dropped')).toBe(true);
    expect(canAdvance('building', 'switched')).toBe(true);
    expect(canAdvance('switched', 'building')).toBe(false);
    expect(canAdvance('caught-up', 'caught-up')).toBe(false);
  });

  it('finished replays never move again; unfinished ones may be abandoned; in place goes from building to done', () => {
    for (const done of ['dropped', 'done', 'abandoned'] as const) {
      expect(isFinished(done)).toBe(true);
      expect(canAdvance(done, 'abandoned')).toBe(false);
    }
    expect(canAdvance('switched', 'abandoned')).toBe(true);
    expect(canAdvance('building', 'done')).toBe(true);
    expect(canAdvance('caught-up', 'done')).toBe(false);
  });
});

describe('what a run does with unfinished replays', () => {
  it('starts a new generation when none is unfinished', () => {
    expect(decideRun(parseReplayTarget('all'), 'blue-green', [])).toEqual({ action: 'start' });
  });

  it('resumes the unfinished replay of the same views and mode (same generation, same group)', () => {
    const unfinished = [stateOf('leaderboard', 2, 'building'), stateOf('all', 3, 'caught-up')];
    expect(decideRun(parseReplayTarget('all'), 'blue-green', unfinished)).toEqual({
      action: 'resume',
      state: unfinished[1],
    });
  });

  it('refuses a replay whose views overlap an unfinished one of other views or another mode', () => {
    const all = stateOf('all', 3, 'building');
    expect(decideRun(parseReplayTarget('leaderboard'), 'blue-green', [all])).toEqual({
      action: 'conflict',
      state: all,
    });
    expect(decideRun(parseReplayTarget('all'), 'in-place', [all])).toEqual({
      action: 'conflict',
      state: all,
    });
    expect(decideRun(parseReplayTarget('audit_log'), 'blue-green', [all])).toEqual({
      action: 'start',
    });
  });
});
