import { MongoClient, type MongoClientOptions } from 'mongodb';
import { infraAddresses } from '@qf/shared-config';

/** The database name: QF_MONGO_DB, else the path of MONGO_URL, else `questfleet`. */
export const databaseName = (env: NodeJS.ProcessEnv = process.env): string => {
  if (env['QF_MONGO_DB']) return env['QF_MONGO_DB'];
  const path = new URL(infraAddresses(env).mongoUrl).pathname.replace(/^\//, '');
  return path || 'questfleet';
};

/** A MongoDB driver client for MONGO_URL (else the local Mongo-wire server); call connect(). */
export const createMongoClient = (options: MongoClientOptions = {}): MongoClient =>
  new MongoClient(infraAddresses().mongoUrl, {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 3000,
    maxPoolSize: 20,
    ...options,
  });

/** True for a duplicate-key error (11000): a guarded upsert that met a newer document. */
export const isDuplicateKeyError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
