import path from 'node:path';
import { createInfraContext } from '@qf/local-infra';
import { buildOverlay, OVERLAYS } from './build/kustomize-build';
import { readComposeFile, validateCompose } from './compose/compose-check';
import { OVERLAY_EXPECTATIONS, overlayPolicyProblems } from './policy/overlay-policy';
import { ensureDeployTools, type DeployTools } from './tools/deploy-tools';
import { ObjectValidator } from './validate/object-validator';
import type { K8sObject } from './validate/schema-errors';

// Offline: no cluster and no Docker engine. kustomize builds every overlay and each object
// is validated strictly (unknown fields fail) against the Kubernetes API schemas, KEDA's
// CRDs and Strimzi's model; docker-compose.yml against the compose-spec schema. The first
// run installs the tools into .local/cache/deploy-check (a few minutes).
const ctx = createInfraContext();
const INSTALL_TIMEOUT_MS = 20 * 60_000;

let tools: DeployTools;
let validator: ObjectValidator;
const built = new Map<string, K8sObject[]>();

beforeAll(async () => {
  tools = await ensureDeployTools(ctx);
  validator = new ObjectValidator(tools);
  for (const overlay of OVERLAYS)
    built.set(overlay, await buildOverlay(tools.kustomize, ctx.root, overlay));
}, INSTALL_TIMEOUT_MS);

const objectsOf = (overlay: string): K8sObject[] => structuredClone(built.get(overlay) ?? []);
const find = (objects: K8sObject[], kind: string, name: string): K8sObject & { spec: any } => {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`no ${kind}/${name}`);
  return object as K8sObject & { spec: any };
};
const kinds = (overlay: string) => new Set(objectsOf(overlay).map((object) => object.kind));

describe('deploy/k8s overlays', () => {
  it.each(OVERLAYS)('%s: every object is valid against its schema, strictly', async (overlay) => {
    expect(await validator.validate(objectsOf(overlay))).toEqual([]);
  });

  it.each(OVERLAYS)('%s: meets the fleet policy and its own promises', (overlay) => {
    const expectations = OVERLAY_EXPECTATIONS[overlay];
    expect(expectations).toBeDefined();
    expect(overlayPolicyProblems(objectsOf(overlay), expectations!)).toEqual([]);
  });

  it('deploys Kafka (Strimzi), MongoDB, Redis and the fleet in every overlay; autoscalers only where promised', () => {
    for (const overlay of OVERLAYS) {
      expect([...kinds(overlay)]).toEqual(
        expect.arrayContaining([
          'Kafka',
          'KafkaNodePool',
          'KafkaTopic',
          'StatefulSet',
          'Job',
          'Deployment',
          'NetworkPolicy',
          'PodDisruptionBudget',
        ]),
      );
    }
    expect(kinds('dev').has('ScaledObject') && kinds('prod').has('HorizontalPodAutoscaler')).toBe(
      true,
    );
    expect(
      kinds('experiment').has('ScaledObject') || kinds('experiment').has('HorizontalPodAutoscaler'),
    ).toBe(false);
  });

  it('names the image once per overlay: dev runs the locally built tag', () => {
    const images = (overlay: string) =>
      new Set(
        objectsOf(overlay)
          .filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'redis')
          .map((o) => (o as any).spec.template.spec.containers[0].image),
      );
    expect([...images('dev')]).toEqual(['quest-fleet:dev']);
    expect(images('prod').size).toBe(1);
  });
});

describe('the object validator fails', () => {
  const problemsOf = async (object: K8sObject) =>
    (await validator.validate([object])).flatMap((entry) => entry.problems);

  it('on an unknown field or a wrong type in a built-in kind', async () => {
    const gateway = find(objectsOf('dev'), 'Deployment', 'command-gateway');
    gateway.spec.template.spec.containers[0].colour = 'red';
    gateway.spec.replicas = '3';
    const problems = await problemsOf(gateway);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('unknown field "colour"'),
        expect.stringContaining('spec.replicas'),
      ]),
    );
  });

  it('on an unknown field, a wrong type or an unknown enum value in a Strimzi resource', async () => {
    const pool = find(objectsOf('dev'), 'KafkaNodePool', 'brokers');
    pool.spec.colour = 'red';
    pool.spec.roles = ['broker', 'observer'];
    expect(await problemsOf(pool)).toEqual([
      'spec.colour: unknown field',
      'spec.roles[1]: value "observer" is not accepted',
    ]);
    const topic = find(objectsOf('dev'), 'KafkaTopic', 'player.events');
    topic.spec.partitions = '12';
    expect(await problemsOf(topic)).toEqual([expect.stringContaining('spec.partitions')]);
  });

  it('on an unknown field in a KEDA ScaledObject or its metadata', async () => {
    const scaled = find(objectsOf('dev'), 'ScaledObject', 'projector');
    scaled.spec.maxReplicas = 4;
    (scaled.metadata as Record<string, unknown>)['label'] = 'x';
    const problems = await problemsOf(scaled);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('unknown field "maxReplicas"'),
        expect.stringContaining('metadata: unknown field "label"'),
      ]),
    );
  });

  it('on a kind or version nobody serves', async () => {
    expect(
      await problemsOf({ apiVersion: 'apps/v2', kind: 'Deployment', metadata: { name: 'x' } }),
    ).toEqual([expect.stringContaining('no schema for Deployment in apps/v2')]);
  });
});

describe('the fleet policy fails', () => {
  it('on a service without its probes, hardening or fixed image', () => {
    const objects = objectsOf('prod');
    const projector = find(objects, 'Deployment', 'projector');
    const container = projector.spec.template.spec.containers[0];
    delete container.startupProbe;
    container.readinessProbe.httpGet.path = '/health';
    container.securityContext.readOnlyRootFilesystem = false;
    container.args = ['apps/projector/src/main.ts'];
    expect(overlayPolicyProblems(objects, OVERLAY_EXPECTATIONS['prod']!)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('projector: no startupProbe'),
        expect.stringContaining('projector: readinessProbe asks /health, not /health/ready'),
        expect.stringContaining('the root filesystem is writable'),
        expect.stringContaining('projector: args'),
      ]),
    );
  });

  it('on an autoscaler or a request below its limit in the experiment overlay', () => {
    const experiment = objectsOf('experiment');
    const scaled = find(objectsOf('dev'), 'ScaledObject', 'projector');
    find(
      experiment,
      'Deployment',
      'query-service',
    ).spec.template.spec.containers[0].resources.requests.cpu = '200m';
    const problems = overlayPolicyProblems(
      [...experiment, scaled],
      OVERLAY_EXPECTATIONS['experiment']!,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('ScaledObject/projector would change replica counts'),
        expect.stringContaining('cpu request 200m differs from its limit 400m'),
      ]),
    );
  });

  it('on a lag autoscaler past the partition count or out of reach of KEDA, or Kafka settings that lose writes', () => {
    const objects = objectsOf('dev');
    const processor = find(objects, 'ScaledObject', 'command-processor');
    processor.spec.maxReplicaCount = 24;
    processor.spec.triggers[0].metadata.bootstrapServers = 'quest-kafka-kafka-bootstrap:9092';
    find(objects, 'Kafka', 'quest-kafka').spec.kafka.config['min.insync.replicas'] = 1;
    find(objects, 'KafkaTopic', 'player.events').spec.config['retention.ms'] = '604800000';
    find(objects, 'KafkaTopic', 'player.snapshots').spec.partitions = 6;
    expect(overlayPolicyProblems(objects, OVERLAY_EXPECTATIONS['dev']!)).toEqual([
      'Kafka: min.insync.replicas is 1, not 2',
      'topic player.events: could lose history (retention.ms 604800000, cleanup.policy delete)',
      'topic player.snapshots: 6 partitions, the services expect QF_PARTITIONS = 12',
      'command-processor: maxReplicaCount 24 exceeds the partition count 12',
      'command-processor: bootstrapServers quest-kafka-kafka-bootstrap:9092 is not namespace-qualified (KEDA connects from its own namespace)',
    ]);
  });
});

describe('docker-compose.yml', () => {
  const file = path.join(ctx.root, 'docker-compose.yml');

  it('is valid against the compose-spec schema', () => {
    expect(validateCompose(readComposeFile(file), tools.composeSchemaFile)).toEqual([]);
  });

  it('fails the schema with an unknown service key', () => {
    const compose = readComposeFile(file) as { services: Record<string, Record<string, unknown>> };
    compose.services['redis']!['replica'] = 2;
    expect(validateCompose(compose, tools.composeSchemaFile)).toEqual([
      expect.stringContaining('unknown field "replica"'),
    ]);
  });
});
