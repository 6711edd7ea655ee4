import { z } from 'zod';
import type { CommandTypeName } from '../wire/player-messages';

// Shapes only: types, required fields, no unknown fields. The domain's invariants
// (name rules, capacity, alive …) are decided by `decide`, so both architectures reject
// the same commands the same way.
const positiveInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const text = z.string().min(1).max(256);

export const playerIdSchema = z.string().uuid({ message: 'must be a UUID' });

export const registerBodySchema = z
  .object({ playerId: playerIdSchema.optional(), name: z.string().max(256), startRoom: text })
  .strict();
export const moveBodySchema = z.object({ toRoom: text }).strict();
export const itemBodySchema = z.object({ itemId: text, qty: positiveInt }).strict();
export const amountBodySchema = z.object({ amount: positiveInt }).strict();

/** The action segment of `POST /players/{id}/{action}` and the command it means. */
export const commandActions = {
  move: { type: 'MovePlayer', body: moveBodySchema },
  'pick-up': { type: 'PickUpItem', body: itemBodySchema },
  drop: { type: 'DropItem', body: itemBodySchema },
  'take-damage': { type: 'TakeDamage', body: amountBodySchema },
  heal: { type: 'Heal', body: amountBodySchema },
  'gain-experience': { type: 'GainExperience', body: amountBodySchema },
} as const satisfies Record<
  string,
  { type: Exclude<CommandTypeName, 'RegisterPlayer'>; body: z.ZodTypeAny }
>;

export type CommandAction = keyof typeof commandActions;

export const isCommandAction = (value: string): value is CommandAction =>
  Object.hasOwn(commandActions, value);

/** `Idempotency-Key`: becomes the command id, so it must be a safe, bounded string. */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : -');

const nonNegativeIntString = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .refine(Number.isSafeInteger, 'too large');

/** GET /commands/{commandId}: the player narrows the search to one partition (and one player). */
export const commandStatusQuerySchema = z.object({ playerId: playerIdSchema.optional() }).strict();

/** Routes that take no query parameters still refuse unknown ones. */
export const emptyQuerySchema = z.object({}).strict();

export const minVersionQuerySchema = z
  .object({ minVersion: nonNegativeIntString.optional() })
  .strict();

/** The opaque cursor of a `next` link. */
const afterCursor = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a cursor from a next link');

export const leaderboardQuerySchema = z
  .object({
    limit: nonNegativeIntString
      .refine((n) => n >= 1 && n <= 100, 'must be from 1 to 100')
      .optional(),
    after: afterCursor.optional(),
  })
  .strict();

export const roomPlayersQuerySchema = z
  .object({
    limit: nonNegativeIntString
      .refine((n) => n >= 1 && n <= 1000, 'must be from 1 to 1000')
      .optional(),
    after: afterCursor.optional(),
  })
  .strict();

export const historyQuerySchema = z
  .object({
    fromVersion: nonNegativeIntString.optional(),
    limit: nonNegativeIntString
      .refine((n) => n >= 1 && n <= 1000, 'must be from 1 to 1000')
      .optional(),
  })
  .strict();

export const stateQuerySchema = z
  .object({
    version: nonNegativeIntString.refine((n) => n >= 1, 'must be 1 or more').optional(),
    // The format alone admits offsets such as +99:99 that name no instant: refuse them here (400), not in the handler (500).
    at: z
      .string()
      .datetime({ offset: true, message: 'must be an ISO-8601 date-time' })
      .refine(
        (value) => !Number.isNaN(Date.parse(value)),
        'must be an ISO-8601 date-time with an offset from -23:59 to +23:59',
      )
      .optional(),
  })
  .strict()
  .refine(
    (q) => (q.version === undefined) !== (q.at === undefined),
    'give exactly one of version or at',
  );

/**
 * Formats zod issues as `{ field, message }` for a problem body. `root` names what was
 * parsed when an issue is about the whole value: '(body)', '(query)', or the name of a
 * single value (a path parameter, a header).
 */
export const describeIssues = (
  error: z.ZodError,
  root = '(body)',
): Array<{ field: string; message: string }> =>
  error.issues.map((issue) => ({
    field: issue.path.join('.') || root,
    message: issue.message,
  }));
