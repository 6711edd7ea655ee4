import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInfraContext, INFRA_PREFIX, isRecordedAlive, spawnRecorded } from '@qf/local-infra';
import { drillContext } from './drill-infra';
import { claimDrillDir, cleanDrillLeftovers, readOwner, releaseDrillDir } from './drill-leftovers';

/**
 * What a drill whose process died leaves (a private server still running, found by its
 * recorded pid) is stopped by the next drill's start; a live drill's directory is not
 * touched, and a second drill of the same fleet id is refused.
 */
describe('drill leftovers', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-drill-leftovers-'));
  const shared = { ...createInfraContext(), localDir: root, log: () => undefined };
  const contextOf = (id: string) => drillContext(shared, id);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stops the servers of a drill whose owner died, and leaves a live drill alone', async () => {
    const dead = contextOf('dead');
    const live = contextOf('live');
    const server = spawnRecorded(dead, {
      name: `${INFRA_PREFIX}kafka-1`,
      command: 'sleep',
      args: ['300'],
    });
    const other = spawnRecorded(live, {
      name: `${INFRA_PREFIX}kafka-1`,
      command: 'sleep',
      args: ['300'],
    });
    // A drill process that has exited: its pid names no process (or another one).
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.mkdirSync(dead.localDir, { recursive: true });
    fs.writeFileSync(
      path.join(dead.localDir, 'owner.json'),
      JSON.stringify({ pid: Number(exited.stdout), startTicks: '1', startedAt: 'then' }),
    );
    claimDrillDir(live.localDir);
    try {
      const stopped = await cleanDrillLeftovers(path.join(root, 'drill'), contextOf);
      expect(stopped).toEqual([
        expect.stringContaining(`dead (left by pid ${Number(exited.stdout)})`),
      ]);
      expect(isRecordedAlive(server)).toBe(false);
      expect(readOwner(dead.localDir)).toBeUndefined();
      expect(isRecordedAlive(other)).toBe(true);
      expect(readOwner(live.localDir)?.pid).toBe(process.pid);
    } finally {
      for (const pid of [server.pid, other.pid])
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* stopped already */
        }
      releaseDrillDir(live.localDir);
    }
  });

  it('refuses a second drill of a fleet id whose drill runs', () => {
    const busy = contextOf('busy');
    fs.mkdirSync(busy.localDir, { recursive: true });
    // This test's parent (jest) runs: it plays the live drill.
    const parent = readOwnerOf(process.ppid);
    fs.writeFileSync(path.join(busy.localDir, 'owner.json'), JSON.stringify(parent));
    expect(() => claimDrillDir(busy.localDir)).toThrow(
      `another drill of this fleet id runs (pid ${process.ppid}`,
    );
  });
});

/** An owner record of a running process (as claimDrillDir writes one for itself). */
const readOwnerOf = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return {
    pid,
    startTicks: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19],
    startedAt: 'now',
  };
};
