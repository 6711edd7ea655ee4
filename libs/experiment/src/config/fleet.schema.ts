import { z } from 'zod';
import { positiveNumber, text } from './schema-fields';

const url = (what: string) =>
  text(what).refine((value) => /^https?:\/\/[^\s]+$/.test(value), {
    message: `expected ${what} (http:// or https://)`,
  });

const frontsSchema = z
  .object({
    /** Base URLs of the command front (ES: the gateways; CRUD: the CRUD service). */
    commands: z.array(url('a base URL')).min(1, 'expected at least one URL'),
    /** Base URLs of the query front (ES: the query services; CRUD: the CRUD service). */
    reads: z.array(url('a base URL')).min(1, 'expected at least one URL'),
  })
  .strict();

/** Where the system's CPU comes from when the harness did not start it. */
const remoteCpuSchema = z.union([
  z
    .object({
      /** Prometheus base URL, e.g. http://prometheus:9090. */
      prometheus: url('a Prometheus base URL'),
      /**
       * PromQL giving the system's CPU in cores over the window, `{window}` replaced by the
       * window in seconds; e.g. sum(rate(container_cpu_usage_seconds_total{namespace="quest-fleet"}[{window}s])).
       */
      query: text('a PromQL query'),
    })
    .strict(),
  z
    .object({
      /** /metrics URLs of every process (process_cpu_seconds_total, scraped at the window's ends). */
      metrics: z.array(url('a /metrics URL')).min(1, 'expected at least one URL'),
    })
    .strict(),
]);

/**
 * The fleet under test. `local` (default): the harness starts it, with its own infrastructure,
 * inside a CPU budget per k. `remote`: a fleet the harness did not start (e.g. the Kubernetes
 * deployment), scaled per k by a command, its CPU read from Prometheus or the services' /metrics.
 */
export const fleetSchema = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('local') }).strict(),
    z
      .object({
        mode: z.literal('remote'),
        es: frontsSchema.optional(),
        crud: frontsSchema.optional(),
        /**
         * Run before each cell to bring the fleet to k, e.g.
         * `kubectl -n quest-fleet scale deploy -l qf-arch={arch} --replicas={replicas}`;
         * placeholders {arch}, {k}, {replicas}, {cores}.
         */
        scaleCommand: text('a shell command').optional(),
        /** Longest wait for every URL to answer /health and a command to be decided after scaling, seconds. */
        readySeconds: positiveNumber('seconds > 0').default(300),
        cpu: remoteCpuSchema.optional(),
      })
      .strict(),
  ],
  { errorMap: () => ({ message: "expected mode: local, or mode: remote with the fleet's URLs" }) },
);
export type FleetConfig = z.infer<typeof fleetSchema>;
export type RemoteFleetConfig = Extract<FleetConfig, { mode: 'remote' }>;
