/** The events a decided command answered with, as the client saw them. */
export interface AnsweredEvent {
  readonly eventId: string;
  readonly version: number;
}

/** What one attempt of a command got back: an HTTP status, or 0 for no answer (timeout, refused connection). */
export interface Attempt {
  /** Milliseconds since the drill began, when the attempt was sent. */
  readonly at: number;
  readonly status: number;
  readonly latencyMs: number;
}

/**
 * One command of a drill, from its first send to its final answer. Retries reuse the same
 * Idempotency-Key (the command id), so a retried command that had in fact been applied
 * answers its first outcome instead of being applied again.
 */
export interface DrillRecord {
  readonly commandId: string;
  readonly playerId: string;
  /** register, move, heal … */
  readonly action: string;
  /** When the open-loop schedule meant to send it (ms since the drill began). */
  readonly scheduledAt: number;
  readonly attempts: readonly Attempt[];
  /** 2xx: acknowledged; 4xx: rejected (a decision too); absent: never answered for good. */
  readonly final?: {
    readonly status: number;
    readonly version?: number;
    readonly events: readonly AnsweredEvent[];
  };
}

export type Outcome = 'acknowledged' | 'rejected' | 'unresolved';

export const drillOutcomeOf = (record: DrillRecord): Outcome => {
  const status = record.final?.status;
  if (status === undefined) return 'unresolved';
  return status >= 200 && status < 300 ? 'acknowledged' : 'rejected';
};

/** A status the client retries with the same key: no answer, 5xx (503, 504 …), 408, 429. */
export const isRetriableStatus = (status: number): boolean =>
  status === 0 || status >= 500 || status === 408 || status === 429;
