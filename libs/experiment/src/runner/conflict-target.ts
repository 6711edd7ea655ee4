import type { RequestTarget, TargetResponse } from '@qf/loadgen';

/**
 * Not an HTTP status: the experiment's mark for a 409 whose problem code is
 * PLAYER.VERSION_CONFLICT (the CRUD service lost every optimistic-concurrency retry). Above
 * 500, so the load generator counts it as a failed request: contention that exhausts the
 * retries breaks the SLO like any other error, while domain rejections (409/422 for an
 * invariant) stay valid answers counted apart.
 */
export const OCC_EXHAUSTED_STATUS = 599;

const isVersionConflict = (response: TargetResponse) =>
  response.status === 409 && response.body.includes('PLAYER.VERSION_CONFLICT');

/** Wraps the commands target so OCC exhaustion is told apart from domain rejections. */
export class ConflictMarkingTarget implements RequestTarget {
  constructor(private readonly inner: RequestTarget) {}

  async post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<TargetResponse> {
    const response = await this.inner.post(path, body, headers);
    return isVersionConflict(response) ? { ...response, status: OCC_EXHAUSTED_STATUS } : response;
  }

  get(path: string): Promise<TargetResponse> {
    return this.inner.get(path);
  }
}
