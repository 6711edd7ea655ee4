type Schema = Record<string, unknown>;

const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'not']);
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
// Documentation and Kubernetes vocabulary JSON Schema does not have (handled below).
const DROPPED = new Set([
  'description',
  'example',
  'externalDocs',
  'format',
  'nullable',
  'default',
]);

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const mapValues = (value: unknown, f: (schema: unknown) => unknown): unknown =>
  isSchema(value)
    ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, f(item)]))
    : value;

const withNull = (schema: Schema): void => {
  const type = schema['type'];
  if (typeof type === 'string') schema['type'] = [type, 'null'];
  else if (Array.isArray(type) && !type.includes('null'))
    schema['type'] = [...(type as unknown[]), 'null'];
  if (Array.isArray(schema['enum'])) schema['enum'] = [...(schema['enum'] as unknown[]), null];
};

/**
 * A CRD's OpenAPI v3 structural schema as the JSON Schema the API server effectively
 * enforces with strict field validation: an object field not declared is unknown (the
 * server prunes or rejects it) unless the schema preserves unknown fields or declares
 * additionalProperties; int-or-string takes both; nullable admits null.
 */
export const structuralToJsonSchema = (node: unknown): unknown => {
  if (!isSchema(node)) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || DROPPED.has(key)) continue;
    if (SUBSCHEMA_MAPS.has(key)) out[key] = mapValues(value, structuralToJsonSchema);
    else if (SUBSCHEMAS.has(key))
      out[key] = isSchema(value) ? structuralToJsonSchema(value) : value;
    else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value))
      out[key] = value.map(structuralToJsonSchema);
    else out[key] = value;
  }
  if (node['x-kubernetes-int-or-string'] === true) out['type'] = ['integer', 'string'];
  if (node['nullable'] === true) withNull(out);
  const preservesUnknown =
    node['x-kubernetes-preserve-unknown-fields'] === true ||
    node['x-kubernetes-embedded-resource'] === true;
  const isObject =
    out['type'] === 'object' || (Array.isArray(out['type']) && out['type'].includes('object'));
  if (isObject && !preservesUnknown && !('additionalProperties' in out))
    out['additionalProperties'] = false;
  return out;
};

/** One served version of a custom resource and the JSON Schema of its objects. */
export interface CustomResourceVersion {
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: Schema;
}

interface CrdDocument {
  readonly kind?: string;
  readonly spec?: {
    readonly group?: string;
    readonly names?: { readonly kind?: string };
    readonly versions?: ReadonlyArray<{
      readonly name: string;
      readonly served?: boolean;
      readonly schema?: { readonly openAPIV3Schema?: unknown };
    }>;
  };
}

/**
 * The served versions of a CustomResourceDefinition with their schemas. metadata is
 * left open here (the caller checks it against ObjectMeta, as the API server does) and
 * status is not the client's to write.
 */
export const customResourceVersions = (crd: unknown): CustomResourceVersion[] => {
  const doc = crd as CrdDocument;
  if (doc.kind !== 'CustomResourceDefinition' || !doc.spec?.group || !doc.spec.names?.kind)
    return [];
  const { group, names } = doc.spec;
  return (doc.spec.versions ?? [])
    .filter((version) => version.served !== false && version.schema?.openAPIV3Schema)
    .map((version) => {
      const schema = structuralToJsonSchema(version.schema?.openAPIV3Schema) as Schema;
      const properties = { ...(schema['properties'] as Schema | undefined) };
      properties['apiVersion'] = { const: `${group}/${version.name}` };
      properties['kind'] = { const: names.kind };
      properties['metadata'] = { type: 'object' };
      delete properties['status'];
      return {
        apiVersion: `${group}/${version.name}`,
        kind: names.kind as string,
        schema: {
          ...schema,
          properties,
          required: [
            ...new Set([
              'apiVersion',
              'kind',
              ...((schema['required'] as string[] | undefined) ?? []),
            ]),
          ],
        },
      };
    });
};
