import {
  DomainError,
  ERROR_CODES,
  isDomainError,
  PlayerRejected,
  UnknownCommand,
  UnreadableEvent,
} from './index';

describe('ERROR_CODES', () => {
  it('lists every code with its kind', () => {
    expect(ERROR_CODES).toEqual({
      'PLAYER.NOT_FOUND': 'not-found',
      'PLAYER.ALREADY_REGISTERED': 'conflict',
      'PLAYER.INVALID_NAME': 'invalid',
      'PLAYER.INVALID_ROOM': 'invalid',
      'PLAYER.INVALID_ITEM': 'invalid',
      'PLAYER.INVALID_QUANTITY': 'invalid',
      'PLAYER.INVALID_AMOUNT': 'invalid',
      'PLAYER.DEAD': 'conflict',
      'PLAYER.SAME_ROOM': 'conflict',
      'PLAYER.INVENTORY_FULL': 'conflict',
      'PLAYER.INSUFFICIENT_ITEMS': 'conflict',
      'COMMAND.AGGREGATE_MISMATCH': 'invalid',
      'COMMAND.UNKNOWN': 'invalid',
      'EVENT.UNKNOWN_TYPE': 'invalid',
      'EVENT.UNSUPPORTED_SCHEMA': 'invalid',
    });
  });
});

describe('domain errors', () => {
  const rejected = new PlayerRejected('PLAYER.DEAD', 'conflict', 'player p-1 is dead', {
    playerId: 'p-1',
  });

  it('are Errors with a code, a kind and no retry', () => {
    expect(rejected).toBeInstanceOf(Error);
    expect(rejected).toBeInstanceOf(DomainError);
    expect(rejected).toMatchObject({
      name: 'PlayerRejected',
      code: 'PLAYER.DEAD',
      kind: 'conflict',
      retriable: false,
      message: 'player p-1 is dead',
      details: { playerId: 'p-1' },
    });
    expect(rejected.stack).toContain('player p-1 is dead');
  });

  it('serialise their fields for logs and dead letters', () => {
    expect(JSON.parse(JSON.stringify(rejected))).toEqual({
      name: 'PlayerRejected',
      code: 'PLAYER.DEAD',
      kind: 'conflict',
      retriable: false,
      message: 'player p-1 is dead',
      details: { playerId: 'p-1' },
    });
    expect(new UnknownCommand({ type: 'X' }).toJSON()).not.toHaveProperty('details.value');
  });

  it('name the unknown command type without trusting it', () => {
    expect(new UnknownCommand({ type: 'Teleport' })).toMatchObject({
      code: 'COMMAND.UNKNOWN',
      kind: 'invalid',
      details: { type: 'Teleport' },
    });
    expect(new UnknownCommand(undefined).details).toEqual({ type: '(undefined)' });
  });

  it('cannot be built with a kind that contradicts the code', () => {
    // @ts-expect-error PLAYER.DEAD is a conflict, not invalid input
    const wrong = new PlayerRejected('PLAYER.DEAD', 'invalid', 'x');
    expect(wrong.kind).toBe('invalid');
  });

  it('cover unreadable events', () => {
    expect(new UnreadableEvent('EVENT.UNSUPPORTED_SCHEMA', 'nope')).toMatchObject({
      name: 'UnreadableEvent',
      code: 'EVENT.UNSUPPORTED_SCHEMA',
      kind: 'invalid',
    });
  });

  it('are told apart from crashes by isDomainError', () => {
    expect(isDomainError(rejected)).toBe(true);
    expect(isDomainError(new UnknownCommand(null))).toBe(true);
    expect(isDomainError(new Error('boom'))).toBe(false);
    expect(isDomainError({ code: 'PLAYER.DEAD', kind: 'conflict' })).toBe(false);
    expect(isDomainError(null)).toBe(false);
  });
});
