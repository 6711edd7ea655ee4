import { DomainError } from './domain-error';

/** A message whose type is not one of the player commands. */
export class UnknownCommand extends DomainError {
  readonly code = 'COMMAND.UNKNOWN';
  readonly kind = 'invalid';

  // Takes unknown, not never: at runtime this is whatever came off the wire.
  constructor(command: unknown) {
    const type = typeOf(command);
    super(`unknown command type ${type}`, { type });
  }
}

// The type is echoed for diagnosis but capped: it came from an untrusted sender.
const typeOf = (message: unknown): string => {
  const type =
    typeof message === 'object' && message !== null
      ? (message as { type?: unknown }).type
      : undefined;
  return typeof type === 'string' ? type.slice(0, 100) : `(${typeof type})`;
};
