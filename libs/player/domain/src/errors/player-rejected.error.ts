import { DomainError } from './domain-error';
import { ERROR_CODES, type ErrorCode, type ErrorKindOf } from './error-codes';

/** Codes a decider rejection can carry. */
export type RejectionCode = Exclude<ErrorCode, 'COMMAND.UNKNOWN' | `EVENT.${string}`>;

/** A command refused because it breaks an invariant of the Player aggregate. */
export class PlayerRejected<C extends RejectionCode = RejectionCode> extends DomainError {
  constructor(
    readonly code: C,
    readonly kind: ErrorKindOf<C>,
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}

/** Builds a PlayerRejected whose kind is looked up, so code and kind never disagree. */
export const rejection = <C extends RejectionCode>(
  code: C,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): PlayerRejected<C> => new PlayerRejected(code, ERROR_CODES[code], message, details);
