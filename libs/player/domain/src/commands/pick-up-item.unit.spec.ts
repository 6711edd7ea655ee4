import { INVENTORY_CAPACITY, MAX_AMOUNT } from '../index';
import { aCommand, given, registeredPlayer } from '../testing';
import { dead, holding } from '../testing/histories.fixture';

describe('PickUpItem', () => {
  it('adds the item to the inventory', () => {
    given(registeredPlayer())
      .when(aCommand.pickUp({ itemId: 'item.sword', qty: 2 }))
      .then((events, state) => {
        expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
          { type: 'ItemPickedUp', data: { itemId: 'item.sword', qty: 2 } },
        ]);
        expect(state.inventory).toEqual({ 'item.sword': 2 });
      });
  });

  it('adds to the quantity already held', () => {
    given(holding({ 'item.sword': 2, 'item.potion': 1 }))
      .when(aCommand.pickUp({ itemId: 'item.sword', qty: 3 }))
      .then((_, state) => expect(state.inventory).toEqual({ 'item.sword': 5, 'item.potion': 1 }));
  });

  it('accepts a pick-up that fills the inventory exactly', () => {
    given(holding({ 'item.arrow': INVENTORY_CAPACITY - 1 }))
      .when(aCommand.pickUp({ itemId: 'item.potion', qty: 1 }))
      .then([{ type: 'ItemPickedUp', data: { itemId: 'item.potion', qty: 1 } }]);
  });

  it('accepts picking up the whole capacity at once', () => {
    given(registeredPlayer())
      .when(aCommand.pickUp({ qty: INVENTORY_CAPACITY }))
      .then((_, state) => expect(state.inventory).toEqual({ 'item.sword': 50 }));
  });

  it('rejects one item more than the capacity', () => {
    const error = given(holding({ 'item.arrow': INVENTORY_CAPACITY }))
      .when(aCommand.pickUp({ qty: 1 }))
      .thenThrows('PLAYER.INVENTORY_FULL');
    expect(error.details).toEqual({ carried: 50, capacity: 50, qty: 1 });
  });

  it('rejects 51 items on an empty inventory', () => {
    given(registeredPlayer())
      .when(aCommand.pickUp({ qty: INVENTORY_CAPACITY + 1 }))
      .thenThrows('PLAYER.INVENTORY_FULL');
  });

  it('counts every item towards the capacity, not just the one picked up', () => {
    given(holding({ 'item.arrow': 30, 'item.potion': 20 }))
      .when(aCommand.pickUp({ itemId: 'item.gem', qty: 1 }))
      .thenThrows('PLAYER.INVENTORY_FULL');
  });

  it('treats a valid but huge quantity as a full inventory, not a malformed one', () => {
    given(registeredPlayer())
      .when(aCommand.pickUp({ qty: MAX_AMOUNT }))
      .thenThrows('PLAYER.INVENTORY_FULL');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'stores the item id %j as plain data',
    (itemId) => {
      given(registeredPlayer())
        .when(aCommand.pickUp({ itemId, qty: 2 }))
        .then((_, state) => {
          expect(Object.entries(state.inventory)).toEqual([[itemId, 2]]);
          expect(Object.getPrototypeOf(state.inventory)).toBe(Object.prototype);
        });
    },
  );

  it.each([
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    MAX_AMOUNT + 1,
    '3' as unknown as number,
  ])('rejects the quantity %p', (qty) => {
    given(registeredPlayer()).when(aCommand.pickUp({ qty })).thenThrows('PLAYER.INVALID_QUANTITY');
  });

  it.each(['', 'a sword', 'i'.repeat(65), 'épée'])('rejects the malformed item id %j', (itemId) => {
    given(registeredPlayer()).when(aCommand.pickUp({ itemId })).thenThrows('PLAYER.INVALID_ITEM');
  });

  it('rejects an unregistered player', () => {
    given().when(aCommand.pickUp()).thenThrows('PLAYER.NOT_FOUND');
  });

  it('rejects a dead player', () => {
    given(dead()).when(aCommand.pickUp()).thenThrows('PLAYER.DEAD');
  });
});
