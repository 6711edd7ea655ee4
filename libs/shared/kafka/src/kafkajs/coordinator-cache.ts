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
interface CachedLookup {
  readonly at: number;
  readonly generation: number;
  readonly value: Promise<CoordinatorMetadata>;
  /** The coordinator's node id once the lookup answered. */
  nodeId?: number;
}
const cache = new WeakMap<object, Map<string, CachedLookup>>();

/** The parts of kafkajs' Cluster the cache reads. */
interface ClusterInternals {
  readonly brokerPool?: {
    readonly brokers?: Record<string, { isConnected(): boolean } | undefined>;
  };
}

/**
 * Whether the remembered coordinator's broker is still connected. A coordinator in use
 * keeps its connection open, so only a broker that went away (refused, reset) fails this:
 * its coordinators are looked up again on every request until they have moved, instead of
 * sending every retry to the dead broker for the rest of the TTL (measured with qf drill
 * broker-kill: the processor's transactions retried a killed coordinator for 5 s after
 * the cluster had moved its partitions).
 */
const stillConnected = (cluster: ClusterInternals, nodeId: number | undefined): boolean => {
  if (nodeId === undefined) return true;
  const broker = cluster.brokerPool?.brokers?.[String(nodeId)];
  return broker !== undefined && broker.isConnected();
};
let installed = false;

/**
 * kafkajs sends a FindCoordinator request before every transactional request
 * (AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn): four to five extra round
 * trips per transaction, close to half of all requests a processor sends (measured with
 * 12 transactional producers). This remembers each lookup for ttlMs per kafkajs cluster.
 * A coordinator moves only when a broker fails: a lookup whose broker is no longer
 * connected is not reused, and forgetCoordinators() drops them all (the processor calls it
 * whenever a transaction fails, before rebuilding the partition owner).
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
    if (
      hit &&
      hit.generation === generation &&
      now - hit.at < ttlMs &&
      stillConnected(this as ClusterInternals, hit.nodeId)
    )
      return hit.value;
    const value = original.call(this, request);
    const entry: CachedLookup = { at: now, generation, value };
    entries.set(key, entry);
    value.then(
      (answer) => {
        entry.nodeId = answer.coordinator.nodeId;
      },
      () => entries.delete(key),
    );
    return value;
  };
};

/** Drops every remembered coordinator (after a failure that may come from a moved one). */
export const forgetCoordinators = (): void => {
  generation += 1;
};
