import type { PlayerEvent } from '@qf/player-domain';
import type { CommandResult, EventView } from '@qf/contracts';
import type { RecentCommand } from './player-document';

/** How many accepted command ids a document remembers by default (QF_RECENT_COMMANDS). */
export const DEFAULT_RECENT_COMMANDS = 50;

/** The bookkeeping entry of an accepted command (events are non-empty: every accepted command has one). */
export const recentCommandFor = (
  commandId: string,
  requestHash: string,
  events: readonly PlayerEvent[],
): RecentCommand => {
  const last = events[events.length - 1];
  if (last === undefined) throw new TypeError(`command ${commandId} was accepted without events`);
  return {
    commandId,
    requestHash,
    version: last.metadata.version,
    count: events.length,
    occurredAt: last.metadata.occurredAt,
    events: JSON.stringify(events.map(({ type, data }) => ({ type, data }))),
  };
};

/** The remembered entry of commandId, if it is among the recent ones. */
export const findRecent = (
  recent: readonly RecentCommand[] | undefined,
  commandId: string,
): RecentCommand | undefined => recent?.find((entry) => entry.commandId === commandId);

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
