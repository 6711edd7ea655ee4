import { ApiError, type ProblemFields } from './api-error';

/** What a rejection says of itself: its kind decides the status (invalid 400, not-found 404, conflict 409). */
export type RejectionKind = 'invalid' | 'not-found' | 'conflict';

const statusForKind: Record<RejectionKind, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
};

/** A rejection as the problem model reads it: an error with a stable code and a kind. */
interface KindedRejection extends Error {
  readonly code: string;
  readonly kind: RejectionKind;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * A domain rejection, recognised by its shape (a string code and one of the kinds) so the
 * contracts need no domain import; @qf/player-wire checks that every domain error is
 * recognised (problem-of-domain-errors.unit.spec.ts).
 */
const isKindedRejection = (error: unknown): error is KindedRejection =>
  error instanceof Error &&
  typeof (error as { code?: unknown }).code === 'string' &&
  Object.hasOwn(statusForKind, String((error as { kind?: unknown }).kind));

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** HTTP status -> gRPC status code (numeric, as in @grpc/grpc-js `status`). */
const grpcForStatus: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  404: 5, // NOT_FOUND
  408: 4, // DEADLINE_EXCEEDED
  409: 9, // FAILED_PRECONDITION (an invariant or version conflict)
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  422: 6, // ALREADY_EXISTS (the idempotency key is taken by another request)
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
  504: 4, // DEADLINE_EXCEEDED
};

const problem = (
  code: string,
  status: number,
  detail: string,
  rest: Record<string, unknown> = {},
): ProblemFields => ({
  type: `https://quest-fleet.dev/problems/${code.toLowerCase().replace(/[._]/g, '-')}`,
  title: titles[status] ?? 'Error',
  status,
  code,
  detail,
  ...rest,
});

/** Errors from the HTTP framework (body parser, size limit) carry a statusCode. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message: string;
}

/**
 * A database operation that ran out of time: the server's maxTimeMS (MongoDB code 50,
 * MaxTimeMSExpired) or the driver's own socket / operation timeout. Recognised by name and
 * code so the contracts need no driver import.
 */
export const isDatabaseTimeout = (error: unknown): boolean => {
  const { name, code, codeName } = (error ?? {}) as {
    name?: unknown;
    code?: unknown;
    codeName?: unknown;
  };
  return (
    code === 50 ||
    codeName === 'MaxTimeMSExpired' ||
    name === 'MongoOperationTimeoutError' ||
    name === 'MongoNetworkTimeoutError'
  );
};

/**
 * The one place errors become problems: domain rejections by kind (invalid 400,
 * not-found 404, conflict 409), ApiErrors by their status, framework errors by their
 * statusCode; anything else is a 500 whose details stay in the log.
 */
export const problemFor = (error: unknown): ProblemFields => {
  if (error instanceof ApiError) {
    return problem(error.code, error.status, error.message, {
      ...error.extensions,
      retriable: error.retriable,
    });
  }
  if (isKindedRejection(error)) {
    // An invalid command names its field like a malformed request does (the domain's details say which).
    const field = error.details?.['field'];
    return problem(error.code, statusForKind[error.kind], error.message, {
      retriable: false,
      ...(error.details ? { details: error.details } : {}),
      ...(error.kind === 'invalid'
        ? {
            errors: [
              { field: typeof field === 'string' ? field : '(command)', message: error.message },
            ],
          }
        : {}),
    });
  }
  if (isDatabaseTimeout(error)) {
    return problem('DATABASE.TIMEOUT', 504, 'the database did not answer in time; retry later', {
      retriable: true,
    });
  }
  const framework = error as FrameworkError;
  if (
    typeof framework?.statusCode === 'number' &&
    framework.statusCode >= 400 &&
    framework.statusCode < 500
  ) {
    const status = framework.statusCode;
    const code =
      status === 413
        ? 'REQUEST.TOO_LARGE'
        : status === 415
          ? 'REQUEST.UNSUPPORTED_MEDIA_TYPE'
          : status === 404
            ? 'ROUTE.NOT_FOUND'
            : 'REQUEST.MALFORMED';
    // The router refused the URL, or the parser the body as a whole (malformed JSON …): that is the field at fault.
    const field =
      framework.code?.startsWith('FST_ERR_BAD_URL') || status === 414 ? '(path)' : '(body)';
    return problem(
      code,
      status,
      framework.message,
      status === 400 || status === 414 ? { errors: [{ field, message: framework.message }] } : {},
    );
  }
  return problem('INTERNAL', 500, 'internal error', { retriable: true });
};

/** The gRPC status code for a problem's HTTP status. */
export const grpcStatusFor = (status: number): number => grpcForStatus[status] ?? 2; // UNKNOWN
