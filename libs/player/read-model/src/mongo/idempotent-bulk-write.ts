import {
  MongoBulkWriteError,
  type AnyBulkWriteOperation,
  type Collection,
  type Document,
} from 'mongodb';

const DUPLICATE_KEY = 11000;

/**
 * Runs a bulkWrite of version-guarded operations (ordered: false) and resolves to the
 * indexes of the operations the guard refused. A guarded upsert that meets a newer (or,
 * for a compare-and-set, a different) version raises E11000; that is an answer, not a
 * failure. Any other write error rejects, and the caller retries the whole batch (every
 * operation is idempotent, so repeating the ones that did apply is harmless).
 *
 * MongoDB goes on past a failed operation when ordered is false and reports every
 * error; a server that stops at its first error instead reports fewer results than
 * operations, and then the operations after the last reported error are sent again.
 */
export const idempotentBulkWrite = async <T extends Document>(
  collection: Collection<T>,
  operations: readonly AnyBulkWriteOperation<T>[],
): Promise<number[]> => {
  const refused: number[] = [];
  let offset = 0;
  while (offset < operations.length) {
    const slice = offset === 0 ? [...operations] : operations.slice(offset);
    try {
      await collection.bulkWrite(slice, { ordered: false });
      return refused;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) || error.writeConcernError) throw error;
      const writeErrors = Array.isArray(error.writeErrors)
        ? error.writeErrors
        : [error.writeErrors];
      if (
        writeErrors.length === 0 ||
        writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)
      )
        throw error;
      for (const writeError of writeErrors) refused.push(offset + writeError.index);
      const { insertedCount, matchedCount, upsertedCount } = error.result;
      if (insertedCount + matchedCount + upsertedCount + writeErrors.length >= slice.length)
        return refused;
      offset += Math.max(...writeErrors.map((writeError) => writeError.index)) + 1;
    }
  }
  return refused;
};
