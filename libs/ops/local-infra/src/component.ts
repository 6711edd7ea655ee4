import type { InfraContext } from './infra-context';

/** Options `qf infra up` passes to every component. */
export interface UpOptions {
  /** Kafka cluster size: 1 (combined KRaft node) or 3. */
  readonly brokers: number;
}

/** What `qf infra status` shows for one component. */
export interface ComponentStatus {
  readonly name: string;
  /** `local` = started by us, `external` = an env var points elsewhere. */
  readonly mode: 'local' | 'external';
  readonly address: string;
  readonly healthy: boolean;
  readonly pids: number[];
  readonly detail?: string;
  readonly logFile?: string;
}

/**
 * One piece of local infrastructure (Kafka, the Mongo-wire server, Redis).
 * `up` is idempotent: install what is missing, start what is not answering, and
 * wait until a real client request succeeds.
 */
export interface InfraComponent {
  readonly name: string;
  /** The address from the environment (KAFKA_BROKERS, MONGO_URL, REDIS_URL) when set. */
  external(): string | undefined;
  /** The address clients use when the component runs locally. */
  localAddress(options: UpOptions): string;
  /** Fetches or builds artifacts into `.local/cache`; a no-op when they are there. */
  install(ctx: InfraContext, options: UpOptions): Promise<void>;
  /** Starts the server processes (detached, pids recorded) unless already healthy. */
  start(ctx: InfraContext, options: UpOptions): Promise<void>;
  /** True when a real client request to the address succeeds. */
  isHealthy(address: string): Promise<boolean>;
  /** Extra lines for `status` (version, data dir …). */
  describe?(ctx: InfraContext): Promise<string | undefined>;
}
