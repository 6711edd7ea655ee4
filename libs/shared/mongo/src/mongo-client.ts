import { MongoClient, type MongoClientOptions } from 'mongodb';
import { infraAddresses, intFromEnv, InvalidEnvironmentError } from '@qf/shared-config';

const CONNECTION_STRING = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?#]+)(?:\/([^?#]*))?(?:[?#].*)?$/;

/**
 * The database named in a MongoDB connection string (undefined when it names none). A
 * replica set's URL lists several hosts (`mongodb://a:27017,b:27017/db?replicaSet=rs0`),
 * which WHATWG URL parsing refuses, so the string is read by its own grammar.
 */
export const databaseFromUrl = (url: string): string | undefined => {
  const match = CONNECTION_STRING.exec(url.trim());
  if (!match) {
    throw new InvalidEnvironmentError(
      'MONGO_URL',
      url,
      'mongodb://[user:pass@]host[:port][,host[:port]…][/database][?options]',
    );
  }
  const path = decodeURIComponent(match[2] ?? '');
  return path === '' ? undefined : path;
};

/** The database name: QF_MONGO_DB, else the path of MONGO_URL, else `questfleet`. */
export const databaseName = (env: NodeJS.ProcessEnv = process.env): string => {
  if (env['QF_MONGO_DB']) return env['QF_MONGO_DB'];
  return databaseFromUrl(infraAddresses(env).mongoUrl) ?? 'questfleet';
};

/** A MongoDB driver client for MONGO_URL (else the local Mongo-wire server); call connect(). */
export const createMongoClient = (options: MongoClientOptions = {}): MongoClient => {
  const url = infraAddresses().mongoUrl;
  databaseFromUrl(url); // a malformed MONGO_URL is named here, not deep in the driver
  return new MongoClient(url, {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 3000,
    maxPoolSize: 20,
    ...options,
  });
};

/** How long one query of a serving request may take on the server (maxTimeMS): QF_MONGO_QUERY_TIMEOUT_MS, default 5 s. */
export const queryTimeoutMs = (env: NodeJS.ProcessEnv = process.env): number =>
  intFromEnv('QF_MONGO_QUERY_TIMEOUT_MS', 5000, { min: 10, max: 600_000 }, env);

/**
 * Client options for a service that answers requests: besides the server's maxTimeMS on
 * each query, the socket gives up a little later, so a server that ignores maxTimeMS (or
 * hangs) still fails the request (504) instead of holding it.
 */
export const servingClientOptions = (env: NodeJS.ProcessEnv = process.env): MongoClientOptions => ({
  socketTimeoutMS: queryTimeoutMs(env) + 2000,
});

/** True for a duplicate-key error (11000): a guarded upsert that met a newer document. */
export const isDuplicateKeyError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;

/**
 * Connects, retrying with a growing pause until the server answers or `stopped()` says to
 * give up. A client whose first (implicit) connect failed keeps answering "Topology is
 * closed" to every later operation, so a service that may start before its database must
 * connect explicitly, which this does without blocking the start.
 */
export const connectInBackground = (
  client: MongoClient,
  options: { stopped?: () => boolean; onRetry?: (attempt: number, error: Error) => void } = {},
): Promise<boolean> =>
  (async () => {
    for (let attempt = 1; !(options.stopped?.() ?? false); attempt += 1) {
      try {
        await client.connect();
        return true;
      } catch (error) {
        options.onRetry?.(attempt, error as Error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * attempt)));
      }
    }
    return false;
  })();
