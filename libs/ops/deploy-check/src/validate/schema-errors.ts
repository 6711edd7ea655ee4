import type { ErrorObject } from 'ajv';

/** A Kubernetes object as it comes out of kustomize or a YAML file. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** `Kind/name` for messages. */
export const describeObject = (object: K8sObject): string =>
  `${object.kind}/${object.metadata?.name ?? '(no name)'}`;

/**
 * Ajv's errors as `path: message` lines. Unknown fields are named; a value that fits
 * none of a union's types (int-or-string, quantities) is one line listing them, instead of
 * one error per branch plus the union's own.
 */
export const formatSchemaErrors = (
  errors: readonly ErrorObject[] | null | undefined,
  prefix = '',
): string[] => {
  if (!errors || errors.length === 0) return [];
  const at = (error: ErrorObject) =>
    `${prefix}${error.instancePath}`.replace(/^\//, '').replace(/\//g, '.') || '(object)';
  const typesAt = new Map<string, string[]>();
  const lines: string[] = [];
  for (const error of errors) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
    if (error.keyword === 'type') {
      const types = typesAt.get(at(error)) ?? [];
      types.push(String(error.params['type']));
      typesAt.set(at(error), types);
    } else if (
      error.keyword === 'additionalProperties' ||
      error.keyword === 'unevaluatedProperties'
    ) {
      lines.push(
        `${at(error)}: unknown field "${String(error.params['additionalProperty'] ?? error.params['unevaluatedProperty'])}"`,
      );
    } else if (error.keyword === 'enum') {
      lines.push(
        `${at(error)}: ${error.message ?? 'not allowed'} ${JSON.stringify(error.params['allowedValues'])}`,
      );
    } else {
      lines.push(`${at(error)}: ${error.message ?? error.keyword}`);
    }
  }
  for (const [path, types] of typesAt)
    lines.push(`${path}: must be ${[...new Set(types)].join(' or ')}`);
  return [...new Set(lines)];
};
