import type { PlayerCommand, PlayerEvent } from '@qf/player-domain';
import { serviceUnavailable, type CommandResult } from '@qf/contracts';
import { toCommandResult } from '@qf/player-wire';
import type { PlayerDocument } from '../document/player-document';
import type { PlayerRepository } from '../document/player-repository';
import type { SeenMatch } from '../document/seen-commands';
import { eventOfEntry } from '../outbox/outbox-relay';
import type { CachedPlayer } from './player-document-cache';

/** Reads stored audit events by event id (AuditLog.eventsByIds); missing ones are left out. */
export interface OutcomeSource {
  eventsByIds(ids: readonly string[]): Promise<PlayerEvent[]>;
}

/**
 * The first outcome of a command found among the packed ids: its events are in the
 * document's outbox until the relay publishes them, then in the audit log. Between the
 * two (published, not yet stored) or when the audit log lost them (dual-write mode) the
 * retry is answered 503: nothing is decided again, and a later retry gets the outcome.
 * `doc`: the document as read (null: read it; a kept copy has no outbox).
 */
export const readSeenOutcome = async (
  players: PlayerRepository,
  outcomes: OutcomeSource | undefined,
  command: PlayerCommand,
  match: SeenMatch,
  doc: CachedPlayer | null,
): Promise<CommandResult> => {
  const playerId = command.data.playerId;
  const ids = Array.from({ length: match.count }, (_, i) => `${command.metadata.commandId}:${i}`);
  const stored = doc ?? (await players.load(playerId));
  const pending = ((stored as PlayerDocument | null)?.outbox ?? []).filter((entry) =>
    ids.includes(entry.eventId),
  );
  let events: PlayerEvent[] = pending.map(eventOfEntry);
  if (events.length < ids.length && outcomes) {
    const found = await outcomes.eventsByIds(ids);
    const byId = new Map([...found, ...events].map((event) => [event.metadata.eventId, event]));
    events = ids.flatMap((id) => byId.get(id) ?? []);
  }
  const last = events[events.length - 1];
  if (events.length < ids.length || last === undefined)
    throw serviceUnavailable(
      'audit log',
      `command ${command.metadata.commandId} was accepted earlier; its outcome is not readable yet`,
      1,
    );
  return toCommandResult(playerId, last.metadata.version, events);
};
