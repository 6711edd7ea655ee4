import {
  HISTORY_TIME,
  PLAYER_ID,
  historyOf,
  registeredPlayer,
  START_ROOM,
} from '@qf/player-domain/testing';
import { givenProjection } from '../testing';
import { playerDetailsDocument } from './player-details.projection';

const playerDetails = givenProjection(playerDetailsDocument, 'playerDetails');

describe('player_details projection', () => {
  it('a registration creates the whole player at version 1', async () => {
    await playerDetails(registeredPlayer()).then({
      _id: PLAYER_ID,
      name: 'Aria',
      level: 1,
      xp: 0,
      health: 100,
      maxHealth: 100,
      roomId: START_ROOM,
      inventory: [],
      alive: true,
      version: 1,
      updatedAt: HISTORY_TIME,
    });
  });

  it('folds moves, items, damage, healing and levels into one document', async () => {
    await playerDetails(
      registeredPlayer(
        PLAYER_ID,
        { type: 'PlayerMoved', data: { fromRoom: START_ROOM, toRoom: 'room.hall' } },
        { type: 'ItemPickedUp', data: { itemId: 'item.sword', qty: 2 } },
        { type: 'ItemPickedUp', data: { itemId: '__proto__', qty: 1 } },
        { type: 'ItemDropped', data: { itemId: 'item.sword', qty: 1 } },
        { type: 'DamageTaken', data: { amount: 30, health: 70 } },
        { type: 'PlayerHealed', data: { amount: 10, health: 80 } },
        { type: 'ExperienceGained', data: { amount: 150, xp: 150 } },
        { type: 'LevelGained', data: { level: 2, maxHealth: 110, health: 110 } },
      ),
    ).then({
      _id: PLAYER_ID,
      name: 'Aria',
      level: 2,
      xp: 150,
      health: 110,
      maxHealth: 110,
      roomId: 'room.hall',
      inventory: [
        { itemId: 'item.sword', qty: 1 },
        { itemId: '__proto__', qty: 1 },
      ],
      alive: true,
      version: 9,
      updatedAt: HISTORY_TIME,
    });
  });

  it('a dead player keeps the document, with alive false and health 0', async () => {
    await playerDetails(
      registeredPlayer(
        PLAYER_ID,
        { type: 'DamageTaken', data: { amount: 100, health: 0 } },
        { type: 'PlayerDied', data: { roomId: START_ROOM } },
      ),
    ).then((doc) => expect(doc).toMatchObject({ alive: false, health: 0, version: 3 }));
  });

  it('events of a player that never registered make no document', async () => {
    await playerDetails(
      historyOf(PLAYER_ID, { type: 'ItemPickedUp', data: { itemId: 'item.sword', qty: 1 } }),
    ).then(null);
  });

  it('a batch that repeats events (a redelivery) gives the same document', async () => {
    const history = registeredPlayer(PLAYER_ID, {
      type: 'ExperienceGained',
      data: { amount: 40, xp: 40 },
    });
    await playerDetails([...history, ...history]).then((doc) =>
      expect(doc).toMatchObject({ xp: 40, version: 2 }),
    );
  });
});
