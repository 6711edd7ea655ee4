import type { K8sObject } from '../validate/schema-errors';
import type { OverlayExpectations } from './overlay-policy';
import { resourceProblems } from './service-policy';
import { hasRequiredAntiAffinity, type ContainerSpec } from './workload';

interface NodePoolSpec {
  readonly replicas: number;
  readonly roles: readonly string[];
  readonly resources?: ContainerSpec['resources'];
  readonly template?: { readonly pod?: { readonly affinity?: unknown } };
}

interface KafkaSpec {
  readonly kafka: { readonly config?: Record<string, unknown> };
  readonly entityOperator?: {
    readonly topicOperator?: { readonly resources?: ContainerSpec['resources'] };
  };
  readonly kafkaExporter?: { readonly resources?: ContainerSpec['resources'] };
}

/**
 * The Strimzi cluster: three copies of every partition with two in sync before a write
 * is acknowledged, enough brokers for that, an odd controller quorum, sized containers
 * (requests = limits where the overlay promises it) and, on several nodes, brokers and
 * controllers on separate nodes.
 */
export const kafkaProblems = (
  objects: readonly K8sObject[],
  expect: OverlayExpectations,
): string[] => {
  const kafka = objects.find((object) => object.kind === 'Kafka');
  if (!kafka) return ['no Kafka resource'];
  const spec = kafka['spec'] as KafkaSpec;
  const problems: string[] = [];
  const config = spec.kafka.config ?? {};
  if (String(config['min.insync.replicas']) !== '2')
    problems.push(`Kafka: min.insync.replicas is ${String(config['min.insync.replicas'])}, not 2`);
  if (String(config['default.replication.factor']) !== '3')
    problems.push(
      `Kafka: default.replication.factor is ${String(config['default.replication.factor'])}, not 3`,
    );
  const pools = objects.filter((object) => object.kind === 'KafkaNodePool');
  const replicasWith = (role: string) =>
    pools
      .map((pool) => pool['spec'] as NodePoolSpec)
      .filter((pool) => pool.roles.includes(role))
      .reduce((sum, pool) => sum + pool.replicas, 0);
  if (replicasWith('broker') < 3)
    problems.push(`Kafka: ${replicasWith('broker')} brokers cannot hold 3 replicas of a partition`);
  const controllers = replicasWith('controller');
  if (controllers < 3 || controllers % 2 === 0)
    problems.push(`Kafka: ${controllers} controllers is not an odd quorum of 3 or more`);
  const sized: Array<[string, ContainerSpec['resources']]> = [
    ...pools.map((pool): [string, ContainerSpec['resources']] => [
      `KafkaNodePool/${pool.metadata.name}`,
      (pool['spec'] as NodePoolSpec).resources,
    ]),
    ['Kafka topic operator', spec.entityOperator?.topicOperator?.resources],
    ['Kafka exporter', spec.kafkaExporter?.resources],
  ];
  for (const [what, resources] of sized) {
    problems.push(
      ...resourceProblems(
        { name: what, ...(resources ? { resources } : {}) },
        { guaranteed: expect.guaranteed },
      ).map((p) => `${what}: ${p}`),
    );
  }
  if (expect.multiNode) {
    for (const pool of pools) {
      if (!hasRequiredAntiAffinity((pool['spec'] as NodePoolSpec).template?.pod?.affinity)) {
        problems.push(
          `KafkaNodePool/${pool.metadata.name}: nodes may share a Kubernetes node (no required podAntiAffinity)`,
        );
      }
    }
  }
  return problems;
};
