import { MongoClient, type Db } from 'mongodb';
import { initialState, tryDecide, type PlayerEvent } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { databaseName } from '@qf/shared-mongo';
import { uniqueName } from '@qf/shared-testing';
import { AuditLog, auditDocumentFor, auditKey } from './audit-log';

jest.setTimeout(120_000);

// History reads by key ({playerVersion: {$in}}, which even a server that serves indexes
// only for exact-key filters answers from its index) must give what the range query gives.
describe('audit_log on the Mongo-wire server', () => {
  const dbName = uniqueName('qf_audit_log').replace(/-/g, '_');
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    client = await new MongoClient(process.env['MONGO_URL']!).connect();
    db = client.db(databaseName({ QF_MONGO_DB: dbName }));
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  /** Versions 1..n of one player: register, then heals. */
  const eventsOf = (playerId: string, n: number): PlayerEvent[] => {
    let state = initialState(playerId);
    const events: PlayerEvent[] = [];
    for (let i = 0; events.length < n; i += 1) {
      const command =
        i === 0
          ? aCommand.register({ playerId }, { commandId: `${playerId}-c0` })
          : aCommand.gainExperience({ playerId, amount: 1 }, { commandId: `${playerId}-c${i}` });
      const decision = tryDecide(command, state);
      if (!decision.ok) throw decision.error;
      state = decision.state;
      events.push(...decision.events);
    }
    return events.slice(0, n);
  };

  it('reads history and state by key like the range query, holes and limit included', async () => {
    const log = new AuditLog(db, 'audit_log_keys');
    await log.ensureIndexes();
    const playerId = `${PLAYER_ID.slice(0, -4)}0201`;
    const events = eventsOf(playerId, 12);
    // Version 5 is still on its way through the relay: a hole.
    const stored = events.filter((event) => event.metadata.version !== 5);
    await log.insertIdempotent(stored.map((event) => auditDocumentFor(event, new Date())));
    const versions = (list: PlayerEvent[]) => list.map((event) => event.metadata.version);

    for (const [from, limit] of [
      [1, 1000],
      [1, 3],
      [4, 2],
      [5, 1],
      [11, 5],
      [13, 1],
    ] as const) {
      expect(versions(await log.history(playerId, from, limit, 12))).toEqual(
        versions(await log.history(playerId, from, limit)),
      );
    }
    expect(versions(await log.history(playerId, 4, 2, 12))).toEqual([4, 6]);
    expect(versions(await log.eventsUpTo(playerId, { version: 7 }, 12))).toEqual(
      versions(await log.eventsUpTo(playerId, { version: 7 })),
    );
    const at = stored[6]!.metadata.occurredAt;
    expect(versions(await log.eventsUpTo(playerId, { at }, 12))).toEqual(
      versions(await log.eventsUpTo(playerId, { at })),
    );

    // One entry per change: the same version under another event id is a duplicate.
    const again = { ...auditDocumentFor(stored[0]!, new Date()), _id: 'another-id' };
    expect(await log.insertIdempotent([again])).toEqual({ duplicates: 1 });
    expect(await log.collection.countDocuments()).toBe(stored.length);
  });

  it('gives entries stored before the key existed their key', async () => {
    const collection = db.collection('audit_log_old');
    const playerId = `${PLAYER_ID.slice(0, -4)}0202`;
    const events = eventsOf(playerId, 3);
    await collection.insertMany(
      events.map((event) => {
        const { playerVersion: _key, ...old } = auditDocumentFor(event, new Date());
        return old as never;
      }),
    );
    const log = new AuditLog(db, 'audit_log_old');
    await log.ensureIndexes();
    expect(
      (await collection.find({}, { projection: { _id: 0, playerVersion: 1 } }).toArray())
        .map((doc) => doc['playerVersion'])
        .sort(),
    ).toEqual([1, 2, 3].map((version) => auditKey(playerId, version)).sort());
    expect((await log.history(playerId, 1, 10, 3)).length).toBe(3);
  });
});
