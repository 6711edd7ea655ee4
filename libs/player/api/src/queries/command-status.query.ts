import { ApiError, type CommandStatus } from '@qf/contracts';

/** GET /commands/{commandId}[?playerId] -> CommandStatus[] (every player that used the id). */
export class GetCommandStatusQuery {
  constructor(
    readonly commandId: string,
    readonly playerId?: string,
  ) {}
}

export const commandNotFound = (commandId: string, playerId?: string) =>
  new ApiError(
    'COMMAND.NOT_FOUND',
    404,
    `no command ${commandId}${playerId === undefined ? '' : ` of player ${playerId}`} was sent or decided within the idempotency horizon`,
    { commandId, ...(playerId === undefined ? {} : { playerId }) },
  );

export const commandAmbiguous = (commandId: string, playerIds: readonly string[]) =>
  new ApiError(
    'COMMAND.AMBIGUOUS',
    409,
    `command id ${commandId} was used by ${playerIds.length} players (ids are unique per player): ask with playerId`,
    { commandId, playerIds },
  );

/** The one status a question names, or the error that says why there is not exactly one. */
export const singleStatus = (
  query: GetCommandStatusQuery,
  statuses: readonly CommandStatus[],
): CommandStatus => {
  const [first] = statuses;
  if (!first) throw commandNotFound(query.commandId, query.playerId);
  if (statuses.length > 1)
    throw commandAmbiguous(
      query.commandId,
      statuses.map((status) => status.playerId),
    );
  return first;
};
