import { z } from 'zod';
import { EVENT_TYPE_NAMES } from '../wire/player-messages';
import type { AcceptedCommand, CommandResult, CommandStatus, EventView } from './command-result';
import type { ProblemFields } from './api-error';
import type {
  HistoryView,
  LeaderboardView,
  PlayerView,
  RoomOccupancyView,
  StateAtView,
} from './query-results';

// The answers' shapes as zod schemas: the OpenAPI document is generated from these and the
// request schemas (http/request-schemas.ts), and the checks at the bottom keep them equal
// to the TypeScript types the services return, so the document cannot drift from the code.

const count = z.number().int().nonnegative();
const isoTime = z.string().datetime({ offset: true });

export const eventViewSchema = z
  .object({
    eventId: z.string(),
    type: z.enum(EVENT_TYPE_NAMES),
    version: z.number().int().positive(),
    occurredAt: isoTime,
    data: z
      .record(z.unknown())
      .describe('the event data at its current schema version (docs/schema-evolution.md)'),
  })
  .describe('One event of a player, as a command answer or the history shows it');

export const commandResultSchema = z
  .object({
    playerId: z.string(),
    version: z.number().int().positive(),
    events: z.array(eventViewSchema),
  })
  .describe('A decided command: the aggregate version after it and the events it appended');

export const acceptedCommandSchema = z
  .object({ commandId: z.string(), playerId: z.string(), status: z.literal('pending') })
  .describe('An async command (Prefer: respond-async), accepted and not decided yet');

export const playerViewSchema = z
  .object({
    playerId: z.string(),
    name: z.string(),
    level: count,
    xp: count,
    health: count,
    maxHealth: count,
    roomId: z.string(),
    inventory: z.record(z.number().int().positive()).describe('item id -> quantity'),
    alive: z.boolean(),
    version: count,
    updatedAt: z.string(),
  })
  .describe('A player as the read side shows it');

const nextLink = z
  .string()
  .nullable()
  .describe('the next page (a relative URL), null on the last page');

export const roomOccupancyViewSchema = z.object({
  roomId: z.string(),
  next: nextLink,
  players: z.array(
    playerViewSchema.pick({
      playerId: true,
      name: true,
      level: true,
      health: true,
      alive: true,
      inventory: true,
      version: true,
    }),
  ),
});

export const leaderboardViewSchema = z.object({
  next: nextLink,
  entries: z.array(
    z.object({
      rank: z.number().int().positive(),
      playerId: z.string(),
      name: z.string(),
      level: count,
      xp: count,
    }),
  ),
});

export const historyViewSchema = z.object({
  playerId: z.string(),
  next: nextLink,
  events: z.array(eventViewSchema),
});

export const stateAtViewSchema = z.object({
  playerId: z.string(),
  asOf: z.union([z.object({ version: z.number().int().positive() }), z.object({ at: isoTime })]),
  state: playerViewSchema,
});

export const problemSchema = z
  .object({
    type: z.string().url(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    code: z.string().describe('stable error code, e.g. PLAYER.NOT_FOUND'),
    detail: z.string(),
    retriable: z.boolean().optional(),
  })
  .passthrough()
  .describe('application/problem+json (RFC 9457) with a stable code');

export const commandStatusSchema = z
  .discriminatedUnion('status', [
    acceptedCommandSchema,
    z.object({
      commandId: z.string(),
      playerId: z.string(),
      status: z.literal('accepted'),
      decidedAt: isoTime,
      result: commandResultSchema.describe('the answer the command got'),
    }),
    z.object({
      commandId: z.string(),
      playerId: z.string(),
      status: z.literal('rejected'),
      decidedAt: isoTime,
      problem: problemSchema.describe('the problem the command was answered with'),
    }),
  ])
  .describe(
    'Where a command stands: pending (sent, not decided yet), or accepted / rejected with the answer its caller got',
  );

// Compile-time: each schema's type and the service's type accept each other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <_T extends true>(): void => undefined;
same<
  Same<
    z.infer<typeof commandResultSchema>,
    Omit<CommandResult, 'events'> & { events: z.infer<typeof eventViewSchema>[] }
  >
>();
same<Same<Omit<z.infer<typeof eventViewSchema>, 'data'>, Omit<EventView, 'data'>>>();
same<Same<z.infer<typeof acceptedCommandSchema>, AcceptedCommand>>();
same<Same<z.infer<typeof commandStatusSchema>['status'], CommandStatus['status']>>();
same<Same<z.infer<typeof playerViewSchema>, Readonly<z.infer<typeof playerViewSchema>>>>();
same<Same<Omit<z.infer<typeof playerViewSchema>, 'inventory'>, Omit<PlayerView, 'inventory'>>>();
same<Same<z.infer<typeof roomOccupancyViewSchema>['roomId'], RoomOccupancyView['roomId']>>();
same<
  Same<z.infer<typeof leaderboardViewSchema>['entries'][number], LeaderboardView['entries'][number]>
>();
same<Same<z.infer<typeof historyViewSchema>['playerId'], HistoryView['playerId']>>();
same<Same<z.infer<typeof roomOccupancyViewSchema>['next'], RoomOccupancyView['next']>>();
same<Same<z.infer<typeof leaderboardViewSchema>['next'], LeaderboardView['next']>>();
same<Same<z.infer<typeof historyViewSchema>['next'], HistoryView['next']>>();
same<Same<z.infer<typeof stateAtViewSchema>['asOf'], StateAtView['asOf']>>();
same<
  Same<
    Pick<z.infer<typeof problemSchema>, 'code' | 'status' | 'detail' | 'title'>,
    Pick<ProblemFields, 'code' | 'status' | 'detail' | 'title'>
  >
>();
