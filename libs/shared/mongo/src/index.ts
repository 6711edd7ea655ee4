export { createMongoClient, databaseName, isDuplicateKeyError } from './mongo-client';
