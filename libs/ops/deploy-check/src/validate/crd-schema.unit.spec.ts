import Ajv2020 from 'ajv/dist/2020';
import { customResourceVersions, structuralToJsonSchema } from './crd-schema';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  spec: {
    group: 'example.dev',
    names: { kind: 'Widget' },
    versions: [
      { name: 'v1alpha1', served: false, schema: { openAPIV3Schema: { type: 'object' } } },
      {
        name: 'v1',
        served: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: {
                    'x-kubernetes-int-or-string': true,
                    anyOf: [{ type: 'integer' }, { type: 'string' }],
                  },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  note: { type: 'string', nullable: true, description: 'dropped' },
                  items: {
                    type: 'array',
                    items: { type: 'object', properties: { name: { type: 'string' } } },
                  },
                },
              },
              status: { type: 'object' },
            },
          },
        },
      },
    ],
  },
};

describe('CRD structural schemas as JSON Schema', () => {
  const [version, ...others] = customResourceVersions(crd);
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(version?.schema ?? {});
  const widget = (spec: object) => ({
    apiVersion: 'example.dev/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec,
  });

  it('takes the served versions only', () => {
    expect(others).toEqual([]);
    expect(version).toMatchObject({ apiVersion: 'example.dev/v1', kind: 'Widget' });
  });

  it('accepts a valid object, int-or-string both ways, maps, preserved and null fields', () => {
    expect(
      validate(
        widget({
          size: 3,
          labels: { a: 'b' },
          free: { anything: [1] },
          note: null,
          items: [{ name: 'x' }],
        }),
      ),
    ).toBe(true);
    expect(validate(widget({ size: '3Gi' }))).toBe(true);
  });

  it('rejects unknown fields at any depth, as strict field validation does', () => {
    expect(validate(widget({ size: 1, colour: 'red' }))).toBe(false);
    expect(validate(widget({ size: 1, items: [{ name: 'x', extra: true }] }))).toBe(false);
    expect(validate({ ...widget({ size: 1 }), extra: 1 })).toBe(false);
  });

  it('rejects wrong types, a missing required field, another version and a written status', () => {
    expect(validate(widget({ size: 1, labels: { a: 1 } }))).toBe(false);
    expect(validate(widget({}))).toBe(false);
    expect(validate({ ...widget({ size: 1 }), apiVersion: 'example.dev/v1alpha1' })).toBe(false);
    expect(validate({ ...widget({ size: 1 }), status: {} })).toBe(false);
  });

  it('closes an object without properties unless it preserves unknown fields', () => {
    expect(structuralToJsonSchema({ type: 'object' })).toEqual({
      type: 'object',
      additionalProperties: false,
    });
    expect(
      structuralToJsonSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
    ).toEqual({ type: 'object' });
  });
});
