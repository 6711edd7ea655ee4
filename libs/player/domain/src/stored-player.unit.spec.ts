import fc from 'fast-check';
import {
  fromInventoryEntries,
  fromStoredPlayer,
  toInventoryEntries,
  toStoredPlayer,
} from './stored-player';
import { initialState } from './player.state';
import { aCommand, PLAYER_ID } from './testing';
import { tryDecide } from './try-decide';

describe('stored player fields <-> state', () => {
  const registered = () => {
    const decision = tryDecide(aCommand.register(), initialState(PLAYER_ID));
    if (!decision.ok) throw decision.error;
    return decision;
  };

  it('round-trips a registered state through its stored fields', () => {
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
    const doc = toStoredPlayer(state);
    expect(fromStoredPlayer(state.id, doc)).toEqual(state);
    expect(doc.inventory).toEqual([
      { itemId: 'item.sword', qty: 2 },
      { itemId: '__proto__', qty: 1 },
    ]);
  });

  it('keeps item ids with dots and prototype names as plain items', () => {
    const inventory = fromInventoryEntries([
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
        const entries = toInventoryEntries(record);
        expect(entries.every((entry) => typeof entry.itemId === 'string' && entry.qty > 0)).toBe(
          true,
        );
        expect(fromInventoryEntries(entries)).toEqual({ ...record });
      }),
    );
  });
});
