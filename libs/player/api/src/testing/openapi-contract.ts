import { type RegisteredRoute } from '@qf/shared-observability/http';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

// Bodies are checked against JSON Schemas, then read field by field by the tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly responses: Record<string, Json>;
  readonly pattern: RegExp;
}

/** A sample path of a documented path: every `{param}` replaced by `x`. */
const sample = (path: string): string => path.replace(/\{[^}]+\}/g, 'x');
/** A fastify route (`/players/:playerId/:action`) as a regex over concrete paths. */
const routeRegex = (url: string): RegExp =>
  new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);
const docRegex = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/**
 * Checks a running service against the OpenAPI document it serves: every registered route
 * is documented and every documented operation is served; every answer a test provokes
 * has a documented status and a body its schema allows.
 */
export class OpenApiContract {
  readonly violations: string[] = [];
  readonly exercised = new Set<string>();
  private readonly operations: Operation[];
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(
    readonly baseUrl: string,
    readonly document: Json,
  ) {
    addFormats(this.ajv);
    this.operations = Object.entries(
      document['paths'] as Record<string, Record<string, Json>>,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operationId: operation['operationId'] as string,
        responses: operation['responses'] as Record<string, Json>,
        pattern: docRegex(path),
      })),
    );
  }

  /** Fetches GET /openapi.json from the service. */
  static async of(baseUrl: string): Promise<OpenApiContract> {
    const response = await fetch(`${baseUrl}/openapi.json`);
    if (response.status !== 200)
      throw new Error(`GET ${baseUrl}/openapi.json answered ${response.status}`);
    return new OpenApiContract(baseUrl, (await response.json()) as Json);
  }

  /** Operation ids of the document. */
  operationIds(): string[] {
    return this.operations.map((operation) => operation.operationId);
  }

  /** `METHOD url` of registered routes no documented operation is an instance of. */
  undocumented(routes: readonly RegisteredRoute[]): string[] {
    return routes
      .filter(
        (route) =>
          !this.operations.some(
            (operation) =>
              operation.method === route.method &&
              routeRegex(route.url).test(sample(operation.path)),
          ),
      )
      .map((route) => `${route.method} ${route.url}`);
  }

  /** Operation ids whose paths no registered route serves. */
  unserved(routes: readonly RegisteredRoute[]): string[] {
    return this.operations
      .filter(
        (operation) =>
          !routes.some(
            (route) =>
              route.method === operation.method &&
              routeRegex(route.url).test(sample(operation.path)),
          ),
      )
      .map((operation) => operation.operationId);
  }

  /** Sends a request; records a violation when its status or body is not what the document allows. */
  async call(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: Body }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined || options.rawBody !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.rawBody !== undefined ? { body: options.rawBody } : {}),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let body: unknown = text;
    if (contentType.includes('json')) body = JSON.parse(text);
    const bare = path.split('?')[0] as string;
    const operation = this.operations.find(
      (candidate) => candidate.method === method && candidate.pattern.test(bare),
    );
    if (!operation) {
      this.violations.push(`${method} ${path}: no documented operation`);
      return { status: response.status, body };
    }
    this.exercised.add(operation.operationId);
    const answer = operation.responses[String(response.status)];
    if (!answer) {
      this.violations.push(
        `${method} ${path} (${operation.operationId}): status ${response.status} is not documented; body ${text.slice(0, 300)}`,
      );
      return { status: response.status, body };
    }
    const content = answer['content'] as Record<string, { schema: Json }> | undefined;
    if (content) {
      const [mediaType, { schema }] = Object.entries(content)[0] as [string, { schema: Json }];
      if (!contentType.startsWith(mediaType))
        this.violations.push(
          `${method} ${path}: content-type ${contentType}, documented ${mediaType}`,
        );
      const validate = this.validator(schema);
      if (!validate(body))
        this.violations.push(
          `${method} ${path} (${operation.operationId} ${response.status}): ${this.ajv.errorsText(validate.errors)}; body ${text.slice(0, 300)}`,
        );
    }
    return { status: response.status, body };
  }

  private validator(schema: Json): ValidateFunction {
    const ref = schema['$ref'] as string | undefined;
    const key = ref ?? JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      const resolved = ref
        ? (this.document['components']['schemas'][ref.split('/').pop() as string] as Json)
        : schema;
      validate = this.ajv.compile(resolved);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
