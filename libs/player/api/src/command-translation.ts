import { createHash, randomUUID } from 'node:crypto';
import type { PlayerCommand } from '@qf/player-domain';
import {
  commandActions,
  describeIssues,
  idempotencyKeySchema,
  isCommandAction,
  malformedRequest,
  playerIdSchema,
  registerBodySchema,
} from '@qf/contracts';
import type { ZodTypeAny } from 'zod';

/** What a REST request or gRPC call says about a command, before validation. */
export interface CommandRequest {
  /** 'register' or an action segment: move, pick-up, drop, take-damage, heal, gain-experience. */
  readonly action: string;
  /** The path's player id (absent for register). */
  readonly playerId?: string;
  readonly body: unknown;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  /** Injected so the translation stays deterministic under test. */
  readonly now?: () => Date;
}

/** A validated command plus what the idempotency check needs. */
export interface TranslatedCommand {
  readonly command: PlayerCommand;
  /** SHA-256 of the request (type, player, sorted body) when an Idempotency-Key names the command, else NO_KEY_HASH. */
  readonly requestHash: string;
}

/**
 * The request hash of a command without an Idempotency-Key. The hash exists to refuse a
 * key reused with another request; a command id made up here for one request cannot be
 * reused by any other, so hashing it (SHA-256 of the JSON, on every request) bought nothing.
 */
export const NO_KEY_HASH = '';

/** `field` names the value when an issue is about all of it (a header, a path parameter, the body). */
const parse = <T>(schema: ZodTypeAny, value: unknown, what: string, field = '(body)'): T => {
  const result = schema.safeParse(value);
  if (!result.success)
    throw malformedRequest(`invalid ${what}`, describeIssues(result.error, field));
  return result.data as T;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A player id derived from the Idempotency-Key (UUID-shaped, from SHA-256), so a
 * register retried without an explicit playerId lands on the same player.
 */
const playerIdFromKey = (key: string): string => {
  const hex = sha256(`questfleet:register:${key}`);
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
};

/**
 * Validates a command request (shape only: the domain decides invariants) and builds the
 * domain command. The Idempotency-Key becomes the command id; without one a new id is made.
 * Throws ApiError REQUEST.MALFORMED (400) naming each bad field.
 */
export const translateCommand = (request: CommandRequest): TranslatedCommand => {
  const key =
    request.idempotencyKey === undefined
      ? undefined
      : parse<string>(
          idempotencyKeySchema,
          request.idempotencyKey,
          'Idempotency-Key header',
          'Idempotency-Key',
        );
  const commandId = key ?? randomUUID();
  const metadata = {
    commandId,
    correlationId:
      request.correlationId && request.correlationId.length <= 128
        ? request.correlationId
        : commandId,
    occurredAt: (request.now ?? (() => new Date()))().toISOString(),
  };
  const body = request.body ?? {};

  if (request.action === 'register') {
    const data = parse<{ playerId?: string; name: string; startRoom: string }>(
      registerBodySchema,
      body,
      'body',
    );
    const playerId = data.playerId ?? (key ? playerIdFromKey(key) : randomUUID());
    return {
      command: {
        type: 'RegisterPlayer',
        data: { playerId, name: data.name, startRoom: data.startRoom },
        metadata,
      },
      requestHash:
        key === undefined
          ? NO_KEY_HASH
          : sha256(
              JSON.stringify(['RegisterPlayer', data.playerId ?? null, data.name, data.startRoom]),
            ),
    };
  }

  if (!isCommandAction(request.action))
    throw malformedRequest(`unknown command action "${request.action}"`, [
      { field: 'action', message: `one of ${Object.keys(commandActions).join(', ')}` },
    ]);
  const playerId = parse<string>(
    playerIdSchema,
    request.playerId,
    'player id in the path',
    'playerId',
  );
  const { type, body: schema } = commandActions[request.action];
  const data = parse<Record<string, unknown>>(schema, body, 'body');
  return {
    command: { type, data: { playerId, ...data }, metadata } as PlayerCommand,
    requestHash:
      key === undefined
        ? NO_KEY_HASH
        : sha256(
            JSON.stringify([
              type,
              playerId,
              Object.keys(data)
                .sort()
                .map((field) => [field, data[field]]),
            ]),
          ),
  };
};
