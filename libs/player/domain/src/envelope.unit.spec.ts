import { decide, EVENT_SCHEMA_VERSIONS, eventTypes, fold } from './index';
import { aCommand, given, PLAYER_ID, registeredPlayer } from './testing';

const threeEventsIn = () =>
  registeredPlayer(
    PLAYER_ID,
    { type: 'PlayerMoved', data: { fromRoom: 'room.start', toRoom: 'room.hall' } },
    { type: 'ItemPickedUp', data: { itemId: 'item.sword', qty: 1 } },
  );

describe('event envelope', () => {
  it('numbers events after the state version, gapless, and derives ids from the command', () => {
    const metadata = {
      commandId: 'cmd-42',
      correlationId: 'req-7',
      occurredAt: '2025-06-01T10:00:00.000Z',
    };
    given(threeEventsIn())
      .when(aCommand.gainExperience({ amount: 300 }, metadata))
      .then((events) => {
        expect(events.map((e) => e.metadata)).toEqual(
          [4, 5, 6].map((version, index) => ({
            eventId: `cmd-42:${index}`,
            aggregateId: PLAYER_ID,
            version,
            schemaVersion: 1,
            occurredAt: '2025-06-01T10:00:00.000Z',
            causationId: 'cmd-42',
            correlationId: 'req-7',
          })),
        );
      });
  });

  it('starts at version 1 for a registration', () => {
    given()
      .when(aCommand.register({}, { commandId: 'reg' }))
      .then((events, state) => {
        expect(events.map((e) => [e.metadata.version, e.metadata.eventId])).toEqual([[1, 'reg:0']]);
        expect(state).toMatchObject({
          version: 1,
          updatedAt: aCommand.register().metadata.occurredAt,
        });
      });
  });

  it('gives the same events when the same command is decided again on the same state', () => {
    const state = fold(PLAYER_ID, threeEventsIn());
    const command = aCommand.takeDamage({ amount: 500 });
    expect(decide(command, state)).toEqual(decide(command, state));
    expect(decide(command, state)).toHaveLength(2);
  });

  it('gives different event ids to different commands', () => {
    const state = fold(PLAYER_ID, threeEventsIn());
    const first = decide(aCommand.heal({}, { commandId: 'a' }), state);
    const second = decide(aCommand.heal({}, { commandId: 'b' }), state);
    expect(first[0]?.metadata.eventId).not.toBe(second[0]?.metadata.eventId);
  });

  it("stamps each event with its type's current schema version", () => {
    given()
      .when(aCommand.register())
      .then((events) => expect(events[0]?.metadata.schemaVersion).toBe(2));
    // Every type has a version, and only PlayerRegistered has moved so far.
    expect(Object.keys(EVENT_SCHEMA_VERSIONS).sort()).toEqual([...eventTypes].sort());
    expect(Object.entries(EVENT_SCHEMA_VERSIONS).filter(([, version]) => version !== 1)).toEqual([
      ['PlayerRegistered', 2],
    ]);
  });
});
