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
  /** The workload's arrival rate offered while the probes ran (recorded only: the caller offers it). */
  readonly loadRate?: number;
  /** Players existed from this instant on: `state?at=` asks for an instant after it. */
  readonly since: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

/** Players sorted by history length, in this many groups, for p95 against history length. */
const LENGTH_GROUPS = 3;
const DEFAULT_RATE = 40;

/** How long probeHistory offers its queries (the window a concurrent workload must cover). */
export const historyProbeSeconds = (probes: number, rate = DEFAULT_RATE): number =>
  (QUERY_COUNT * probes) / rate;

/**
 * The probed players in up to LENGTH_GROUPS groups of (nearly) equal size by their number of
 * events, shortest histories first.
 */
export const lengthGroups = (
  versions: ReadonlyMap<string, number>,
): { readonly players: readonly string[]; readonly events: readonly number[] }[] => {
  const sorted = [...versions].sort((a, b) => a[1] - b[1]);
  const groups = Math.min(LENGTH_GROUPS, sorted.length);
  return Array.from({ length: groups }, (_, group) => {
    const slice = sorted.slice(
      Math.floor((group * sorted.length) / groups),
      Math.floor(((group + 1) * sorted.length) / groups),
    );
    return { players: slice.map(([id]) => id), events: slice.map(([, version]) => version) };
  });
};

const QUERIES: readonly HistoryLatency['query'][] = [
  'history',
  'state-at-version',
  'state-at-time',
];
const QUERY_COUNT = 3;

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
  if (versions.size === 0) return { latencies: [], notes: ['history probes: no player answered'] };
  const groups = lengthGroups(versions);
  // Round robin over the groups, so each gets its share of the requests spread over the run.
  const turns: { playerId: string; group: number }[] = [];
  const longest = Math.max(...groups.map((group) => group.players.length));
  for (let position = 0; position < longest; position += 1)
    groups.forEach((group, index) => {
      const playerId = group.players[position];
      if (playerId !== undefined) turns.push({ playerId, group: index });
    });
  const rate = options.rate ?? DEFAULT_RATE;
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
        const { playerId, group } = turns[i % turns.length] as (typeof turns)[number];
        i += 1;
        const path =
          query === 'history'
            ? `/players/${playerId}/history`
            : query === 'state-at-version'
              ? `/players/${playerId}/state?version=${1 + Math.floor(random() * (versions.get(playerId) ?? 1))}`
              : `/players/${playerId}/state?at=${new Date(options.since + Math.floor(random() * Math.max(1, Date.now() - options.since))).toISOString()}`;
        return {
          label: `length-${group}`,
          run: async () => (await options.reads.get(path)).status,
        };
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
      ...(options.loadRate === undefined ? {} : { offeredRate: options.loadRate }),
      byLength: groups.flatMap((group, index) => {
        const summary = result.latencyByLabel[`length-${index}`];
        const requests = result.byLabel[`length-${index}`]?.count ?? 0;
        if (!summary || requests === 0) return [];
        return [
          {
            meanEvents: Math.round(
              group.events.reduce((sum, events) => sum + events, 0) / group.events.length,
            ),
            maxEvents: Math.max(...group.events),
            requests,
            p95: summary.p95,
          },
        ];
      }),
    });
  }
  return { latencies, notes };
};
