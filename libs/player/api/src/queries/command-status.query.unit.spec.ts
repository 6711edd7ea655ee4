import { randomUUID } from 'node:crypto';
import { type ApiError, commandStatusSchema, type CommandStatus } from '@qf/contracts';
import { commandStatusToGrpc } from '../grpc/grpc-mappers';
import { commandStatusQuery } from '../rest/command-status.controller';
import { GetCommandStatusQuery, singleStatus } from './command-status.query';

const playerId = randomUUID();
const accepted: CommandStatus = {
  commandId: 'k-1',
  playerId,
  status: 'accepted',
  decidedAt: '2026-12-05T10:00:00.000Z',
  result: {
    playerId,
    version: 2,
    events: [
      {
        eventId: 'k-1:0',
        type: 'PlayerMoved',
        version: 2,
        occurredAt: '2026-12-05T10:00:00.000Z',
        data: { from: 'hall', to: 'yard' } as never,
      },
    ],
  },
};
const rejected: CommandStatus = {
  commandId: 'k-2',
  playerId,
  status: 'rejected',
  decidedAt: '2026-12-05T10:00:01.000Z',
  problem: {
    type: 'https://quest-fleet.dev/problems/player-same-room',
    title: 'Conflict',
    status: 409,
    code: 'PLAYER.SAME_ROOM',
    detail: 'already there',
    retriable: false,
  },
};

const errorOf = (work: () => unknown): ApiError => {
  try {
    work();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('no error');
};

describe('command status questions and answers', () => {
  it('parses a command id and an optional player id; a 400 names what is wrong', () => {
    expect(commandStatusQuery('k-1', {})).toEqual(new GetCommandStatusQuery('k-1', undefined));
    expect(commandStatusQuery('k-1', { playerId })).toEqual(
      new GetCommandStatusQuery('k-1', playerId),
    );
    expect(errorOf(() => commandStatusQuery('x'.repeat(129), {}))).toMatchObject({
      status: 400,
      extensions: { errors: [expect.objectContaining({ field: 'commandId' })] },
    });
    expect(errorOf(() => commandStatusQuery('k-1', { playerId: 'nope' }))).toMatchObject({
      status: 400,
      extensions: { errors: [expect.objectContaining({ field: 'playerId' })] },
    });
    expect(errorOf(() => commandStatusQuery('k-1', { other: '1' }))).toMatchObject({ status: 400 });
  });

  it('answers the one status, 404 for none, 409 naming the players for several', () => {
    const question = new GetCommandStatusQuery('k-1');
    expect(singleStatus(question, [accepted])).toBe(accepted);
    expect(errorOf(() => singleStatus(question, []))).toMatchObject({
      code: 'COMMAND.NOT_FOUND',
      status: 404,
    });
    const other = { ...accepted, playerId: randomUUID() };
    expect(errorOf(() => singleStatus(question, [accepted, other]))).toMatchObject({
      code: 'COMMAND.AMBIGUOUS',
      status: 409,
      extensions: { playerIds: [playerId, other.playerId] },
    });
  });

  it('every status fits the documented schema and maps to questfleet.v1.CommandStatus', () => {
    const pending: CommandStatus = { commandId: 'k-3', playerId, status: 'pending' };
    for (const status of [pending, accepted, rejected])
      expect(commandStatusSchema.safeParse(status).success).toBe(true);
    expect(commandStatusToGrpc(pending)).toEqual({
      commandId: 'k-3',
      playerId,
      status: 'pending',
      decidedAt: '',
    });
    expect(commandStatusToGrpc(accepted)).toMatchObject({
      status: 'accepted',
      result: { playerId, version: 2, events: [{ eventId: 'k-1:0', type: 'PlayerMoved' }] },
    });
    expect(commandStatusToGrpc(rejected)).toMatchObject({
      status: 'rejected',
      rejection: { code: 'PLAYER.SAME_ROOM', grpcCode: 9, httpStatus: 409 },
    });
  });
});
