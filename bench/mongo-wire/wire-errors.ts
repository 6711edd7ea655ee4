import { MongoBulkWriteError, MongoServerError } from 'mongodb';

/** A driver error in words, with the server's code and every bulk write error. */
export const describeMongoError = (error: unknown): string => {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = (
      Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]
    ).map((e) => `#${e.index} code ${e.code}: ${e.errmsg ?? ''}`);
    return `MongoBulkWriteError code ${String(error.code)}: ${error.message}; writeErrors=[${writeErrors.join('; ')}]`;
  }
  if (error instanceof MongoServerError) {
    return `${error.name} code ${String(error.code)}${error.codeName ? ` (${error.codeName})` : ''}: ${error.message}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
};

/** The server's numeric error code, when the error carries one. */
export const codeOf = (error: unknown): number | undefined => {
  if (error instanceof MongoServerError || error instanceof MongoBulkWriteError) {
    return typeof error.code === 'number' ? error.code : undefined;
  }
  return undefined;
};
