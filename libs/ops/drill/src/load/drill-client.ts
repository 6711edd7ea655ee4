import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpTarget } from '@qf/loadgen';
import {
  isRetriableStatus,
  type AnsweredEvent,
  type Attempt,
  type DrillRecord,
} from '../ledger/command-record';

/** One command to send: the REST path, its body, and the player it is about. */
export interface DrillCommand {
  readonly action: string;
  readonly playerId: string;
  readonly path: string;
  readonly body: unknown;
}

export interface DrillClientOptions {
  /** A single attempt gives up after this long (counted as no answer, then retried). */
  readonly attemptTimeoutMs: number;
  /** First pause before a retry; doubles up to maxBackoffMs, with jitter. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

const DEFAULTS: DrillClientOptions = {
  attemptTimeoutMs: 10_000,
  backoffMs: 250,
  maxBackoffMs: 2000,
};

interface CommandAnswer {
  readonly version?: unknown;
  readonly events?: ReadonlyArray<{ readonly eventId?: unknown; readonly version?: unknown }>;
}

const answeredEvents = (body: CommandAnswer): AnsweredEvent[] =>
  (body.events ?? []).flatMap((event) =>
    typeof event.eventId === 'string' && typeof event.version === 'number'
      ? [{ eventId: event.eventId, version: event.version }]
      : [],
  );

/**
 * Sends commands as a careful client does: with an Idempotency-Key, retrying an attempt
 * that got no decision (no answer, 5xx) with the same key until it is decided or the
 * deadline passes. Records every attempt for the drill's ledger.
 */
export class DrillClient {
  private readonly target: HttpTarget;
  private readonly options: DrillClientOptions;

  constructor(
    baseUrl: string,
    private readonly clock: () => number,
    options: Partial<DrillClientOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.target = new HttpTarget(baseUrl, {
      connections: 256,
      timeoutMs: this.options.attemptTimeoutMs,
    });
  }

  /** Sends until decided or until `deadline()` (ms on the drill clock) has passed. */
  async send(
    command: DrillCommand,
    scheduledAt: number,
    deadline: () => number,
  ): Promise<DrillRecord> {
    const commandId = randomUUID();
    const attempts: Attempt[] = [];
    for (let attempt = 1; ; attempt += 1) {
      const at = this.clock();
      const { status, body } = await this.attempt(command, commandId);
      attempts.push({ at, status, latencyMs: this.clock() - at });
      if (!isRetriableStatus(status)) {
        const answer = body as CommandAnswer;
        return {
          commandId,
          playerId: command.playerId,
          action: command.action,
          scheduledAt,
          attempts,
          final: {
            status,
            ...(typeof answer.version === 'number' ? { version: answer.version } : {}),
            events: status < 300 ? answeredEvents(answer) : [],
          },
        };
      }
      if (this.clock() >= deadline())
        return {
          commandId,
          playerId: command.playerId,
          action: command.action,
          scheduledAt,
          attempts,
        };
      const pause = Math.min(
        this.options.maxBackoffMs,
        this.options.backoffMs * 2 ** Math.min(attempt - 1, 10),
      );
      await sleep(pause * (0.75 + Math.random() * 0.5));
    }
  }

  /** GET, for the read checks; status 0 when no answer came. */
  async get(path: string): Promise<{ status: number; body: unknown }> {
    try {
      const response = await this.target.get(path);
      return { status: response.status, body: parse(response.body) };
    } catch {
      return { status: 0, body: undefined };
    }
  }

  close(): Promise<void> {
    return this.target.close();
  }

  private async attempt(
    command: DrillCommand,
    commandId: string,
  ): Promise<{ status: number; body: unknown }> {
    try {
      const response = await this.target.post(command.path, command.body, {
        'idempotency-key': commandId,
      });
      return { status: response.status, body: parse(response.body) };
    } catch {
      return { status: 0, body: undefined };
    }
  }
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
