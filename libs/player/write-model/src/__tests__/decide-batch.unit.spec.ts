import { encodeCommandRecord, type CommandRecord, type ReplyAddress } from '@qf/contracts';
import type { PlayerCommand } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { decideBatch, type InboundCommand } from '../decision/decide-batch';
import type { PlayerSnapshot } from '../ledger/player-snapshot';

const replyTo: ReplyAddress = { gatewayId: 'gw-1', partition: 3 };
let offset = 0;
const inbound = (
  command: PlayerCommand,
  options: { hash?: string; reply?: boolean } = {},
): InboundCommand => {
  const record: CommandRecord = {
    command,
    requestHash: options.hash ?? `hash-${command.metadata.commandId}`,
    ...(options.reply === false ? {} : { replyTo }),
  };
  const message = encodeCommandRecord(record);
  return { offset: String(offset++), key: message.key, value: message.value };
};

/** Runs batches one after the other, applying each batch's snapshots as a committed transaction would. */
const partition = () => {
  const state = new Map<string, PlayerSnapshot>();
  return {
    state,
    decide: (commands: InboundCommand[], dedupWindow = 8) => {
      const decision = decideBatch((id) => state.get(id), commands, { dedupWindow });
      for (const snapshot of decision.snapshots) state.set(snapshot.state.id, snapshot);
      return decision;
    },
  };
};

const register = (commandId = 'c-register') => aCommand.register({}, { commandId });
const move = (commandId: string, toRoom = 'room.hall') => aCommand.move({ toRoom }, { commandId });

describe('decideBatch', () => {
  beforeEach(() => {
    offset = 0;
  });

  it("decides commands in order, numbering each player's events 1, 2, 3 … without gaps", () => {
    const p = partition();
    const decision = p.decide([
      inbound(register()),
      inbound(move('c-1', 'room.a')),
      inbound(aCommand.takeDamage({ amount: 5 }, { commandId: 'c-2' })),
    ]);
    expect(decision.events.map((event) => event.metadata.version)).toEqual([1, 2, 3]);
    expect(decision.snapshots).toHaveLength(1);
    expect(decision.snapshots[0]).toMatchObject({
      state: { id: PLAYER_ID, version: 3, roomId: 'room.a', health: 95 },
      commandOffset: '2',
    });
    expect(decision.counts).toMatchObject({ accepted: 3, rejected: 0 });
    const second = p.decide([inbound(move('c-3', 'room.b'))]);
    expect(second.events.map((event) => event.metadata.version)).toEqual([4]);
  });

  it('replies to the gateway partition named in the record, and not at all in async mode', () => {
    const decision = partition().decide([
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
    const p = partition();
    p.decide([inbound(register())]);
    const first = p.decide([inbound(move('c-move'))]);
    const retry = p.decide([inbound(move('c-move'))]);
    expect(retry.events).toEqual([]);
    expect(retry.counts.duplicates).toBe(1);
    expect(retry.replies[0]?.reply).toMatchObject({
      duplicate: true,
      outcome: first.replies[0]?.reply.outcome,
    });
    expect(p.state.get(PLAYER_ID)?.state.version).toBe(2);
  });

  it('also deduplicates a retry that arrives in the same batch', () => {
    const decision = partition().decide([
      inbound(register()),
      inbound(move('c-move')),
      inbound(move('c-move')),
    ]);
    expect(decision.events.map((event) => event.type)).toEqual(['PlayerRegistered', 'PlayerMoved']);
    expect(decision.replies.map((reply) => reply.reply.duplicate)).toEqual([false, false, true]);
  });

  it('refuses a known command id with another request hash (422) and keeps the first outcome', () => {
    const p = partition();
    p.decide([inbound(register()), inbound(move('c-move', 'room.a'), { hash: 'h1' })]);
    const reused = p.decide([inbound(move('c-move', 'room.b'), { hash: 'h2' })]);
    expect(reused.events).toEqual([]);
    expect(reused.replies[0]?.reply.outcome).toMatchObject({
      status: 'rejected',
      problem: { status: 422, code: 'IDEMPOTENCY.KEY_REUSED' },
    });
    const retried = p.decide([inbound(move('c-move', 'room.a'), { hash: 'h1' })]);
    expect(retried.replies[0]?.reply).toMatchObject({
      duplicate: true,
      outcome: { status: 'accepted' },
    });
  });

  it('answers rejections with their problem, appends no event, and records the command id', () => {
    const p = partition();
    const unknown = p.decide([inbound(move('c-ghost'))]);
    expect(unknown.events).toEqual([]);
    expect(unknown.replies[0]?.reply.outcome).toMatchObject({
      status: 'rejected',
      playerId: PLAYER_ID,
      problem: { status: 404, code: 'PLAYER.NOT_FOUND' },
    });
    p.decide([inbound(register())]);
    const same = p.decide([inbound(move('c-same', 'room.start'))]);
    expect(same.replies[0]?.reply.outcome).toMatchObject({
      status: 'rejected',
      problem: { status: 409, code: 'PLAYER.SAME_ROOM' },
    });
    // Retried after the player exists, the command id still answers its first outcome.
    const retry = p.decide([inbound(move('c-ghost'))]);
    expect(retry.replies[0]?.reply).toMatchObject({
      duplicate: true,
      outcome: { problem: { code: 'PLAYER.NOT_FOUND' } },
    });
    expect(p.state.get(PLAYER_ID)?.state.version).toBe(1);
  });

  it("skips commands at or below the player's committed offset (redelivered after a rebalance), without a reply", () => {
    const p = partition();
    const batch = [inbound(register()), inbound(move('c-1', 'room.a'))];
    p.decide(batch);
    const again = p.decide(batch);
    expect(again).toMatchObject({
      events: [],
      replies: [],
      snapshots: [],
      counts: { redelivered: 2 },
    });
  });

  it('dead-letters a command that crashes the decider, answers 500 and goes on with the batch', () => {
    const p = partition();
    p.decide([inbound(register())]);
    // A snapshot the decider cannot read makes it throw a TypeError: a bug, not a rejection.
    const broken = { ...(p.state.get(PLAYER_ID) as PlayerSnapshot), state: null as never };
    const other = aCommand.register(
      { playerId: '0b7c6f7e-1d2a-4c3b-9e8f-000000000002' },
      { commandId: 'c-other' },
    );
    const decision = decideBatch(
      (id) => (id === PLAYER_ID ? broken : undefined),
      [inbound(move('c-crash', 'room.b')), inbound(other)],
      { dedupWindow: 8 },
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
    expect(decision.events.map((event) => event.type)).toEqual(['PlayerRegistered']);
    expect(decision.counts).toMatchObject({ deadLettered: 1, accepted: 1 });
  });

  it('dead-letters records that are not commands, replying when the sender can be found', () => {
    const decision = partition().decide([
      { offset: '0', key: PLAYER_ID, value: 'not json' },
      {
        offset: '1',
        key: null,
        value: JSON.stringify({
          command: { metadata: { commandId: 'c-x' } },
          requestHash: 'h',
          replyTo,
        }),
      },
      inbound(register()),
    ]);
    expect(decision.deadLetters.map((dead) => dead.command.offset)).toEqual(['0', '1']);
    expect(
      decision.replies.map((reply) => [reply.reply.commandId, reply.reply.outcome.status]),
    ).toEqual([
      ['c-x', 'rejected'],
      ['c-register', 'accepted'],
    ]);
    expect(decision.counts).toMatchObject({ deadLettered: 2, accepted: 1 });
  });

  it('rejects, not crashes, on an unknown command type or a command for another player', () => {
    const p = partition();
    const unknownType = {
      type: 'Teleport',
      data: { playerId: PLAYER_ID },
      metadata: { commandId: 'c-t', correlationId: 'c', occurredAt: '2025-01-01T00:00:00.000Z' },
    } as unknown as PlayerCommand;
    const wrongKey = { ...inbound(move('c-w')), key: 'someone-else' };
    const decision = p.decide([inbound(unknownType), wrongKey]);
    expect(decision.deadLetters).toEqual([]);
    expect(
      decision.replies.map(
        (reply) => (reply.reply.outcome as { problem: { code: string } }).problem.code,
      ),
    ).toEqual(['COMMAND.UNKNOWN', 'COMMAND.AGGREGATE_MISMATCH']);
  });

  it('bounds the remembered command ids by the dedup window, but keeps the registration for good', () => {
    const p = partition();
    const registered = p.decide([inbound(register())]);
    p.decide(
      ['a', 'b', 'c', 'd'].map((id, index) => inbound(move(`c-${id}`, `room.${index}`))),
      2,
    );
    expect(p.state.get(PLAYER_ID)?.recentCommands.map((entry) => entry.commandId)).toEqual([
      'c-c',
      'c-d',
    ]);
    const retriedRegistration = p.decide([inbound(register())], 2);
    expect(retriedRegistration.replies[0]?.reply).toMatchObject({
      duplicate: true,
      outcome: registered.replies[0]?.reply.outcome,
    });
    const forgotten = p.decide([inbound(move('c-a', 'room.0'))], 2);
    expect(forgotten.counts).toMatchObject({ duplicates: 0, accepted: 1 });
  });

  it('does not touch the committed snapshots it reads', () => {
    const p = partition();
    p.decide([inbound(register())]);
    const committed = p.state.get(PLAYER_ID) as PlayerSnapshot;
    const frozen = JSON.stringify(committed);
    decideBatch((id) => p.state.get(id), [inbound(move('c-1', 'room.z'))], { dedupWindow: 8 });
    expect(JSON.stringify(p.state.get(PLAYER_ID))).toBe(frozen);
  });
});
