import fs from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { DeployTools } from '../tools/deploy-tools';
import { customResourceVersions } from './crd-schema';
import { KubernetesSchemas } from './kubernetes-schemas';
import { describeObject, formatSchemaErrors, type K8sObject } from './schema-errors';
import { checkStrimziObjects, STRIMZI_GROUP } from './strimzi-model';

/** The problems of one object; an object without problems is not listed. */
export interface ObjectProblems {
  readonly object: string;
  readonly problems: readonly string[];
}

/**
 * Strict validation of Kubernetes objects without a cluster: built-in kinds against the
 * Kubernetes API's JSON schemas, custom resources against their CRDs' schemas (KEDA) or
 * their operator's model (Strimzi). An unknown field, a wrong type, a missing required
 * field or a kind nobody serves is a problem.
 */
export class ObjectValidator {
  private readonly kubernetes: KubernetesSchemas;
  private readonly customResources = new Map<string, ValidateFunction>();

  constructor(private readonly tools: DeployTools) {
    this.kubernetes = new KubernetesSchemas(tools.kubernetesSchemaDir);
    for (const file of tools.crdFiles) {
      for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        for (const version of customResourceVersions(doc.toJS())) {
          this.customResources.set(
            `${version.apiVersion}/${version.kind}`,
            this.kubernetes.ajv.compile(version.schema),
          );
        }
      }
    }
  }

  /** Problems of every object that has some, in the order given. */
  async validate(objects: readonly K8sObject[]): Promise<ObjectProblems[]> {
    const strimzi = objects.filter((object) => groupOf(object) === STRIMZI_GROUP);
    const strimziProblems = await checkStrimziObjects(strimzi, this.tools.strimziCheck);
    const problems = objects.map((object) => {
      const index = strimzi.indexOf(object);
      return index >= 0 ? (strimziProblems[index] ?? []) : this.validateOne(object);
    });
    return objects
      .map((object, i) => ({ object: describeObject(object), problems: problems[i] ?? [] }))
      .filter((entry) => entry.problems.length > 0);
  }

  private validateOne(object: K8sObject): string[] {
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string')
      return ['apiVersion and kind are required'];
    const builtIn = this.kubernetes.validatorFor(object.apiVersion, object.kind);
    if (builtIn) return builtIn(object) ? [] : formatSchemaErrors(builtIn.errors);
    const custom = this.customResources.get(`${object.apiVersion}/${object.kind}`);
    if (!custom)
      return [
        `no schema for ${object.kind} in ${object.apiVersion}: not a Kubernetes kind, nor one of the CRDs the check knows`,
      ];
    const objectMeta = this.kubernetes.objectMeta();
    return [
      ...(custom(object) ? [] : formatSchemaErrors(custom.errors)),
      ...(objectMeta(object.metadata) ? [] : formatSchemaErrors(objectMeta.errors, '/metadata')),
    ];
  }
}

const groupOf = (object: K8sObject): string =>
  object.apiVersion?.includes('/') ? (object.apiVersion.split('/')[0] ?? '') : '';
