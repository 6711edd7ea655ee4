import type { Db } from 'mongodb';
import { AVOID_CHECKS } from './checks/avoid.checks';
import type { CheckSpec } from './checks/check-spec';
import { INDEX_CHECKS } from './checks/indexes.checks';
import { QUERY_CHECKS } from './checks/query.checks';
import { UPDATE_CHECKS } from './checks/update.checks';
import { WRITE_CHECKS } from './checks/write.checks';
import type { CompatibilityCheck } from './mongo-wire.types';
import { describeMongoError } from './wire-errors';

/** Every check, in the order of their ids (the matrix lists them so). */
const CHECKS: CheckSpec[] = [
  ...WRITE_CHECKS,
  ...UPDATE_CHECKS,
  ...INDEX_CHECKS,
  ...QUERY_CHECKS,
  ...AVOID_CHECKS,
];

export const COMPATIBILITY_CHECK_IDS = CHECKS.map((c) => c.id);

/** Runs every check in order; a check that throws fails (an avoided feature is info). */
export const runChecks = async (db: Db): Promise<CompatibilityCheck[]> => {
  const results: CompatibilityCheck[] = [];
  for (const check of CHECKS) {
    try {
      results.push({ id: check.id, kind: check.kind, ...(await check.run(db)) });
    } catch (error) {
      results.push({
        id: check.id,
        kind: check.kind,
        status: check.kind === 'avoid' ? 'info' : 'fail',
        detail: 'threw',
        error: describeMongoError(error),
      });
    }
  }
  return results;
};
