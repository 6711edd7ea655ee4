import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  commandFor,
  driveCommands,
  eventLogViolations,
  outcomeViolations,
  readEventLog,
  sendOnce,
  sendUntilDecided,
  startWritePath,
  type FinalAnswer,
  type Sent,
} from '@qf/player-es-write/testing';
import { type ServiceProcess, eventually, untilEachOwnsPartitions } from '@qf/shared-testing';

// Processes are paused, killed and replaced for real: far beyond Jest's 5 s default.
jest.setTimeout(600_000);

const healthOf = async (service: ServiceProcess) =>
  (
    (await (await fetch(`${service.baseUrl}/health`)).json()) as {
      details: { slots: number[]; partitions: number[] };
    }
  ).details;

const metricOf = async (service: ServiceProcess, name: string): Promise<number> => {
  const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
};

describe('command processors: exactly once through pauses, crashes and retries', () => {
  it('fences a processor paused past its session (SIGSTOP, take-over, SIGCONT): nothing it decided lands', async () => {
    const path = await startWritePath({
      processors: 2,
      partitions: 6,
      env: { QF_DECISION_TIMEOUT_MS: '3000', QF_PROCESSOR_SLOTS: '2' },
    });
    try {
      const [victim, survivor] = path.processors as [ServiceProcess, ServiceProcess];
      await eventually(async () => expect((await healthOf(victim)).slots).toHaveLength(1));
      let pausedAt: number | undefined;
      const load = driveCommands(path, {
        players: 30,
        commands: 1500,
        concurrency: 24,
        onProgress: (done) => {
          if (pausedAt === undefined && done >= 400) {
            pausedAt = Date.now();
            victim.kill('SIGSTOP');
          }
        },
      });
      await eventually(() => expect(pausedAt).toBeDefined(), { timeoutMs: 120_000 });
      // Past the session timeout the survivor takes both slots over (fence + restore) and decides on.
      await eventually(async () => expect((await healthOf(survivor)).slots).toEqual([0, 1]), {
        timeoutMs: 60_000,
      });
      const decidedBySurvivor = await metricOf(survivor, 'qf_processor_transactions_total');
      await eventually(
        async () =>
          expect(await metricOf(survivor, 'qf_processor_transactions_total')).toBeGreaterThan(
            decidedBySurvivor + 5,
          ),
        { timeoutMs: 60_000 },
      );
      victim.kill('SIGCONT');
      const { sent } = await load;
      // The resumed process is a member again (it rejoined), and what it had queued was refused.
      await eventually(
        async () => expect((await healthOf(victim)).slots.length).toBeGreaterThan(0),
        {
          timeoutMs: 60_000,
        },
      );

      const log = await readEventLog(path.topics, path.partitions);
      expect(eventLogViolations(log)).toEqual([]);
      expect(outcomeViolations(sent, log)).toEqual([]);
    } finally {
      await path.stop();
    }
  });

  it('answers the keyed retry of a command whose processor was SIGKILLed between commit and reply with the committed outcome', async () => {
    const commandId = randomUUID();
    const path = await startWritePath({
      processors: 1,
      partitions: 4,
      env: { QF_DECISION_TIMEOUT_MS: '3000' },
      processorEnv: [{ QF_PROCESSOR_FAULT: `sigkill-after-commit:${commandId}` }],
    });
    try {
      const playerId = randomUUID();
      const registered = await sendUntilDecided(path.gatewayUrl, '/players', {
        playerId,
        name: 'Crash Test',
        startRoom: 'gate',
      });
      expect(registered.status).toBe(201);
      const route = `/players/${playerId}/gain-experience`;
      const first = await sendOnce(path.gatewayUrl, route, { amount: 5 }, commandId);
      // Committed, then the process died before the reply went out: the client hears nothing.
      expect(first.status).toBe(504);
      expect((await path.processors[0]!.exited).signal).toBe('SIGKILL');
      const committed = (await readEventLog(path.topics, path.partitions)).filter(
        (stored) => stored.event.metadata.causationId === commandId,
      );
      expect(committed.map((stored) => stored.event.metadata.eventId)).toEqual([`${commandId}:0`]);

      await path.addProcessor();
      const retry = await sendUntilDecided(path.gatewayUrl, route, { amount: 5 }, { commandId });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({
        playerId,
        version: 2,
        events: [
          expect.objectContaining({
            eventId: `${commandId}:0`,
            type: 'ExperienceGained',
            version: 2,
            occurredAt: committed[0]?.event.metadata.occurredAt,
          }),
        ],
      });
      const log = await readEventLog(path.topics, path.partitions);
      expect(log.filter((stored) => stored.event.metadata.causationId === commandId)).toHaveLength(
        1,
      );
      expect(eventLogViolations(log)).toEqual([]);
    } finally {
      await path.stop();
    }
  });

  it('applies nothing twice when the 504s of a take-over are retried with their keys after the run (2 processors, 200 players, one SIGKILLed)', async () => {
    const path = await startWritePath({ processors: 2, partitions: 12 });
    try {
      const [victim] = path.processors as [ServiceProcess];
      // Both must own partitions before the kill, or the victim's death leaves nothing undecided.
      await untilEachOwnsPartitions(path.processors);
      const { playerIds, sent: registrations } = await driveCommands(path, {
        players: 200,
        commands: 0,
        concurrency: 1,
      });
      // Open loop: 200 keyed commands a second for 30 s; one processor dies at 8 s.
      const rate = 200;
      const seconds = 30;
      const started = Date.now();
      const pending: Array<Promise<Sent>> = [];
      for (let index = 0; index < rate * seconds; index += 1) {
        const due = started + (index * 1000) / rate;
        if (due > Date.now()) await sleep(due - Date.now());
        if (index === rate * 8) victim.kill('SIGKILL');
        const { path: route, body } = commandFor(playerIds, index);
        pending.push(
          sendOnce(path.gatewayUrl, route, body).then((answer) => ({ path: route, body, answer })),
        );
      }
      const firstAnswers = await Promise.all(pending);
      const unanswered = firstAnswers.filter(({ answer }) => [0, 503, 504].includes(answer.status));
      // The take-over left commands undecided in time (the scenario this test is about).
      expect(unanswered.length).toBeGreaterThan(0);

      const retried = new Map<string, FinalAnswer>();
      for (const { path: route, body, answer } of unanswered)
        retried.set(
          answer.commandId,
          await sendUntilDecided(path.gatewayUrl, route, body, { commandId: answer.commandId }),
        );
      const finalAnswers: Sent[] = firstAnswers.map((entry) => ({
        ...entry,
        answer: retried.get(entry.answer.commandId) ?? entry.answer,
      }));

      const log = await readEventLog(path.topics, path.partitions);
      // No event id twice, versions gapless per player, one partition per player.
      expect(eventLogViolations(log)).toEqual([]);
      expect(outcomeViolations([...registrations, ...finalAnswers], log)).toEqual([]);
    } finally {
      await path.stop();
    }
  });
});
