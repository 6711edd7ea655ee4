import type { ServiceSpec } from '@qf/local-infra';
import type { ExperimentConfig } from '../config/experiment-config.schema';

/** Most replicas of one service the fleet starts on one machine (its `--scale` limit). */
export const MAX_SERVICE_REPLICAS = 12;

/**
 * What the schema cannot know: the service names of `services` and `replicas` must be the
 * fleet's services of that architecture, and no service may need more replicas than the
 * fleet starts. One problem per line, `field: what is allowed, got …`.
 */
export const fleetConfigProblems = (
  config: ExperimentConfig,
  catalog: readonly Pick<ServiceSpec, 'name' | 'arch'>[],
): string[] => {
  const problems: string[] = [];
  const namesOf = (arch: 'es' | 'crud') =>
    catalog.filter((spec) => spec.arch === arch).map((spec) => spec.name);
  for (const arch of ['es', 'crud'] as const) {
    config.services[arch].forEach((service, index) => {
      if (!namesOf(arch).includes(service))
        problems.push(
          `services.${arch}[${index}]: unknown ${arch} service "${service}"; allowed: ${namesOf(arch).join(', ')}`,
        );
    });
  }
  const all = catalog.map((spec) => spec.name);
  for (const [k, services] of Object.entries(config.replicas)) {
    for (const [service, count] of Object.entries(services)) {
      if (!all.includes(service))
        problems.push(`replicas.${k}.${service}: unknown service; allowed: ${all.join(', ')}`);
      else if (count > MAX_SERVICE_REPLICAS)
        problems.push(
          `replicas.${k}.${service}: expected at most ${MAX_SERVICE_REPLICAS} replicas (the fleet's limit on one machine), got ${count}`,
        );
    }
  }
  if (config.axis === 'resources') {
    config.k.forEach((k, index) => {
      if (k > MAX_SERVICE_REPLICAS)
        problems.push(
          `k[${index}]: expected at most ${MAX_SERVICE_REPLICAS} on the resources axis (k replicas per service), got ${k}`,
        );
    });
  }
  return problems;
};
