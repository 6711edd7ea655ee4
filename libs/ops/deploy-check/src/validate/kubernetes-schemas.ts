import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

const DEFINITIONS_ID = 'https://kubernetes.io/api/_definitions.json';
export const OBJECT_META_REF = `${DEFINITIONS_ID}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/**
 * The Kubernetes API's strict JSON schemas (every object closed with additionalProperties
 * false, as the API server's strict field validation is), one file per kind and version.
 */
export class KubernetesSchemas {
  readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction | undefined>();

  constructor(private readonly dir: string) {
    this.ajv.addSchema(
      JSON.parse(fs.readFileSync(path.join(dir, '_definitions.json'), 'utf8')) as object,
    );
  }

  /** The validator of a built-in kind, or undefined when the API has no such kind at that version. */
  validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!this.validators.has(key)) {
      // apps/v1 -> apps-v1, networking.k8s.io/v1 -> networking-v1, v1 -> v1 (the file names).
      const group = apiVersion.replace(/^([^./]*)(?:\.[^/]*)?\//, '$1-');
      const file = path.join(this.dir, `${kind.toLowerCase()}-${group}.json`);
      const schema = fs.existsSync(file)
        ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { $id?: string })
        : undefined;
      this.validators.set(
        key,
        schema ? (this.ajv.getSchema(schema.$id ?? file) ?? this.ajv.compile(schema)) : undefined,
      );
    }
    return this.validators.get(key);
  }

  /** ObjectMeta: what the API server checks a custom resource's metadata against. */
  objectMeta(): ValidateFunction {
    const validate = this.ajv.getSchema(OBJECT_META_REF);
    if (!validate) throw new Error(`no ObjectMeta in ${this.dir}/_definitions.json`);
    return validate;
  }
}
