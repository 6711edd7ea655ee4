import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { committingSlot, inboundFactory } from './slot-state.fixture';

const OTHER = '0b7c6f7e-1d2a-4c3b-9e8f-000000000002';
const register = (playerId: string, commandId: string) =>
  aCommand.register({ playerId }, { commandId });
const move = (playerId: string, commandId: string, toRoom: string) =>
  aCommand.move({ playerId, toRoom }, { commandId });

describe('SlotState: snapshot cadence and restore point', () => {
  let inbound: ReturnType<typeof inboundFactory>;
  beforeEach(() => {
    inbound = inboundFactory();
  });

  it('writes no snapshot per command: a changed player is snapshotted once its change is older than the interval', () => {
    const slot = committingSlot({ policy: { intervalMs: 10_000, maxPerTransaction: 100 } });
    slot.decide([inbound(register(PLAYER_ID, 'c-1'))]);
    slot.clock.now += 4000;
    slot.decide([inbound(move(PLAYER_ID, 'c-2', 'room.a'))]);
    slot.clock.now += 4000;
    slot.decide([inbound(move(PLAYER_ID, 'c-3', 'room.b'))]);
    expect(slot.plans.flatMap((plan) => plan.snapshots)).toEqual([]);
    expect(slot.state.nextCheckpointDue({ intervalMs: 10_000, maxPerTransaction: 100 })).toBe(
      1_000_000 + 10_000,
    );
    slot.clock.now += 2000;
    // Nothing new to decide, but the snapshot is due: an empty batch writes it.
    slot.decide([]);
    const written = slot.plans.at(-1)?.snapshots ?? [];
    expect(
      written.map(({ snapshot }) => [
        snapshot.state.id,
        snapshot.state.version,
        snapshot.state.roomId,
      ]),
    ).toEqual([[PLAYER_ID, 3, 'room.b']]);
    expect(written[0]?.snapshot.registration).toContain('c-1');
    expect(
      slot.state.nextCheckpointDue({ intervalMs: 10_000, maxPerTransaction: 100 }),
    ).toBeUndefined();
  });

  it('records in each ledger record where a restore must start folding events', () => {
    const slot = committingSlot({ policy: { intervalMs: 10_000, maxPerTransaction: 100 } });
    slot.decide([inbound(register(PLAYER_ID, 'c-1'))]);
    // The first player became dirty when the events end was 0: the restore starts there.
    const eventsEndAfterFirst = slot.state.progress(0).eventsEnd;
    slot.clock.now += 6000;
    slot.decide([inbound(register(OTHER, 'c-2'))]);
    expect(slot.plans.at(-1)?.ledger[0]?.record.restoreFrom).toBe(0);
    slot.clock.now += 5000;
    // The first player's snapshot is due: the restore point moves to where the second became dirty.
    slot.decide([inbound(move(OTHER, 'c-3', 'room.a'))]);
    const plan = slot.plans.at(-1)!;
    expect(plan.snapshots.map(({ snapshot }) => snapshot.state.id)).toEqual([PLAYER_ID]);
    expect(plan.ledger[0]?.record).toMatchObject({ decided: 2, restoreFrom: eventsEndAfterFirst });
    slot.clock.now += 6000;
    slot.decide([]);
    // Nobody dirty any more: the restore point is the end of the events known before.
    expect(slot.plans.at(-1)?.ledger[0]?.record.restoreFrom).toBe(slot.state.progress(0).eventsEnd);
  });

  it('spreads a burst of due snapshots over transactions (at most maxPerTransaction each)', () => {
    const slot = committingSlot({ policy: { intervalMs: 1000, maxPerTransaction: 2 } });
    const ids = Array.from({ length: 5 }, (_, i) => `0b7c6f7e-1d2a-4c3b-9e8f-00000000001${i}`);
    slot.decide(ids.map((id, i) => inbound(register(id, `r-${i}`))));
    slot.clock.now += 1000;
    const sizes: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      slot.decide([]);
      sizes.push(slot.plans.at(-1)?.snapshots.length ?? 0);
    }
    expect(sizes).toEqual([2, 2, 1, 0]);
  });

  it('batches snapshots falling due one after another: after a checkpoint the next due wait for the window', () => {
    const policy = { intervalMs: 1000, maxPerTransaction: 100, batchMs: 1000 };
    const slot = committingSlot({ policy });
    const ids = Array.from({ length: 4 }, (_, i) => `0b7c6f7e-1d2a-4c3b-9e8f-00000000002${i}`);
    // One registration every 100 ms: each player falls due 100 ms after the one before.
    for (const [i, id] of ids.entries()) {
      slot.decide([inbound(register(id, `r-${i}`))]);
      slot.clock.now += 100;
    }
    const start = 1_000_000;
    slot.clock.now = start + 1000;
    slot.decide([]);
    const snapshotIds = () =>
      (slot.plans.at(-1)?.snapshots ?? []).map(({ snapshot }) => snapshot.state.id);
    // The first due one goes at once (no checkpoint before it)…
    expect(snapshotIds()).toEqual([ids[0]]);
    // … the next ones, due 100, 200 and 300 ms later, wait until the window is over …
    expect(slot.state.nextCheckpointDue(policy)).toBe(start + 2000);
    slot.clock.now = start + 1350;
    slot.decide([inbound(move(ids[0] as string, 'm-1', 'room.a'))]);
    expect(snapshotIds()).toEqual([]);
    // The restore point stays where the second player became dirty (after the first
    // registration's event and its commit marker).
    expect(slot.plans.at(-1)?.ledger.map(({ record }) => record.restoreFrom)).toEqual([2]);
    // … and then go in one transaction.
    slot.clock.now = start + 2000;
    slot.decide([]);
    expect(snapshotIds()).toEqual([ids[1], ids[2], ids[3]]);
  });

  it('does not open the window after a checkpoint cut short by maxPerTransaction', () => {
    const policy = { intervalMs: 1000, maxPerTransaction: 2, batchMs: 60_000 };
    const slot = committingSlot({ policy });
    const ids = Array.from({ length: 3 }, (_, i) => `0b7c6f7e-1d2a-4c3b-9e8f-00000000003${i}`);
    slot.decide(ids.map((id, i) => inbound(register(id, `r-${i}`))));
    slot.clock.now += 1000;
    slot.decide([]);
    slot.decide([]);
    expect(slot.plans.slice(-2).map((plan) => plan.snapshots.length)).toEqual([2, 1]);
    expect(slot.state.nextCheckpointDue(policy)).toBeUndefined();
  });

  it('needs no transaction for a batch that only answers again', () => {
    const slot = committingSlot();
    slot.decide([inbound(register(PLAYER_ID, 'c-1'))]);
    const retry = slot.decide([inbound(register(PLAYER_ID, 'c-1'))]);
    expect(retry.counts.duplicates).toBe(1);
    expect(slot.plans.at(-1)).toEqual({ snapshots: [], ledger: [], snapshotted: new Map() });
    // Its offset is still taken as decided (the next ledger record carries it).
    expect(slot.state.decidedOffset(0)).toBe(1);
  });

  it('records on a flush (before a hand-over) the offsets only answered again since the last record', () => {
    const slot = committingSlot();
    slot.decide([inbound(register(PLAYER_ID, 'c-1'))]);
    slot.decide([inbound(register(PLAYER_ID, 'c-1'))]);
    const decision = slot.decide([]);
    expect(slot.plans.at(-1)?.ledger).toEqual([]);
    const plan = slot.state.plan(
      decision,
      slot.clock.now,
      { intervalMs: 10_000, maxPerTransaction: 100 },
      { flush: true },
    );
    expect(plan.ledger.map(({ record }) => record.decided)).toEqual([1]);
  });

  it('takes from the ends of a transaction spanning several slots only its own partitions', () => {
    const slot = committingSlot({ partitions: [1] });
    const decision = slot.decide([inbound(register(PLAYER_ID, 'c-1'), { partition: 1 })]);
    const plan = slot.state.plan(decision, slot.clock.now, {
      intervalMs: 10_000,
      maxPerTransaction: 100,
    });
    slot.state.apply(decision, plan, slot.clock.now, {
      events: new Map([
        [0, 500],
        [1, 42],
      ]),
      ledger: new Map([[2, 9]]),
    });
    expect(slot.state.progress(1).eventsEnd).toBe(42);
  });
});
