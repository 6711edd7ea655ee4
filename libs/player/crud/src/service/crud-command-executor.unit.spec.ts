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
  /** Runs after each applied write: another process acting between this one's writes. */
  afterWrite?: () => void;
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
    this.afterWrite?.();
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

describe('CrudCommandExecutor group commit per player', () => {
  /** Lets the executor finish its bookkeeping, so the next command finds no write out. */
  const idle = () => new Promise((resolve) => setImmediate(resolve));

  it("decides the commands that queue behind a player's write into one write, each with its own outcome", async () => {
    const { executor, players } = setup(1, 10);
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    await idle();
    const writes = players.writes;
    const results = await Promise.allSettled([
      executor.execute(aCommand.gainExperience({ amount: 1 }, { commandId: 'a' }), 'h'),
      // These four wait for the first write, then go in one.
      executor.execute(aCommand.pickUp({}, { commandId: 'b' }), 'h'),
      executor.execute(aCommand.drop({ qty: 2 }, { commandId: 'c' }), 'h'),
      executor.execute(aCommand.pickUp({}, { commandId: 'b' }), 'h'),
      executor.execute(aCommand.drop({}, { commandId: 'd' }), 'h'),
    ]);
    expect(players.writes - writes).toBe(2);
    const [a, b, c, bAgain, d] = results;
    expect(a).toMatchObject({ status: 'fulfilled', value: { version: 2 } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { version: 3 } });
    // Decided on the state b left: holds one gem, so dropping two is refused, alone.
    expect(c).toMatchObject({ status: 'rejected', reason: { code: 'PLAYER.INSUFFICIENT_ITEMS' } });
    // The same key again within the group: the first outcome, applied once.
    expect(bAgain).toEqual(b);
    expect(d).toMatchObject({ status: 'fulfilled', value: { version: 4 } });
    expect(players.doc?.version).toBe(4);
    expect(players.doc?.outbox?.map((entry) => entry.eventId)).toEqual([
      'r1:0',
      'a:0',
      'b:0',
      'd:0',
    ]);
    expect(players.doc?.recent.map((entry) => entry.commandId)).toEqual(['b', 'd']);
  });

  it('inserts a registration together with the commands that queued behind it', async () => {
    const { executor, players } = setup(1, 10);
    const [early, ...results] = await Promise.allSettled([
      // Goes alone (a read); the others queue behind it and go in one insert.
      executor.execute(aCommand.heal({ amount: 1 }, { commandId: 'early' }), 'h'),
      executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h'),
      executor.execute(aCommand.gainExperience({ amount: 1 }, { commandId: 'x1' }), 'h'),
      executor.execute(aCommand.gainExperience({ amount: 1 }, { commandId: 'x2' }), 'h'),
      executor.execute(aCommand.gainExperience({ amount: 1 }, { commandId: 'x3' }), 'h'),
    ]);
    expect(early).toMatchObject({ status: 'rejected', reason: { code: 'PLAYER.NOT_FOUND' } });
    expect(results.map((result) => result.status === 'fulfilled' && result.value.version)).toEqual([
      1, 2, 3, 4,
    ]);
    expect(players.writes).toBe(1);
    expect(players.doc?.outbox?.map((entry) => entry.eventId)).toEqual([
      'r1:0',
      'x1:0',
      'x2:0',
      'x3:0',
    ]);
    // Two kept whole (recentLimit 2), the others packed: a retry of r1 applies nothing.
    expect(players.doc?.recent.map((entry) => entry.commandId)).toEqual(['x2', 'x3']);
    await expect(
      executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h'),
    ).resolves.toMatchObject({ version: 1 });
    expect(players.writes).toBe(1);
  });

  it('packs the ids a group pushes out of recent, so a later retry of any of them applies nothing', async () => {
    const { executor, players } = setup(1, 10);
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    await Promise.all(
      ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'].map((id) =>
        executor.execute(aCommand.heal({ amount: 1 }, { commandId: id }), 'h'),
      ),
    );
    expect(players.doc?.version).toBe(7);
    const writes = players.writes;
    for (const id of ['r1', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5'])
      await expect(
        executor.execute(aCommand.heal({ amount: 1 }, { commandId: id }), 'h'),
      ).resolves.toMatchObject({ events: [{ eventId: `${id}:0` }] });
    expect(players.writes).toBe(writes);
  });

  it('decides the whole group again on the stored document when the kept copy was stale', async () => {
    const { executor, players, delays } = setup(1, 10);
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    await executor.execute(aCommand.pickUp({}, { commandId: 'p1' }), 'h');
    // Another process drops the sword right after this one's next write.
    players.afterWrite = () => {
      players.afterWrite = undefined;
      players.doc = { ...players.doc!, version: 4, inventory: [] } as typeof players.doc;
    };
    await idle();
    const [first, drop, heal] = await Promise.allSettled([
      executor.execute(aCommand.heal({ amount: 1 }, { commandId: 'h0' }), 'h'),
      executor.execute(aCommand.drop({}, { commandId: 'd1' }), 'h'),
      executor.execute(aCommand.heal({ amount: 1 }, { commandId: 'h1' }), 'h'),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { version: 3 } });
    // On the copy both were accepted; the guard refused the write, the stored document decides.
    expect(drop).toMatchObject({
      status: 'rejected',
      reason: { code: 'PLAYER.INSUFFICIENT_ITEMS' },
    });
    expect(heal).toMatchObject({ status: 'fulfilled', value: { version: 5 } });
    expect(players.doc?.outbox?.map((entry) => entry.eventId)).toEqual([
      'r1:0',
      'p1:0',
      'h0:0',
      'h1:0',
    ]);
    expect(delays).toEqual([]);
  });
});

describe('CrudCommandExecutor idempotency horizon (simulated clock)', () => {
  const MINUTE = 60_000;
  const clocked = () => {
    const players = new InMemoryPlayers();
    let now = Date.parse('2026-12-05T12:00:00.000Z');
    const executor = new CrudCommandExecutor(players as unknown as PlayerRepository, {
      mode: 'outbox',
      recentLimit: 4,
      stateCache: 0,
      now: () => now,
    });
    return { players, executor, advance: (ms: number) => (now += ms) };
  };

  it('answers a keyed retry 10 minutes and 1,000 commands later with the first outcome, applying nothing', async () => {
    const { players, executor, advance } = clocked();
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    const first = await executor.execute(
      aCommand.gainExperience({ amount: 350 }, { commandId: 'xp-1' }),
      'hx',
    );
    for (let i = 0; i < 1000; i += 1) {
      advance(600);
      await executor.execute(aCommand.heal({ amount: 1 }, { commandId: `h${i}` }), 'h');
    }
    const { version, outbox } = players.doc!;
    // Not among the last four, so answered from the packed ids and the pending outbox.
    expect(players.doc!.recent.map((entry) => entry.commandId)).not.toContain('xp-1');
    await expect(
      executor.execute(aCommand.gainExperience({ amount: 350 }, { commandId: 'xp-1' }), 'hx'),
    ).resolves.toEqual(first);
    expect(players.doc!.version).toBe(version);
    expect(players.doc!.outbox).toHaveLength(outbox!.length);
    await expect(
      executor.execute(aCommand.gainExperience({ amount: 1 }, { commandId: 'xp-1' }), 'other'),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });
  });

  it('decides a retry again once the horizon has passed', async () => {
    const { players, executor, advance } = clocked();
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    await executor.execute(aCommand.heal({ amount: 1 }, { commandId: 'h1' }), 'h');
    for (let i = 0; i < 5; i += 1)
      await executor.execute(aCommand.heal({ amount: 1 }, { commandId: `x${i}` }), 'h');
    advance(16 * MINUTE);
    await expect(
      executor.execute(aCommand.heal({ amount: 1 }, { commandId: 'h1' }), 'h'),
    ).resolves.toMatchObject({ version: 8 });
    expect(players.doc!.version).toBe(8);
  });

  it('answers 503 when an old outcome is neither pending nor in the audit log yet', async () => {
    const { players, executor } = clocked();
    await executor.execute(aCommand.register({}, { commandId: 'r1' }), 'h');
    await executor.execute(aCommand.heal({ amount: 1 }, { commandId: 'h1' }), 'h');
    for (let i = 0; i < 5; i += 1)
      await executor.execute(aCommand.heal({ amount: 1 }, { commandId: `x${i}` }), 'h');
    // The relay published everything; the audit consumer has not stored it.
    players.doc = { ...players.doc!, outbox: [], outboxPending: 0 };
    await expect(
      executor.execute(aCommand.heal({ amount: 1 }, { commandId: 'h1' }), 'h'),
    ).rejects.toMatchObject({ code: 'SERVICE.UNAVAILABLE', status: 503 });
    expect(players.doc!.version).toBe(7);
  });
});
