import { DomainError } from './domain-error';

/** A stored event the domain cannot turn into a current PlayerEvent. */
export class UnreadableEvent extends DomainError {
  readonly kind = 'invalid';

  constructor(
    readonly code: 'EVENT.UNKNOWN_TYPE' | 'EVENT.UNSUPPORTED_SCHEMA',
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}
