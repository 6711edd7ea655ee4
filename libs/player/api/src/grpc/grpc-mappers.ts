import type {
  AcceptedCommand,
  CommandResult,
  CommandStatus,
  EventView,
  HistoryView,
  LeaderboardView,
  PlayerView,
  RoomOccupancyView,
  StateAtView,
} from '@qf/contracts';
import { grpcCodeFor } from './rich-status';

// Plain-object mirrors of the questfleet.v1 messages (proto-loader: camelCase, longs as numbers).

export const eventToGrpc = (event: EventView) => ({
  eventId: event.eventId,
  type: event.type,
  version: event.version,
  occurredAt: event.occurredAt,
  dataJson: JSON.stringify(event.data),
});

export const commandResponseToGrpc = (result: CommandResult | AcceptedCommand) =>
  'status' in result
    ? { playerId: result.playerId, version: 0, events: [], pendingCommandId: result.commandId }
    : {
        playerId: result.playerId,
        version: result.version,
        events: result.events.map(eventToGrpc),
        pendingCommandId: '',
      };

/** A command's status as questfleet.v1.CommandStatus; a rejection carries the code its own call got. */
export const commandStatusToGrpc = (status: CommandStatus) => ({
  commandId: status.commandId,
  playerId: status.playerId,
  status: status.status,
  decidedAt: status.status === 'pending' ? '' : status.decidedAt,
  ...(status.status === 'accepted' ? { result: commandResponseToGrpc(status.result) } : {}),
  ...(status.status === 'rejected'
    ? {
        rejection: {
          code: status.problem.code,
          grpcCode: grpcCodeFor(status.problem),
          httpStatus: status.problem.status,
          detail: status.problem.detail,
          problemJson: JSON.stringify(status.problem),
        },
      }
    : {}),
});

type PlayerLike = Partial<PlayerView> & Pick<PlayerView, 'playerId'>;

export const playerToGrpc = (player: PlayerLike) => ({
  playerId: player.playerId,
  name: player.name ?? '',
  level: player.level ?? 0,
  xp: player.xp ?? 0,
  health: player.health ?? 0,
  maxHealth: player.maxHealth ?? 0,
  roomId: player.roomId ?? '',
  inventory: { ...(player.inventory ?? {}) },
  alive: player.alive ?? false,
  version: player.version ?? 0,
  updatedAt: player.updatedAt ?? '',
});

/** A parameter of a REST next link (the page token gRPC hands out is the same cursor). */
const nextParam = (next: string | null, name: string): string =>
  next ? (new URL(next, 'http://next.invalid').searchParams.get(name) ?? '') : '';

export const roomToGrpc = (room: RoomOccupancyView) => ({
  roomId: room.roomId,
  players: room.players.map(playerToGrpc),
  nextPageToken: nextParam(room.next, 'after'),
});

export const leaderboardToGrpc = (board: LeaderboardView) => ({
  entries: board.entries.map((entry) => ({ ...entry })),
  nextPageToken: nextParam(board.next, 'after'),
});

export const historyToGrpc = (history: HistoryView) => ({
  playerId: history.playerId,
  events: history.events.map(eventToGrpc),
  nextFromVersion: Number(nextParam(history.next, 'fromVersion') || 0),
});

export const stateAtToGrpc = (view: StateAtView) => ({
  playerId: view.playerId,
  asOfVersion: 'version' in view.asOf ? view.asOf.version : 0,
  asOfTime: 'at' in view.asOf ? view.asOf.at : '',
  state: playerToGrpc(view.state),
});
