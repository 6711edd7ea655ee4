import {
  createUpcaster,
  type EventMetadata,
  type RawPlayerEvent,
  type UpcasterMap,
  upcastPlayerEvent,
} from './index';
import { PLAYER_ID, registeredPlayer } from './testing';

const metadata = (schemaVersion: number): EventMetadata => ({
  eventId: 'cmd-1:0',
  aggregateId: PLAYER_ID,
  version: 2,
  schemaVersion,
  occurredAt: '2024-01-01T00:00:00.000Z',
  causationId: 'cmd-1',
  correlationId: 'corr-1',
});

// A made-up history: at v-1 PlayerMoved carried one "path" string, at v0 two short
// keys, and v1 (current) spells them out.
const legacyMoves: UpcasterMap = {
  'PlayerMoved@-1': (data) => {
    const [from, to] = String((data as { path: string }).path).split('>');
    return { from, to };
  },
  'PlayerMoved@0': (data) => {
    const { from, to } = data as { from: string; to: string };
    return { fromRoom: from, toRoom: to };
  },
};

describe('upcastPlayerEvent', () => {
  it('passes current events through unchanged', () => {
    for (const event of registeredPlayer()) expect(upcastPlayerEvent(event)).toEqual(event);
  });

  it('rejects an unknown event type', () => {
    const raw = { type: 'PlayerTeleported', data: {}, metadata: metadata(1) };
    expect(() => upcastPlayerEvent(raw)).toThrow(
      expect.objectContaining({ code: 'EVENT.UNKNOWN_TYPE', kind: 'invalid' }),
    );
  });

  it.each([
    ['an older version with no upcaster', 0],
    ['a version from the future', 2],
    ['a fractional version', 0.5],
    ['a string version', '1' as unknown as number],
    ['no version', undefined as unknown as number],
  ])('rejects %s as EVENT.UNSUPPORTED_SCHEMA', (_, schemaVersion) => {
    const raw = {
      type: 'PlayerMoved',
      data: { fromRoom: 'a', toRoom: 'b' },
      metadata: metadata(schemaVersion),
    };
    expect(() => upcastPlayerEvent(raw)).toThrow(
      expect.objectContaining({ code: 'EVENT.UNSUPPORTED_SCHEMA' }),
    );
  });
});

describe('createUpcaster', () => {
  const upcast = createUpcaster(legacyMoves);

  it('lifts v0 data to the current version and keeps the rest of the envelope', () => {
    const raw: RawPlayerEvent = {
      type: 'PlayerMoved',
      data: { from: 'hall', to: 'cave' },
      metadata: metadata(0),
    };
    expect(upcast(raw)).toEqual({
      type: 'PlayerMoved',
      data: { fromRoom: 'hall', toRoom: 'cave' },
      metadata: { ...metadata(0), schemaVersion: 1 },
    });
    expect(raw).toEqual({
      type: 'PlayerMoved',
      data: { from: 'hall', to: 'cave' },
      metadata: metadata(0),
    });
  });

  it('chains several steps', () => {
    const raw = { type: 'PlayerMoved', data: { path: 'hall>cave' }, metadata: metadata(-1) };
    expect(upcast(raw).data).toEqual({ fromRoom: 'hall', toRoom: 'cave' });
  });

  it('still fails for types the map has no step for', () => {
    const raw = { type: 'ItemDropped', data: {}, metadata: metadata(0) };
    expect(() => upcast(raw)).toThrow(
      expect.objectContaining({ code: 'EVENT.UNSUPPORTED_SCHEMA' }),
    );
  });

  it('fails when a step is missing in the middle of the chain', () => {
    const partial = createUpcaster({
      'PlayerMoved@0': legacyMoves['PlayerMoved@0'],
    } as UpcasterMap);
    const raw = { type: 'PlayerMoved', data: { path: 'a>b' }, metadata: metadata(-1) };
    expect(() => partial(raw)).toThrow(
      expect.objectContaining({ code: 'EVENT.UNSUPPORTED_SCHEMA' }),
    );
  });

  it.each(['PlayerMoved@1', 'PlayerMoved@2', 'PlayerTeleported@0', 'PlayerMoved@x', 'PlayerMoved'])(
    'refuses the unusable key %j when wired',
    (key) => {
      expect(() => createUpcaster({ [key]: (data: unknown) => data } as UpcasterMap)).toThrow(
        TypeError,
      );
    },
  );
});
