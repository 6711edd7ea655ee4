import { MongoClient } from 'mongodb';
import { initialState, tryDecide, type PlayerState } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { databaseName } from '@qf/shared-mongo';
import { uniqueName } from '@qf/shared-testing';
import { recentCommandFor } from './recent-commands';
import { PlayerRepository } from './player-repository';
import { registrationDocument } from '../testing/registration-document';
import {
  claimWrite,
  guardedUpdateFor,
  insertDocumentFor,
  releaseWrites,
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

  it('gives a document to one relay at a time, and a release never loses entries pushed meanwhile', async () => {
    const state = await registered(`${PLAYER_ID.slice(0, -4)}0003`);
    const now = new Date();
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((token) => {
        const { filter, update } = claimWrite(
          { _id: state.id, version: state.version, outboxPending: 1 },
          { owner: token, token, until: new Date(now.getTime() + 30_000) },
          now,
        );
        return players.collection.findOneAndUpdate(filter, update, { returnDocument: 'after' });
      }),
    );
    const winners = claims.filter((doc) => doc !== null);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    // A command writes while the outbox is claimed; then the relay releases what it saw.
    expect(await players.write(...heal(state, 'during-claim'))).toBe(true);
    const claim = {
      playerId: state.id,
      token: winner.outboxLease!.token,
      entries: winner.outbox!,
      pending: winner.outboxPending!,
      claimedAt: now,
    };
    const { drained, remainder } = releaseWrites(claim);
    const apply = async ({ filter, update }: typeof drained) =>
      (await players.collection.updateOne(filter, update)).matchedCount === 1;
    expect(await apply(drained)).toBe(false);
    expect(await apply(remainder)).toBe(true);
    const doc = (await players.load(state.id))!;
    expect(doc.outbox?.map((entry) => entry.eventId)).toEqual(['during-claim:0']);
    expect(doc.outboxPending).toBe(1);
    expect(doc.outboxLease).toBeUndefined();
    expect(doc.outboxSince).toEqual(now);
    const pending = await players.collection.find({ outboxSince: { $exists: true } }).toArray();
    expect(await players.outboxBacklog()).toEqual({
      entries: pending.reduce((sum, d) => sum + d.outboxPending!, 0),
      players: pending.length,
      oldest: new Date(Math.min(...pending.map((d) => d.outboxSince!.getTime()))),
    });
  });

  it('splits a batch claimed by several relays at once: every document goes to exactly one', async () => {
    const ids = await Promise.all(
      [10, 11, 12, 13, 14, 15].map(
        async (n) => (await registered(`${PLAYER_ID.slice(0, -4)}00${n}`)).id,
      ),
    );
    const now = new Date();
    const tokens = ['r1', 'r2', 'r3', 'r4'];
    // As the relay claims: one conditional update by _id per candidate, in one bulk.
    const claimAll = (token: string) =>
      players.collection.bulkWrite(
        ids.map((id) => ({
          updateOne: claimWrite(
            { _id: id, version: 1, outboxPending: 1 },
            { owner: token, token, until: new Date(now.getTime() + 30_000) },
            now,
          ),
        })),
        { ordered: false },
      );
    await Promise.all(tokens.map(claimAll));
    const held = await Promise.all(
      tokens.map((token) =>
        players.collection.find({ _id: { $in: ids }, 'outboxLease.token': token }).toArray(),
      ),
    );
    expect(
      held
        .flat()
        .map((doc) => doc._id)
        .sort(),
    ).toEqual([...ids].sort());
    // A second claim while the leases are live takes nothing.
    expect((await claimAll('late')).matchedCount).toBe(0);
  });
});
