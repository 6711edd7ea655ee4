import type { RequestTarget, TargetResponse } from '@qf/loadgen';
import type { Architecture } from '../config/experiment-config.schema';

/**
 * Spreads requests over the replicas of a REST front in turn (the client-side load
 * balancing a cluster would do with a service or an ingress): with k gateways, each gets
 * every k-th request.
 */
export class RoundRobinTarget implements RequestTarget {
  private nextIndex = 0;

  constructor(private readonly targets: readonly RequestTarget[]) {
    if (targets.length === 0) throw new Error('RoundRobinTarget needs at least one target');
  }

  /** The target the next request goes to. */
  pick(): RequestTarget {
    const target = this.targets[this.nextIndex % this.targets.length] as RequestTarget;
    this.nextIndex = (this.nextIndex + 1) % this.targets.length;
    return target;
  }

  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TargetResponse> {
    return this.pick().post(path, body, headers);
  }

  get(path: string): Promise<TargetResponse> {
    return this.pick().get(path);
  }
}

/** A replica with its HTTP port, as the fleet plans it. */
export interface FrontReplica {
  readonly service: string;
  readonly httpPort: number;
}

/** The REST fronts of each architecture: where commands and where queries go. */
export const FRONT_SERVICES: Readonly<
  Record<Architecture, { readonly commands: string; readonly reads: string }>
> = {
  es: { commands: 'command-gateway', reads: 'query-service' },
  crud: { commands: 'crud-service', reads: 'crud-service' },
};

/** Base URLs of every replica of the command and query fronts of `arch`, in replica order. */
export const frontUrls = (
  arch: Architecture,
  replicas: readonly FrontReplica[],
  host = '127.0.0.1',
): { commands: string[]; reads: string[] } => {
  const urlsOf = (service: string) =>
    replicas
      .filter((replica) => replica.service === service)
      .map((replica) => `http://${host}:${replica.httpPort}`);
  const fronts = FRONT_SERVICES[arch];
  const commands = urlsOf(fronts.commands);
  const reads = urlsOf(fronts.reads);
  if (commands.length === 0 || reads.length === 0)
    throw new Error(
      `the ${arch} fleet has no ${commands.length === 0 ? fronts.commands : fronts.reads} replica to send requests to`,
    );
  return { commands, reads };
};
