import {
  fold,
  initialState,
  INVENTORY_CAPACITY,
  inventoryTotal,
  type PlayerCommand,
  type PlayerEvent,
  type PlayerState,
  tryDecide,
} from '@qf/player-domain';
import { seededRandom } from '@qf/shared-config';

/** Settings of a generated event log. */
export interface RandomHistoryOptions {
  readonly players: number;
  /** Commands tried per player after the registration (rejected ones produce nothing). */
  readonly commandsPerPlayer: number;
  readonly seed?: number;
  readonly rooms?: number;
  readonly items?: number;
  /** occurredAt of the first command, in ms since the epoch. */
  readonly startTime?: number;
}

const hex = (random: () => number, length: number): string =>
  Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');

/** A version-4-shaped UUID drawn from random (the API validates player ids as UUIDs). */
export const randomUuid = (random: () => number): string =>
  `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${'89ab'[Math.floor(random() * 4)]}${hex(random, 3)}-${hex(random, 12)}`;

const pick = <T>(random: () => number, values: readonly T[]): T =>
  values[Math.floor(random() * values.length)] as T;
const between = (random: () => number, min: number, max: number) =>
  min + Math.floor(random() * (max - min + 1));

const nextCommand = (random: () => number, state: PlayerState): PlayerCommand['type'] => {
  const roll = random();
  if (roll < 0.2) return 'MovePlayer';
  if (roll < 0.4)
    return inventoryTotal(state.inventory) < INVENTORY_CAPACITY ? 'PickUpItem' : 'DropItem';
  if (roll < 0.52) return 'DropItem';
  if (roll < 0.65) return 'TakeDamage';
  if (roll < 0.77) return 'Heal';
  return 'GainExperience';
};

const commandFor = (
  type: PlayerCommand['type'],
  random: () => number,
  state: PlayerState,
  rooms: string[],
  items: string[],
  metadata: PlayerCommand['metadata'],
): PlayerCommand => {
  const playerId = state.id;
  switch (type) {
    case 'MovePlayer':
      return {
        type,
        data: {
          playerId,
          toRoom: pick(
            random,
            rooms.filter((room) => room !== state.roomId),
          ),
        },
        metadata,
      };
    case 'PickUpItem':
      return {
        type,
        data: { playerId, itemId: pick(random, items), qty: between(random, 1, 3) },
        metadata,
      };
    case 'DropItem': {
      const held = Object.keys(state.inventory);
      return {
        type,
        data: {
          playerId,
          itemId: held.length > 0 ? pick(random, held) : pick(random, items),
          qty: 1,
        },
        metadata,
      };
    }
    case 'TakeDamage':
      // Mostly small hits, so most players live long enough to have a history.
      return {
        type,
        data: { playerId, amount: random() < 0.02 ? 500 : between(random, 1, 25) },
        metadata,
      };
    case 'Heal':
      return { type, data: { playerId, amount: between(random, 1, 30) }, metadata };
    case 'GainExperience':
      return { type, data: { playerId, amount: between(random, 1, 120) }, metadata };
    default:
      throw new Error(`no generator for ${type}`);
  }
};

/**
 * A valid event log of many players, as the command processor would have appended it:
 * each player registers, then tries random commands through the domain's tryDecide
 * (rejections are dropped). Players are interleaved at random; each player's events
 * stay in version order. Command ids are fixed (`${playerId}:cmd-${n}`), so the same
 * seed yields byte-identical events.
 */
export const randomHistories = (options: RandomHistoryOptions): PlayerEvent[] => [
  ...generateHistories(options),
];

/**
 * The events of randomHistories one at a time (the same events for the same options),
 * so a benchmark can stream a log of millions of events without holding it in memory.
 */
export function* generateHistories(
  options: RandomHistoryOptions,
): Generator<PlayerEvent, void, undefined> {
  const random = seededRandom(options.seed ?? 1);
  const rooms = Array.from({ length: Math.max(2, options.rooms ?? 8) }, (_, i) => `room.${i}`);
  const items = Array.from({ length: Math.max(1, options.items ?? 6) }, (_, i) => `item.${i}`);
  const start = options.startTime ?? Date.parse('2025-01-01T00:00:00.000Z');
  const players = Array.from({ length: options.players }, () => ({
    state: initialState(randomUuid(random)),
    tried: -1,
  }));
  let clock = 0;
  const active = [...players];
  while (active.length > 0) {
    const index = Math.floor(random() * active.length);
    const player = active[index] as (typeof active)[number];
    const metadata = {
      commandId: `${player.state.id}:cmd-${player.tried + 1}`,
      correlationId: `${player.state.id}:corr-${player.tried + 1}`,
      occurredAt: new Date(start + clock).toISOString(),
    };
    clock += 1;
    const command: PlayerCommand =
      player.tried < 0
        ? {
            type: 'RegisterPlayer',
            data: {
              playerId: player.state.id,
              name: `Player ${player.state.id.slice(0, 8)}`,
              startRoom: pick(random, rooms),
            },
            metadata,
          }
        : commandFor(
            nextCommand(random, player.state),
            random,
            player.state,
            rooms,
            items,
            metadata,
          );
    const decision = tryDecide(command, player.state);
    if (decision.ok) {
      yield* decision.events;
      player.state = decision.state;
    }
    player.tried += 1;
    if (player.tried >= options.commandsPerPlayer) {
      active[index] = active[active.length - 1] as (typeof active)[number];
      active.pop();
    }
  }
}

/** The state of every player in a log (the reference the read models must equal). */
export const foldLog = (log: readonly PlayerEvent[]): Map<string, PlayerState> => {
  const byPlayer = new Map<string, PlayerEvent[]>();
  for (const event of log) {
    const list = byPlayer.get(event.metadata.aggregateId) ?? [];
    list.push(event);
    byPlayer.set(event.metadata.aggregateId, list);
  }
  return new Map([...byPlayer].map(([id, events]) => [id, fold(id, events)]));
};
