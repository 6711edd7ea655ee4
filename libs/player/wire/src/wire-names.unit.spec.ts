import {
  commandActions,
  EVENT_TYPE_NAMES,
  type CommandTypeName,
  type EventTypeName,
} from '@qf/contracts';
import {
  commandTypes,
  eventTypes,
  type PlayerCommandType,
  type PlayerEventType,
} from '@qf/player-domain';

// The contracts spell the command and event names of the wire themselves; they must stay
// the domain's, both ways (a type-level check, and the runtime lists).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventNamesAgree: Same<EventTypeName, PlayerEventType> = true;
const commandNamesAgree: Same<CommandTypeName, PlayerCommandType> = true;

describe('wire names', () => {
  it('names the events as the domain does, in its order', () => {
    expect(eventNamesAgree && commandNamesAgree).toBe(true);
    expect([...EVENT_TYPE_NAMES]).toEqual([...eventTypes]);
  });

  it('maps every REST action to a domain command', () => {
    for (const { type } of Object.values(commandActions)) expect(commandTypes).toContain(type);
  });
});
