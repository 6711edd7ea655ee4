import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiError } from '@qf/contracts';
import { TimeoutError, catchError, throwError, timeout, type Observable } from 'rxjs';

/** Requests slower than this answer 504 (QF_REQUEST_TIMEOUT_MS overrides). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Bounds every handler: past `ms` the client gets 504 application/problem+json
 * (REQUEST.TIMEOUT, retriable) instead of waiting on a stuck database or broker; the
 * late result is dropped. The gateway's own decision timeout (5 s) answers first.
 */
@Injectable()
export class RequestTimeoutInterceptor implements NestInterceptor {
  constructor(private readonly ms: number) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      timeout(this.ms),
      catchError((error: unknown) =>
        throwError(() =>
          error instanceof TimeoutError
            ? new ApiError(
                'REQUEST.TIMEOUT',
                504,
                `no answer within ${this.ms} ms; retry later`,
                {},
                true,
              )
            : error,
        ),
      ),
    );
  }
}
