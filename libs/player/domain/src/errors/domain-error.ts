import type { ErrorKind } from './error-codes';

/** Base of every error the domain throws on purpose; anything else is a bug. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  // The same command against the same state is always rejected the same way, so
  // retrying a domain error can only burn time: consumers dead-letter it instead.
  readonly retriable: boolean = false;
  readonly details?: Readonly<Record<string, unknown>>;

  protected constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = new.target.name;
    if (details !== undefined) this.details = details;
  }

  /** Error fields are not enumerable, so dead-letter payloads and logs need this. */
  toJSON(): Record<string, unknown> {
    const { name, code, kind, retriable, message, details } = this;
    return { name, code, kind, retriable, message, ...(details && { details }) };
  }
}

/** Whether e is a DomainError (a rejection, not a crash). */
export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
