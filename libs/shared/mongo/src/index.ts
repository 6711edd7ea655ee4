export {
  connectInBackground,
  createMongoClient,
  databaseFromUrl,
  databaseName,
  isDuplicateKeyError,
  queryTimeoutMs,
  servingClientOptions,
} from './mongo-client';
