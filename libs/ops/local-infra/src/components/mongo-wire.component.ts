import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { InfraComponent } from '../component';
import type { InfraContext } from '../infra-context';
import { failureWithLogTail } from '../process/log-tail';
import {
  findRecorded,
  isRecordedAlive,
  logPathFor,
  spawnRecorded,
  type SpawnSpec,
} from '../process/pid-registry';
import { requireTool } from '../process/require-tool';
import { runToCompletion } from '../process/run-command';
import { waitUntilReadyOrExited, watchRecorded } from '../process/wait-until-ready-or-exited';
import { INFRA_PREFIX } from '../process/names';

/**
 * The local MongoDB-wire server (MongoDB itself is in no registry reachable here).
 * Chosen by measurement, see docs/adr/0001-mongo-wire-server.md:
 *   - default: mongo-java-server 1.47 with its durable H2 MVStore backend (deploy/local/mongo-java-server),
 *   - QF_MONGO_BACKEND=ferretdb: FerretDB 1.24 embedded, SQLite backend (deploy/local/ferretdb).
 * Env: MONGO_URL (use an external server), QF_MONGO_PORT (27017), QF_MONGO_BACKEND, QF_MONGO_HEAP (384m).
 */
export const MONGO_JAVA_SERVER_VERSION = '1.47.0';
export const FERRETDB_VERSION = '1.24.2';

export type MongoWireBackend = 'mongo-java-server' | 'ferretdb';

/** One process name for either backend, so `infra down`/`status` find it (prefix `infra-mongo`). */
export const MONGO_PROCESS = `${INFRA_PREFIX}mongo`;

const port = () => Number(process.env['QF_MONGO_PORT'] ?? 27017);
const localUrl = () => `mongodb://127.0.0.1:${port()}`;
const heap = () => process.env['QF_MONGO_HEAP'] ?? '384m';

export const selectedMongoBackend = (env: NodeJS.ProcessEnv = process.env): MongoWireBackend => {
  const value = (env['QF_MONGO_BACKEND'] ?? 'mongo-java-server').trim().toLowerCase();
  if (value === 'mongo-java-server' || value === 'mjs' || value === '') return 'mongo-java-server';
  if (value === 'ferretdb' || value === 'ferret') return 'ferretdb';
  throw new Error(
    `QF_MONGO_BACKEND must be mongo-java-server or ferretdb, got ${JSON.stringify(value)}`,
  );
};

/** A real `ping` through the Node driver (not only an open port). */
export const pingMongo = async (url: string, timeoutMs = 1500): Promise<boolean> => {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs * 2,
    maxPoolSize: 1,
  });
  try {
    await client.connect();
    const answer = await client.db('admin').command({ ping: 1 });
    return answer['ok'] === 1;
  } catch {
    return false;
  } finally {
    await client.close(true).catch(() => undefined);
  }
};

/** Hash of a source tree, so `install` rebuilds when the wrapper's sources change. */
const sourceHash = (dir: string, files: readonly string[]): string => {
  const hash = createHash('sha256');
  const walk = (relative: string) => {
    const full = path.join(dir, relative);
    if (!fs.existsSync(full)) return;
    if (fs.statSync(full).isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) walk(path.join(relative, entry));
      return;
    }
    hash.update(relative).update('\0').update(fs.readFileSync(full)).update('\0');
  };
  files.forEach(walk);
  return hash.digest('hex').slice(0, 16);
};

interface Backend {
  readonly backend: MongoWireBackend;
  readonly describe: string;
  /** Program file the process runs (for the pid record check). */
  readonly command: string;
  isInstalled(ctx: InfraContext): boolean;
  build(ctx: InfraContext): Promise<void>;
  spawnSpec(ctx: InfraContext, options: { port: number; dataDir: string }): SpawnSpec;
  dataPath(dataDir: string): string;
}

// --------------------------------------------------------------------------------------------
// mongo-java-server + H2 MVStore

const mjsSources = (ctx: InfraContext) => path.join(ctx.root, 'deploy/local/mongo-java-server');
const mjsHash = (ctx: InfraContext) => sourceHash(mjsSources(ctx), ['pom.xml', 'src']);
/**
 * One build directory per source version: a rebuild after the sources changed never
 * overwrites the jar a running server still loads classes from (it would fail with
 * NoClassDefFoundError at its next first use of a class).
 */
const mjsOut = (ctx: InfraContext) => path.join(ctx.cacheDir, 'mongo-java-server', mjsHash(ctx));
const mjsJar = (ctx: InfraContext) => path.join(mjsOut(ctx), 'qf-mongo-wire.jar');
const mjsMarker = (ctx: InfraContext) => path.join(mjsOut(ctx), '.build-hash');

const mongoJavaServer: Backend = {
  backend: 'mongo-java-server',
  describe: `mongo-java-server ${MONGO_JAVA_SERVER_VERSION} (H2 MVStore)`,
  command: 'java',
  isInstalled: (ctx) =>
    fs.existsSync(mjsJar(ctx)) &&
    fs.existsSync(mjsMarker(ctx)) &&
    fs.readFileSync(mjsMarker(ctx), 'utf8').trim() === mjsHash(ctx),
  async build(ctx) {
    requireTool('java', 'a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)');
    requireTool('mvn', 'Apache Maven 3.8+ (Debian: apt-get install maven)');
    fs.mkdirSync(mjsOut(ctx), { recursive: true });
    fs.mkdirSync(ctx.logDir, { recursive: true });
    ctx.log(
      `mongo: building mongo-java-server ${MONGO_JAVA_SERVER_VERSION} wrapper with Maven (once)…`,
    );
    // Stale jars of an older version must not stay on the manifest class path.
    fs.rmSync(path.join(mjsOut(ctx), 'lib'), { recursive: true, force: true });
    await runToCompletion(
      'mongo: mvn package (mongo-java-server wrapper)',
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        path.join(mjsSources(ctx), 'pom.xml'),
        'package',
        `-Dqf.out=${mjsOut(ctx)}`,
      ],
      {
        cwd: ctx.root,
        logFile: path.join(ctx.logDir, 'mongo-install.log'),
        env: { ...process.env, MAVEN_OPTS: process.env['MAVEN_OPTS'] ?? '-Xmx384m' },
      },
    );
    fs.writeFileSync(mjsMarker(ctx), mjsHash(ctx));
  },
  // The BSON storage format (ADR 0001) lives in its own file: a store of the older format is left alone.
  dataPath: (dataDir) => path.join(dataDir, 'mongo-java-server-bson.mv'),
  spawnSpec(ctx, { port: listenPort, dataDir }) {
    return {
      name: MONGO_PROCESS,
      command: 'java',
      args: [
        `-Xmx${heap()}`,
        '-XX:+UseSerialGC',
        '-XX:+ExitOnOutOfMemoryError',
        '-Djava.awt.headless=true',
        '-jar',
        mjsJar(ctx),
        '--host',
        '127.0.0.1',
        '--port',
        String(listenPort),
        '--data-file',
        mongoJavaServer.dataPath(dataDir),
      ],
    };
  },
};

// --------------------------------------------------------------------------------------------
// FerretDB 1.x embedded, SQLite backend

const ferretSources = (ctx: InfraContext) => path.join(ctx.root, 'deploy/local/ferretdb');
const ferretOut = (ctx: InfraContext) => path.join(ctx.cacheDir, 'ferretdb');
const ferretBinary = (ctx: InfraContext) => path.join(ferretOut(ctx), 'qf-ferretdb');
const ferretMarker = (ctx: InfraContext) => path.join(ferretOut(ctx), '.build-hash');
const ferretHash = (ctx: InfraContext) =>
  sourceHash(ferretSources(ctx), ['go.mod', 'go.sum', 'main.go']);

const ferretDb: Backend = {
  backend: 'ferretdb',
  describe: `FerretDB ${FERRETDB_VERSION} embedded (SQLite)`,
  command: 'qf-ferretdb',
  isInstalled: (ctx) =>
    fs.existsSync(ferretBinary(ctx)) &&
    fs.existsSync(ferretMarker(ctx)) &&
    fs.readFileSync(ferretMarker(ctx), 'utf8').trim() === ferretHash(ctx),
  async build(ctx) {
    requireTool('go', "Go 1.24+ (https://go.dev/dl/; Debian bookworm's golang-go is too old)");
    fs.mkdirSync(ferretOut(ctx), { recursive: true });
    fs.mkdirSync(ctx.logDir, { recursive: true });
    ctx.log(
      `mongo: building FerretDB ${FERRETDB_VERSION} (embedded) with Go (once, a few minutes)…`,
    );
    await runToCompletion(
      'mongo: go build (FerretDB wrapper)',
      'go',
      ['build', '-trimpath', '-o', ferretBinary(ctx), '.'],
      {
        cwd: ferretSources(ctx),
        logFile: path.join(ctx.logDir, 'mongo-install.log'),
        env: { ...process.env, GOFLAGS: '-mod=mod' },
      },
    );
    fs.writeFileSync(ferretMarker(ctx), ferretHash(ctx));
  },
  dataPath: (dataDir) => path.join(dataDir, 'ferretdb-sqlite'),
  spawnSpec(ctx, { port: listenPort, dataDir }) {
    return {
      name: MONGO_PROCESS,
      command: ferretBinary(ctx),
      args: [
        '--listen-addr',
        `127.0.0.1:${listenPort}`,
        '--state-dir',
        ferretDb.dataPath(dataDir),
        '--log-level',
        'warn',
      ],
    };
  },
};

const BACKENDS: Record<MongoWireBackend, Backend> = {
  'mongo-java-server': mongoJavaServer,
  ferretdb: ferretDb,
};

/** Command line of a server for `backend` on `port` with data under `dataDir` (benchmarks, restart checks). */
export const mongoWireSpawnSpec = (
  ctx: InfraContext,
  backend: MongoWireBackend,
  options: { port: number; dataDir: string; name?: string },
): SpawnSpec => ({
  ...BACKENDS[backend].spawnSpec(ctx, options),
  ...(options.name ? { name: options.name } : {}),
});

/** Builds `backend` into ctx.cacheDir unless it is there and its sources are unchanged. */
export const installMongoWire = async (
  ctx: InfraContext,
  backend: MongoWireBackend,
): Promise<void> => {
  const impl = BACKENDS[backend];
  if (!impl.isInstalled(ctx)) await impl.build(ctx);
};

const makeComponent = (pick: () => Backend): InfraComponent => ({
  name: 'mongo',

  external: () => process.env['MONGO_URL'] || undefined,

  localAddress: () => localUrl(),

  install: (ctx) => installMongoWire(ctx, pick().backend),

  async start(ctx: InfraContext): Promise<void> {
    const impl = pick();
    const existing = findRecorded(ctx, MONGO_PROCESS);
    if (existing && isRecordedAlive(existing)) {
      const runs =
        existing.command === impl.command || path.basename(existing.command) === impl.command;
      if (!runs) {
        throw new Error(
          `mongo: a ${path.basename(existing.command)} server (pid ${existing.pid}) already runs but ${impl.backend} was asked for; run \`qf infra down\` first`,
        );
      }
      await waitUntilReadyOrExited({
        servers: [watchRecorded(`mongo: ${impl.backend}`, existing)],
        isReady: () => pingMongo(localUrl()),
        timeoutMs: 30_000,
        intervalMs: 300,
        timeoutError: () =>
          failureWithLogTail(
            `mongo: recorded server pid ${existing.pid} does not answer ping at ${localUrl()}`,
            existing.logFile,
          ),
      });
      return;
    }
    // Someone else's server on the port is used as it is (as for Redis).
    if (await pingMongo(localUrl())) return;
    const dataDir = path.join(ctx.dataDir, 'mongo');
    fs.mkdirSync(dataDir, { recursive: true });
    const record = spawnRecorded(ctx, impl.spawnSpec(ctx, { port: port(), dataDir }));
    await waitUntilReadyOrExited({
      servers: [watchRecorded(`mongo: ${impl.backend}`, record)],
      isReady: () => pingMongo(localUrl()),
      timeoutMs: 60_000,
      intervalMs: 300,
      timeoutError: () =>
        failureWithLogTail(
          `mongo: ${impl.describe} did not answer ping at ${localUrl()} within 60 s`,
          logPathFor(ctx, MONGO_PROCESS),
        ),
    });
  },

  // Generous: a busy server (benchmarks, a replay) answers slowly but is healthy.
  isHealthy: (address: string) => pingMongo(address, 5000),

  async describe(ctx: InfraContext): Promise<string | undefined> {
    const record = findRecorded(ctx, MONGO_PROCESS);
    if (!record || !isRecordedAlive(record)) return 'pre-existing server on the port';
    const impl =
      Object.values(BACKENDS).find((b) => path.basename(record.command) === b.command) ?? pick();
    return `${impl.describe}, pid ${record.pid}, data ${impl.dataPath(path.join(ctx.dataDir, 'mongo'))}`;
  },
});

/** mongo-java-server + H2 MVStore, whatever QF_MONGO_BACKEND says. */
export const mongoJavaServerComponent: InfraComponent = makeComponent(() => mongoJavaServer);

/** FerretDB embedded (SQLite), whatever QF_MONGO_BACKEND says. Known gaps: see the ADR. */
export const ferretDbComponent: InfraComponent = makeComponent(() => ferretDb);

/** The component `qf infra up` uses: mongo-java-server unless QF_MONGO_BACKEND=ferretdb. */
export const mongoWireComponent: InfraComponent = makeComponent(
  () => BACKENDS[selectedMongoBackend()],
);
