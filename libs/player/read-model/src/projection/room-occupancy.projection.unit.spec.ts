import { PLAYER_ID, registeredPlayer, START_ROOM } from '@qf/player-domain/testing';
import { givenProjection } from '../testing';
import { roomOccupancyDocument } from './room-occupancy.projection';

const roomOccupancy = givenProjection(roomOccupancyDocument, 'roomOccupancy');

describe('room_occupancy projection', () => {
  it('lists a registered player in the start room with the inventory', async () => {
    await roomOccupancy(
      registeredPlayer(PLAYER_ID, { type: 'ItemPickedUp', data: { itemId: 'item.key', qty: 1 } }),
    ).then({
      _id: PLAYER_ID,
      roomId: START_ROOM,
      name: 'Aria',
      level: 1,
      health: 100,
      alive: true,
      inventory: [{ itemId: 'item.key', qty: 1 }],
      version: 2,
    });
  });

  it('a move leaves the old room and enters the new one in the same document', async () => {
    await roomOccupancy(
      registeredPlayer(
        PLAYER_ID,
        { type: 'PlayerMoved', data: { fromRoom: START_ROOM, toRoom: 'room.hall' } },
        { type: 'PlayerMoved', data: { fromRoom: 'room.hall', toRoom: 'room.vault' } },
      ),
    ).then((doc) => expect(doc).toMatchObject({ roomId: 'room.vault', version: 3 }));
  });

  it('a player who died stays listed in the room, as not alive', async () => {
    await roomOccupancy(
      registeredPlayer(
        PLAYER_ID,
        { type: 'DamageTaken', data: { amount: 120, health: 0 } },
        { type: 'PlayerDied', data: { roomId: START_ROOM } },
      ),
    ).then((doc) => expect(doc).toMatchObject({ roomId: START_ROOM, alive: false, health: 0 }));
  });
});
