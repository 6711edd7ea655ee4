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

const healthReport = (status: z.ZodTypeAny) =>
  z.object({
    status,
    checks: z.record(z.unknown()),
    reasons: z.array(z.string()),
    details: z.record(z.unknown()),
  });
const readiness = (path: string, operationId: string, summary: string): RouteSpec => ({
  method: 'get',
  path,
  operationId,
  summary,
  tags: ['operations'],
  responses: {
    200: {
      description: 'serving: ok, or degraded (with reasons: a partition stuck retrying …)',
      schema: healthReport(z.enum(['ok', 'degraded'])),
    },
    503: {
      description: 'a dependency does not answer: keep traffic away (a restart does not help)',
      contentType: 'application/json',
      schema: healthReport(z.literal('unavailable')),
    },
  },
});

/** The health probes: open even when the service wants a bearer token. */
const healthRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/health/live',
    operationId: 'healthLive',
    summary: 'Liveness: whether the process works (503: only a restart helps)',
    tags: ['operations'],
    responses: {
      200: { description: 'the process works', schema: healthReport(z.literal('ok')) },
      503: {
        description: 'the process is stuck for good: restart it',
        contentType: 'application/json',
        schema: healthReport(z.literal('dead')),
      },
    },
  },
  readiness('/health/ready', 'healthReady', 'Readiness: whether to send it traffic'),
  readiness('/health', 'health', 'The same answer as /health/ready (older probes and scripts)'),
];

/** Behind the bearer token like the API. */
const tokenRoutes: RouteSpec[] = [
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

const unauthenticated = problem('this service wants Authorization: Bearer <QF_API_TOKEN>');

/** Every service answers these (besides its API); only the health probes are open. */
export const operationalRoutes: RouteSpec[] = [
  ...healthRoutes,
  ...tokenRoutes.map((route) => ({
    ...route,
    responses: { 401: unauthenticated, ...route.responses },
  })),
];

/**
 * What every API route may also answer: 401 when the service wants a bearer token
 * (QF_API_TOKEN) and the request lacks it, 504 past the handler's time limit
 * (QF_REQUEST_TIMEOUT_MS) or a database read's maxTimeMS. A route's own answers win.
 */
const guarded = (route: RouteSpec): RouteSpec => ({
  ...route,
  responses: {
    401: unauthenticated,
    504: problem('no answer within the time limit; retry'),
    ...route.responses,
  },
});

const servedBy = (...api: RouteSpec[]): RouteSpec[] => [...api.map(guarded), ...operationalRoutes];

/** The services that serve an OpenAPI document, and the routes of each. */
export const SERVICE_ROUTES = {
  'command-gateway': servedBy(...commandRoutes, commandStatusRoute),
  'query-service': servedBy(...queryRoutes),
  'crud-service': servedBy(...commandRoutes, ...queryRoutes),
} as const satisfies Record<string, readonly RouteSpec[]>;

export type ApiServiceName = keyof typeof SERVICE_ROUTES;
