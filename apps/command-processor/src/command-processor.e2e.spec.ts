import {
  driveCommands as drive,
  eventLogViolations,
  outcomeViolations,
  readEventLog,
  sendUntilDecided,
  startWritePath,
  type Sent,
} from '@qf/player-es-write/testing';
import { eventually } from '@qf/shared-testing';

// Processes start, rebalance and take over for real: far beyond Jest's 5 s default.
jest.setTimeout(300_000);

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
      // registrations (kept for good) and each player's latest command (within the horizon).
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
