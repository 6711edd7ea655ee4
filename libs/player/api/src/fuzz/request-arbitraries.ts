import fc from 'fast-check';
import {
  commandActions,
  historyQuerySchema,
  leaderboardQuerySchema,
  minVersionQuerySchema,
  registerBodySchema,
  stateQuerySchema,
} from '@qf/contracts';
import type { ZodTypeAny } from 'zod';
import { anyJson, hostileString, objectArbitrary, validArbitrary } from './schema-arbitraries';

/** One REST request as the fuzzer sends it. */
export interface RestRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

const ACTIONS = Object.keys(commandActions);

const segment = (value: string) => encodeURIComponent(value);

/** A player id in a path: a known player, a fresh UUID, or anything. */
const playerIdArbitrary = (known: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.uuid() },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString() },
  );

/** A JSON body from a schema (valid or mutated field by field), another JSON value, or text that is not JSON. */
const bodyArbitrary = (schema: ZodTypeAny): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: objectArbitrary(schema).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: anyJson().map((value) => JSON.stringify(value) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{',
        '{"name": ',
        '[1,2',
        'not json',
        '',
        '{"a":1}{"b":2}',
        '\u0000',
      ),
    },
  );

const idempotencyKeyArbitrary = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/) },
    { weight: 1, arbitrary: hostileString().filter((text) => /^[\x20-\x7e]*$/.test(text)) },
  ),
  { nil: undefined },
);

const commandHeaders = (key: string | undefined, contentType: string): Record<string, string> => ({
  'content-type': contentType,
  ...(key === undefined ? {} : { 'idempotency-key': key }),
});

const contentTypeArbitrary = fc.oneof(
  { weight: 18, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ),
  },
);

/** POST /players and POST /players/{id}/{action}: every action's body schema, valid or not. */
export const commandRequestArbitrary = (known: readonly string[]): fc.Arbitrary<RestRequest> =>
  fc.oneof(
    fc
      .record({
        body: bodyArbitrary(registerBodySchema),
        key: idempotencyKeyArbitrary,
        contentType: contentTypeArbitrary,
      })
      .map(({ body, key, contentType }): RestRequest => ({
        method: 'POST',
        path: '/players',
        headers: commandHeaders(key, contentType),
        body,
      })),
    fc
      .record({
        playerId: playerIdArbitrary(known),
        action: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom(...ACTIONS) },
          { weight: 1, arbitrary: hostileString() },
        ),
        key: idempotencyKeyArbitrary,
        contentType: contentTypeArbitrary,
      })
      .chain(({ playerId, action, key, contentType }) => {
        const schema =
          (commandActions as Record<string, { body: ZodTypeAny }>)[action]?.body ??
          registerBodySchema;
        return bodyArbitrary(schema).map((body): RestRequest => ({
          method: 'POST',
          path: `/players/${segment(playerId)}/${segment(action)}`,
          headers: commandHeaders(key, contentType),
          body,
        }));
      }),
  );

/** A query string from a query schema: its fields valid or hostile, sometimes an unknown one. */
const queryArbitrary = (schema: ZodTypeAny): fc.Arbitrary<string> => {
  const inner = (schema as unknown as { _def: { typeName: string; schema?: ZodTypeAny } })._def;
  const objectSchema = inner.typeName === 'ZodEffects' ? (inner.schema as ZodTypeAny) : schema;
  return objectArbitrary(objectSchema, hostileString).map((fields) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      params.append(name, typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
    const text = params.toString();
    return text === '' ? '' : `?${text}`;
  });
};

const roomArbitrary = fc.oneof(
  fc.constantFrom('hall', 'crypt', 'tower'),
  validArbitrary(registerBodySchema.shape.startRoom) as fc.Arbitrary<string>,
  hostileString(),
);

/** Every GET route of the query API, with valid and hostile path and query values. */
export const queryRequestArbitrary = (known: readonly string[]): fc.Arbitrary<RestRequest> => {
  const get = (path: string): RestRequest => ({ method: 'GET', path, headers: {} });
  const player = playerIdArbitrary(known).map(segment);
  return fc.oneof(
    fc
      .tuple(player, queryArbitrary(minVersionQuerySchema))
      .map(([id, query]) => get(`/players/${id}${query}`)),
    fc
      .tuple(roomArbitrary, fc.option(queryArbitrary(historyQuerySchema), { nil: '' }))
      .map(([room, query]) => get(`/rooms/${segment(room)}/players${query}`)),
    queryArbitrary(leaderboardQuerySchema).map((query) => get(`/leaderboard${query}`)),
    fc
      .tuple(player, queryArbitrary(historyQuerySchema))
      .map(([id, query]) => get(`/players/${id}/history${query}`)),
    fc
      .tuple(player, queryArbitrary(stateQuerySchema))
      .map(([id, query]) => get(`/players/${id}/state${query}`)),
  );
};

/** A proto3 string field: valid-looking or hostile. */
const protoString = (valid: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: hostileString() },
    { weight: 1, arbitrary: fc.constant('') },
  );
/** A proto3 int64 field (proto-loader: longs as numbers). */
const protoInt = fc.oneof(
  fc.integer({ min: -5, max: 50 }),
  fc.constantFrom(0, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  fc.integer(),
);

const commandOptions = fc.option(
  fc.record(
    {
      idempotencyKey: fc.option(
        idempotencyKeyArbitrary.map((key) => key ?? ''),
        { nil: undefined },
      ),
      async: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

/** The request messages of every gRPC method, field by field from the proto, valid or hostile. */
export const grpcRequestArbitraries = (
  known: readonly string[],
): Record<string, fc.Arbitrary<Record<string, unknown>>> => {
  const player = protoString(
    known.length > 0 ? fc.oneof(fc.constantFrom(...known), fc.uuid()) : fc.uuid(),
  );
  const text = protoString(fc.constantFrom('hall', 'crypt', 'torch', 'Ayla'));
  const withOptions = <T extends Record<string, unknown>>(fields: fc.Arbitrary<T>) =>
    fc
      .tuple(fields, commandOptions)
      .map(([value, options]) => ({ ...value, ...(options ? { options } : {}) }));
  const item = withOptions(fc.record({ playerId: player, itemId: text, qty: protoInt }));
  const amount = withOptions(fc.record({ playerId: player, amount: protoInt }));
  return {
    RegisterPlayer: withOptions(
      fc.record({ playerId: protoString(fc.uuid()), name: text, startRoom: text }),
    ),
    MovePlayer: withOptions(fc.record({ playerId: player, toRoom: text })),
    PickUpItem: item,
    DropItem: item,
    TakeDamage: amount,
    Heal: amount,
    GainExperience: amount,
    GetPlayer: fc.record({ playerId: player, minVersion: protoInt }),
    GetRoomPlayers: fc.record({ roomId: text }),
    GetLeaderboard: fc.record({ limit: protoInt }),
    GetHistory: fc.record({ playerId: player, fromVersion: protoInt, limit: protoInt }),
    GetStateAt: fc.record({
      playerId: player,
      version: protoInt,
      at: protoString(
        fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((date) => date.toISOString()),
      ),
    }),
  };
};
