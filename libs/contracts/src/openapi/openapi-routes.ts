import { z, type ZodTypeAny } from 'zod';
import {
  acceptedCommandSchema,
  commandResultSchema,
  commandStatusSchema,
  historyViewSchema,
  leaderboardViewSchema,
  playerViewSchema,
  problemSchema,
  roomOccupancyViewSchema,
  stateAtViewSchema,
} from '../api/answer-schemas';
import {
  commandActions,
  commandStatusQuerySchema,
  historyQuerySchema,
  idempotencyKeySchema,
  leaderboardQuerySchema,
  minVersionQuerySchema,
  playerIdSchema,
  registerBodySchema,
  roomPlayersQuerySchema,
  stateQuerySchema,
} from '../http/request-schemas';

/** One answer of a route: its status, what it means and its body (problems are problem+json). */
export interface ResponseSpec {
  readonly description: string;
  readonly schema?: ZodTypeAny;
  /** A component name for the body's schema (shared between routes). */
  readonly component?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Default: application/problem+json from 400 up, application/json below. */
  readonly contentType?: string;
}

/** One HTTP route as the OpenAPI document describes it. */
export interface RouteSpec {
  readonly method: 'get' | 'post';
  /** OpenAPI form: `/players/{playerId}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly pathParams?: Readonly<Record<string, { schema: ZodTypeAny; description: string }>>;
  /** A zod object: each key is one query parameter. */
  readonly query?: ZodTypeAny;
  readonly headers?: Readonly<Record<string, { schema: ZodTypeAny; description: string }>>;
  readonly body?: { schema: ZodTypeAny; component: string };
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

const problem = (description: string): ResponseSpec => ({
  description,
  schema: problemSchema,
  component: 'Problem',
});
const playerIdParam = { playerId: { schema: playerIdSchema, description: 'the player (a UUID)' } };
const commandHeaders = {
  'Idempotency-Key': {
    schema: idempotencyKeySchema,
    description:
      'becomes the command id; a retry with the same key and body gets the first outcome',
  },
  Prefer: {
    schema: z.literal('respond-async'),
    description: '`respond-async`: answer 202 at once instead of waiting for the decision',
  },
  'X-Correlation-Id': {
    schema: z.string().max(128),
    description: 'carried into the events as correlationId',
  },
};
const commandAnswers = (decided: number, what: string): Record<number, ResponseSpec> => ({
  [decided]: {
    description: `${what}: the aggregate version after it and its events`,
    schema: commandResultSchema,
    component: 'CommandResult',
    headers: { 'X-Command-Id': 'the command id (the Idempotency-Key when given)' },
  },
  202: {
    description: 'accepted for processing (Prefer: respond-async)',
    schema: acceptedCommandSchema,
    component: 'AcceptedCommand',
    headers: {
      Location: 'where to ask what became of it: /commands/{commandId}?playerId={playerId}',
      'X-Command-Id': 'the command id (the Idempotency-Key when given)',
    },
  },
  400: problem('malformed request, or an invalid value the domain refuses (PLAYER.INVALID_*)'),
  404: problem('the player is not registered'),
  409: problem('an invariant of the player refuses the command, or a version conflict (retriable)'),
  413: problem('the body is larger than the limit'),
  415: problem('the body is not application/json'),
  422: problem('the Idempotency-Key was used with another request'),
  503: problem('a dependency (Kafka, Mongo) is unavailable; retry with the same Idempotency-Key'),
  504: problem('no decision in time; retry with the same Idempotency-Key'),
});

const commandRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/players',
    operationId: 'registerPlayer',
    summary: 'Register a player (RegisterPlayer)',
    tags: ['commands'],
    headers: commandHeaders,
    body: { schema: registerBodySchema, component: 'RegisterPlayerBody' },
    responses: commandAnswers(201, 'registered'),
  },
  ...Object.entries(commandActions).map(([action, { type, body }]): RouteSpec => ({
    method: 'post',
    path: `/players/{playerId}/${action}`,
    operationId: type.charAt(0).toLowerCase() + type.slice(1),
    summary: `${type}`,
    tags: ['commands'],
    pathParams: playerIdParam,
    headers: commandHeaders,
    body: { schema: body, component: `${type}Body` },
    responses: commandAnswers(200, 'decided'),
  })),
];

/** The gateway's: what became of a command whose answer was lost (a 202, a timeout). */
const commandStatusRoute: RouteSpec = {
  method: 'get',
  path: '/commands/{commandId}',
  operationId: 'getCommandStatus',
  summary:
    'Where a command stands: pending, or accepted / rejected with the answer its caller got, for as long as the idempotency horizon keeps its id',
  tags: ['commands'],
  pathParams: {
    commandId: {
      schema: idempotencyKeySchema,
      description: 'the command id: the Idempotency-Key, or the X-Command-Id of the answer',
    },
  },
  query: commandStatusQuerySchema,
  responses: {
    200: { description: 'the command', schema: commandStatusSchema, component: 'CommandStatus' },
    400: problem('malformed command id or player id'),
    404: problem('no such command sent or decided within the idempotency horizon'),
    409: problem('several players used this command id: ask with playerId'),
    503: problem('Kafka is unavailable, or too many searches run at once; retry'),
  },
};

const queryRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/players/{playerId}',
    operationId: 'getPlayer',
    summary: 'A player (minVersion: wait, bounded, until the view reflects that version)',
    tags: ['queries'],
    pathParams: playerIdParam,
    query: minVersionQuerySchema,
    responses: {
      200: { description: 'the player', schema: playerViewSchema, component: 'PlayerView' },
      400: problem('malformed request'),
      404: problem('not registered'),
    },
  },
  {
    method: 'get',
    path: '/rooms/{roomId}/players',
    operationId: 'getRoomPlayers',
    summary: 'The players in a room with their inventories, in player-id order, a page at a time',
    tags: ['queries'],
    query: roomPlayersQuerySchema,
    pathParams: {
      roomId: { schema: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/), description: 'the room id' },
    },
    responses: {
      200: { description: 'the room', schema: roomOccupancyViewSchema, component: 'RoomOccupancy' },
      400: problem('malformed request'),
    },
  },
  {
    method: 'get',
    path: '/leaderboard',
    operationId: 'getLeaderboard',
    summary:
      'Players by level, then xp, a page at a time (ranks are positions when each page is read)',
    tags: ['queries'],
    query: leaderboardQuerySchema,
    responses: {
      200: { description: 'the ranking', schema: leaderboardViewSchema, component: 'Leaderboard' },
      400: problem('malformed request'),
    },
  },
  {
    method: 'get',
    path: '/players/{playerId}/history',
    operationId: 'getHistory',
    summary:
      "The player's events in version order, a page at a time (next: fromVersion after the last)",
    tags: ['queries'],
    pathParams: playerIdParam,
    query: historyQuerySchema,
    responses: {
      200: { description: 'the events', schema: historyViewSchema, component: 'History' },
      400: problem('malformed request'),
      404: problem('no events at all'),
    },
  },
  {
    method: 'get',
    path: '/players/{playerId}/state',
    operationId: 'getStateAt',
    summary: 'The player folded up to a version or a time (exactly one of version, at)',
    tags: ['queries'],
    pathParams: playerIdParam,
    query: stateQuerySchema,
    responses: {
      200: { description: 'the past state', schema: stateAtViewSchema, component: 'StateAt' },
      400: problem('malformed request'),
      404: problem('not registered by then'),
    },
  },
];

/** Every service answers these (besides its API). */
export const operationalRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Health of the service and its dependencies',
    tags: ['operations'],
    responses: {
      200: {
        description: 'every check passed',
        schema: z.object({
          status: z.literal('ok'),
          checks: z.record(z.unknown()),
          details: z.record(z.unknown()),
        }),
      },
      503: {
        description: 'a check failed',
        contentType: 'application/json',
        schema: z.object({
          status: z.literal('unhealthy'),
          checks: z.record(z.unknown()),
          details: z.record(z.unknown()),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (text format)',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text exposition format' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tags: ['operations'],
    responses: { 200: { description: 'OpenAPI 3.1' } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'A page that shows this document',
    tags: ['operations'],
    responses: { 200: { description: 'HTML' } },
  },
];

/** The services that serve an OpenAPI document, and the routes of each. */
export const SERVICE_ROUTES = {
  'command-gateway': [...commandRoutes, commandStatusRoute, ...operationalRoutes],
  'query-service': [...queryRoutes, ...operationalRoutes],
  'crud-service': [...commandRoutes, ...queryRoutes, ...operationalRoutes],
} as const satisfies Record<string, readonly RouteSpec[]>;

export type ApiServiceName = keyof typeof SERVICE_ROUTES;
