import type { CommandMetadata } from './commands/command-metadata';
import type { PlayerEvent, PlayerEventBody } from './events/player.events';
import type { PlayerState } from './player.state';
import { currentSchemaVersion } from './schema/schema-versions';

/** Wraps the bodies a decision produced in their envelopes, numbered after state.version. */
export const stamp = (
  bodies: readonly PlayerEventBody[],
  command: { metadata: CommandMetadata },
  state: PlayerState,
): PlayerEvent[] => {
  const { commandId, correlationId, occurredAt } = command.metadata;
  return bodies.map((body, index) => ({
    ...body,
    metadata: {
      // Derived from the command, not random: a redelivered command re-decided
      // against the same state yields byte-identical events, so duplicates dedupe.
      eventId: `${commandId}:${index}`,
      aggregateId: state.id,
      version: state.version + index + 1,
      schemaVersion: currentSchemaVersion(body.type),
      occurredAt,
      causationId: commandId,
      correlationId,
    },
  }));
};
