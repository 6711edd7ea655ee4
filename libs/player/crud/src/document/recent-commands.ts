import type { PlayerEvent } from '@qf/player-domain';
import type { CommandResult, EventView } from '@qf/contracts';
import type { RecentCommand } from './player-document';

/**
 * How many accepted commands a document keeps with their whole outcome by default
 * (QF_RECENT_COMMANDS): a quick retry is answered from the document alone. Older ids
 * within the idempotency horizon are kept packed (seen-commands.ts).
 */
export const DEFAULT_RECENT_COMMANDS = 8;

/** The bookkeeping entry of an accepted command (events are non-empty: every accepted command has one). */
export const recentCommandFor = (
  commandId: string,
  requestHash: string,
  events: readonly PlayerEvent[],
  decidedAt: number = Date.now(),
): RecentCommand => {
  const last = events[events.length - 1];
  if (last === undefined) throw new TypeError(`command ${commandId} was accepted without events`);
  return {
    commandId,
    requestHash,
    version: last.metadata.version,
    count: events.length,
    occurredAt: last.metadata.occurredAt,
    decidedAt,
    events: JSON.stringify(events.map(({ type, data }) => ({ type, data }))),
  };
};

/** The remembered entry of commandId, if it is among the recent ones and decided at or after notBeforeMs. */
export const findRecent = (
  recent: readonly RecentCommand[] | undefined,
  commandId: string,
  notBeforeMs = -Infinity,
): RecentCommand | undefined =>
  recent?.find(
    (entry) =>
      entry.commandId === commandId &&
      // An entry without a readable time counts as recent: forgetting it could apply a retry twice.
      !((entry.decidedAt ?? Date.parse(entry.occurredAt)) < notBeforeMs),
  );

/** `recent` after adding entries: the last `limit` are kept, the others leave (oldest first). */
export const keepRecent = (
  recent: readonly RecentCommand[] | undefined,
  added: readonly RecentCommand[],
  limit: number,
): { kept: RecentCommand[]; evicted: RecentCommand[] } => {
  const all = [...(recent ?? []), ...added];
  const cut = Math.max(0, all.length - Math.max(1, limit));
  return { kept: all.slice(cut), evicted: all.slice(0, cut) };
};

/** The first outcome of a remembered command, rebuilt exactly as it was answered. */
export const outcomeOf = (playerId: string, entry: RecentCommand): CommandResult => {
  const bodies = JSON.parse(entry.events) as Array<Pick<EventView, 'type' | 'data'>>;
  const first = entry.version - entry.count + 1;
  return {
    playerId,
    version: entry.version,
    events: bodies.map((body, index) => ({
      // The domain stamps `${commandId}:${index}`: the same rule rebuilds the ids.
      eventId: `${entry.commandId}:${index}`,
      type: body.type,
      version: first + index,
      occurredAt: entry.occurredAt,
      data: body.data,
    })),
  };
};
