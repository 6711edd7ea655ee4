/** Envelope carried by every player event. */
export interface EventMetadata {
  /** `${commandId}:${index}`: deterministic, so re-deciding a command yields the same ids. */
  eventId: string;
  aggregateId: string;
  /** 1-based and gapless per aggregate. */
  version: number;
  schemaVersion: number;
  /** ISO-8601, copied from the command that caused the event. */
  occurredAt: string;
  causationId: string;
  correlationId: string;
}
