import { aCommand, given, registeredPlayer, START_ROOM } from '../testing';
import { dead } from '../testing/histories.fixture';

describe('MovePlayer', () => {
  it('moves the player from the current room', () => {
    given(registeredPlayer())
      .when(aCommand.move({ toRoom: 'room.hall' }))
      .then([{ type: 'PlayerMoved', data: { fromRoom: START_ROOM, toRoom: 'room.hall' } }]);
  });

  it('moves from wherever the player went last', () => {
    given(
      registeredPlayer(undefined, {
        type: 'PlayerMoved',
        data: { fromRoom: START_ROOM, toRoom: 'room.hall' },
      }),
    )
      .when(aCommand.move({ toRoom: 'room.tower' }))
      .then((events, state) => {
        expect(events.map((e) => e.data)).toEqual([
          { fromRoom: 'room.hall', toRoom: 'room.tower' },
        ]);
        expect(state.roomId).toBe('room.tower');
      });
  });

  it('rejects moving into the room the player is in', () => {
    given(registeredPlayer())
      .when(aCommand.move({ toRoom: START_ROOM }))
      .thenThrows('PLAYER.SAME_ROOM');
  });

  it.each(['', 'a b', 'r'.repeat(65), 'hall#1'])('rejects the malformed room id %j', (toRoom) => {
    given(registeredPlayer()).when(aCommand.move({ toRoom })).thenThrows('PLAYER.INVALID_ROOM');
  });

  it('rejects an unregistered player', () => {
    given().when(aCommand.move()).thenThrows('PLAYER.NOT_FOUND');
  });

  it('rejects a dead player', () => {
    given(dead()).when(aCommand.move()).thenThrows('PLAYER.DEAD');
  });
});
