/**
 * The projector's write pattern against a local Mongo-wire server of its own: every 25 ms a
 * round of events over 2,000 players (one player_events insert per event; player_details,
 * room_occupancy and leaderboard replaced, version-guarded, per player), after a preload.
 * Prints the server's CPU and disk writes per event and its file size.
 *
 *   node -r ./tools/register.js bench/mongo-wire/read-model-load.ts [--rate 1500] [--seconds 30]
 *     [--preload 300000] [--port 27121] [--server-arg=--keys-per-page --server-arg=48]
 *
 * Linux only (reads /proc/<pid>/stat and /proc/<pid>/io).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient, type AnyBulkWriteOperation, type Db } from 'mongodb';
import {
  createInfraContext,
  spawnRecorded,
  stopRecorded,
  waitUntil,
  type InfraContext,
} from '@qf/local-infra';
import {
  installMongoWire,
  mongoWireSpawnSpec,
  pingMongo,
} from '../../libs/ops/local-infra/src/components/mongo-wire.component';

/** Read-model documents are keyed by strings (player ids, `<playerId>:<version>`). */
type Doc = { _id: string; [field: string]: unknown };

const PLAYERS = 2000;
const ROUND_MS = 25;
const CLOCK_TICKS_PER_MS = 0.1; // USER_HZ 100

const cpuMsOf = (pid: number): number => {
  const fields = (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_MS;
};

const diskBytesOf = (pid: number): number =>
  Number(/write_bytes: (\d+)/.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);

/** Deterministic player picks (the same sequence for every server compared). */
const picker = (seed = 42) => {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    // The high bits: an LCG's low bits repeat with short periods (state % 2000 picked few players).
    return Math.floor((state / 0x80000000) * PLAYERS);
  };
};

const writeRound = async (
  db: Db,
  versions: number[],
  next: () => number,
  events: number,
): Promise<void> => {
  const inserts: AnyBulkWriteOperation<Doc>[] = [];
  const players = new Set<number>();
  const occurredAt = new Date().toISOString();
  for (let i = 0; i < events; i += 1) {
    const player = next();
    const version = (versions[player] = (versions[player] ?? 0) + 1);
    players.add(player);
    const commandId = `cmd-${player}-${version}`;
    inserts.push({
      insertOne: {
        document: {
          _id: `player-${player}:${version}`,
          playerId: `player-${player}`,
          version,
          eventId: `${commandId}:0`,
          type: 'PlayerMoved',
          data: { from: `room-${(version - 1) % 50}`, to: `room-${version % 50}` },
          schemaVersion: 1,
          occurredAt,
          causationId: commandId,
          correlationId: commandId,
        },
      },
    });
  }
  const replaceOlder = (player: number): AnyBulkWriteOperation<Doc> => {
    const version = versions[player] ?? 0;
    return {
      replaceOne: {
        filter: { _id: `player-${player}`, version: { $lt: version } },
        replacement: {
          name: `Player ${player}`,
          roomId: `room-${version % 50}`,
          level: 1 + (version >> 4),
          xp: version * 7,
          health: 100,
          alive: true,
          inventory: [
            { itemId: 'sword', qty: 1 },
            { itemId: 'potion', qty: version % 5 },
          ],
          version,
        },
        upsert: true,
      },
    };
  };
  const replaces = [...players].map(replaceOlder);
  await db.collection<Doc>('player_details').bulkWrite(replaces, { ordered: false });
  await Promise.all([
    db.collection<Doc>('player_events').bulkWrite(inserts, { ordered: false }),
    db.collection<Doc>('room_occupancy').bulkWrite(replaces, { ordered: false }),
    db.collection<Doc>('leaderboard').bulkWrite(replaces, { ordered: false }),
  ]);
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '1500' },
      seconds: { type: 'string', default: '30' },
      preload: { type: 'string', default: '300000' },
      port: { type: 'string', default: '27121' },
      'server-arg': { type: 'string', multiple: true, default: [] },
    },
  });
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--${name} must be a positive number, got ${raw}`);
    return n;
  };
  const rate = positive('rate', values.rate);
  const seconds = positive('seconds', values.seconds);
  const preload = Math.floor(Number(values.preload));
  if (!Number.isSafeInteger(preload) || preload < 0)
    throw new Error(`--preload must be a whole number ≥ 0, got ${values.preload}`);
  const port = positive('port', values.port);
  const url = `mongodb://127.0.0.1:${port}`;
  if (await pingMongo(url))
    throw new Error(`something already answers on ${url}; pick another --port`);

  const base = createInfraContext();
  const work = path.join(base.localDir, 'tmp-mongo-bench', `read-model-load-${Date.now()}`);
  const ctx: InfraContext = {
    ...base,
    dataDir: path.join(work, 'data'),
    logDir: path.join(work, 'logs'),
    runDir: path.join(work, 'run'),
  };
  await installMongoWire(base, 'mongo-java-server');
  const spec = mongoWireSpawnSpec(ctx, 'mongo-java-server', {
    port,
    dataDir: ctx.dataDir,
    name: 'read-model-load',
  });
  const serverArgs = values['server-arg'];
  const record = spawnRecorded(ctx, { ...spec, args: [...spec.args, ...serverArgs] });
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  try {
    if (!(await waitUntil(() => pingMongo(url), { timeoutMs: 60_000, intervalMs: 200 })))
      throw new Error(`the server did not answer; see ${record.logFile}`);
    await client.connect();
    const db = client.db('qf_read_model_load');
    const versions: number[] = [];
    const next = picker();
    const startedAt = Date.now();
    for (let done = 0; done < preload; done += 500) {
      await writeRound(db, versions, next, Math.min(500, preload - done));
      if ((done / 500) % 100 === 99) {
        const perSecond = done / ((Date.now() - startedAt) / 1000);
        process.stderr.write(
          `preload ${done}/${preload} events, ${Math.round(perSecond)}/s, ETA ${Math.round((preload - done) / perSecond)} s\n`,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const perRound = Math.max(1, Math.round((rate * ROUND_MS) / 1000));
    const cpuBefore = cpuMsOf(record.pid);
    const diskBefore = diskBytesOf(record.pid);
    const t0 = Date.now();
    let events = 0;
    while (Date.now() - t0 < seconds * 1000) {
      const wait = t0 + (events / rate) * 1000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await writeRound(db, versions, next, perRound);
      events += perRound;
    }
    const elapsed = (Date.now() - t0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the background writer's last commit
    const dataFile = fs.readdirSync(ctx.dataDir).find((name) => name.endsWith('.mv'));
    const result = {
      serverArgs,
      preload,
      events,
      achievedPerSecond: Math.round(events / elapsed),
      serverCpuMsPerEvent: Number(((cpuMsOf(record.pid) - cpuBefore) / events).toFixed(4)),
      diskKbPerEvent: Number(((diskBytesOf(record.pid) - diskBefore) / 1024 / events).toFixed(2)),
      fileMb: dataFile
        ? Math.round(fs.statSync(path.join(ctx.dataDir, dataFile)).size / 1048576)
        : undefined,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await client.close(true);
    await stopRecorded(ctx, record, 30_000);
    fs.rmSync(work, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(
    `read-model load failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
