import {
  commandTypes,
  decide,
  DomainError,
  fold,
  initialState,
  type PlayerCommand,
  PlayerRejected,
  tryDecide,
  UnknownCommand,
} from './index';
import { aCommand, given, PLAYER_ID, registeredPlayer } from './testing';
import { dead, holding } from './testing/histories.fixture';

const everyCommand: [string, () => PlayerCommand][] = [
  ['RegisterPlayer', () => aCommand.register()],
  ['MovePlayer', () => aCommand.move()],
  ['PickUpItem', () => aCommand.pickUp()],
  ['DropItem', () => aCommand.drop()],
  ['TakeDamage', () => aCommand.takeDamage()],
  ['Heal', () => aCommand.heal()],
  ['GainExperience', () => aCommand.gainExperience()],
];
const exceptRegister = everyCommand.filter(([type]) => type !== 'RegisterPlayer');

describe('decide', () => {
  it('has a builder for every command type', () => {
    expect(everyCommand.map(([type]) => type)).toEqual([...commandTypes]);
  });

  it.each(exceptRegister)('rejects %s for a player that was never registered', (_, command) => {
    given().when(command()).thenThrows('PLAYER.NOT_FOUND');
  });

  it.each(everyCommand.filter(([type]) => type !== 'RegisterPlayer' && type !== 'DropItem'))(
    'rejects %s for a dead player',
    (_, command) => {
      given(dead()).when(command()).thenThrows('PLAYER.DEAD');
    },
  );

  it.each(everyCommand)('rejects %s addressed to another player', (_, command) => {
    const stranger = {
      ...command(),
      data: { ...command().data, playerId: 'someone-else' },
    } as PlayerCommand;
    given(holding({ 'item.sword': 1 }))
      .when(stranger)
      .thenThrows('COMMAND.AGGREGATE_MISMATCH');
  });

  it('checks the aggregate before validating the payload', () => {
    given(registeredPlayer())
      .when(aCommand.move({ playerId: 'someone-else', toRoom: '' }))
      .thenThrows('COMMAND.AGGREGATE_MISMATCH');
  });

  it('reports a malformed command before an unknown player', () => {
    given()
      .when(aCommand.move({ toRoom: 'not a room' }))
      .thenThrows('PLAYER.INVALID_ROOM');
  });

  it.each([
    ['an unknown type', { ...aCommand.move(), type: 'Teleport' }],
    ['a prototype member as type', { ...aCommand.move(), type: 'constructor' }],
    ['no type', { data: { playerId: PLAYER_ID }, metadata: aCommand.move().metadata }],
    ['null', null],
  ])('rejects a command with %s as COMMAND.UNKNOWN', (_, command) => {
    const error = given()
      .when(command as unknown as PlayerCommand)
      .thenThrows('COMMAND.UNKNOWN');
    expect(error).toBeInstanceOf(UnknownCommand);
  });

  it('rejects a command without data as an aggregate mismatch instead of crashing', () => {
    const command = {
      type: 'MovePlayer',
      metadata: aCommand.move().metadata,
    } as unknown as PlayerCommand;
    given().when(command).thenThrows('COMMAND.AGGREGATE_MISMATCH');
  });

  it('throws PlayerRejected for invariant violations', () => {
    expect(() => decide(aCommand.move(), initialState(PLAYER_ID))).toThrow(PlayerRejected);
  });
});

describe('tryDecide', () => {
  it('returns the events and the state after them', () => {
    const state = fold(PLAYER_ID, registeredPlayer());
    const decision = tryDecide(aCommand.takeDamage({ amount: 100 }), state);
    expect(decision).toEqual({
      ok: true,
      events: decide(aCommand.takeDamage({ amount: 100 }), state),
      state: expect.objectContaining({ health: 0, alive: false, version: 3 }),
    });
  });

  it('returns a rejection as a value', () => {
    const decision = tryDecide(aCommand.move(), initialState(PLAYER_ID));
    expect(decision.ok).toBe(false);
    if (!decision.ok) {
      expect(decision.error).toBeInstanceOf(DomainError);
      expect(decision.error.code).toBe('PLAYER.NOT_FOUND');
    }
  });

  it('lets errors that are not rejections through, so bugs stay loud', () => {
    const corrupt = { ...fold(PLAYER_ID, registeredPlayer()), inventory: null } as never;
    expect(() => tryDecide(aCommand.pickUp(), corrupt)).toThrow(TypeError);
  });
});
