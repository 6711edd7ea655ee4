import path from 'node:path';
import { fleetCatalog, INFRA_ENV_VARS } from '@qf/local-infra';
import { compiledEntry } from '../policy/service-policy';
import { readComposeFile } from './compose-check';

// docker-compose.yml cannot run here (no Docker engine): these tests hold it to what the
// issue asks of it. Its schema is checked in deploy-manifests.int.spec.ts.
interface ComposeService {
  image?: string;
  build?: unknown;
  pull_policy?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  read_only?: boolean;
}

const root = path.resolve(__dirname, '../../../../..');
const compose = readComposeFile(path.join(root, 'docker-compose.yml')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('runs every fleet service from one image, built once', () => {
    const images = new Set(fleetCatalog.map((spec) => services[spec.name]?.image));
    expect(images.size).toBe(1);
    expect([...images][0]).toMatch(/quest-fleet/);
    const builders = Object.entries(services).filter(([, service]) => service.build !== undefined);
    expect(builders.map(([name]) => name)).toEqual(['command-gateway']);
    for (const spec of fleetCatalog.filter((s) => s.name !== 'command-gateway'))
      expect(services[spec.name]?.pull_policy).toBe('never');
  });

  it.each(fleetCatalog.map((spec) => [spec.name, spec] as const))(
    'runs %s from its compiled entry point with the infra env vars, read-only',
    (name, spec) => {
      const service = services[name];
      expect(service?.command).toEqual([compiledEntry(spec)]);
      for (const variable of INFRA_ENV_VARS) expect(service?.environment?.[variable]).toBeTruthy();
      expect(service?.environment?.['QF_HOST']).toBe('0.0.0.0');
      expect(service?.environment?.['QF_HEALTH_PORT']).toBe(String(spec.httpPort));
      expect(service?.read_only).toBe(true);
    },
  );

  it('publishes every port on 127.0.0.1 only', () => {
    const published = Object.values(services).flatMap((service) => service.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it("keeps Kafka's log dirs and MongoDB's files on named volumes", () => {
    const kafka = services['kafka'];
    const logDir = kafka?.environment?.['KAFKA_LOG_DIRS'];
    expect(kafka?.volumes).toContain(`kafka-data:${logDir}`);
    expect(services['mongo']?.volumes).toContain('mongo-data:/data/db');
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['kafka-data', 'mongo-data']),
    );
  });

  it('gives Kafka a listener for the containers and one for host clients', () => {
    const advertised = services['kafka']?.environment?.['KAFKA_ADVERTISED_LISTENERS'] ?? '';
    expect(advertised).toContain('127.0.0.1:9092');
    expect(advertised).toMatch(/\/\/kafka:(\d+)/);
    const internalPort = /\/\/kafka:(\d+)/.exec(advertised)?.[1];
    expect(services['command-gateway']?.environment?.['KAFKA_BROKERS']).toBe(
      `kafka:${internalPort}`,
    );
  });

  it('runs MongoDB as a replica set, Prometheus and a provisioned Grafana', () => {
    expect(services['mongo']?.command).toEqual(expect.arrayContaining(['--replSet']));
    expect(services['crud-service']?.environment?.['MONGO_URL']).toContain('replicaSet=rs0');
    expect(
      services['prometheus']?.volumes?.some((v) =>
        v.startsWith('./deploy/observability/prometheus/compose.yml:'),
      ),
    ).toBe(true);
    expect(
      services['grafana']?.volumes?.some((v) =>
        v.startsWith('./deploy/observability/grafana/provisioning:'),
      ),
    ).toBe(true);
  });
});
