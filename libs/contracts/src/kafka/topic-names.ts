/** The Kafka topics of the fleet. A prefix (QF_TOPIC_PREFIX) lets tests and experiment
 * runs use their own topics on a shared broker. */
export interface TopicNames {
  /** Commands from the gateway, key = player id. */
  readonly commands: string;
  /** The event store: infinite retention, key = player id. */
  readonly events: string;
  /** Compacted state changelog, key = player id. */
  readonly snapshots: string;
  /**
   * What the command processors decided, one compact record per input partition and
   * transaction (command ids with their outcomes, the last decided offset): exactly-once
   * and the idempotency horizon across failovers. Compacted by partition after a lag.
   */
  readonly ledger: string;
  /** Decisions routed back to the waiting gateway (explicit reply partition). */
  readonly replies: string;
  /** Commands that crashed the decider (not rejections: those are replies). */
  readonly commandsDeadLetter: string;
  /** Events a projection could not apply. */
  readonly eventsDeadLetter: string;
  /** The CRUD side's audit events, key = player id. */
  readonly crudAudit: string;
  /** Audit events the audit consumer could not store. */
  readonly crudAuditDeadLetter: string;
}

export const topicNames = (prefix: string = process.env['QF_TOPIC_PREFIX'] ?? ''): TopicNames => ({
  commands: `${prefix}player.commands`,
  events: `${prefix}player.events`,
  snapshots: `${prefix}player.snapshots`,
  ledger: `${prefix}player.ledger`,
  replies: `${prefix}command.replies`,
  commandsDeadLetter: `${prefix}player.commands.dlq`,
  eventsDeadLetter: `${prefix}player.events.dlq`,
  crudAudit: `${prefix}crud.audit`,
  crudAuditDeadLetter: `${prefix}crud.audit.dlq`,
});

/** Default partition count of every write-path topic (QF_PARTITIONS overrides). */
export const DEFAULT_PARTITIONS = 12;
