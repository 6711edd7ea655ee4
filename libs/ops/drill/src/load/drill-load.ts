import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DrillRecord } from '../ledger/command-record';
import type { DrillClient, DrillCommand } from './drill-client';

const ROOMS = ['hall', 'library', 'crypt', 'tower', 'garden', 'cellar'];
const ITEMS = ['torch', 'rope', 'gem', 'key'];

/** A command that the domain accepts almost always (no damage: dead players reject everything). */
export const randomCommand = (
  playerId: string,
  random: () => number = Math.random,
): DrillCommand => {
  const roll = random();
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  if (roll < 0.4)
    return {
      action: 'gain-experience',
      playerId,
      path: `/players/${playerId}/gain-experience`,
      body: { amount: 1 + Math.floor(random() * 20) },
    };
  if (roll < 0.7)
    return {
      action: 'move',
      playerId,
      path: `/players/${playerId}/move`,
      body: { toRoom: pick(ROOMS) },
    };
  if (roll < 0.85)
    return {
      action: 'heal',
      playerId,
      path: `/players/${playerId}/heal`,
      body: { amount: 1 + Math.floor(random() * 5) },
    };
  return {
    action: 'pick-up',
    playerId,
    path: `/players/${playerId}/pick-up`,
    body: { itemId: pick(ITEMS), qty: 1 },
  };
};

export const registerCommand = (playerId: string, index: number): DrillCommand => ({
  action: 'register',
  playerId,
  path: '/players',
  body: { playerId, name: `Drill ${index}`, startRoom: ROOMS[index % ROOMS.length] },
});

/** What the load is doing, for the progress line. */
export interface LoadProgress {
  readonly elapsedMs: number;
  readonly sent: number;
  readonly decided: number;
  readonly inFlight: number;
}

export interface DrillLoadOptions {
  readonly client: DrillClient;
  readonly clock: () => number;
  readonly players: number;
  /** Commands per second, open loop (constant arrival rate: a slow answer never delays the next send). */
  readonly rate: number;
  readonly durationMs: number;
  /** Unanswered commands keep being retried this long after the load ends. */
  readonly settleMs: number;
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly progressEveryMs?: number;
  /** Called when the players are registered and the measured load begins (drill clock ms). */
  readonly onLoadStart?: (startMs: number, playerIds: readonly string[]) => void;
}

/**
 * Registers the drill's players (before the clock's measured part), then sends commands
 * at a constant rate for durationMs, each retried with its key until decided. Resolves
 * with every command's record once all are decided or the settle time ran out.
 */
export const runDrillLoad = async (
  options: DrillLoadOptions,
): Promise<{ records: DrillRecord[]; playerIds: string[] }> => {
  const { client, clock, rate, durationMs } = options;
  const records: DrillRecord[] = [];
  // Registrations get a minute; the load's commands get until the end of the settle time.
  let deadlineAt = clock() + 60_000;
  const deadline = () => deadlineAt;
  const playerIds = Array.from({ length: options.players }, () => randomUUID());
  const registrations = await Promise.all(
    playerIds.map((playerId, index) =>
      client.send(registerCommand(playerId, index), clock(), deadline),
    ),
  );
  records.push(...registrations);
  const registered = playerIds.filter(
    (_, index) =>
      (registrations[index]?.final?.status ?? 0) < 300 && registrations[index]?.final !== undefined,
  );
  if (registered.length === 0)
    throw new Error('the drill could not register a single player: is the fleet serving?');

  const pending = new Set<Promise<void>>();
  let sent = 0;
  let decided = 0;
  const launch = (scheduledAt: number) => {
    const playerId = registered[Math.floor(Math.random() * registered.length)] as string;
    sent += 1;
    const done = client.send(randomCommand(playerId), scheduledAt, deadline).then((record) => {
      records.push(record);
      if (record.final) decided += 1;
    });
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  const intervalMs = 1000 / rate;
  const start = clock();
  deadlineAt = start + durationMs + options.settleMs;
  options.onLoadStart?.(start, registered);
  let next = 0;
  let lastProgress = start;
  while (clock() - start < durationMs) {
    const due = Math.floor((clock() - start) / intervalMs);
    for (; next <= due && next * intervalMs < durationMs; next += 1)
      launch(start + next * intervalMs);
    if (options.onProgress && clock() - lastProgress >= (options.progressEveryMs ?? 5000)) {
      lastProgress = clock();
      options.onProgress({ elapsedMs: clock() - start, sent, decided, inFlight: pending.size });
    }
    await sleep(Math.max(1, Math.min(20, intervalMs)));
  }
  while (pending.size > 0) {
    await Promise.race([Promise.all(pending), sleep(options.progressEveryMs ?? 5000)]);
    options.onProgress?.({ elapsedMs: clock() - start, sent, decided, inFlight: pending.size });
  }
  return { records, playerIds: registered };
};
