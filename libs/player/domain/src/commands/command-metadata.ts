/** Envelope every command carries; the domain takes time and ids only from here. */
export interface CommandMetadata {
  commandId: string;
  correlationId: string;
  /** ISO-8601; becomes occurredAt of every event the command causes. */
  occurredAt: string;
}
