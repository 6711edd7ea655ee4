import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { fleetCatalog, INFRA_ENV_VARS } from './fleet-catalog';

// docker-compose.yml and the Kubernetes manifests cannot run on this machine (no
// Docker engine, no cluster): these tests keep them in step with the fleet instead.
const root = path.resolve(__dirname, '../../../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };

  it('runs Apache Kafka (KRaft), MongoDB 7 as a replica set and Redis 7', () => {
    expect(compose.services['kafka']?.image).toMatch(/^apache\/kafka:3\.9/);
    expect(compose.services['mongo']?.image).toBe('mongo:7');
    expect(compose.services['mongo']?.command).toEqual(expect.arrayContaining(['--replSet']));
    expect(compose.services['redis']?.image).toBe('redis:7');
  });

  it.each(fleetCatalog.map((spec) => [spec.name, spec.entry]))('has %s, built from the Dockerfile, with the infra env vars', (name, entry) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service?.build).toBeDefined();
    expect(service?.command).toEqual([entry]);
    for (const variable of INFRA_ENV_VARS) expect(service?.environment?.[variable]).toBeTruthy();
    expect(Object.keys(service?.depends_on ?? {})).toEqual(expect.arrayContaining(['kafka', 'mongo', 'redis']));
  });

  it('points MONGO_URL at the replica set', () => {
    expect(compose.services['crud-service']?.environment?.['MONGO_URL']).toContain('replicaSet=rs0');
  });
});

describe('deploy/k8s', () => {
  const docs = ['es-services.yaml', 'crud-services.yaml'].flatMap((file) =>
    parseAllDocuments(read(`deploy/k8s/${file}`)).map((doc) => doc.toJS() as { kind: string; metadata: { name: string }; spec: any }),
  );

  it.each(fleetCatalog.map((spec) => [spec.name, spec.entry, spec.httpPort]))('deploys %s with its entry point and health port', (name, entry, port) => {
    const deployment = docs.find((doc) => doc.kind === 'Deployment' && doc.metadata.name === name);
    const container = deployment?.spec.template.spec.containers[0];
    expect(container?.args).toEqual([entry]);
    expect(container?.readinessProbe.httpGet.port).toBe(port);
  });
});
