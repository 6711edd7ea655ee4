import { randomUUID } from 'node:crypto';
import { HttpTarget, type RequestTarget } from '@qf/loadgen';
import type { CellFleet } from './cell-fleet';
import { ConflictMarkingTarget } from './conflict-target';
import { RoundRobinTarget } from './load-spread';
import { shortReason, sleep } from './short-reason';

/** The load generator's targets for a fleet: every replica of each front, in turn. */
export const frontTargets = (fleet: CellFleet) => {
  const open = (urls: readonly string[]) =>
    urls.map((url) => new HttpTarget(url, { connections: 64, timeoutMs: 10_000 }));
  const commandTargets = open(fleet.urls.commands);
  const readTargets =
    fleet.urls.reads.join() === fleet.urls.commands.join()
      ? commandTargets
      : open(fleet.urls.reads);
  return {
    commands: new ConflictMarkingTarget(new RoundRobinTarget(commandTargets)) as RequestTarget,
    reads: new RoundRobinTarget(readTargets) as RequestTarget,
    close: async () => {
      await Promise.all(
        [...new Set([...commandTargets, ...readTargets])].map((target) => target.close()),
      );
    },
  };
};

/** Waits until the ES read side shows the last seeded players (the projector caught up). */
export const waitForSeedVisible = async (reads: RequestTarget, playerIds: readonly string[]) => {
  const deadline = Date.now() + 60_000;
  const pending = new Set(playerIds);
  while (pending.size > 0) {
    for (const playerId of [...pending]) {
      const response = await reads.get(`/players/${playerId}`).catch(() => undefined);
      if (response?.status === 200) pending.delete(playerId);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `the query side did not show ${pending.size} of the last seeded players within 60 s`,
      );
    await sleep(200);
  }
};

/**
 * Waits until a command is decided: a fleet answers /health before its consumers own their
 * partitions, and the first registrations would time out (504) meanwhile.
 */
export const waitForWritePath = async (commands: RequestTarget, signal: AbortSignal) => {
  const deadline = Date.now() + 60_000;
  let last = 'no answer';
  while (Date.now() < deadline && !signal.aborted) {
    const response = await commands
      .post('/players', { playerId: randomUUID(), name: 'ready-probe', startRoom: 'room-0' })
      .catch((error: unknown) => ({ status: 0, body: shortReason(error) }));
    if (response.status >= 200 && response.status < 300) return;
    last = `${response.status} ${response.body.slice(0, 200)}`;
    await sleep(500, signal);
  }
  if (!signal.aborted)
    throw new Error(`the write path decided no command within 60 s (last answer: ${last})`);
};
