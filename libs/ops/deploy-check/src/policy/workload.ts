import type { K8sObject } from '../validate/schema-errors';

/** The parts of a container spec the policies read. */
export interface ContainerSpec {
  readonly name: string;
  readonly image?: string;
  readonly args?: readonly string[];
  readonly ports?: ReadonlyArray<{ readonly name?: string; readonly containerPort: number }>;
  readonly resources?: {
    readonly requests?: Record<string, string | number>;
    readonly limits?: Record<string, string | number>;
  };
  readonly securityContext?: {
    readonly runAsNonRoot?: boolean;
    readonly readOnlyRootFilesystem?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
    readonly capabilities?: { readonly drop?: readonly string[] };
  };
  readonly startupProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
}

export interface Probe {
  readonly httpGet?: { readonly path?: string; readonly port?: string | number };
}

export interface PodSpec {
  readonly containers: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  readonly securityContext?: { readonly runAsNonRoot?: boolean };
  readonly affinity?: unknown;
}

/** A Deployment, StatefulSet or Job: what it is called, its pod template and labels. */
export interface Workload {
  readonly object: K8sObject;
  readonly name: string;
  readonly kind: string;
  readonly replicas: number | undefined;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly pod: PodSpec;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet']);

/** The workloads among the objects. */
export const workloadsOf = (objects: readonly K8sObject[]): Workload[] =>
  objects
    .filter((object) => WORKLOAD_KINDS.has(object.kind))
    .map((object) => {
      const spec = object['spec'] as {
        replicas?: number;
        template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
      };
      return {
        object,
        name: object.metadata.name,
        kind: object.kind,
        replicas: spec.replicas,
        podLabels: spec.template.metadata?.labels ?? {},
        pod: spec.template.spec,
      };
    });

/** Kubernetes quantities as numbers (cores, bytes), to compare requests with limits. */
export const quantity = (value: string | number | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const match = /^([0-9.]+)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(value);
  if (!match?.[1]) return Number.NaN;
  const factors: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    Ki: 1024,
    M: 1e6,
    Mi: 1024 ** 2,
    G: 1e9,
    Gi: 1024 ** 3,
    T: 1e12,
    Ti: 1024 ** 4,
  };
  return Number(match[1]) * (match[2] ? (factors[match[2]] ?? Number.NaN) : 1);
};

/** True when every label of the selector is on the pod. */
export const selects = (
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>>,
): boolean =>
  selector !== undefined && Object.entries(selector).every(([key, value]) => labels[key] === value);

/** True when the affinity keeps the pods off each other's nodes (required anti-affinity). */
export const hasRequiredAntiAffinity = (affinity: unknown): boolean => {
  const terms = (
    affinity as
      | { podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: unknown[] } }
      | undefined
  )?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return Array.isArray(terms) && terms.length > 0;
};
