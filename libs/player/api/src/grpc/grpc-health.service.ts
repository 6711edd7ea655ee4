/* eslint-disable @typescript-eslint/no-explicit-any -- proto-loader builds service definitions at run time, untyped */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HEALTH_PROTO } from '@qf/contracts';

export const healthPackageDefinition = protoLoader.loadSync(HEALTH_PROTO, {
  keepCase: false,
  enums: String,
  defaults: true,
});
const health = (grpc.loadPackageDefinition(healthPackageDefinition) as any).grpc.health.v1;

/** Client constructor for grpc.health.v1.Health (tests, probes). */
export const HealthClient = health.Health as grpc.ServiceClientConstructor;

type Status = 'SERVING' | 'NOT_SERVING';

/**
 * grpc.health.v1.Health: `Check` and `Watch` for the empty service name (the server as a
 * whole) and for each service the server hosts. A service is SERVING while the app's own
 * health checks (the ones behind GET /health: Kafka joined, Mongo answering …) pass.
 */
export const addHealthService = (
  server: grpc.Server,
  services: readonly string[],
  healthy: () => Promise<boolean>,
  watchIntervalMs = 1000,
): void => {
  const known = new Set(['', ...services]);
  const status = async (): Promise<Status> =>
    (await healthy().catch(() => false)) ? 'SERVING' : 'NOT_SERVING';
  server.addService(health.Health.service, {
    Check: (
      call: grpc.ServerUnaryCall<{ service: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      if (!known.has(call.request.service)) {
        callback(
          { code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` },
          null,
        );
        return;
      }
      status().then((value) => callback(null, { status: value }));
    },
    Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => {
      if (!known.has(call.request.service)) {
        call.write({ status: 'SERVICE_UNKNOWN' });
        return;
      }
      let last: Status | undefined;
      const send = async () => {
        const value = await status();
        if (value !== last && !call.cancelled) call.write({ status: value });
        last = value;
      };
      void send();
      const timer = setInterval(() => void send(), watchIntervalMs);
      call.on('cancelled', () => clearInterval(timer));
      call.on('close', () => clearInterval(timer));
    },
  });
};
