import { initialState, tryDecide } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { recentCommandFor } from '../document/recent-commands';
import { eventOfEntry } from './outbox-relay';
import {
  abandonWrite,
  claimableFilter,
  claimWrite,
  guardedUpdateFor,
  insertDocumentFor,
  OUTBOX_EPOCH,
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

  it('claims only documents with pending entries, no live lease and the outbox as read', () => {
    const now = new Date('2025-01-01T00:00:10.000Z');
    expect(claimableFilter(now)).toEqual({
      outboxSince: { $gte: OUTBOX_EPOCH },
      $or: [{ outboxLease: { $exists: false } }, { 'outboxLease.until': { $lt: now } }],
    });
    const lease = { owner: 'r1', token: 't1', until: new Date(now.getTime() + 1000) };
    expect(claimWrite({ _id: 'p', version: 4, outboxPending: 2 }, lease, now)).toEqual({
      filter: { _id: 'p', version: 4, outboxPending: 2, ...claimableFilter(now) },
      update: { $set: { outboxLease: lease } },
    });
    // A document from before outbox mode has no count: the claim names its absence.
    expect(claimWrite({ _id: 'p', version: 4 }, lease, now).filter).toEqual({
      _id: 'p',
      version: 4,
      outboxPending: { $exists: false },
      ...claimableFilter(now),
    });
  });

  it('releases exactly the published entries, under the claim token only', () => {
    const claimedAt = new Date('2025-01-01T00:00:10.000Z');
    const { events } = registered();
    const claim = {
      playerId: 'p',
      token: 't1',
      entries: events.map((e) => ({ ...e, eventId: e.metadata.eventId })),
      pending: 1,
      claimedAt,
    };
    const { drained, remainder } = releaseWrites(claim);
    expect(drained).toEqual({
      filter: { _id: 'p', 'outboxLease.token': 't1', outboxPending: 1 },
      update: {
        $pull: { outbox: { eventId: { $in: ['reg-1:0'] } } },
        $inc: { outboxPending: -1 },
        $unset: { outboxLease: '', outboxSince: '' },
      },
    });
    expect(remainder).toEqual({
      filter: { _id: 'p', 'outboxLease.token': 't1' },
      update: {
        $pull: { outbox: { eventId: { $in: ['reg-1:0'] } } },
        $inc: { outboxPending: -1 },
        $unset: { outboxLease: '' },
        $set: { outboxSince: claimedAt },
      },
    });
    // A stale marker (nothing pending) is cleared without touching the array.
    expect(releaseWrites({ ...claim, entries: [], pending: 0 }).drained.update).toEqual({
      $unset: { outboxLease: '', outboxSince: '' },
    });
    expect(abandonWrite(claim)).toEqual({
      filter: { _id: 'p', 'outboxLease.token': 't1' },
      update: { $unset: { outboxLease: '' } },
    });
  });
});
