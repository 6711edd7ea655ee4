import {
  evolve,
  fold,
  initialState,
  inventoryTotal,
  type PlayerEvent,
  type PlayerState,
  quantityOf,
  UnreadableEvent,
} from './index';
import { historyOf, HISTORY_TIME, PLAYER_ID, registeredPlayer, registration } from './testing';

const registered = (): PlayerState =>
  fold(
    PLAYER_ID,
    registeredPlayer(PLAYER_ID, { type: 'ItemPickedUp', data: { itemId: 'item.sword', qty: 2 } }),
  );

/** One event of each type, stamped as version 3 (after the registration and the sword). */
const oneOfEach: PlayerEvent[] = historyOf(
  PLAYER_ID,
  registration(),
  { type: 'PlayerMoved', data: { fromRoom: 'room.start', toRoom: 'room.hall' } },
  { type: 'ItemPickedUp', data: { itemId: 'item.potion', qty: 1 } },
  { type: 'ItemDropped', data: { itemId: 'item.sword', qty: 1 } },
  { type: 'DamageTaken', data: { amount: 10, health: 90 } },
  { type: 'PlayerHealed', data: { amount: 5, health: 95 } },
  { type: 'ExperienceGained', data: { amount: 100, xp: 100 } },
  { type: 'LevelGained', data: { level: 2, maxHealth: 110, health: 110 } },
  { type: 'PlayerDied', data: { roomId: 'room.hall' } },
).map((event) => ({ ...event, metadata: { ...event.metadata, version: 3, occurredAt: 'later' } }));

const deepFrozen = (state: PlayerState): PlayerState =>
  Object.freeze({ ...state, inventory: Object.freeze({ ...state.inventory }) });

describe('initialState', () => {
  it('is an unregistered, lifeless player at version 0', () => {
    expect(initialState('p-1')).toEqual({
      id: 'p-1',
      registered: false,
      name: '',
      level: 0,
      xp: 0,
      health: 0,
      maxHealth: 0,
      roomId: '',
      inventory: {},
      alive: false,
      version: 0,
      updatedAt: '',
    });
  });

  it('hands out a fresh object each time', () => {
    expect(initialState('p-1')).not.toBe(initialState('p-1'));
    expect(initialState('p-1').inventory).not.toBe(initialState('p-1').inventory);
  });
});

describe('evolve', () => {
  it.each(oneOfEach.map((event) => [event.type, event] as const))(
    'applies %s to a frozen state without mutating it',
    (_, event) => {
      const state = deepFrozen(registered());
      const before = structuredClone(state);
      const frozenEvent = Object.freeze({
        ...event,
        data: Object.freeze({ ...event.data }),
      }) as PlayerEvent;
      const next = evolve(state, frozenEvent);
      expect(state).toEqual(before);
      expect(next).not.toBe(state);
      expect(next).toMatchObject({ version: 3, updatedAt: 'later' });
    },
  );

  it('only copies the inventory when the event changes it', () => {
    const state = registered();
    const moved = evolve(state, oneOfEach[1] as PlayerEvent);
    expect(moved.inventory).toBe(state.inventory);
  });

  it('applies each event type to the field it owns', () => {
    const states = oneOfEach.reduce<PlayerState[]>(
      (acc, event) => [...acc, evolve(acc[acc.length - 1] as PlayerState, event)],
      [initialState(PLAYER_ID)],
    );
    expect(
      states.slice(1).map(({ version: _version, updatedAt: _updatedAt, ...rest }) => rest),
    ).toEqual([
      {
        id: PLAYER_ID,
        registered: true,
        alive: true,
        name: 'Aria',
        roomId: 'room.start',
        level: 1,
        xp: 0,
        health: 100,
        maxHealth: 100,
        inventory: {},
      },
      expect.objectContaining({ roomId: 'room.hall' }),
      expect.objectContaining({ inventory: { 'item.potion': 1 } }),
      expect.objectContaining({ inventory: { 'item.potion': 1 } }),
      expect.objectContaining({ health: 90, alive: true }),
      expect.objectContaining({ health: 95 }),
      expect.objectContaining({ xp: 100, level: 1 }),
      expect.objectContaining({ level: 2, maxHealth: 110, health: 110 }),
      expect.objectContaining({ alive: false, health: 0 }),
    ]);
  });

  it('keeps version and time from the event, not from a counter', () => {
    const next = evolve(initialState(PLAYER_ID), {
      ...(oneOfEach[0] as PlayerEvent),
      metadata: { ...(oneOfEach[0] as PlayerEvent).metadata, version: 7, occurredAt: HISTORY_TIME },
    });
    expect(next).toMatchObject({ version: 7, updatedAt: HISTORY_TIME });
  });

  it('throws UnreadableEvent for an event type it does not know', () => {
    const bogus = {
      ...(oneOfEach[1] as PlayerEvent),
      type: 'PlayerTeleported',
    } as unknown as PlayerEvent;
    expect(() => evolve(registered(), bogus)).toThrow(UnreadableEvent);
  });

  it('keeps prototype-named item ids as own data that survives JSON', () => {
    const state = fold(
      PLAYER_ID,
      registeredPlayer(
        PLAYER_ID,
        { type: 'ItemPickedUp', data: { itemId: '__proto__', qty: 2 } },
        { type: 'ItemPickedUp', data: { itemId: 'constructor', qty: 3 } },
        { type: 'ItemDropped', data: { itemId: '__proto__', qty: 1 } },
      ),
    );
    expect(quantityOf(state.inventory, '__proto__')).toBe(1);
    expect(quantityOf(state.inventory, 'constructor')).toBe(3);
    expect(quantityOf(state.inventory, 'toString')).toBe(0);
    expect(inventoryTotal(state.inventory)).toBe(4);
    expect(Object.getPrototypeOf(state.inventory)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(state.inventory))).toEqual(state.inventory);
  });
});

describe('fold', () => {
  it('is initialState for no events', () => {
    expect(fold(PLAYER_ID, [])).toEqual(initialState(PLAYER_ID));
  });

  it('equals evolving the events one by one', () => {
    const events = historyOf(PLAYER_ID, ...oneOfEach);
    expect(fold(PLAYER_ID, events)).toEqual(events.reduce(evolve, initialState(PLAYER_ID)));
  });

  it('can stop at any version (time travel)', () => {
    const events = registeredPlayer(
      PLAYER_ID,
      { type: 'DamageTaken', data: { amount: 30, health: 70 } },
      { type: 'PlayerHealed', data: { amount: 30, health: 100 } },
    );
    expect(fold(PLAYER_ID, events.slice(0, 2))).toMatchObject({ version: 2, health: 70 });
  });
});
