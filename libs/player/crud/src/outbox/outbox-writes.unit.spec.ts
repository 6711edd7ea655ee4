import { initialState, tryDecide } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { recentCommandFor } from '../document/recent-commands';
import { eventOfEntry } from './outbox-relay';
import {
  groupUpdateFor,
  guardedUpdateFor,
  insertDocumentFor,
  OUTBOX_EPOCH,
  pendingFilter,
  releaseWrites,
} from './outbox-writes';

const registered = () => {
  const decision = tryDecide(
    aCommand.register({}, { commandId: 'reg-1', occurredAt: '2025-01-01T10:00:00.000Z' }),
    initialState(PLAYER_ID),
  );
  if (!decision.ok) throw decision.error;
  return decision;
};

describe('outbox bookkeeping', () => {
  it('inserts a registration with its event pending in outbox mode, and without it in dual-write', () => {
    const { state, events } = registered();
    const recent = recentCommandFor('reg-1', 'h', events);
    const doc = insertDocumentFor(state, events, recent, 'outbox');
    expect(doc).toMatchObject({
      _id: PLAYER_ID,
      version: 1,
      recent: [recent],
      outboxPending: 1,
      outboxSince: new Date('2025-01-01T10:00:00.000Z'),
    });
    expect(doc.outbox?.map((entry) => entry.eventId)).toEqual(['reg-1:0']);
    expect(eventOfEntry(doc.outbox![0]!)).toEqual(events[0]);
    const dual = insertDocumentFor(state, events, recent, 'dual-write');
    expect(dual).not.toHaveProperty('outbox');
    expect(dual).not.toHaveProperty('outboxSince');
  });

  it("keeps the command span's traceparent with each entry, and out of the published event", () => {
    const { state, events } = registered();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const doc = insertDocumentFor(
      state,
      events,
      recentCommandFor('reg-1', 'h', events),
      'outbox',
      traceparent,
    );
    expect(doc.outbox?.map((entry) => entry.traceparent)).toEqual([traceparent]);
    expect(eventOfEntry(doc.outbox![0]!)).toEqual(events[0]);
    const untraced = insertDocumentFor(
      state,
      events,
      recentCommandFor('reg-1', 'h', events),
      'outbox',
    );
    expect(untraced.outbox?.[0]).not.toHaveProperty('traceparent');
  });

  it('writes state, recent command and events in one update guarded by the version read', () => {
    const first = registered();
    const decision = tryDecide(
      aCommand.takeDamage({ amount: 100 }, { commandId: 'hit-1' }),
      first.state,
    );
    if (!decision.ok) throw decision.error;
    expect(decision.events.map((event) => event.type)).toEqual(['DamageTaken', 'PlayerDied']);
    const recent = recentCommandFor('hit-1', 'h', decision.events);
    const { filter, update } = guardedUpdateFor(
      1,
      decision.state,
      decision.events,
      recent,
      'outbox',
      50,
    );
    expect(filter).toEqual({ _id: PLAYER_ID, version: 1 });
    expect(update).toMatchObject({
      $set: { version: 3, health: 0, alive: false },
      $push: {
        recent: { $each: [recent], $slice: -50 },
        outbox: { $each: [{ eventId: 'hit-1:0' }, { eventId: 'hit-1:1' }] },
      },
      $inc: { outboxPending: 2 },
      $min: { outboxSince: new Date('2025-01-01T12:00:00.000Z') },
    });
    const dual = guardedUpdateFor(
      1,
      decision.state,
      decision.events,
      recent,
      'dual-write',
      50,
    ).update;
    expect(Object.keys(dual)).toEqual(['$set', '$push']);
    expect(Object.keys((dual as any).$push)).toEqual(['recent']);
  });

  it("writes the commands of one player decided together in one update, each entry with its command's trace", () => {
    const first = registered();
    const heal = tryDecide(aCommand.heal({ amount: 1 }, { commandId: 'h-1' }), first.state);
    if (!heal.ok) throw heal.error;
    const hit = tryDecide(aCommand.takeDamage({ amount: 100 }, { commandId: 'hit-1' }), heal.state);
    if (!hit.ok) throw hit.error;
    const commands = [
      { events: heal.events, recent: recentCommandFor('h-1', 'h', heal.events), traceparent: 't1' },
      { events: hit.events, recent: recentCommandFor('hit-1', 'h', hit.events) },
    ];
    const { filter, update } = groupUpdateFor(1, hit.state, commands, 'outbox', 8);
    expect(filter).toEqual({ _id: PLAYER_ID, version: 1 });
    expect(update).toMatchObject({
      $set: { version: 4, alive: false },
      $push: {
        recent: { $each: commands.map((command) => command.recent), $slice: -8 },
        outbox: {
          $each: [
            { eventId: 'h-1:0', traceparent: 't1' },
            { eventId: 'hit-1:0' },
            { eventId: 'hit-1:1' },
          ],
        },
      },
      $inc: { outboxPending: 3 },
    });
    expect((update as any).$push.outbox.$each[1]).not.toHaveProperty('traceparent');
  });

  it('reads only documents with pending entries', () => {
    expect(pendingFilter()).toEqual({ outboxSince: { $gte: OUTBOX_EPOCH } });
  });

  it('releases exactly the published entries, guarded by the first entry read', () => {
    const readAt = new Date('2025-01-01T00:00:10.000Z');
    const { events } = registered();
    const read = {
      playerId: 'p',
      version: 1,
      entries: events.map((e) => ({ ...e, eventId: e.metadata.eventId })),
      pending: 1,
      readAt,
    };
    const { drained, remainder } = releaseWrites(read);
    expect(drained).toEqual({
      filter: { _id: 'p', 'outbox.eventId': 'reg-1:0', outboxPending: 1 },
      update: {
        $pull: { outbox: { eventId: { $in: ['reg-1:0'] } } },
        $inc: { outboxPending: -1 },
        $unset: { outboxSince: '', outboxLease: '' },
      },
    });
    expect(remainder).toEqual({
      filter: { _id: 'p', 'outbox.eventId': 'reg-1:0' },
      update: {
        $pull: { outbox: { eventId: { $in: ['reg-1:0'] } } },
        $inc: { outboxPending: -1 },
        $unset: { outboxLease: '' },
        $set: { outboxSince: readAt },
      },
    });
    // A stale marker (nothing pending) is cleared without touching the array, unless a
    // command wrote since (the version moved).
    expect(releaseWrites({ ...read, entries: [], pending: 0 }).drained).toEqual({
      filter: { _id: 'p', version: 1, outboxPending: 0 },
      update: { $unset: { outboxSince: '', outboxLease: '' } },
    });
  });
});
