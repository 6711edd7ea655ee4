import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { IdempotencyIndex } from '../ledger/idempotency-index';
import { decodeLedgerLine } from '../ledger/ledger-line';
import { SlotRestorer, type RestoredMessage } from './slot-restorer';
import { committingSlot, inboundFactory } from './slot-state.fixture';

const OTHER = '0b7c6f7e-1d2a-4c3b-9e8f-000000000002';
const minute = 60_000;
const policy = { intervalMs: 10_000, maxPerTransaction: 100 };

type Slot = ReturnType<typeof committingSlot>;

/** Restores partition 0 of what `slot` wrote, as a new owner would (ledger + snapshots, then events). */
const restore = (
  slot: Slot,
  options: {
    now?: number;
    horizonMs?: number;
    snapshots?: RestoredMessage[];
    committed?: number;
  } = {},
) => {
  const now = options.now ?? slot.clock.now;
  const index = new IdempotencyIndex({
    horizonMs: options.horizonMs ?? 15 * minute,
    maxEntries: 1000,
  });
  const restorer = new SlotRestorer([0], index, now, options.horizonMs ?? 15 * minute);
  if (options.committed !== undefined) restorer.committed(0, options.committed);
  for (const message of slot.topics.ledger.get(0) ?? []) restorer.ledger(0, message);
  for (const message of options.snapshots ?? slot.topics.snapshots.get(0) ?? [])
    restorer.snapshot(0, message);
  const from = restorer.eventsFrom(0);
  const events = (slot.topics.events.get(0) ?? []).filter(
    (message) => Number(message.offset) >= from,
  );
  for (const message of events) restorer.event(0, message);
  const state = restorer.finish(index, {
    events: new Map([[0, slot.ends.events.get(0) ?? 0]]),
    ledger: new Map([[0, slot.ends.ledger.get(0) ?? 0]]),
  });
  return { state, index, from, folded: events.length };
};

/** A player registered and moved over time, snapshotted once on the way. */
const history = () => {
  const inbound = inboundFactory();
  const slot = committingSlot({ policy });
  slot.decide([inbound(aCommand.register({}, { commandId: 'c-reg' }))]);
  slot.decide([inbound(aCommand.register({ playerId: OTHER }, { commandId: 'c-other' }))]);
  slot.clock.now += 11_000;
  slot.decide([inbound(aCommand.move({ toRoom: 'room.a' }, { commandId: 'c-a' }))]);
  slot.clock.now += 3000;
  slot.decide([inbound(aCommand.move({ toRoom: 'room.b' }, { commandId: 'c-b' }))]);
  slot.decide([inbound(aCommand.takeDamage({ amount: 3 }, { commandId: 'c-d' }), { reply: true })]);
  return { slot, inbound };
};

describe('SlotRestorer', () => {
  it('restores = the snapshots + the events after the restore point: the same players as before', () => {
    const { slot } = history();
    expect(slot.plans.flatMap((plan) => plan.snapshots).length).toBeGreaterThan(0);
    const restored = restore(slot);
    expect(restored.from).toBeGreaterThan(0);
    expect(restored.folded).toBeLessThan(slot.topics.events.get(0)!.length);
    expect(restored.state.player(PLAYER_ID)?.state).toEqual(slot.state.player(PLAYER_ID)?.state);
    expect(restored.state.player(OTHER)?.state).toEqual(slot.state.player(OTHER)?.state);
    expect(restored.state.decidedOffset(0)).toBe(slot.state.decidedOffset(0));
    // Players with events past their snapshot are dirty again (due after the interval).
    expect(restored.state.progress(0).dirty.has(PLAYER_ID)).toBe(true);
  });

  it('knows every command id decided within the horizon, with its outcome, and the registration for good', () => {
    const { slot } = history();
    const restored = restore(slot);
    for (const commandId of ['c-reg', 'c-a', 'c-b', 'c-d'])
      expect(restored.index.find(PLAYER_ID, commandId)?.line).toBe(
        slot.index.find(PLAYER_ID, commandId)?.line,
      );
    const later = restore(slot, { now: slot.clock.now + 16 * minute });
    expect(later.index.size).toBe(0);
    const registration = later.state.player(PLAYER_ID)?.registration;
    expect(registration?.commandId).toBe('c-reg');
    expect(decodeLedgerLine(registration!.line).outcome.status).toBe('accepted');
  });

  it('decides nothing twice: the committed offset and the ledger both count as decided', () => {
    const { slot } = history();
    expect(restore(slot, { committed: 100 }).state.decidedOffset(0)).toBe(99);
    expect(restore(slot, { committed: 1 }).state.decidedOffset(0)).toBe(
      slot.state.decidedOffset(0),
    );
  });

  it('a tombstone deletes the snapshot: the player is rebuilt from its first event', () => {
    const { slot } = history();
    const snapshots = slot.topics.snapshots.get(0)!;
    const tombstone: RestoredMessage = {
      offset: String(snapshots.length + 5),
      timestamp: String(slot.clock.now),
      key: Buffer.from(PLAYER_ID),
      value: null,
    };
    const restored = restore(slot, { snapshots: [...snapshots, tombstone] });
    expect(restored.from).toBe(0);
    expect(restored.state.player(PLAYER_ID)?.state).toEqual(slot.state.player(PLAYER_ID)?.state);
    expect(restored.state.poison).toEqual([]);
    // Due at once: the next transaction writes a readable snapshot again.
    expect(restored.state.nextCheckpointDue(policy)).toBe(-Infinity);
  });

  it('an unreadable snapshot is kept for the dead-letter topic and its player rebuilt from its events', () => {
    const { slot } = history();
    const snapshots = slot.topics.snapshots.get(0)!;
    const poison: RestoredMessage = {
      offset: String(snapshots.length + 5),
      timestamp: String(slot.clock.now),
      key: Buffer.from(PLAYER_ID),
      value: Buffer.from('{"schemaVersion":99}'),
    };
    const restored = restore(slot, { snapshots: [...snapshots, poison] });
    expect(restored.state.player(PLAYER_ID)?.state).toEqual(slot.state.player(PLAYER_ID)?.state);
    expect(restored.state.poison).toEqual([
      { partition: 0, message: poison, reason: expect.stringContaining('schema 99') },
    ]);
    // Superseded by a readable snapshot later in the log, the same record is no longer poison.
    const healed = restore(slot, { snapshots: [poison, ...snapshots] });
    expect(healed.state.poison).toEqual([]);
  });

  it('refuses a gap: an event past the next version means the restore point was wrong', () => {
    const { slot } = history();
    const index = new IdempotencyIndex({ horizonMs: minute, maxEntries: 10 });
    const restorer = new SlotRestorer([0], index, slot.clock.now, minute);
    restorer.eventsFrom(0);
    const events = slot.topics.events.get(0)!;
    expect(() => restorer.event(0, events[2]!)).toThrow(/gap/);
  });
});
