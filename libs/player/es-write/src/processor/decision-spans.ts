import { decodeCommandRecord } from '@qf/contracts';
import {
  endSpans,
  extractTraceContext,
  SpanKind,
  startSpan,
  traceMessage,
  tracing,
  type StartedSpan,
  type TraceCarrier,
} from '@qf/shared-observability';
import type { InboundCommand } from '../decision/decide-batch';

/**
 * The spans of one transaction's decisions: one per command that arrived with a trace
 * context (the gateway's `traceparent`), child of it, from the moment the transaction
 * takes the command until the transaction committed (or failed). The events a command
 * produced carry its span as their `traceparent`, so the projectors' spans join the trace.
 *
 * Only built when tracing is on and a command carries a trace: otherwise `open` answers
 * undefined and the transaction pays one boolean test.
 */
export class DecisionSpans {
  private constructor(private readonly byCommand: Map<string, StartedSpan>) {}

  static open(
    commands: readonly InboundCommand[],
    commandsTopic: string,
  ): DecisionSpans | undefined {
    if (!tracing().enabled) return undefined;
    let byCommand: Map<string, StartedSpan> | undefined;
    for (const inbound of commands) {
      if (inbound.headers?.['traceparent'] === undefined) continue;
      let commandId: string;
      let type: string;
      try {
        const { command } = decodeCommandRecord(inbound.value);
        commandId = command.metadata.commandId;
        type = String((command as { type?: unknown }).type);
      } catch {
        continue; // dead-lettered by the decider; nothing to trace it by
      }
      byCommand ??= new Map();
      byCommand.set(
        commandId,
        startSpan(`decide ${type}`, {
          kind: SpanKind.CONSUMER,
          parent: extractTraceContext(inbound.headers),
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.destination.name': commandsTopic,
            'messaging.destination.partition.id': String(inbound.partition),
            'messaging.kafka.offset': inbound.offset,
            'qf.command_id': commandId,
            ...(inbound.key ? { 'messaging.kafka.message.key': inbound.key } : {}),
          },
        }),
      );
    }
    return byCommand && new DecisionSpans(byCommand);
  }

  /** Adds the span of the command that caused an event to the event record's headers. */
  traceEvent<M extends { headers?: TraceCarrier }>(causationId: string, message: M): M {
    const started = this.byCommand.get(causationId);
    return started ? traceMessage(message, started.context) : message;
  }

  /** Ends every span: after the commit, or with the transaction's failure. */
  end(error?: unknown): void {
    endSpans(this.byCommand.values(), error);
  }
}
