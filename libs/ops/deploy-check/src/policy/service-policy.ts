import type { ServiceSpec } from '@qf/local-infra';
import { quantity, type ContainerSpec, type Probe, type Workload } from './workload';

/** Liveness (the process works) and readiness (its dependencies answer) are separate. */
export const LIVE_PATH = '/health/live';
export const READY_PATH = '/health/ready';

/** Where a service's compiled entry point is in the image: `npm run build` mirrors the sources into dist/. */
export const compiledEntry = (spec: Pick<ServiceSpec, 'entry'>): string =>
  `dist/${spec.entry.replace(/\.ts$/, '.js')}`;

const probeProblems = (container: ContainerSpec): string[] => {
  const expect = (probe: Probe | undefined, kind: string, path: string): string[] => {
    if (!probe) return [`no ${kind}`];
    const problems: string[] = [];
    if (probe.httpGet?.path !== path)
      problems.push(`${kind} asks ${probe.httpGet?.path ?? '(no HTTP path)'}, not ${path}`);
    if (probe.httpGet?.port !== 'http') problems.push(`${kind} is not on the port named http`);
    return problems;
  };
  return [
    ...expect(container.startupProbe, 'startupProbe', LIVE_PATH),
    ...expect(container.livenessProbe, 'livenessProbe', LIVE_PATH),
    ...expect(container.readinessProbe, 'readinessProbe', READY_PATH),
  ];
};

/** Non-root, no privilege escalation, no capabilities, read-only root filesystem. */
export const securityProblems = (workload: Workload, container: ContainerSpec): string[] => {
  const problems: string[] = [];
  const context = container.securityContext;
  if (workload.pod.securityContext?.runAsNonRoot !== true && context?.runAsNonRoot !== true)
    problems.push('may run as root (runAsNonRoot is not true)');
  if (context?.allowPrivilegeEscalation !== false)
    problems.push('allowPrivilegeEscalation is not false');
  if (context?.readOnlyRootFilesystem !== true)
    problems.push('the root filesystem is writable (readOnlyRootFilesystem is not true)');
  if (!context?.capabilities?.drop?.includes('ALL'))
    problems.push('capabilities are not dropped (drop: [ALL])');
  return problems;
};

/** CPU and memory requests and limits, memory limit = request (no overcommit of memory). */
export const resourceProblems = (
  container: ContainerSpec,
  { guaranteed }: { guaranteed: boolean },
): string[] => {
  const problems: string[] = [];
  for (const resource of ['cpu', 'memory']) {
    const request = quantity(container.resources?.requests?.[resource]);
    const limit = quantity(container.resources?.limits?.[resource]);
    if (request === undefined) problems.push(`no ${resource} request`);
    if (limit === undefined) problems.push(`no ${resource} limit`);
    if (request === undefined || limit === undefined) continue;
    if ((guaranteed || resource === 'memory') && request !== limit) {
      problems.push(
        `${resource} request ${container.resources?.requests?.[resource]} differs from its limit ${container.resources?.limits?.[resource]}`,
      );
    }
  }
  return problems;
};

/** A fleet service's Deployment: entry point, ports, probes, image. */
export const serviceProblems = (
  spec: ServiceSpec,
  workload: Workload | undefined,
  image: string,
): string[] => {
  if (!workload) return [`no Deployment named ${spec.name}`];
  const container = workload.pod.containers[0];
  if (!container) return [`Deployment ${spec.name} has no container`];
  const problems: string[] = [];
  const entry = compiledEntry(spec);
  if (JSON.stringify(container.args) !== JSON.stringify([entry]))
    problems.push(`args ${JSON.stringify(container.args)} are not ["${entry}"]`);
  if (container.image !== image)
    problems.push(`image ${container.image} is not the fleet's image ${image}`);
  const port = (name: string) => container.ports?.find((p) => p.name === name)?.containerPort;
  if (port('http') !== spec.httpPort)
    problems.push(`port http is ${port('http')}, the service listens on ${spec.httpPort}`);
  if (spec.grpcPort !== undefined && port('grpc') !== spec.grpcPort)
    problems.push(`port grpc is ${port('grpc')}, the service listens on ${spec.grpcPort}`);
  return [...problems, ...probeProblems(container)].map((problem) => `${spec.name}: ${problem}`);
};
