import type { MongoClient } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { readModelCollections } from '@qf/player-read-model';
import { expectedReadModels, readModelSnapshot } from '@qf/player-read-model/testing';
import { readEventLog, eventLogViolations } from '@qf/player-es-write/testing';
import { createMongoClient } from '@qf/shared-mongo';
import { eventually, uniqueName } from '@qf/shared-testing';
import { fleetDown, fleetScale, fleetStatus, fleetUp } from './fleet';
import { planReplicas } from './fleet-plan';

/**
 * The whole ES fleet as separate pm2 processes (a named fleet on shifted ports, so it
 * never touches the default one), projectors scaled 1 → 3 → 1 while commands flow:
 * afterwards the read models equal a fold of the event log — nothing lost, nothing
 * applied twice across the rebalances.
 */
const PARTITIONS = 4;
const PLAYERS = 24;
const ROOMS = ['hall', 'cellar', 'tower'] as const;

const suffix = uniqueName('s')
  .replace(/[^a-z0-9]/g, '')
  .slice(-8);
// Ports above Linux's ephemeral range (32768-60999): gRPC 63051…, where no outgoing connection can hold one.
process.env['QF_FLEET_ID'] = `t${suffix}`;
process.env['QF_FLEET_PORT_OFFSET'] = String(
  13_000 + (Number.parseInt(suffix.slice(-3), 36) % 40) * 10,
);
const prefix = `scale-${suffix}-`;
const database = `qf_scale_${suffix}`;
const env = {
  QF_TOPIC_PREFIX: prefix,
  QF_MONGO_DB: database,
  QF_PARTITIONS: String(PARTITIONS),
  QF_LOG_LEVEL: 'warn',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the ES fleet as separate processes (a named fleet on shifted ports)', () => {
  let mongo: MongoClient;
  const gatewayUrl = () =>
    `http://127.0.0.1:${planReplicas({ 'command-gateway': 1 })[0]!.httpPort}`;
  const queryUrl = () => `http://127.0.0.1:${planReplicas({ 'query-service': 1 })[0]!.httpPort}`;

  beforeAll(async () => {
    mongo = createMongoClient();
    await mongo.connect();
    await fleetUp({ arch: 'es', env, healthTimeoutMs: 120_000 });
  });

  afterAll(async () => {
    await fleetDown().catch(() => undefined);
    await mongo
      .db(database)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  });

  const send = async (path: string, body: unknown) => {
    const response = await fetch(`${gatewayUrl()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300)
      throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { playerId: string; version: number };
  };

  it('reads your writes: gateway → processor → projector → query with minVersion', async () => {
    const { playerId, version: registered } = await send('/players', {
      name: 'ryw',
      startRoom: ROOMS[0],
    });
    let version = registered;
    for (let step = 1; step <= 20; step += 1) {
      ({ version } = await send(`/players/${playerId}/gain-experience`, { amount: step }));
      // Right after the decision, with no sleep: the query waits until the view reaches it.
      const response = await fetch(`${queryUrl()}/players/${playerId}?minVersion=${version}`);
      expect(response.status).toBe(200);
      const view = (await response.json()) as { version: number; xp: number };
      expect(view.version).toBeGreaterThanOrEqual(version);
      expect(view.xp).toBe((step * (step + 1)) / 2);
    }
  });

  it('scales projectors 1 → 3 → 1 under load; read models stay equal to a fold of the log', async () => {
    const players = await Promise.all(
      Array.from({ length: PLAYERS }, (_, i) =>
        send('/players', { name: `scaler-${i}`, startRoom: ROOMS[0] }),
      ),
    );
    const lastVersion = new Map(players.map((p) => [p.playerId, p.version]));

    // Each worker owns its players and sends their commands one after another, so every
    // command is valid; across workers the load is concurrent (~60 commands/s in all).
    let running = true;
    const workers = players.map(async ({ playerId }, index) => {
      let room = 0;
      let step = 0;
      while (running) {
        step += 1;
        const answer =
          step % 3 === 0
            ? send(`/players/${playerId}/move`, {
                toRoom: ROOMS[(room = (room + 1) % ROOMS.length)],
              })
            : step % 3 === 1
              ? send(`/players/${playerId}/gain-experience`, { amount: 5 + (step % 7) })
              : send(`/players/${playerId}/pick-up`, { itemId: `gem-${index % 3}`, qty: 1 });
        lastVersion.set(playerId, (await answer).version);
        await sleep(350);
      }
    });

    await sleep(3000);
    await fleetScale({ projector: 3 }, { env });
    await sleep(5000);
    const during = await fleetStatus();
    expect(
      during.filter((replica) => replica.service === 'projector' && replica.health === 'ok'),
    ).toHaveLength(3);
    await fleetScale({ projector: 1 }, { env });
    await sleep(3000);
    running = false;
    await Promise.all(workers);

    // Every player's last accepted version becomes visible through the query API.
    for (const [playerId, version] of lastVersion) {
      const response = await fetch(`${queryUrl()}/players/${playerId}?minVersion=${version}`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { version: number }).version).toBe(version);
    }

    const log = await readEventLog(topicNames(prefix), PARTITIONS);
    expect(eventLogViolations(log)).toEqual([]);
    expect(log.length).toBeGreaterThan(PLAYERS * 5);
    const expected = expectedReadModels(log.map((stored) => stored.event));
    await eventually(
      async () => {
        const actual = await readModelSnapshot(mongo.db(database), readModelCollections());
        expect(actual.playerDetails).toEqual(expected.playerDetails);
        expect(actual.leaderboard).toEqual(expected.leaderboard);
        expect(actual.roomOccupancy).toEqual(expected.roomOccupancy);
        expect(actual.playerEvents).toEqual(expected.playerEvents);
      },
      { timeoutMs: 30_000 },
    );
  });
});
