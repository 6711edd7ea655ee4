/* eslint-disable @typescript-eslint/no-require-imports -- patches kafkajs internals on purpose, see below */

/** A kafkajs broker connection, as far as the patch uses it. */
interface CoordinatorBroker {
  isConnected(): boolean;
}

interface GroupCluster {
  findGroupCoordinator(request: { groupId: string }): Promise<CoordinatorBroker>;
}

/** The fields of kafkajs' ConsumerGroup and OffsetManager the patch reads and replaces. */
interface GroupMember {
  cluster: GroupCluster;
  groupId: string;
  coordinator: CoordinatorBroker | null;
}

type Heartbeat = (this: GroupMember, options: { interval: number }) => Promise<void>;
type GetCoordinator = (this: GroupMember) => Promise<CoordinatorBroker>;

/**
 * Errors that say the coordinator's broker could not be reached at all (refused, reset,
 * silent, gone from the metadata), as opposed to a broker answering with an error code,
 * which kafkajs already handles (NOT_COORDINATOR makes it look the coordinator up and rejoin).
 */
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
]);

/** Whether the error says the group coordinator's broker is unreachable. */
export const isUnreachableCoordinator = (error: unknown): boolean =>
  error instanceof Error && UNREACHABLE.has(error.name);

let installed = false;

/**
 * kafkajs 2.2.4 looks a consumer group's coordinator up only when it joins the group, and
 * keeps sending heartbeats (and offset commits: the OffsetManager looks the same node up
 * again) to that broker. When the broker dies, its groups move to another broker within
 * seconds, but every heartbeat still goes to the dead address: a connection error, which
 * the consumer's runner retries with its exponential backoff (8 retries: ≈ 20 s), then
 * crashes and restarts after the last backoff (≈ 19 s); only the restart finds the new
 * coordinator. `qf drill broker-kill` measured it: both command processors decided nothing
 * for 43 s after a SIGKILL of the broker that coordinated their group (docs/reliability.md).
 *
 * This does what the Java client does (mark the coordinator unknown, find it again, keep
 * the membership): a heartbeat whose coordinator cannot be reached looks the group's
 * coordinator up (kafkajs' own lookup, which retries while the group is moving) and is sent
 * again there; an offset commit or fetch whose coordinator is disconnected looks it up too.
 * The member keeps its id and generation, so no rebalance follows when the new coordinator
 * still holds it; when it does not, that coordinator answers UNKNOWN_MEMBER_ID or
 * ILLEGAL_GENERATION and kafkajs rejoins as before.
 */
export const rediscoverGroupCoordinators = (): void => {
  if (installed) return;
  installed = true;
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup') as {
    prototype: { heartbeat: Heartbeat };
  };
  const OffsetManager = require('kafkajs/src/consumer/offsetManager') as {
    prototype: { getCoordinator: GetCoordinator };
  };

  const heartbeat = ConsumerGroup.prototype.heartbeat;
  ConsumerGroup.prototype.heartbeat = async function heartbeatToCurrentCoordinator(options) {
    try {
      return await heartbeat.call(this, options);
    } catch (error) {
      if (!isUnreachableCoordinator(error)) throw error;
      // A lookup that fails too (the whole cluster away) leaves kafkajs its own error to retry.
      const found = await this.cluster
        .findGroupCoordinator({ groupId: this.groupId })
        .catch(() => undefined);
      if (!found) throw error;
      this.coordinator = found;
      return heartbeat.call(this, options);
    }
  };

  const getCoordinator = OffsetManager.prototype.getCoordinator;
  OffsetManager.prototype.getCoordinator = async function currentCoordinator() {
    if (this.coordinator?.isConnected()) return this.coordinator;
    const found = await this.cluster
      .findGroupCoordinator({ groupId: this.groupId })
      .catch(() => undefined);
    if (!found) return getCoordinator.call(this);
    this.coordinator = found;
    return found;
  };
};
