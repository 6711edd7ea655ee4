import { MongoNetworkError, MongoServerError } from 'mongodb';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import type { PlayerDocument } from '../document/player-document';
import type { PlayerRepository } from '../document/player-repository';
import type { GuardedWrite } from '../outbox/outbox-writes';
import { CrudCommandExecutor } from './crud-command-executor';

/** The repository contract the executor relies on, in memory: guarded writes match on version. */
class InMemoryPlayers {
  doc: PlayerDocument | null = null;
  /** Writes to lose on purpose, as if another writer had moved the version first. */
  loseNext = 0;
  loads = 0;
  /** Writes to fail with a dropped connection after applying them (the worst case). */
  dropAfterWrite = 0;
  writes = 0;
  async load() {
    this.loads += 1;
    return this.doc ? structuredClone(this.doc) : null;
  }
  async insert(doc: PlayerDocument) {
    if (this.doc) return false;
    this.doc = structuredClone(doc);
    this.writes += 1;
    return true;
  }
  async write({ filter, update }: GuardedWrite) {
    if (this.loseNext > 0) {
      this.loseNext -= 1;
      return false;
    }
    if (!this.doc || this.doc.version !== (filter as { version: number }).version) return false;
    const u = update as any;
    const recent = [...this.doc.recent, ...u.$push.recent.$each].slice(u.$push.recent.$slice);
    const outbox = [...(this.doc.outbox ?? []), ...(u.$push.outbox?.$each ?? [])];
    this.doc = { ...this.doc, ...u.$set, recent, outbox, outboxPending: outbox.length };
    this.writes += 1;
    if (this.dropAfterWrite > 0) {
      this.dropAfterWrite -= 1;
      throw new MongoNetworkError('connection 7 to 127.0.0.1:27017 closed');
    }
    return true;
  }
}

/** stateCache 0: every attempt reads, as the OCC tests below expect. */
const setup = (maxAttempts = 3, stateCache = 0) => {
  const players = new InMemoryPlayers();
  const delays: number[] = [];
  const executor = new CrudCommandExecutor(players as unknown as PlayerRepository, {
    mode: 'outbox',
    retry: { maxAttempts, baseDelayMs: 4, maxDelayMs: 100 },
    recentLimit: 2,
    stateCache,
    random: () => 0.5,
    sleep: async (ms) => void delays.push(ms),
  });
  return { players, executor, delays };
};

describe('CrudCommandExecutor (OCC loop, idempotency) over an in-memory repository', () => {
  it('registers by insert and refuses a second registration of the same id as the domain does', async () => {
    const { executor, players } = setup();
    await expect(
      executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h'),
    ).resolves.toMatchObject({ playerId: PLAYER_ID, version: 1 });
    await expect(
      executor.execute(aCommand.register({}, { commandId: 'r2' }), 'h'),
    ).rejects.toMatchObject({ code: 'PLAYER.ALREADY_REGISTERED' });
    expect(players.doc?.outbox?.map((e) => e.eventId)).toEqual(['r1:0']);
  });

  it('answers a repeated command id with the first outcome and writes nothing; another body is 422', async () => {
    const { executor, players } = setup();
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    const first = await executor.execute(
      aCommand.move({ toRoom: 'hall' }, { commandId: 'm1' }),
      'hm',
    );
    const writes = players.writes;
    await expect(
      executor.execute(aCommand.move({ toRoom: 'hall' }, { commandId: 'm1' }), 'hm'),
    ).resolves.toEqual(first);
    expect(players.writes).toBe(writes);
    await expect(
      executor.execute(aCommand.move({ toRoom: 'cellar' }, { commandId: 'm1' }), 'other'),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED', status: 422 });
  });

  it('retries a lost race with backoff and then succeeds on the new version', async () => {
    const { executor, players, delays } = setup();
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    players.loseNext = 2;
    await expect(
      executor.execute(aCommand.heal({ amount: 5 }, { commandId: 'h1' }), 'h'),
    ).resolves.toMatchObject({ version: 2 });
    expect(delays).toEqual([2, 4]);
  });

  it('answers 409 PLAYER.VERSION_CONFLICT after the last attempt', async () => {
    const { executor, players } = setup(3);
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    players.loseNext = 3;
    await expect(
      executor.execute(aCommand.heal({ amount: 5 }, { commandId: 'h1' }), 'h'),
    ).rejects.toMatchObject({
      code: 'PLAYER.VERSION_CONFLICT',
      status: 409,
      extensions: { attempts: 3 },
    });
    expect(players.doc?.version).toBe(1);
  });

  it('keeps occurredAt non-decreasing along the versions', async () => {
    const { executor } = setup();
    await executor.execute(
      aCommand.register({}, { commandId: 'r1', occurredAt: '2025-01-01T12:00:05.000Z' }),
      'h',
    );
    const late = await executor.execute(
      aCommand.heal({ amount: 1 }, { commandId: 'h1', occurredAt: '2025-01-01T12:00:01.000Z' }),
      'h',
    );
    expect(late.events[0]?.occurredAt).toBe('2025-01-01T12:00:05.000Z');
  });

  it('retries a command whose write was applied but whose answer was lost, answering the first outcome once', async () => {
    const { executor, players } = setup();
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    players.dropAfterWrite = 1;
    await expect(
      executor.execute(aCommand.heal({ amount: 5 }, { commandId: 'h1' }), 'h'),
    ).resolves.toMatchObject({ version: 2, events: [{ eventId: 'h1:0' }] });
    expect(players.doc?.version).toBe(2);
    expect(players.doc?.outbox?.map((e) => e.eventId)).toEqual(['r1:0', 'h1:0']);
  });

  it('answers 503 after repeated connection failures, and does not retry other database errors', async () => {
    const { executor, players } = setup();
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    players.load = async () => {
      throw new MongoNetworkError('closed');
    };
    await expect(
      executor.execute(aCommand.heal({ amount: 5 }, { commandId: 'h2' }), 'h'),
    ).rejects.toMatchObject({ code: 'SERVICE.UNAVAILABLE', status: 503, retriable: true });
    players.load = async () => {
      throw new MongoServerError({ message: 'bad', code: 2 });
    };
    await expect(
      executor.execute(aCommand.heal({ amount: 5 }, { commandId: 'h3' }), 'h'),
    ).rejects.toBeInstanceOf(MongoServerError);
  });

  it("decides a player's next command on the document it wrote last, without reading it", async () => {
    const { executor, players } = setup(3, 10);
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    const loads = players.loads;
    await executor.execute(aCommand.heal({ amount: 5 }, { commandId: 'h1' }), 'h');
    await executor.execute(aCommand.gainExperience({ amount: 5 }, { commandId: 'x1' }), 'h');
    expect(players.loads).toBe(loads);
    expect(players.doc?.version).toBe(3);
    // A repeated key is answered from the copy too, with the first outcome.
    await expect(
      executor.execute(aCommand.heal({ amount: 5 }, { commandId: 'h1' }), 'h'),
    ).resolves.toMatchObject({ version: 2 });
    expect(players.writes).toBe(3);
  });

  it('reads again, without a backoff or a conflict, when another writer moved the version', async () => {
    const { executor, players, delays } = setup(1, 10);
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    // Another process: the stored document moves on without this executor.
    players.doc = { ...players.doc!, version: 2, xp: 40 };
    await expect(
      executor.execute(aCommand.heal({ amount: 5 }, { commandId: 'h1' }), 'h'),
    ).resolves.toMatchObject({ version: 3 });
    expect(players.doc?.xp).toBe(40);
    expect(delays).toEqual([]);
  });

  it('checks a rejection decided on the copy against the stored document', async () => {
    const { executor, players } = setup(3, 10);
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    // The copy says this player holds nothing; another process stored a pick-up meanwhile.
    players.doc = {
      ...players.doc!,
      version: 2,
      inventory: [{ itemId: 'sword', qty: 1 }],
    } as typeof players.doc;
    await expect(
      executor.execute(aCommand.drop({ itemId: 'sword', qty: 1 }, { commandId: 'd1' }), 'h'),
    ).resolves.toMatchObject({ version: 3 });
  });

  it('runs the commands of one player one after another', async () => {
    const { executor, players } = setup(1, 10);
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    // With maxAttempts 1 a race between these would end in a 409.
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((id) =>
        executor.execute(aCommand.gainExperience({ amount: 1 }, { commandId: id }), 'h'),
      ),
    );
    expect(results.map((result) => result.version)).toEqual([2, 3, 4, 5]);
    expect(players.doc?.version).toBe(5);
  });
});
