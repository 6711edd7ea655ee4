import fc from 'fast-check';
import {
  assertWritable,
  decide,
  downcastPlayerEvent,
  fold,
  parseWriteSchemas,
  upcastPlayerEvent,
  type PlayerEvent,
  type RawPlayerEvent,
} from './index';
import { aCommand, PLAYER_ID, registeredPlayer, START_ROOM } from './testing';

/** PlayerRegistered exactly as a v1 build wrote it. */
const storedV1: RawPlayerEvent = {
  type: 'PlayerRegistered',
  data: {
    playerId: PLAYER_ID,
    name: 'Aria',
    roomId: 'room.cellar',
    level: 1,
    xp: 0,
    health: 100,
    maxHealth: 100,
  },
  metadata: {
    eventId: 'old:0',
    aggregateId: PLAYER_ID,
    version: 1,
    schemaVersion: 1,
    occurredAt: '2024-01-01T00:00:00.000Z',
    causationId: 'old',
    correlationId: 'old',
  },
};

describe('PlayerRegistered v1 -> v2', () => {
  it('reads a v1 registration as v2: roomId becomes startRoom, the stats move under stats', () => {
    expect(upcastPlayerEvent(storedV1)).toEqual({
      type: 'PlayerRegistered',
      data: {
        playerId: PLAYER_ID,
        name: 'Aria',
        startRoom: 'room.cellar',
        stats: { level: 1, xp: 0, health: 100, maxHealth: 100 },
      },
      metadata: { ...storedV1.metadata, schemaVersion: 2 },
    });
  });

  it('folds a stream that starts with v1 to the same state as its v2 twin', () => {
    const v2Stream = registeredPlayer(PLAYER_ID, {
      type: 'PlayerMoved',
      data: { fromRoom: START_ROOM, toRoom: 'room.hall' },
    });
    const mixed = v2Stream.map((event) =>
      upcastPlayerEvent(downcastPlayerEvent(event, { PlayerRegistered: 1 })),
    );
    expect(fold(PLAYER_ID, mixed)).toEqual(fold(PLAYER_ID, v2Stream));
  });

  it('round-trips any registration through v1 unchanged', () => {
    fc.assert(
      fc.property(
        fc.record({
          name: fc.string({ minLength: 1, maxLength: 32 }),
          startRoom: fc.stringMatching(/^[a-z.]{1,20}$/),
          level: fc.nat(100),
          xp: fc.nat(),
          health: fc.nat(1000),
          maxHealth: fc.nat(1000),
        }),
        ({ name, startRoom, level, xp, health, maxHealth }) => {
          const [event] = registeredPlayer(PLAYER_ID);
          const current = {
            ...event!,
            data: { playerId: PLAYER_ID, name, startRoom, stats: { level, xp, health, maxHealth } },
          } as PlayerEvent;
          const written = downcastPlayerEvent(current, { PlayerRegistered: 1 });
          expect(written.metadata.schemaVersion).toBe(1);
          expect(written.data).toEqual({
            playerId: PLAYER_ID,
            name,
            roomId: startRoom,
            level,
            xp,
            health,
            maxHealth,
          });
          expect(upcastPlayerEvent(written)).toEqual(current);
        },
      ),
    );
  });
});

describe('write schemas (QF_EVENT_WRITE_SCHEMAS)', () => {
  it('writes current events unchanged when nothing is pinned', () => {
    const [registered] = decide(aCommand.register(), fold(PLAYER_ID, []));
    expect(downcastPlayerEvent(registered!, {})).toBe(registered);
    expect(downcastPlayerEvent(registered!, { PlayerMoved: 1 })).toBe(registered);
  });

  it('parses pins and refuses what cannot be written, naming it', () => {
    expect(parseWriteSchemas('')).toEqual({});
    expect(parseWriteSchemas(' PlayerRegistered@1 ')).toEqual({ PlayerRegistered: 1 });
    expect(parseWriteSchemas('PlayerRegistered@2,PlayerMoved@1')).toEqual({
      PlayerRegistered: 2,
      PlayerMoved: 1,
    });
    expect(() => parseWriteSchemas('PlayerRegistered')).toThrow(/PlayerRegistered/);
    expect(() => parseWriteSchemas('PlayerTeleported@1')).toThrow(/PlayerTeleported/);
    expect(() => parseWriteSchemas('PlayerRegistered@3')).toThrow(/1\.\.2/);
    expect(() => parseWriteSchemas('PlayerRegistered@0')).toThrow(/1\.\.2/);
    expect(() => assertWritable({ PlayerRegistered: 1 }, {})).toThrow(/no downcaster/);
  });
});
