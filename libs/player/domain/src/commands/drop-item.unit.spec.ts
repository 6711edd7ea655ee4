import { MAX_AMOUNT } from '../index';
import { aCommand, given } from '../testing';
import { dead, holding } from '../testing/histories.fixture';

describe('DropItem', () => {
  it('removes part of a stack', () => {
    given(holding({ 'item.sword': 3 }))
      .when(aCommand.drop({ itemId: 'item.sword', qty: 2 }))
      .then((events, state) => {
        expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
          { type: 'ItemDropped', data: { itemId: 'item.sword', qty: 2 } },
        ]);
        expect(state.inventory).toEqual({ 'item.sword': 1 });
      });
  });

  it('removes the key when the last one is dropped', () => {
    given(holding({ 'item.sword': 3, 'item.potion': 1 }))
      .when(aCommand.drop({ itemId: 'item.sword', qty: 3 }))
      .then((_, state) => {
        expect(state.inventory).toEqual({ 'item.potion': 1 });
        expect(Object.keys(state.inventory)).toEqual(['item.potion']);
      });
  });

  it('rejects dropping more than is held', () => {
    const error = given(holding({ 'item.sword': 2 }))
      .when(aCommand.drop({ itemId: 'item.sword', qty: 3 }))
      .thenThrows('PLAYER.INSUFFICIENT_ITEMS');
    expect(error.details).toEqual({ itemId: 'item.sword', held: 2, qty: 3 });
  });

  it('rejects dropping an item that is not held at all', () => {
    given(holding({ 'item.sword': 2 }))
      .when(aCommand.drop({ itemId: 'item.potion', qty: 1 }))
      .thenThrows('PLAYER.INSUFFICIENT_ITEMS');
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'does not mistake the prototype member %j for a held item',
    (itemId) => {
      given(holding({ 'item.sword': 2 }))
        .when(aCommand.drop({ itemId, qty: 1 }))
        .thenThrows('PLAYER.INSUFFICIENT_ITEMS');
    },
  );

  it('lets a dead player drop loot', () => {
    given(dead({ type: 'ItemPickedUp', data: { itemId: 'item.gold', qty: 5 } }))
      .when(aCommand.drop({ itemId: 'item.gold', qty: 5 }))
      .then((events, state) => {
        expect(events.map((e) => e.type)).toEqual(['ItemDropped']);
        expect(state).toMatchObject({ alive: false, inventory: {} });
      });
  });

  it.each([0, -2, 0.5, MAX_AMOUNT + 1])('rejects the quantity %p', (qty) => {
    given(holding({ 'item.sword': 2 }))
      .when(aCommand.drop({ qty }))
      .thenThrows('PLAYER.INVALID_QUANTITY');
  });

  it('rejects a malformed item id', () => {
    given(holding({ 'item.sword': 2 }))
      .when(aCommand.drop({ itemId: 'a/b' }))
      .thenThrows('PLAYER.INVALID_ITEM');
  });

  it('rejects an unregistered player', () => {
    given().when(aCommand.drop()).thenThrows('PLAYER.NOT_FOUND');
  });
});
