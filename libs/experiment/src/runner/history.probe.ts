import { runOpenLoop, seededRandom, type RequestTarget } from '@qf/loadgen';
import type { Architecture } from '../config/experiment-config.schema';
import type { HistoryLatency } from '../results/experiment-results';

export interface HistoryProbeOptions {
  readonly arch: Architecture;
  readonly reads: RequestTarget;
  readonly playerIds: readonly string[];
  /** Requests per query kind. */
  readonly probes: number;
  /** Arrival rate of the probes (open loop, light load: this is latency, not capacity). */
  readonly rate?: number;
  /** Players existed from this instant on: `state?at=` asks for an instant after it. */
  readonly since: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

const QUERIES: readonly HistoryLatency['query'][] = [
  'history',
  'state-at-version',
  'state-at-time',
];

/** Current version of each player (the time-travel probes ask for a version up to it). */
const currentVersions = async (
  reads: RequestTarget,
  playerIds: readonly string[],
): Promise<Map<string, number>> => {
  const versions = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < playerIds.length) {
      const playerId = playerIds[next] as string;
      next += 1;
      const response = await reads.get(`/players/${playerId}`).catch(() => undefined);
      if (response?.status !== 200) continue;
      const version = (JSON.parse(response.body) as { version?: number }).version;
      if (typeof version === 'number' && version > 0) versions.set(playerId, version);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return versions;
};

/**
 * Latency of the history and time-travel queries at the end state, one open-loop run per
 * query kind: the full history of a player, its state at a version, its state at an
 * instant (ES folds the event index; CRUD folds the audit log).
 */
export const probeHistory = async (
  options: HistoryProbeOptions,
): Promise<{ latencies: HistoryLatency[]; notes: string[] }> => {
  const random = seededRandom(options.seed ?? 7);
  const sample = Array.from(
    { length: Math.min(options.probes, options.playerIds.length) },
    () => options.playerIds[Math.floor(random() * options.playerIds.length)] as string,
  );
  const versions = await currentVersions(options.reads, sample);
  const players = [...versions.keys()];
  if (players.length === 0) return { latencies: [], notes: ['history probes: no player answered'] };
  const rate = options.rate ?? 40;
  const latencies: HistoryLatency[] = [];
  const notes: string[] = [];
  for (const query of QUERIES) {
    if (options.signal?.aborted) break;
    let i = 0;
    const result = await runOpenLoop({
      rate,
      durationMs: (options.probes / rate) * 1000,
      drainTimeoutMs: 10_000,
      ...(options.signal ? { signal: options.signal } : {}),
      next: () => {
        const playerId = players[i % players.length] as string;
        i += 1;
        const path =
          query === 'history'
            ? `/players/${playerId}/history`
            : query === 'state-at-version'
              ? `/players/${playerId}/state?version=${1 + Math.floor(random() * (versions.get(playerId) ?? 1))}`
              : `/players/${playerId}/state?at=${new Date(options.since + Math.floor(random() * Math.max(1, Date.now() - options.since))).toISOString()}`;
        return { label: query, run: async () => (await options.reads.get(path)).status };
      },
    });
    if (result.ok < result.scheduled)
      notes.push(
        `${options.arch} ${query} probes: ${result.scheduled - result.ok} of ${result.scheduled} answered other than 2xx (${JSON.stringify(result.statuses)})`,
      );
    latencies.push({
      arch: options.arch,
      query,
      requests: result.completed,
      latencyMs: {
        p50: result.latency.p50,
        p95: result.latency.p95,
        p99: result.latency.p99,
        max: result.latency.max,
        mean: result.latency.mean,
      },
    });
  }
  return { latencies, notes };
};
