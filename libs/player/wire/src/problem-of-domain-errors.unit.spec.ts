import { problemFor } from '@qf/contracts';
import { ERROR_CODES, PlayerRejected, type ErrorCode } from '@qf/player-domain';

// The contracts recognise a domain rejection by its shape (a code and a kind), so they need
// no domain import: these checks keep every domain error recognised, with its status.
describe('problemFor on domain errors', () => {
  it('names the field of an invalid command, as a malformed request does', () => {
    expect(
      problemFor(
        new PlayerRejected('PLAYER.INVALID_ROOM', 'invalid', 'startRoom is not a valid room id', {
          field: 'startRoom',
        }),
      ),
    ).toMatchObject({
      status: 400,
      code: 'PLAYER.INVALID_ROOM',
      errors: [{ field: 'startRoom', message: 'startRoom is not a valid room id' }],
    });
    expect(
      problemFor(new PlayerRejected('PLAYER.SAME_ROOM', 'conflict', 'already there')).errors,
    ).toBeUndefined();
  });

  it('gives every domain error code the status of its kind', () => {
    const statusOf = { invalid: 400, 'not-found': 404, conflict: 409 } as const;
    for (const [code, kind] of Object.entries(ERROR_CODES) as Array<
      [ErrorCode, keyof typeof statusOf]
    >)
      expect(problemFor(new PlayerRejected(code as never, kind as never, code))).toMatchObject({
        status: statusOf[kind],
        code,
        retriable: false,
      });
  });
});
