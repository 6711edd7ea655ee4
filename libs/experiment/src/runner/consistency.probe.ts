import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RequestTarget } from '@qf/loadgen';
import type { Architecture } from '../config/experiment-config.schema';
import type { ConsistencySummary } from '../results/experiment-results';
import { summarizeConsistency } from './latency-stats';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ConsistencyProbeOptions {
  readonly arch: Architecture;
  readonly commands: RequestTarget;
  readonly reads: RequestTarget;
  readonly probes: number;
  /** Probes start evenly spread over this window (they overlap; each polls on its own). */
  readonly spreadMs: number;
  /** Pause between two reads of one probe: the resolution of the figure. */
  readonly pollMs?: number;
  /** A probe not visible this long after the write counts as a timeout. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

type ProbeOutcome = { readonly visibleMs: number } | 'timeout' | 'error';

const parse = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** Has the read side of `arch` caught up with version `version` of the player? */
const isVisible = async (
  arch: Architecture,
  reads: RequestTarget,
  playerId: string,
  version: number,
): Promise<boolean> => {
  if (arch === 'es') {
    // ES: the query service answers from the projected read model (Redis, then Mongo).
    const response = await reads.get(`/players/${playerId}`);
    if (response.status !== 200) return false;
    const view = parse(response.body) as { version?: number } | undefined;
    return (view?.version ?? 0) >= version;
  }
  // CRUD: the document is current at once; what lags is the audit log behind the outbox.
  const response = await reads.get(`/players/${playerId}/history?fromVersion=${version}&limit=1`);
  if (response.status !== 200) return false;
  const history = parse(response.body) as { events?: { version: number }[] } | undefined;
  return (history?.events ?? []).some((event) => event.version >= version);
};

/**
 * One probe: register a new player through the command side, then read the query side
 * every pollMs until the write shows: ES until the read model has the player at the
 * version the command returned, CRUD until the audit log has the event. Timed from the
 * command's answer (the write is durable then) to the first read that shows it.
 */
const probeOnce = async (options: ConsistencyProbeOptions): Promise<ProbeOutcome> => {
  const pollMs = options.pollMs ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const playerId = randomUUID();
  let version: number;
  try {
    const response = await options.commands.post('/players', {
      playerId,
      name: 'probe',
      startRoom: 'room-0',
    });
    if (response.status !== 201 && response.status !== 200) return 'error';
    version = (parse(response.body) as { version?: number } | undefined)?.version ?? 1;
  } catch {
    return 'error';
  }
  const accepted = performance.now();
  for (;;) {
    try {
      if (await isVisible(options.arch, options.reads, playerId, version))
        return { visibleMs: performance.now() - accepted };
    } catch {
      /* a failed read is retried like a stale one */
    }
    if (performance.now() - accepted > timeoutMs || options.signal?.aborted) return 'timeout';
    await sleep(pollMs);
  }
};

/** Runs `probes` probes spread over `spreadMs` and summarises their time to consistency. */
export const probeConsistency = async (
  options: ConsistencyProbeOptions,
): Promise<{ summary: ConsistencySummary; errors: number }> => {
  const interval = options.probes > 1 ? options.spreadMs / options.probes : 0;
  const running: Promise<ProbeOutcome>[] = [];
  for (let i = 0; i < options.probes && !options.signal?.aborted; i += 1) {
    running.push(probeOnce(options));
    if (interval > 0) await sleep(interval);
  }
  const outcomes = await Promise.all(running);
  const visible = outcomes.flatMap((outcome) =>
    typeof outcome === 'object' ? [outcome.visibleMs] : [],
  );
  return {
    summary: summarizeConsistency(
      visible,
      outcomes.filter((outcome) => outcome === 'timeout').length,
    ),
    errors: outcomes.filter((outcome) => outcome === 'error').length,
  };
};
