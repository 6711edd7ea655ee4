import type { PlayerCommand } from '@qf/player-domain';

/**
 * The one command message of the API layer: every REST/gRPC command becomes a domain
 * PlayerCommand, and each app's handler decides how it is executed (through Kafka on
 * the ES side, by read-modify-write on the CRUD side). The translation is the same for
 * all seven commands, so one message carries them instead of seven identical classes.
 * The handler answers a CommandResult (`wait`) or an AcceptedCommand (`async`).
 */
export class ExecutePlayerCommand {
  constructor(
    readonly command: PlayerCommand,
    /** Hash of the request body, to refuse a reused Idempotency-Key with another body. */
    readonly requestHash: string,
    readonly mode: 'wait' | 'async' = 'wait',
  ) {}
}
