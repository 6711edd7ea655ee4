import { encodeEvent } from '@qf/player-wire';
import { fold, initialState, tryDecide } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { auditEventFromRecord } from './audit-consumer';
import {
  auditDocumentFor,
  eventFromAuditDocument,
  gaplessPrefix,
  onlyDuplicateKeyErrors,
} from './audit-log';

const history = () => {
  let state = initialState(PLAYER_ID);
  const events = [];
  for (const [i, command] of [
    aCommand.register(),
    aCommand.move({ toRoom: 'r2' }),
    aCommand.pickUp({ qty: 3 }),
  ].entries()) {
    const decision = tryDecide(
      { ...command, metadata: { ...command.metadata, commandId: `c${i}` } } as typeof command,
      state,
    );
    if (!decision.ok) throw decision.error;
    state = decision.state;
    events.push(...decision.events);
  }
  return { events, state };
};

describe('audit log documents', () => {
  it('keys the document by event id and reads the same event back', () => {
    const { events } = history();
    const event = events[1]!;
    const auditedAt = new Date('2025-01-01T12:00:01.000Z');
    const doc = auditDocumentFor(event, auditedAt);
    expect(doc).toMatchObject({
      _id: 'c1:0',
      playerId: PLAYER_ID,
      version: 2,
      type: 'PlayerMoved',
      occurredAt: new Date(event.metadata.occurredAt),
      auditedAt,
    });
    expect(eventFromAuditDocument(doc)).toEqual(event);
  });

  it('folds only the gapless prefix of a history', () => {
    const { events, state } = history();
    expect(fold(PLAYER_ID, gaplessPrefix(events))).toEqual(state);
    expect(gaplessPrefix([events[0]!, events[2]!])).toEqual([events[0]]);
    expect(gaplessPrefix(events.slice(1))).toEqual([]);
  });

  it('tells duplicate-only bulk failures from other failures', () => {
    expect(onlyDuplicateKeyErrors({ writeErrors: [{ code: 11000 }, { code: 11000 }] })).toBe(true);
    expect(onlyDuplicateKeyErrors({ writeErrors: { code: 11000 } })).toBe(true);
    expect(onlyDuplicateKeyErrors({ code: 11000 })).toBe(true);
    expect(onlyDuplicateKeyErrors({ writeErrors: [{ code: 11000 }, { code: 121 }] })).toBe(false);
    expect(
      onlyDuplicateKeyErrors({
        writeErrors: [{ code: 11000 }],
        writeConcernErrors: [{ code: 64 }],
      }),
    ).toBe(false);
    expect(onlyDuplicateKeyErrors(new Error('connection reset'))).toBe(false);
  });

  it('accepts well-formed audit records and refuses poison', () => {
    const { events } = history();
    expect(auditEventFromRecord(encodeEvent(events[0]!).value)).toEqual(events[0]);
    const broken = (metadata: object) =>
      JSON.stringify({ ...events[0], metadata: { ...events[0]!.metadata, ...metadata } });
    expect(() => auditEventFromRecord('not json')).toThrow(/malformed/);
    expect(() => auditEventFromRecord(null)).toThrow(/tombstone/);
    expect(() =>
      auditEventFromRecord(JSON.stringify({ type: 'Nope', data: {}, metadata: {} })),
    ).toThrow();
    expect(() => auditEventFromRecord(broken({ version: 0 }))).toThrow(/version/);
    expect(() => auditEventFromRecord(broken({ eventId: '' }))).toThrow(/eventId/);
    expect(() => auditEventFromRecord(broken({ occurredAt: 'yesterday' }))).toThrow(/occurredAt/);
  });
});
