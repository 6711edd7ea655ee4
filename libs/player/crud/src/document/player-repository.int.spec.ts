import { MongoClient } from 'mongodb';
import { initialState, tryDecide, type PlayerState } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { databaseName } from '@qf/shared-mongo';
import { uniqueName } from '@qf/shared-testing';
import { recentCommandFor } from './recent-commands';
import { PlayerRepository } from './player-repository';
import { registrationDocument } from '../testing/registration-document';
import {
  guardedUpdateFor,
  insertDocumentFor,
  releaseWrites,
  type GuardedWrite,
} from '../outbox/outbox-writes';

jest.setTimeout(120_000);

// What the CRUD side needs from the Mongo-wire server, checked directly: a single-document
// conditional update is a compare-and-swap. Without it OCC loses updates and the relay's
// $pull can race a command's $push (FerretDB 1.x on SQLite fails this; see the report).
describe('players collection on the Mongo-wire server', () => {
  let client: MongoClient;
  let players: PlayerRepository;
  const db = uniqueName('qf_crud_repo').replace(/-/g, '_');

  beforeAll(async () => {
    client = await new MongoClient(process.env['MONGO_URL']!).connect();
    players = new PlayerRepository(client.db(databaseName({ QF_MONGO_DB: db })));
    await players.ensureIndexes();
  });

  afterAll(async () => {
    await client
      ?.db(db)
      .dropDatabase()
      .catch(() => undefined);
    await client?.close();
  });

  const registered = async (playerId: string): Promise<PlayerState> => {
    const { doc, state } = registrationDocument(playerId);
    expect(await players.insert(doc)).toBe(true);
    return state;
  };

  /** The guarded write of a heal on state, and how to tell it applied. */
  const heal = (state: PlayerState, commandId: string) =>
    [healWrite(state, commandId), { version: state.version + 1, commandId }] as const;

  const healWrite = (state: PlayerState, commandId: string) => {
    const decision = tryDecide(
      aCommand.heal({ playerId: state.id, amount: 1 }, { commandId }),
      state,
    );
    if (!decision.ok) throw decision.error;
    return guardedUpdateFor(
      state.version,
      decision.state,
      decision.events,
      recentCommandFor(commandId, 'h', decision.events),
      'outbox',
      50,
    );
  };

  it('lets exactly one of many concurrent writers guarded by the same version through, again and again (sent together or not)', async () => {
    let state = await registered(`${PLAYER_ID.slice(0, -4)}0001`);
    for (let round = 0; round < 10; round += 1) {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => players.write(...heal(state, `r${round}-w${i}`))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const doc = (await players.load(state.id))!;
      expect(doc.version).toBe(state.version + 1);
      expect(doc.outbox).toHaveLength(round + 2);
      state = { ...state, version: doc.version, updatedAt: doc.updatedAt, health: doc.health };
    }
  });

  it('refuses a second insert of the same id', async () => {
    const state = await registered(`${PLAYER_ID.slice(0, -4)}0002`);
    const decision = tryDecide(
      aCommand.register({ playerId: state.id }, { commandId: 'again' }),
      initialState(state.id),
    );
    if (!decision.ok) throw decision.error;
    expect(
      await players.insert(
        insertDocumentFor(
          decision.state,
          decision.events,
          recentCommandFor('again', 'h', decision.events),
          'outbox',
        ),
      ),
    ).toBe(false);
  });

  it('releases exactly what a relay read, keeps entries pushed meanwhile, and lets only one of two relays that published the same outbox release it', async () => {
    const state = await registered(`${PLAYER_ID.slice(0, -4)}0003`);
    const readAt = new Date();
    // Two relays read the same outbox (one of them had lost its shard lease while paused).
    const [early, late] = await Promise.all([
      players.pendingOutboxesOf({ _id: state.id }, 10),
      players.pendingOutboxesOf({ _id: state.id }, 10),
    ]);
    const readOf = (docs: typeof early) => {
      const doc = docs[0]!;
      return {
        playerId: doc._id,
        version: doc.version,
        entries: doc.outbox!,
        pending: doc.outboxPending!,
        readAt,
      };
    };
    // A command writes after the reads; then both relays release what they saw.
    expect(await players.write(...heal(state, 'during-publish'))).toBe(true);
    const apply = async ({ filter, update }: GuardedWrite) =>
      (await players.collection.updateOne(filter, update)).matchedCount === 1;
    const first = releaseWrites(readOf(early));
    expect(await apply(first.drained)).toBe(false);
    expect(await apply(first.remainder)).toBe(true);
    const second = releaseWrites(readOf(late));
    expect(await apply(second.drained)).toBe(false);
    expect(await apply(second.remainder)).toBe(false);
    const doc = (await players.load(state.id))!;
    expect(doc.outbox?.map((entry) => entry.eventId)).toEqual(['during-publish:0']);
    expect(doc.outboxPending).toBe(1);
    expect(doc.outboxSince).toEqual(readAt);
    const pending = await players.collection.find({ outboxSince: { $exists: true } }).toArray();
    expect(await players.outboxBacklog()).toEqual({
      entries: pending.reduce((sum, d) => sum + d.outboxPending!, 0),
      players: pending.length,
      oldest: new Date(Math.min(...pending.map((d) => d.outboxSince!.getTime()))),
    });
  });
});
