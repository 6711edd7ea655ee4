/* eslint-disable @typescript-eslint/no-require-imports -- patches a kafkajs internal on purpose, see below */

interface CoordinatorMetadata {
  readonly coordinator: { readonly nodeId: number; readonly host: string; readonly port: number };
}
type Lookup = (
  this: object,
  request: { groupId: string; coordinatorType?: number },
) => Promise<CoordinatorMetadata>;

let ttlMs = 0;
let generation = 0;
const cache = new WeakMap<
  object,
  Map<string, { at: number; generation: number; value: Promise<CoordinatorMetadata> }>
>();
let installed = false;

/**
 * kafkajs sends a FindCoordinator request before every transactional request
 * (AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn): four to five extra round
 * trips per transaction, close to half of all requests a processor sends (measured with
 * 12 transactional producers). This remembers each lookup for ttlMs per kafkajs cluster.
 * A coordinator moves only when a broker fails; a stale answer then makes requests fail
 * until it expires or forgetCoordinators() is called (the processor calls it whenever a
 * transaction fails, before rebuilding the partition owner).
 */
export const cacheCoordinatorLookups = (options: { ttlMs: number }): void => {
  ttlMs = options.ttlMs;
  if (installed) return;
  installed = true;
  const Cluster = require('kafkajs/src/cluster') as {
    prototype: { findGroupCoordinatorMetadata: Lookup };
  };
  const original = Cluster.prototype.findGroupCoordinatorMetadata;
  Cluster.prototype.findGroupCoordinatorMetadata = function cachedLookup(request) {
    if (ttlMs <= 0) return original.call(this, request);
    const key = `${request.coordinatorType ?? 0}:${request.groupId}`;
    const entries = cache.get(this) ?? new Map();
    cache.set(this, entries);
    const hit = entries.get(key);
    const now = Date.now();
    if (hit && hit.generation === generation && now - hit.at < ttlMs) return hit.value;
    const value = original.call(this, request);
    entries.set(key, { at: now, generation, value });
    value.catch(() => entries.delete(key));
    return value;
  };
};

/** Drops every remembered coordinator (after a failure that may come from a moved one). */
export const forgetCoordinators = (): void => {
  generation += 1;
};
