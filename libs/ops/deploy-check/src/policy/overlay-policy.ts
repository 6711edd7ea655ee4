import { topicNames } from '@qf/contracts';
import { fleetCatalog, type ServiceSpec } from '@qf/local-infra';
import type { K8sObject } from '../validate/schema-errors';
import { kafkaProblems } from './kafka-policy';
import { topicProblems } from './topic-policy';
import { resourceProblems, securityProblems, serviceProblems } from './service-policy';
import { hasRequiredAntiAffinity, selects, workloadsOf, type Workload } from './workload';

/** What an overlay promises beyond what every overlay must do. */
export interface OverlayExpectations {
  /** HPAs on the fronts and KEDA ScaledObjects on the consumers (else: neither). */
  readonly autoscaling: boolean;
  /** Every container's requests equal its limits (Guaranteed QoS). */
  readonly guaranteed: boolean;
  /** Kafka and MongoDB replicas on separate nodes. */
  readonly multiNode: boolean;
}

export const OVERLAY_EXPECTATIONS: Readonly<Record<string, OverlayExpectations>> = {
  dev: { autoscaling: true, guaranteed: false, multiNode: false },
  prod: { autoscaling: true, guaranteed: false, multiNode: true },
  experiment: { autoscaling: false, guaranteed: true, multiNode: true },
};

/** Where each lag-scaled consumer reads from: the services' default group and topic. */
const topics = topicNames('');
export const CONSUMER_SOURCES: Readonly<Record<string, { group: string; topic: string }>> = {
  'command-processor': { group: 'command-processor', topic: topics.commands },
  projector: { group: 'projector', topic: topics.events },
  'audit-consumer': { group: 'audit-consumer', topic: topics.crudAudit },
};

const byKind = (objects: readonly K8sObject[], kind: string): K8sObject[] =>
  objects.filter((object) => object.kind === kind);
const specOf = <T>(object: K8sObject): T => object['spec'] as T;

/**
 * What the built objects of an overlay must satisfy besides their schemas: the fleet's
 * services with the right entry points, probes, image, hardening and resources, a PDB
 * for every long-running workload, default-deny networking, Kafka's durability settings,
 * and the overlay's own promises (autoscaling or not, Guaranteed QoS, spread replicas).
 */
export const overlayPolicyProblems = (
  objects: readonly K8sObject[],
  expect: OverlayExpectations,
  catalog: readonly ServiceSpec[] = fleetCatalog,
): string[] => {
  const workloads = workloadsOf(objects);
  const find = (name: string) => workloads.find((w) => w.kind === 'Deployment' && w.name === name);
  const image = find(catalog[0]?.name ?? '')?.pod.containers[0]?.image ?? '(none)';
  const problems: string[] = [];
  if (!/:[^/]+$/.test(image) || image.endsWith(':latest'))
    problems.push(`the fleet's image ${image} has no fixed tag`);
  for (const spec of catalog) problems.push(...serviceProblems(spec, find(spec.name), image));
  for (const workload of workloads) problems.push(...workloadProblems(workload, objects, expect));
  if (!byKind(objects, 'NetworkPolicy').some((policy) => isDefaultDeny(specOf(policy))))
    problems.push('no default-deny ingress NetworkPolicy');
  problems.push(...kafkaProblems(objects, expect));
  problems.push(...topicProblems(objects, partitionsOf(objects)));
  problems.push(...autoscalingProblems(objects, expect, catalog));
  return problems;
};

const workloadProblems = (
  workload: Workload,
  objects: readonly K8sObject[],
  expect: OverlayExpectations,
): string[] => {
  const label = `${workload.kind}/${workload.name}`;
  const problems: string[] = [];
  for (const container of [...workload.pod.containers, ...(workload.pod.initContainers ?? [])]) {
    const at = `${label} container ${container.name}`;
    problems.push(...securityProblems(workload, container).map((p) => `${at}: ${p}`));
    problems.push(
      ...resourceProblems(container, { guaranteed: expect.guaranteed }).map((p) => `${at}: ${p}`),
    );
  }
  if (workload.kind !== 'Job') {
    const pdbs = byKind(objects, 'PodDisruptionBudget').filter((pdb) =>
      selects(
        specOf<{ selector?: { matchLabels?: Record<string, string> } }>(pdb).selector?.matchLabels,
        workload.podLabels,
      ),
    );
    if (pdbs.length === 0) problems.push(`${label}: no PodDisruptionBudget`);
  }
  if (
    expect.multiNode &&
    workload.kind === 'StatefulSet' &&
    !hasRequiredAntiAffinity(workload.pod.affinity)
  ) {
    problems.push(`${label}: replicas may share a node (no required podAntiAffinity)`);
  }
  return problems;
};

const isDefaultDeny = (spec: {
  podSelector?: object;
  policyTypes?: string[];
  ingress?: unknown[];
}): boolean =>
  spec.podSelector !== undefined &&
  Object.keys(spec.podSelector).length === 0 &&
  (spec.policyTypes ?? []).includes('Ingress') &&
  !spec.ingress?.length;

/** QF_PARTITIONS of the services' ConfigMap. */
const partitionsOf = (objects: readonly K8sObject[]): number => {
  const config = byKind(objects, 'ConfigMap').find(
    (map) => map.metadata.name === 'quest-fleet-config',
  );
  return Number(
    (config?.['data'] as Record<string, string> | undefined)?.['QF_PARTITIONS'] ?? Number.NaN,
  );
};

const autoscalingProblems = (
  objects: readonly K8sObject[],
  expect: OverlayExpectations,
  catalog: readonly ServiceSpec[],
): string[] => {
  const hpas = byKind(objects, 'HorizontalPodAutoscaler');
  const scaled = byKind(objects, 'ScaledObject');
  if (!expect.autoscaling) {
    return [...hpas, ...scaled].map(
      (object) =>
        `${object.kind}/${object.metadata.name} would change replica counts this overlay fixes`,
    );
  }
  const config = byKind(objects, 'ConfigMap').find(
    (map) => map.metadata.name === 'quest-fleet-config',
  );
  const partitions = Number(
    (config?.['data'] as Record<string, string> | undefined)?.['QF_PARTITIONS'] ?? Number.NaN,
  );
  const problems: string[] = [];
  for (const spec of catalog) {
    if (spec.scalable === 'http') {
      if (
        !hpas.some(
          (hpa) =>
            specOf<{ scaleTargetRef?: { name?: string } }>(hpa).scaleTargetRef?.name === spec.name,
        )
      )
        problems.push(`${spec.name}: no HorizontalPodAutoscaler`);
      continue;
    }
    const object = scaled.find(
      (so) => specOf<{ scaleTargetRef?: { name?: string } }>(so).scaleTargetRef?.name === spec.name,
    );
    if (!object) {
      problems.push(`${spec.name}: no KEDA ScaledObject`);
      continue;
    }
    const so = specOf<{
      maxReplicaCount?: number;
      triggers?: Array<{ type: string; metadata?: Record<string, string> }>;
    }>(object);
    if (!(Number.isFinite(partitions) && (so.maxReplicaCount ?? Infinity) <= partitions)) {
      problems.push(
        `${spec.name}: maxReplicaCount ${so.maxReplicaCount} exceeds the partition count ${partitions}`,
      );
    }
    const source = CONSUMER_SOURCES[spec.name];
    const trigger = so.triggers?.find((t) => t.type === 'kafka');
    if (
      source &&
      (trigger?.metadata?.['consumerGroup'] !== source.group ||
        trigger.metadata['topic'] !== source.topic)
    ) {
      problems.push(
        `${spec.name}: the lag trigger does not watch group ${source.group} on ${source.topic}`,
      );
    }
    // KEDA's operator connects from its own namespace: a bare Service name does not resolve there.
    const brokers = trigger?.metadata?.['bootstrapServers'];
    if (
      brokers !== undefined &&
      !brokers.split(',').every((broker) => /\.svc(\.cluster\.local)?:\d+$/.test(broker))
    ) {
      problems.push(
        `${spec.name}: bootstrapServers ${brokers} is not namespace-qualified (KEDA connects from its own namespace)`,
      );
    }
  }
  return problems;
};
