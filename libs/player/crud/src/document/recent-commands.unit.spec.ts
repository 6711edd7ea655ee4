import { initialState, tryDecide } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { toCommandResult } from '@qf/player-wire';
import { findRecent, outcomeOf, recentCommandFor } from './recent-commands';

describe('recent commands (idempotency bookkeeping)', () => {
  it('rebuilds exactly the first answer of a command, ids and versions included', () => {
    const registered = tryDecide(aCommand.register(), initialState(PLAYER_ID));
    if (!registered.ok) throw registered.error;
    // 250 xp from level 1 crosses two levels: three events from one command.
    const decision = tryDecide(
      aCommand.gainExperience({ amount: 350 }, { commandId: 'cmd-xp' }),
      registered.state,
    );
    if (!decision.ok) throw decision.error;
    expect(decision.events.length).toBeGreaterThan(2);
    const entry = recentCommandFor('cmd-xp', 'hash-1', decision.events);
    expect(entry).toMatchObject({
      commandId: 'cmd-xp',
      requestHash: 'hash-1',
      version: decision.state.version,
      count: decision.events.length,
    });
    expect(outcomeOf(PLAYER_ID, entry)).toEqual(
      toCommandResult(PLAYER_ID, decision.state.version, decision.events),
    );
  });

  it('finds a command among the recent ones, or nothing', () => {
    const recent = [
      { commandId: 'a', requestHash: 'h', version: 1, count: 1, occurredAt: '', events: '[]' },
      { commandId: 'b', requestHash: 'h', version: 2, count: 1, occurredAt: '', events: '[]' },
    ];
    expect(findRecent(recent, 'b')?.version).toBe(2);
    expect(findRecent(recent, 'c')).toBeUndefined();
    expect(findRecent(undefined, 'a')).toBeUndefined();
  });

  it('refuses to remember an accepted command without events', () => {
    expect(() => recentCommandFor('x', 'h', [])).toThrow(TypeError);
  });
});
