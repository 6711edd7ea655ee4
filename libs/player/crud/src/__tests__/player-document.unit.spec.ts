import fc from 'fast-check';
import { fold, initialState, tryDecide } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import {
  documentToState,
  entriesToInventory,
  inventoryToEntries,
  stateToFields,
  stateToView,
} from '../document/player-document';

describe('player document <-> state mapping', () => {
  const registered = () => {
    const decision = tryDecide(aCommand.register(), initialState(PLAYER_ID));
    if (!decision.ok) throw decision.error;
    return decision;
  };

  it('round-trips a registered state through the document fields', () => {
    let { state } = registered();
    for (const command of [
      aCommand.pickUp({ itemId: 'item.sword', qty: 2 }),
      aCommand.pickUp({ itemId: '__proto__', qty: 1 }),
      aCommand.takeDamage({ amount: 30 }),
    ]) {
      const decision = tryDecide(command, state);
      if (!decision.ok) throw decision.error;
      state = decision.state;
    }
    const doc = { _id: state.id, ...stateToFields(state) };
    expect(documentToState(doc)).toEqual(state);
    expect(doc.inventory).toEqual([
      { itemId: 'item.sword', qty: 2 },
      { itemId: '__proto__', qty: 1 },
    ]);
  });

  it('keeps item ids with dots and prototype names as plain items', () => {
    const inventory = entriesToInventory([
      { itemId: '__proto__', qty: 3 },
      { itemId: 'a.b', qty: 1 },
    ]);
    expect(Object.getPrototypeOf(inventory)).toBe(Object.prototype);
    expect(Object.keys(inventory)).toEqual(['__proto__', 'a.b']);
    expect(inventory['a.b']).toBe(1);
  });

  it('stores inventories as arrays and reads them back unchanged (property)', () => {
    const itemId = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);
    fc.assert(
      fc.property(fc.dictionary(itemId, fc.integer({ min: 1, max: 50 })), (record) => {
        const entries = inventoryToEntries(record);
        expect(entries.every((entry) => typeof entry.itemId === 'string' && entry.qty > 0)).toBe(
          true,
        );
        expect(entriesToInventory(entries)).toEqual({ ...record });
      }),
    );
  });

  it('views a state as the API PlayerView', () => {
    const { events } = registered();
    expect(stateToView(fold(PLAYER_ID, events))).toEqual({
      playerId: PLAYER_ID,
      name: 'Aria',
      level: 1,
      xp: 0,
      health: 100,
      maxHealth: 100,
      roomId: 'room.start',
      inventory: {},
      alive: true,
      version: 1,
      updatedAt: '2025-01-01T12:00:00.000Z',
    });
  });
});
