import { randomUUID } from 'node:crypto';
import type { RequestTarget } from './http-target';
import type { Operation } from './open-loop';
import { indexSampler, weightedChoice, type KeyDistribution, type Random } from './sampling';

/** The operations of the shared player API (same paths on the ES and CRUD sides). */
export const OPERATION_KINDS = [
  'register',
  'move',
  'pick-up',
  'drop',
  'take-damage',
  'heal',
  'gain-experience',
  'get-player',
  'get-room',
  'leaderboard',
  'history',
  'state-at',
] as const;

export type OperationKind = (typeof OPERATION_KINDS)[number];

export const isOperationKind = (value: string): value is OperationKind =>
  (OPERATION_KINDS as readonly string[]).includes(value);

/** Weights of each operation in a scenario's mix. */
export type OperationMix = Partial<Record<OperationKind, number>>;

/** A load scenario: a pool of players and a weighted mix of operations over them. */
export interface ScenarioSpec {
  readonly name: string;
  /** Players registered before the measured run. */
  readonly players: number;
  readonly mix: OperationMix;
  readonly distribution: KeyDistribution;
  readonly rooms: number;
  readonly items: number;
}

/** Built-in mixes. Damage is smaller than heal + level-ups, drops balance pick-ups: most commands are accepted. */
export const SCENARIOS: Readonly<Record<string, Omit<ScenarioSpec, 'players' | 'distribution'>>> = {
  'write-heavy': {
    name: 'write-heavy',
    mix: { move: 30, 'pick-up': 20, drop: 15, 'take-damage': 10, heal: 10, 'gain-experience': 15 },
    rooms: 50,
    items: 20,
  },
  'read-heavy': {
    name: 'read-heavy',
    mix: {
      move: 6,
      'pick-up': 4,
      'take-damage': 2,
      heal: 2,
      'gain-experience': 6,
      'get-player': 60,
      'get-room': 10,
      leaderboard: 5,
      history: 5,
    },
    rooms: 50,
    items: 20,
  },
};

/** Parses `move=30,pick-up=20` into a mix; throws naming the bad part. */
export const parseMix = (text: string): OperationMix => {
  const mix: OperationMix = {};
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const match = /^([a-z-]+)=(\d+(?:\.\d+)?)$/.exec(part);
    if (!match || !isOperationKind(match[1] as string)) {
      throw new Error(
        `mix: "${part}" is not OPERATION=WEIGHT with OPERATION one of ${OPERATION_KINDS.join(', ')}`,
      );
    }
    mix[match[1] as OperationKind] = Number(match[2]);
  }
  if (Object.values(mix).every((weight) => !weight))
    throw new Error('mix: no operation has a positive weight');
  return mix;
};

const amount = (random: Random, max: number) => 1 + Math.floor(random() * max);

/**
 * Turns a scenario into operations against a target: registers the player pool first, then
 * hands out one operation per call of next(), each on a player chosen by the scenario's
 * distribution (uniform, or Zipf for hot keys). Reads may go to another base URL (the ES
 * query service) than commands.
 */
export class ScenarioDriver {
  private readonly playerIds: string[] = [];
  private pickPlayer: () => number = () => 0;
  /** When the pool was registered: `state-at` asks for a past instant after it. */
  private registeredAt = Date.now();
  private readonly pickKind: () => OperationKind;

  constructor(
    private readonly spec: ScenarioSpec,
    private readonly commands: RequestTarget,
    private readonly reads: RequestTarget,
    private readonly random: Random,
  ) {
    this.pickKind = weightedChoice(
      Object.entries(spec.mix) as Array<[OperationKind, number]>,
      random,
    );
  }

  get players(): readonly string[] {
    return this.playerIds;
  }

  /** Registers the pool (closed loop, `concurrency` at a time); throws when a registration fails. */
  async registerPlayers(concurrency = 64, onProgress?: (done: number) => void): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.spec.players) {
        next += 1;
        const playerId = randomUUID();
        const response = await this.commands.post('/players', {
          playerId,
          name: `p${this.playerIds.length}`,
          startRoom: this.room(),
        });
        if (response.status !== 201 && response.status !== 200) {
          throw new Error(
            `registering a player answered ${response.status}: ${response.body.slice(0, 300)}`,
          );
        }
        this.playerIds.push(playerId);
        if (onProgress && this.playerIds.length % 1000 === 0) onProgress(this.playerIds.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.spec.players) }, worker));
    this.pickPlayer = indexSampler(this.playerIds.length, this.spec.distribution, this.random);
    this.registeredAt = Date.now();
  }

  /** The next operation of the mix. */
  next(): Operation {
    const kind = this.pickKind();
    if (kind === 'register') {
      return {
        label: kind,
        run: async () =>
          (
            await this.commands.post('/players', {
              playerId: randomUUID(),
              name: 'newcomer',
              startRoom: this.room(),
            })
          ).status,
      };
    }
    const player = this.playerIds[this.pickPlayer()];
    if (player === undefined)
      throw new Error('no players registered: call registerPlayers() first');
    const command = (action: string, body: unknown): Operation => ({
      label: kind,
      run: () => this.postStatus(`/players/${player}/${action}`, body),
    });
    const read = (path: string): Operation => ({
      label: kind,
      run: async () => (await this.reads.get(path)).status,
    });
    switch (kind) {
      case 'move':
        return command('move', { toRoom: this.room() });
      case 'pick-up':
        return command('pick-up', { itemId: this.item(), qty: 1 });
      case 'drop':
        return command('drop', { itemId: this.item(), qty: 1 });
      case 'take-damage':
        return command('take-damage', { amount: amount(this.random, 5) });
      case 'heal':
        return command('heal', { amount: amount(this.random, 10) });
      case 'gain-experience':
        return command('gain-experience', { amount: amount(this.random, 50) });
      case 'get-player':
        return read(`/players/${player}`);
      case 'get-room':
        return read(`/rooms/${this.room()}/players`);
      case 'leaderboard':
        return read('/leaderboard?limit=10');
      case 'history':
        return read(`/players/${player}/history?limit=100`);
      case 'state-at':
        // A past instant after the pool was registered, so every player existed by then.
        return read(`/players/${player}/state?at=${this.pastInstant()}`);
    }
  }

  /** A command's status; its body is not read when the target can skip it. */
  private async postStatus(path: string, body: unknown): Promise<number> {
    if (this.commands.postStatus) return this.commands.postStatus(path, body);
    return (await this.commands.post(path, body)).status;
  }

  private pastInstant(): string {
    const now = Date.now();
    return new Date(
      this.registeredAt + Math.floor(this.random() * Math.max(0, now - this.registeredAt)),
    ).toISOString();
  }

  private room(): string {
    return `room-${Math.floor(this.random() * this.spec.rooms)}`;
  }

  private item(): string {
    return `item-${Math.floor(this.random() * this.spec.items)}`;
  }
}
