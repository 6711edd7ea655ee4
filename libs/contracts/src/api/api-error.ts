/** The fields of an application/problem+json body (RFC 9457) plus our stable code. */
export interface ProblemFields {
  readonly code: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly retriable?: boolean;
  readonly [extension: string]: unknown;
}

/**
 * An error the API layer reports as a problem: a stable code, an HTTP status (gRPC codes
 * are derived from it in one place) and whether retrying may help.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly retriable = false,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const malformedRequest = (detail: string, errors?: unknown) =>
  new ApiError('REQUEST.MALFORMED', 400, detail, errors === undefined ? {} : { errors });

export const playerNotFound = (playerId: string) =>
  new ApiError('PLAYER.NOT_FOUND', 404, `player ${playerId} is not registered`, { playerId });

export const idempotencyKeyReused = (commandId: string) =>
  new ApiError(
    'IDEMPOTENCY.KEY_REUSED',
    422,
    `Idempotency-Key ${commandId} was already used with a different request`,
    { commandId },
  );

export const versionConflict = (playerId: string, attempts: number) =>
  new ApiError(
    'PLAYER.VERSION_CONFLICT',
    409,
    `player ${playerId} kept changing concurrently; gave up after ${attempts} attempts`,
    { playerId, attempts },
    true,
  );

/** The decision did not arrive in time; the client may retry with the same Idempotency-Key. */
export const decisionTimeout = (commandId: string, timeoutMs: number) =>
  new ApiError(
    'COMMAND.DECISION_TIMEOUT',
    504,
    `no decision within ${timeoutMs} ms; retry with Idempotency-Key ${commandId}`,
    { commandId },
    true,
  );

export const serviceUnavailable = (
  dependency: string,
  detail: string,
  retryAfterSeconds?: number,
) =>
  new ApiError(
    'SERVICE.UNAVAILABLE',
    503,
    `${dependency} is unavailable: ${detail}`,
    { dependency, ...(retryAfterSeconds === undefined ? {} : { retryAfter: retryAfterSeconds }) },
    true,
  );

/**
 * The service sheds load: too many requests already wait. Answered at once (503 with
 * Retry-After) instead of queueing a request that would only time out; nothing was sent.
 */
export const overloaded = (detail: string, retryAfterSeconds: number) =>
  new ApiError('SERVICE.OVERLOADED', 503, detail, { retryAfter: retryAfterSeconds }, true);
