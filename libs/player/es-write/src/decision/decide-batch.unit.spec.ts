import type { PlayerCommand } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { committingSlot, eventsOf, inboundFactory } from '../processor/slot-state.fixture';
import { decideBatch } from './decide-batch';

const register = (commandId = 'c-register') => aCommand.register({}, { commandId });
const move = (commandId: string, toRoom = 'room.hall') => aCommand.move({ toRoom }, { commandId });

describe('decideBatch', () => {
  let inbound: ReturnType<typeof inboundFactory>;
  beforeEach(() => {
    inbound = inboundFactory();
  });

  it("decides commands in order, numbering each player's events 1, 2, 3 … without gaps", () => {
    const slot = committingSlot();
    const decision = slot.decide([
      inbound(register()),
      inbound(move('c-1', 'room.a')),
      inbound(aCommand.takeDamage({ amount: 5 }, { commandId: 'c-2' })),
    ]);
    expect(eventsOf(decision).map((event) => event.metadata.version)).toEqual([1, 2, 3]);
    expect([...decision.players.values()]).toEqual([
      expect.objectContaining({
        partition: 0,
        state: expect.objectContaining({ id: PLAYER_ID, version: 3, roomId: 'room.a', health: 95 }),
      }),
    ]);
    expect(decision.partitions.get(0)).toMatchObject({ lastOffset: 2 });
    expect(decision.partitions.get(0)?.lines).toHaveLength(3);
    expect(decision.counts).toMatchObject({ accepted: 3, rejected: 0 });
    const second = slot.decide([inbound(move('c-3', 'room.b'))]);
    expect(eventsOf(second).map((event) => event.metadata.version)).toEqual([4]);
  });

  it('keeps the partitions of a slot apart: events, lines and offsets per partition', () => {
    const slot = committingSlot({ partitions: [1, 5] });
    const other = '0b7c6f7e-1d2a-4c3b-9e8f-000000000002';
    const decision = slot.decide([
      inbound(register(), { partition: 1 }),
      inbound(aCommand.register({ playerId: other }, { commandId: 'c-other' }), { partition: 5 }),
      inbound(move('c-1'), { partition: 1 }),
    ]);
    expect(decision.partitions.get(1)?.events.map((event) => event.type)).toEqual([
      'PlayerRegistered',
      'PlayerMoved',
    ]);
    expect(decision.partitions.get(5)?.events.map((event) => event.metadata.aggregateId)).toEqual([
      other,
    ]);
    expect(slot.state.decidedOffset(1)).toBe(1);
    expect(slot.state.decidedOffset(5)).toBe(0);
    expect(slot.state.player(other)?.partition).toBe(5);
  });

  it('replies to the gateway partition named in the record, and not at all in async mode', () => {
    const decision = committingSlot().decide([
      inbound(register()),
      inbound(move('c-1'), { reply: false }),
    ]);
    expect(decision.replies).toEqual([
      {
        partition: 3,
        reply: expect.objectContaining({
          commandId: 'c-register',
          gatewayId: 'gw-1',
          duplicate: false,
          outcome: expect.objectContaining({ status: 'accepted' }),
        }),
      },
    ]);
  });

  it('answers a repeated command id with the first outcome and appends nothing', () => {
    const slot = committingSlot();
    slot.decide([inbound(register())]);
    const first = slot.decide([inbound(move('c-move'))]);
    const retry = slot.decide([inbound(move('c-move'))]);
    expect(eventsOf(retry)).toEqual([]);
    expect(retry.counts.duplicates).toBe(1);
    expect(retry.replies[0]?.reply).toEqual({
      ...first.replies[0]?.reply,
      duplicate: true,
    });
    expect(slot.state.player(PLAYER_ID)?.state.version).toBe(2);
    // Nothing to write: the retry needs no transaction.
    expect(slot.plans.at(-1)?.ledger).toEqual([]);
  });

  it('also deduplicates a retry that arrives in the same batch', () => {
    const decision = committingSlot().decide([
      inbound(register()),
      inbound(move('c-move')),
      inbound(move('c-move')),
    ]);
    expect(eventsOf(decision).map((event) => event.type)).toEqual([
      'PlayerRegistered',
      'PlayerMoved',
    ]);
    expect(decision.replies.map((reply) => reply.reply.duplicate)).toEqual([false, false, true]);
  });

  it('refuses a known command id with another request hash (422) and keeps the first outcome', () => {
    const slot = committingSlot();
    slot.decide([inbound(register()), inbound(move('c-move', 'room.a'), { hash: 'h1' })]);
    const reused = slot.decide([inbound(move('c-move', 'room.b'), { hash: 'h2' })]);
    expect(eventsOf(reused)).toEqual([]);
    expect(reused.replies[0]?.reply.outcome).toMatchObject({
      status: 'rejected',
      problem: { status: 422, code: 'IDEMPOTENCY.KEY_REUSED' },
    });
    const retried = slot.decide([inbound(move('c-move', 'room.a'), { hash: 'h1' })]);
    expect(retried.replies[0]?.reply).toMatchObject({
      duplicate: true,
      outcome: { status: 'accepted' },
    });
  });

  it('deduplicates per player: the same id on another player is another command', () => {
    const slot = committingSlot();
    const other = '0b7c6f7e-1d2a-4c3b-9e8f-000000000002';
    slot.decide([
      inbound(register()),
      inbound(aCommand.register({ playerId: other }, { commandId: 'c-other' })),
    ]);
    const decision = slot.decide([
      inbound(move('c-same')),
      inbound(aCommand.move({ playerId: other, toRoom: 'room.hall' }, { commandId: 'c-same' })),
    ]);
    expect(decision.counts).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(slot.index.find(PLAYER_ID, 'c-same')).toBeDefined();
    expect(slot.index.find(other, 'c-same')).toBeDefined();
  });

  it('answers rejections with their problem, appends no event, and records the outcome for a retry', () => {
    const slot = committingSlot();
    const unknown = slot.decide([inbound(move('c-ghost'))]);
    expect(eventsOf(unknown)).toEqual([]);
    expect(unknown.replies[0]?.reply.outcome).toMatchObject({
      status: 'rejected',
      playerId: PLAYER_ID,
      problem: { status: 404, code: 'PLAYER.NOT_FOUND' },
    });
    expect(unknown.partitions.get(0)?.lines).toHaveLength(1);
    slot.decide([inbound(register())]);
    const same = slot.decide([inbound(move('c-same', 'room.start'))]);
    expect(same.replies[0]?.reply.outcome).toMatchObject({
      status: 'rejected',
      problem: { status: 409, code: 'PLAYER.SAME_ROOM' },
    });
    // Retried after the player exists, the command id still answers its first outcome.
    const retry = slot.decide([inbound(move('c-ghost'))]);
    expect(retry.replies[0]?.reply).toMatchObject({
      duplicate: true,
      outcome: { problem: { code: 'PLAYER.NOT_FOUND' } },
    });
    expect(slot.state.player(PLAYER_ID)?.state.version).toBe(1);
  });

  it("skips commands at or below the partition's decided offset (redelivered after a rebalance), without a reply", () => {
    const slot = committingSlot();
    const batch = [inbound(register()), inbound(move('c-1', 'room.a'))];
    slot.decide(batch);
    const again = slot.decide(batch);
    expect(eventsOf(again)).toEqual([]);
    expect(again.replies).toEqual([]);
    expect(again.players.size).toBe(0);
    expect(again.counts).toMatchObject({ redelivered: 2 });
  });

  it('dead-letters a command that crashes the decider, answers and records 500, and goes on with the batch', () => {
    const slot = committingSlot();
    slot.decide([inbound(register())]);
    // A state the decider cannot read makes it throw a TypeError: a bug, not a rejection.
    const broken = {
      ...slot.state.player(PLAYER_ID)!,
      state: new Proxy({} as never, {
        get: () => {
          throw new TypeError('unreadable state');
        },
      }),
    };
    const other = aCommand.register(
      { playerId: '0b7c6f7e-1d2a-4c3b-9e8f-000000000002' },
      { commandId: 'c-other' },
    );
    const decision = decideBatch(
      {
        player: (id) => (id === PLAYER_ID ? broken : undefined),
        decidedCommand: () => undefined,
        decidedOffset: () => 0,
      },
      [inbound(move('c-crash', 'room.b')), inbound(other)],
    );
    expect(decision.deadLetters).toHaveLength(1);
    expect(decision.deadLetters[0]?.error).toMatchObject({
      code: 'COMMAND.CRASHED',
      name: 'TypeError',
    });
    expect(decision.replies[0]?.reply.outcome).toMatchObject({
      status: 'rejected',
      problem: { status: 500, code: 'COMMAND.DEAD_LETTERED' },
    });
    expect(decision.partitions.get(0)?.lines.map((line) => line.commandId)).toEqual([
      'c-crash',
      'c-other',
    ]);
    expect(eventsOf(decision).map((event) => event.type)).toEqual(['PlayerRegistered']);
    expect(decision.counts).toMatchObject({ deadLettered: 1, accepted: 1 });
  });

  it('dead-letters records that are not commands, replying when the sender can be found', () => {
    const decision = committingSlot().decide([
      { partition: 0, offset: 0, key: PLAYER_ID, value: 'not json' },
      {
        partition: 0,
        offset: 1,
        key: null,
        value: JSON.stringify({
          command: { metadata: { commandId: 'c-x' } },
          requestHash: 'h',
          replyTo: { gatewayId: 'gw-1', partition: 3 },
        }),
      },
      inbound(register(), { offset: 2 }),
    ]);
    expect(decision.deadLetters.map((dead) => dead.command.offset)).toEqual([0, 1]);
    expect(
      decision.replies.map((reply) => [reply.reply.commandId, reply.reply.outcome.status]),
    ).toEqual([
      ['c-x', 'rejected'],
      ['c-register', 'accepted'],
    ]);
    expect(decision.counts).toMatchObject({ deadLettered: 2, accepted: 1 });
    expect(decision.partitions.get(0)?.lastOffset).toBe(2);
  });

  it('rejects, not crashes, on an unknown command type or a command for another player', () => {
    const slot = committingSlot();
    const unknownType = {
      type: 'Teleport',
      data: { playerId: PLAYER_ID },
      metadata: { commandId: 'c-t', correlationId: 'c', occurredAt: '2025-01-01T00:00:00.000Z' },
    } as unknown as PlayerCommand;
    const first = inbound(unknownType);
    const wrongKey = { ...inbound(move('c-w')), key: 'someone-else' };
    const decision = slot.decide([first, wrongKey]);
    expect(decision.deadLetters).toEqual([]);
    expect(
      decision.replies.map(
        (reply) => (reply.reply.outcome as { problem: { code: string } }).problem.code,
      ),
    ).toEqual(['COMMAND.UNKNOWN', 'COMMAND.AGGREGATE_MISMATCH']);
  });

  it('forgets command ids past the horizon, but keeps the registration for good', () => {
    const slot = committingSlot({ horizonMs: 60_000 });
    const registered = slot.decide([inbound(register())]);
    slot.decide([inbound(move('c-a', 'room.0'))]);
    slot.clock.now += 30_000;
    expect(slot.decide([inbound(move('c-a', 'room.0'))]).counts.duplicates).toBe(1);
    slot.clock.now += 61_000;
    slot.decide([inbound(move('c-b', 'room.1'))]);
    const retriedRegistration = slot.decide([inbound(register())]);
    expect(retriedRegistration.replies[0]?.reply).toMatchObject({
      duplicate: true,
      outcome: registered.replies[0]?.reply.outcome,
    });
    const forgotten = slot.decide([inbound(move('c-a', 'room.0'))]);
    expect(forgotten.counts).toMatchObject({ duplicates: 0, accepted: 1 });
  });

  it('does not touch the committed state it reads', () => {
    const slot = committingSlot();
    slot.decide([inbound(register())]);
    const frozen = JSON.stringify(slot.state.player(PLAYER_ID));
    const indexed = slot.index.size;
    decideBatch(slot.state, [inbound(move('c-1', 'room.z'))]);
    expect(JSON.stringify(slot.state.player(PLAYER_ID))).toBe(frozen);
    expect(slot.index.size).toBe(indexed);
    expect(slot.state.decidedOffset(0)).toBe(0);
  });
});
