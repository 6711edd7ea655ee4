import { randomUUID } from 'node:crypto';
import {
  eventLogViolations,
  readEventLog,
  sendUntilDecided,
  startWritePath,
  type FinalAnswer,
  type StoredEvent,
  type WritePath,
} from '@qf/player-write-model/testing';
import { eventually } from '@qf/shared-testing';

// Processes start, rebalance and take over for real: far beyond Jest's 5 s default.
jest.setTimeout(300_000);

interface Sent {
  readonly path: string;
  readonly body: unknown;
  readonly answer: FinalAnswer;
}

const rooms = ['hall', 'library', 'crypt', 'tower', 'garden'];

/** Registers `players` players, then sends `commands` commands over them, `concurrency` at a time, each retried by key until decided. */
const drive = async (
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
      const index = next;
      next += 1;
      const playerId = playerIds[index % players] as string;
      switch (index % 4) {
        case 0:
          await send(`/players/${playerId}/move`, { toRoom: rooms[index % rooms.length] });
          break;
        case 1:
          await send(`/players/${playerId}/pick-up`, { itemId: `item-${index % 3}`, qty: 1 });
          break;
        case 2:
          await send(`/players/${playerId}/gain-experience`, { amount: 7 });
          break;
        default:
          await send(`/players/${playerId}/take-damage`, { amount: 1 });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { playerIds, sent };
};

/** Every decided command has exactly its answer's events in the log, once; refused ones have none. */
const outcomeViolations = (sent: readonly Sent[], log: readonly StoredEvent[]): string[] => {
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

describe('command processors: replicas and failover', () => {
  it('keeps each player in one partition with gapless versions across 2 processor replicas', async () => {
    const path = await startWritePath({ processors: 2, partitions: 6 });
    try {
      // Both replicas own slots (the default 4 slots of the 6 partitions: {0,4} {1,5} {2} {3}),
      // two each, every partition of a slot with the same replica, all 6 partitions owned once.
      await eventually(async () => {
        const owned = await Promise.all(
          path.processors.map(
            async (processor) =>
              (
                (await (await fetch(`${processor.baseUrl}/health`)).json()) as {
                  details: { partitions: number[]; slots: number[] };
                }
              ).details,
          ),
        );
        expect(owned.map(({ slots }) => slots.length)).toEqual([2, 2]);
        expect(owned.flatMap(({ partitions }) => partitions).sort()).toEqual([0, 1, 2, 3, 4, 5]);
        for (const { partitions, slots } of owned)
          expect([...new Set(partitions.map((partition) => partition % 4))].sort()).toEqual(slots);
      });
      const { sent } = await drive(path, { players: 24, commands: 400, concurrency: 24 });
      expect(sent.filter((entry) => entry.answer.status >= 500)).toEqual([]);
      const log = await readEventLog(path.topics, path.partitions);
      expect(eventLogViolations(log)).toEqual([]);
      expect(outcomeViolations(sent, log)).toEqual([]);
      expect(new Set(log.map((stored) => stored.partition)).size).toBeGreaterThan(1);
    } finally {
      await path.stop();
    }
  });

  it('loses nothing and duplicates nothing when a processor is killed with SIGKILL mid-load', async () => {
    const path = await startWritePath({
      processors: 2,
      partitions: 6,
      env: { QF_DECISION_TIMEOUT_MS: '3000' },
    });
    try {
      const victim = path.processors[0]!;
      let killed = false;
      const { sent, playerIds } = await drive(path, {
        players: 30,
        commands: 900,
        concurrency: 24,
        onProgress: (done) => {
          if (!killed && done >= 300) {
            killed = true;
            victim.kill('SIGKILL');
          }
        },
      });
      expect(killed).toBe(true);
      expect((await victim.exited).signal).toBe('SIGKILL');
      // Some requests had to wait for the take-over and were retried with their key.
      expect(sent.some((entry) => entry.answer.attempts > 1)).toBe(true);

      const log = await readEventLog(path.topics, path.partitions);
      expect(eventLogViolations(log)).toEqual([]);
      expect(outcomeViolations(sent, log)).toEqual([]);
      expect(new Set(log.map((stored) => stored.event.metadata.aggregateId))).toEqual(
        new Set(playerIds),
      );

      // Retried once more with the same key, a command answers its first outcome again: the
      // registrations (kept for good) and each player's latest command (within the dedup window).
      const latest = new Map<string, Sent>();
      for (const entry of sent) latest.set(entry.path.split('/')[2] ?? '', entry);
      const retried = [
        ...sent.filter((entry) => entry.path === '/players').slice(0, 10),
        ...[...latest.values()].slice(0, 10),
      ];
      for (const { path: route, body, answer } of retried) {
        const again = await sendUntilDecided(path.gatewayUrl, route, body, {
          commandId: answer.commandId,
        });
        expect({ status: again.status, body: again.body }).toEqual({
          status: answer.status,
          body: answer.body,
        });
      }
      expect((await readEventLog(path.topics, path.partitions)).length).toBe(log.length);
    } finally {
      await path.stop();
    }
  });
});
