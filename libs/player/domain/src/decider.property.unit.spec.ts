import fc from 'fast-check';
import {
  decide,
  fold,
  initialState,
  INVENTORY_CAPACITY,
  inventoryTotal,
  levelForXp,
  MAX_HEALTH_PER_LEVEL,
  type PlayerCommand,
  type PlayerEvent,
  type PlayerState,
  START_MAX_HEALTH,
  tryDecide,
  xpToReachLevel,
} from './index';
import { aCommand, PLAYER_ID } from './testing';

// Mostly valid values so sequences get deep into the game, with a share of invalid
// ones so every rejection path is walked too.
const room = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom('room.a', 'room.b', 'room.c') },
  { weight: 1, arbitrary: fc.constantFrom('', 'bad room', 'r'.repeat(65)) },
);
const item = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.constantFrom('item.sword', 'item.potion', '__proto__', 'constructor', 'toString'),
  },
  { weight: 1, arbitrary: fc.constantFrom('', 'bad item') },
);
const qty = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 1, max: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 50, 51, 1_000_001) },
);
const amount = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 60 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 2_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -5, 0.5, Number.NaN, 1_000_001) },
);
const name = fc.oneof(
  fc.constantFrom('Aria', '', '   ', 'x'.repeat(33)),
  fc.string({ maxLength: 40 }),
);
const playerId = fc.oneof(
  { weight: 19, arbitrary: fc.constant(PLAYER_ID) },
  { weight: 1, arbitrary: fc.constant('someone-else') },
);

const command: fc.Arbitrary<(commandId: string) => PlayerCommand> = fc.oneof(
  fc
    .record({ playerId, name, startRoom: room })
    .map((data) => (id: string) => aCommand.register(data, { commandId: id })),
  fc
    .record({ playerId, toRoom: room })
    .map((data) => (id: string) => aCommand.move(data, { commandId: id })),
  fc
    .record({ playerId, itemId: item, qty })
    .map((data) => (id: string) => aCommand.pickUp(data, { commandId: id })),
  fc
    .record({ playerId, itemId: item, qty })
    .map((data) => (id: string) => aCommand.drop(data, { commandId: id })),
  fc
    .record({ playerId, amount })
    .map((data) => (id: string) => aCommand.takeDamage(data, { commandId: id })),
  fc
    .record({ playerId, amount })
    .map((data) => (id: string) => aCommand.heal(data, { commandId: id })),
  fc
    .record({ playerId, amount })
    .map((data) => (id: string) => aCommand.gainExperience(data, { commandId: id })),
);

/** Command sequences, usually opened by a valid registration so the player exists. */
const commands = fc
  .tuple(fc.boolean(), fc.array(command, { maxLength: 60 }))
  .map(([register, rest]) => [...(register ? [() => aCommand.register()] : []), ...rest])
  .map((makers) => makers.map((make, index) => make(`cmd-${index}`)));

interface Run {
  state: PlayerState;
  events: PlayerEvent[];
  rejections: number;
}

const run = (
  sequence: readonly PlayerCommand[],
  onStep?: (before: PlayerState, command: PlayerCommand) => void,
): Run =>
  sequence.reduce<Run>(
    (acc, cmd) => {
      onStep?.(acc.state, cmd);
      const decision = tryDecide(cmd, acc.state);
      return decision.ok
        ? { ...acc, state: decision.state, events: [...acc.events, ...decision.events] }
        : { ...acc, rejections: acc.rejections + 1 };
    },
    { state: initialState(PLAYER_ID), events: [], rejections: 0 },
  );

const expectInvariants = (state: PlayerState, events: readonly PlayerEvent[]): void => {
  expect(events.map((e) => e.metadata.version)).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e.metadata.eventId)).size).toBe(events.length);
  expect(state.version).toBe(events.length);
  if (!state.registered) {
    expect(state).toEqual(initialState(PLAYER_ID));
    return;
  }
  expect(state.health).toBeGreaterThanOrEqual(0);
  expect(state.health).toBeLessThanOrEqual(state.maxHealth);
  expect(state.alive).toBe(state.health > 0);
  expect(state.level).toBe(levelForXp(state.xp));
  expect(xpToReachLevel(state.level)).toBeLessThanOrEqual(state.xp);
  expect(xpToReachLevel(state.level + 1)).toBeGreaterThan(state.xp);
  expect(state.maxHealth).toBe(START_MAX_HEALTH + MAX_HEALTH_PER_LEVEL * (state.level - 1));
  for (const quantity of Object.values(state.inventory)) {
    expect(Number.isSafeInteger(quantity) && quantity > 0).toBe(true);
  }
  expect(inventoryTotal(state.inventory)).toBeLessThanOrEqual(INVENTORY_CAPACITY);
};

describe('decider properties', () => {
  it('keeps every invariant after any sequence of commands', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        let events: PlayerEvent[] = [];
        let state = initialState(PLAYER_ID);
        for (const cmd of sequence) {
          const decision = tryDecide(cmd, state);
          if (!decision.ok) continue;
          events = [...events, ...decision.events];
          state = decision.state;
          expectInvariants(state, events);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('folds the emitted events back into exactly the incremental state', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const { state, events } = run(sequence);
        expect(fold(PLAYER_ID, events)).toEqual(state);
        expect(fold(PLAYER_ID, events)).toEqual(fold(PLAYER_ID, events));
      }),
      { numRuns: 300 },
    );
  });

  it('emits nothing and changes nothing when it rejects', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        run(sequence, (before, cmd) => {
          const snapshot = structuredClone(before);
          Object.freeze(before.inventory);
          Object.freeze(before);
          let events: PlayerEvent[] | undefined;
          try {
            events = decide(cmd, before);
          } catch {
            expect(tryDecide(cmd, before)).toEqual({ ok: false, error: expect.anything() });
          }
          if (events) expect(events.length).toBeGreaterThan(0);
          expect(before).toEqual(snapshot);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('decides the same command on the same state the same way every time', () => {
    fc.assert(
      fc.property(commands, command, (sequence, next) => {
        const { state } = run(sequence);
        const cmd = next('again');
        expect(tryDecide(cmd, state)).toEqual(tryDecide(cmd, state));
      }),
      { numRuns: 200 },
    );
  });

  it('does reach deep states (the generators are not vacuous)', () => {
    const samples = fc
      .sample(commands, { numRuns: 300, seed: 42 })
      .map((sequence) => run(sequence));
    expect(samples.some(({ state }) => state.level >= 3)).toBe(true);
    expect(samples.some(({ state }) => state.registered && !state.alive)).toBe(true);
    expect(samples.some(({ state }) => inventoryTotal(state.inventory) >= 40)).toBe(true);
    expect(samples.some(({ rejections }) => rejections > 5)).toBe(true);
  });
});
