import type { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { SERVICE_ROUTES, type ApiServiceName, type RouteSpec } from './openapi-routes';

type Json = Record<string, unknown>;

const DESCRIPTIONS: Record<ApiServiceName, string> = {
  'command-gateway': 'Event Sourcing side: commands, decided by the command processors over Kafka.',
  'query-service': 'Event Sourcing side: the read models, history and past states.',
  'crud-service': 'CRUD + audit log side: the same commands and queries on player documents.',
};

/** A zod schema as JSON Schema for OpenAPI 3.1 (the input a client sends, not what a transform makes of it). */
export const jsonSchemaOf = (schema: ZodTypeAny): Json => {
  const { $schema: _dialect, ...rest } = zodToJsonSchema(schema, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    pipeStrategy: 'input',
    effectStrategy: 'input',
  }) as Json;
  return rest;
};

const queryParameters = (query: ZodTypeAny | undefined): Json[] => {
  if (!query) return [];
  const object = jsonSchemaOf(query) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: object.required?.includes(name) ?? false,
    schema,
  }));
};

/**
 * The OpenAPI 3.1 document of a service, generated from the zod schemas the service
 * validates requests with (http/request-schemas.ts) and the answer schemas
 * (api/answer-schemas.ts). Served at /openapi.json; the contract test checks every
 * registered route against it.
 */
export const openApiDocument = (service: ApiServiceName, version = '0.1.0'): Json => {
  const components: Record<string, Json> = {};
  const schemaRef = (schema: ZodTypeAny, component?: string): Json => {
    if (!component) return jsonSchemaOf(schema);
    components[component] ??= jsonSchemaOf(schema);
    return { $ref: `#/components/schemas/${component}` };
  };
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of SERVICE_ROUTES[service] as readonly RouteSpec[]) {
    const parameters = [
      ...Object.entries(route.pathParams ?? {}).map(([name, { schema, description }]) => ({
        name,
        in: 'path',
        required: true,
        description,
        schema: jsonSchemaOf(schema),
      })),
      ...queryParameters(route.query),
      ...Object.entries(route.headers ?? {}).map(([name, { schema, description }]) => ({
        name,
        in: 'header',
        required: false,
        description,
        schema: jsonSchemaOf(schema),
      })),
    ];
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, answer]) => [
        status,
        {
          description: answer.description,
          ...(answer.schema && {
            content: {
              [answer.contentType ??
              (Number(status) >= 400 ? 'application/problem+json' : 'application/json')]: {
                schema: schemaRef(answer.schema, answer.component),
              },
            },
          }),
          ...(answer.headers && {
            headers: Object.fromEntries(
              Object.entries(answer.headers).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          }),
        },
      ]),
    );
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [...route.tags],
      ...(parameters.length > 0 && { parameters }),
      ...(route.body && {
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: schemaRef(route.body.schema, route.body.component) },
          },
        },
      }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: `Quest Fleet ${service}`, version, description: DESCRIPTIONS[service] },
    paths,
    components: { schemas: components },
  };
};
