import type { Db } from 'mongodb';
import type { CompatibilityCheck } from '../mongo-wire.types';

export type CheckFn = (db: Db) => Promise<Omit<CompatibilityCheck, 'id' | 'kind'>>;

/** One compatibility check: what the project relies on (or avoids), tried on a fresh collection. */
export interface CheckSpec {
  readonly id: string;
  readonly kind: CompatibilityCheck['kind'];
  readonly run: CheckFn;
}

/** Equal as JSON (order of keys and elements included). */
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
