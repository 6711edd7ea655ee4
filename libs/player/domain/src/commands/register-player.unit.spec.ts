import { START_LEVEL, START_MAX_HEALTH, START_XP } from '../index';
import { aCommand, given, registeredPlayer, registration, START_ROOM } from '../testing';
import { dead } from '../testing/histories.fixture';

describe('RegisterPlayer', () => {
  it('registers a new player with the start stats in the start room', () => {
    given()
      .when(aCommand.register({ name: 'Aria', startRoom: 'cave:entrance' }))
      .then([
        {
          type: 'PlayerRegistered',
          data: {
            playerId: aCommand.register().data.playerId,
            name: 'Aria',
            startRoom: 'cave:entrance',
            stats: {
              level: START_LEVEL,
              xp: START_XP,
              health: START_MAX_HEALTH,
              maxHealth: START_MAX_HEALTH,
            },
          },
        },
      ]);
  });

  it('leaves the player registered, alive, at full health with an empty inventory', () => {
    given()
      .when(aCommand.register())
      .then((_, state) => {
        expect(state).toMatchObject({
          registered: true,
          alive: true,
          name: 'Aria',
          roomId: START_ROOM,
          level: 1,
          xp: 0,
          health: 100,
          maxHealth: 100,
          inventory: {},
          version: 1,
        });
      });
  });

  it.each([
    ['one character', 'A'],
    ['exactly 32 characters', 'x'.repeat(32)],
    ['32 emoji (64 UTF-16 units)', '🐉'.repeat(32)],
    ['untrimmed spaces', '  Aria  '],
    ['accents and CJK', 'Zoë 勇者'],
    ['an emoji sequence joined by ZWJ', 'Fam 👨‍👩‍👧'],
  ])('accepts a name with %s', (_, name) => {
    given()
      .when(aCommand.register({ name }))
      .then([registration({ name })]);
  });

  it.each([
    ['empty', ''],
    ['33 characters', 'x'.repeat(33)],
    ['33 emoji', '🐉'.repeat(33)],
    ['only spaces', '   '],
    ['only Unicode whitespace', '\u00a0\u3000'],
    ['only zero-width characters', '\u200b\ufeff'],
    ['a NUL', 'Ar\u0000ia'],
    ['a newline', 'Aria\n'],
    ['a tab', 'A\tria'],
    ['DEL', 'Aria\u007f'],
    ['a C1 control (NEL)', 'Aria\u0085'],
    ['a C1 control (U+009F)', 'Aria\u009f'],
    ['a line separator', 'Ar\u2028ia'],
    ['a lone surrogate', 'Aria\ud800'],
    ['not a string', 42 as unknown as string],
  ])('rejects a name that is %s', (_, name) => {
    given().when(aCommand.register({ name })).thenThrows('PLAYER.INVALID_NAME');
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'r'.repeat(65)],
    ['with a space', 'room 1'],
    ['with a slash', 'room/1'],
    ['non-ASCII', 'röom'],
    ['with a trailing newline', 'room\n'],
    ['not a string', undefined as unknown as string],
  ])('rejects a start room that is %s', (_, startRoom) => {
    given().when(aCommand.register({ startRoom })).thenThrows('PLAYER.INVALID_ROOM');
  });

  it('accepts a 64-character room id using every allowed symbol', () => {
    const startRoom = `Az09_.:-${'r'.repeat(56)}`;
    given()
      .when(aCommand.register({ startRoom }))
      .then([registration({ startRoom })]);
  });

  it('rejects an id that is already registered', () => {
    given(registeredPlayer()).when(aCommand.register()).thenThrows('PLAYER.ALREADY_REGISTERED');
  });

  it('keeps the id of a dead player taken', () => {
    given(dead()).when(aCommand.register()).thenThrows('PLAYER.ALREADY_REGISTERED');
  });

  it('reports a malformed command before the conflict', () => {
    given(registeredPlayer())
      .when(aCommand.register({ name: '' }))
      .thenThrows('PLAYER.INVALID_NAME');
  });
});
