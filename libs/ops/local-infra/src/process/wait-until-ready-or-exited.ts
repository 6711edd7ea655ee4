import { failureWithLogTail } from './log-tail';
import { isRecordedAlive, recordedEnding, type RecordedProcess } from './pid-registry';

/** A server process a start waits for. */
export interface WatchedServer {
  /** Names it in the error: `kafka: node 2 (pid 4242)`. */
  readonly name: string;
  readonly logFile: string;
  readonly isAlive: () => boolean;
  /** How it ended (`code 1`, `SIGKILL`), when known. */
  readonly ending?: () => string | undefined;
}

export interface ReadyOrExitedWait {
  /** The processes that must keep running while the server comes up (a Kafka cluster: every node). */
  readonly servers: readonly WatchedServer[];
  /** A real client request; a rejection counts as not ready. */
  readonly isReady: () => Promise<boolean>;
  readonly timeoutMs: number;
  /** Pause between two probes. */
  readonly intervalMs?: number;
  /** How often the processes are checked, however long a probe takes. */
  readonly aliveCheckMs?: number;
  /** The error when the servers run but do not answer within `timeoutMs`. */
  readonly timeoutError: () => Error;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const exitedError = (server: WatchedServer): Error => {
  const ending = server.ending?.();
  return failureWithLogTail(
    `${server.name} exited${ending ? ` (${ending})` : ''} before answering`,
    server.logFile,
  );
};

/** A process started by spawnRecorded, watched under `label` (`redis: redis-server`). */
export const watchRecorded = (label: string, record: RecordedProcess): WatchedServer => ({
  name: `${label} (pid ${record.pid})`,
  logFile: record.logFile,
  isAlive: () => isRecordedAlive(record),
  ending: () => recordedEnding(record),
});

/**
 * Probes until `isReady` succeeds, and fails at once (within `aliveCheckMs`) when one of
 * `servers` exits, quoting the end of its log: a server that died of a bad config or a taken
 * port must not make `infra up` wait out the whole timeout. Alive but silent for `timeoutMs`:
 * throws `timeoutError()`.
 */
export const waitUntilReadyOrExited = async ({
  servers,
  isReady,
  timeoutMs,
  intervalMs = 250,
  aliveCheckMs = 200,
  timeoutError,
}: ReadyOrExitedWait): Promise<void> => {
  const firstExited = () => servers.find((server) => !server.isAlive());
  let done = false;
  let aliveTimer: NodeJS.Timeout | undefined;
  // Checked on its own timer: a probe can hang for seconds (client connect timeouts).
  const exited = new Promise<WatchedServer>((resolve) => {
    const check = () => {
      if (done) return;
      const server = firstExited();
      // A turn later: seen dead before Node saw its SIGCHLD, its exit code is not known yet.
      if (server) setImmediate(() => resolve(server));
      else aliveTimer = setTimeout(check, aliveCheckMs);
    };
    check();
  });
  const answered = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (!done) {
      if (await isReady().catch(() => false)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(intervalMs);
    }
    return false;
  })();
  try {
    const outcome = await Promise.race([answered, exited]);
    if (outcome === true) return;
    const server = outcome === false ? firstExited() : outcome;
    throw server ? exitedError(server) : timeoutError();
  } finally {
    done = true;
    clearTimeout(aliveTimer);
  }
};
