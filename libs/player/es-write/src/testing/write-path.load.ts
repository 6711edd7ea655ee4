import { randomUUID } from 'node:crypto';
import { sendUntilDecided, type FinalAnswer } from './command-client';
import type { StoredEvent, WritePath } from './write-path.harness';

/** One command sent through the gateway and its final answer. */
export interface Sent {
  readonly path: string;
  readonly body: unknown;
  readonly answer: FinalAnswer;
}

const rooms = ['hall', 'library', 'crypt', 'tower', 'garden'];

/** The index-th command of a mixed workload over `playerIds` (never a registration). */
export const commandFor = (
  playerIds: readonly string[],
  index: number,
): { path: string; body: unknown } => {
  const playerId = playerIds[index % playerIds.length] as string;
  switch (index % 4) {
    case 0:
      return { path: `/players/${playerId}/move`, body: { toRoom: rooms[index % rooms.length] } };
    case 1:
      return {
        path: `/players/${playerId}/pick-up`,
        body: { itemId: `item-${index % 3}`, qty: 1 },
      };
    case 2:
      return { path: `/players/${playerId}/gain-experience`, body: { amount: 7 } };
    default:
      return { path: `/players/${playerId}/take-damage`, body: { amount: 1 } };
  }
};

/** Registers `players` players, then sends `commands` commands over them, `concurrency` at a time, each retried by key until decided. */
export const driveCommands = async (
  path: WritePath,
  {
    players,
    commands,
    concurrency,
    onProgress,
  }: {
    players: number;
    commands: number;
    concurrency: number;
    onProgress?: (done: number) => void;
  },
): Promise<{ playerIds: string[]; sent: Sent[] }> => {
  const playerIds = Array.from({ length: players }, () => randomUUID());
  const sent: Sent[] = [];
  const send = async (route: string, body: unknown) => {
    const answer = await sendUntilDecided(path.gatewayUrl, route, body);
    sent.push({ path: route, body, answer });
    onProgress?.(sent.length);
  };
  await Promise.all(
    playerIds.map((playerId, index) =>
      send('/players', { playerId, name: `Player ${index}`, startRoom: 'gate' }),
    ),
  );
  let next = 0;
  const worker = async () => {
    while (next < commands) {
      const { path: route, body } = commandFor(playerIds, next);
      next += 1;
      await send(route, body);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { playerIds, sent };
};

/** Every decided command has exactly its answer's events in the log, once; refused ones have none. */
export const outcomeViolations = (sent: readonly Sent[], log: readonly StoredEvent[]): string[] => {
  const byCommand = new Map<string, StoredEvent[]>();
  for (const stored of log) {
    const list = byCommand.get(stored.event.metadata.causationId) ?? [];
    list.push(stored);
    byCommand.set(stored.event.metadata.causationId, list);
  }
  const problems: string[] = [];
  for (const { path: route, answer } of sent) {
    const logged = (byCommand.get(answer.commandId) ?? []).map(
      (stored) => stored.event.metadata.eventId,
    );
    if (answer.status >= 500)
      problems.push(`${route} ${answer.commandId}: answered ${answer.status}`);
    if (answer.status < 300) {
      const answered = ((answer.body['events'] ?? []) as Array<{ eventId: string }>).map(
        (event) => event.eventId,
      );
      if (JSON.stringify(logged) !== JSON.stringify(answered))
        problems.push(
          `${route} ${answer.commandId}: answered events ${answered.join(',')} but the log has ${logged.join(',')}`,
        );
    } else if (logged.length > 0) {
      problems.push(
        `${route} ${answer.commandId}: refused (${answer.status}) but the log has ${logged.join(',')}`,
      );
    }
  }
  return problems;
};
