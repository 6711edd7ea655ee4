import * as grpc from '@grpc/grpc-js';
import { toEventView } from '@qf/player-wire';
import { fold, type PlayerEvent, type PlayerState } from '@qf/player-domain';
import { grpcClients } from '@qf/player-api';
import { cacheKeyPrefix, playerViewFromState } from '@qf/player-read-model';
import { foldLog, produceEvents, randomHistories } from '@qf/player-read-model/testing';
import { eventually } from '@qf/shared-testing';
import { useServedReadModels } from './testing/served-read-models';

jest.setTimeout(180_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

const http = fetch as (
  ...args: Parameters<typeof fetch>
) => Promise<Omit<Response, 'json'> & { json(): Promise<any> }>;

// The query service in process over a projector in process, both on the real Kafka,
// Mongo-wire server and Redis; events are produced onto player.events directly.
describe('query-service (REST + gRPC over the read models)', () => {
  const served = useServedReadModels('qsvc', {
    partitions: 4,
    redis: true,
    serviceEnv: { QF_MIN_VERSION_WAIT_MS: '3000', QF_MIN_VERSION_POLL_MS: '20' },
  });
  const log = randomHistories({ players: 8, commandsPerPlayer: 20, seed: 21 });
  const states = foldLog(log);
  const ids = [...states.keys()];

  const get = async (path: string) => {
    const response = await http(`${served.service.url}${path}`);
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: await response.json(),
    };
  };

  beforeAll(async () => {
    await produceEvents(served.producer, served.topics.events, log);
    await eventually(async () => {
      for (const [id, state] of states)
        expect((await get(`/players/${id}`)).body.version).toBe(state.version);
    });
  });

  it('GET /players/{id} answers the PlayerView of the folded log (from Redis or Mongo alike)', async () => {
    for (const [id, state] of states) {
      const first = await get(`/players/${id}`);
      expect(first.status).toBe(200);
      expect(first.body).toEqual(playerViewFromState(state));
      await served.redis.del(`${cacheKeyPrefix(served.db.databaseName)}${id}`); // a miss: Mongo answers and refills
      expect((await get(`/players/${id}`)).body).toEqual(playerViewFromState(state));
      expect(await served.redis.hget(`${cacheKeyPrefix(served.db.databaseName)}${id}`, 'v')).toBe(
        String(state.version),
      );
    }
  });

  it('GET /rooms/{roomId}/players lists the players in the room with their inventories', async () => {
    const byRoom = new Map<string, PlayerState[]>();
    for (const state of states.values())
      byRoom.set(state.roomId, [...(byRoom.get(state.roomId) ?? []), state]);
    for (const [roomId, inRoom] of byRoom) {
      const { status, body } = await get(`/rooms/${roomId}/players`);
      expect(status).toBe(200);
      expect(body).toEqual({
        roomId,
        next: null,
        players: inRoom
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map(({ id, name, level, health, alive, inventory, version }) => ({
            playerId: id,
            name,
            level,
            health,
            alive,
            inventory,
            version,
          })),
      });
    }
    expect(await get('/rooms/room.nobody-here/players')).toMatchObject({
      status: 200,
      body: { roomId: 'room.nobody-here', players: [] },
    });
  });

  it('GET /leaderboard?limit= ranks by level, then xp', async () => {
    const ranked = [...states.values()].sort(
      (a, b) => b.level - a.level || b.xp - a.xp || (a.id < b.id ? -1 : 1),
    );
    const { status, body } = await get('/leaderboard?limit=5');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      entries: ranked.slice(0, 5).map(({ id, name, level, xp }, index) => ({
        rank: index + 1,
        playerId: id,
        name,
        level,
        xp,
      })),
    });
  });

  it('GET /players/{id}/history answers the events in version order, and pages', async () => {
    const id = ids[0]!;
    const events = log.filter((event) => event.metadata.aggregateId === id);
    expect(await get(`/players/${id}/history`)).toMatchObject({
      status: 200,
      body: { playerId: id, events: events.map(toEventView) },
    });
    const page = await get(`/players/${id}/history?fromVersion=3&limit=2`);
    expect(page.body.events.map((event: { version: number }) => event.version)).toEqual([3, 4]);
  });

  it('GET /players/{id}/state?version=N|at=ISO folds the event index up to a version or a time', async () => {
    const id = ids[1]!;
    const events = log.filter((event) => event.metadata.aggregateId === id);
    expect(await get(`/players/${id}/state?version=3`)).toMatchObject({
      status: 200,
      body: {
        playerId: id,
        asOf: { version: 3 },
        state: playerViewFromState(fold(id, events.slice(0, 3))),
      },
    });
    const at = events[3]!.metadata.occurredAt;
    const upTo = events.filter((event) => Date.parse(event.metadata.occurredAt) <= Date.parse(at));
    expect(await get(`/players/${id}/state?at=${encodeURIComponent(at)}`)).toMatchObject({
      status: 200,
      body: { playerId: id, asOf: { at }, state: playerViewFromState(fold(id, upTo)) },
    });
    expect((await get(`/players/${id}/state?at=2000-01-01T00:00:00Z`)).status).toBe(404);
  });

  it('answers problems: 404 for an unknown player, 400 for a malformed id', async () => {
    const unknown = await get('/players/00000000-0000-4000-8000-000000000000');
    expect(unknown).toMatchObject({ status: 404, body: { code: 'PLAYER.NOT_FOUND' } });
    expect(unknown.type).toContain('application/problem+json');
    expect((await get('/players/not-a-uuid')).status).toBe(400);
    expect((await get('/players/00000000-0000-4000-8000-000000000000/history')).status).toBe(404);
  });

  it('serves the same view over gRPC (questfleet.v1 PlayerQueries/GetPlayer)', async () => {
    const client = new grpcClients.PlayerQueries(
      `127.0.0.1:${served.service.grpcPort}`,
      grpc.credentials.createInsecure(),
    ) as any;
    try {
      const id = ids[2]!;
      const reply = await new Promise<any>((resolve, reject) =>
        client.GetPlayer({ playerId: id }, (error: unknown, value: unknown) =>
          error ? reject(error) : resolve(value),
        ),
      );
      expect(reply).toEqual(playerViewFromState(states.get(id)!));
    } finally {
      client.close();
    }
  });

  it('minVersion waits for a later event to arrive, then answers it', async () => {
    const events: PlayerEvent[] = randomHistories({ players: 1, commandsPerPlayer: 6, seed: 22 });
    const id = events[0]!.metadata.aggregateId;
    await produceEvents(served.producer, served.topics.events, events.slice(0, 3));
    await eventually(async () => expect((await get(`/players/${id}`)).body.version).toBe(3));

    const waiting = get(`/players/${id}?minVersion=${events.length}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await produceEvents(served.producer, served.topics.events, events.slice(3));
    expect(await waiting).toMatchObject({ status: 200, body: { version: events.length } });
    expect((await waiting).body).toEqual(playerViewFromState(fold(id, events)));
  });

  it('minVersion beyond what arrives answers, after the bounded wait, with the version it has', async () => {
    const id = ids[3]!;
    const { status, body } = await get(
      `/players/${id}?minVersion=${states.get(id)!.version + 100}`,
    );
    expect(status).toBe(200);
    expect(body.version).toBe(states.get(id)!.version);
  });
});
