import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InfraContext } from '@qf/local-infra';
import {
  failedStartMessage,
  failedStartName,
  failedStartsBeyond,
  failedStartsDir,
  keepFailedStartLogs,
} from './drill-failed-start';
import { drillContext } from './drill-infra';

/** The drill directories of fleet `fleetId` under a shared `.local` at `local`. */
const drillDirs = (local: string, fleetId: string): InfraContext =>
  drillContext(
    {
      root: local,
      localDir: local,
      cacheDir: path.join(local, 'cache'),
      dataDir: path.join(local, 'data'),
      logDir: path.join(local, 'logs'),
      runDir: path.join(local, 'run'),
      log: () => undefined,
    },
    fleetId,
  );

const FORMAT_FAILURE = [
  'infra up failed:',
  '  kafka: format storage of node 2 failed (exit 1); the last line of /l/drill/i1/logs/infra-kafka-2.log:',
  '    | Exception in thread "main" java.io.IOException: No space left on device',
].join('\n');

describe('failedStartMessage', () => {
  it('names the log where it was kept, keeps the quoted lines, and says where the logs are', () => {
    expect(failedStartMessage(FORMAT_FAILURE, '/l/drill/i1/logs', '/l/kept/t-i1')).toBe(
      [
        'infra up failed:',
        '  kafka: format storage of node 2 failed (exit 1); the last line of /l/kept/t-i1/infra-kafka-2.log:',
        '    | Exception in thread "main" java.io.IOException: No space left on device',
        "the drill's private servers did not start; their logs are kept in /l/kept/t-i1",
      ].join('\n'),
    );
  });

  it('leaves a path that only starts like the log directory alone', () => {
    expect(failedStartMessage('see /l/logs-old/a.log', '/l/logs', '/k')).toMatch(
      /^see \/l\/logs-old\/a\.log\n/,
    );
  });

  it('says the logs stayed (and will not stay long) when they could not be moved', () => {
    expect(failedStartMessage('redis failed', '/l/drill/i1/logs', undefined)).toBe(
      "redis failed\nthe drill's private servers did not start; their logs are in /l/drill/i1/logs (the next drill of this fleet id removes them)",
    );
  });
});

describe('failedStartName and failedStartsBeyond', () => {
  it('names a kept directory by time, then fleet id, so the oldest sort first', () => {
    expect(failedStartName('drill', new Date('2026-12-06T05:10:00.123Z'))).toBe(
      '2026-12-06T05-10-00-123Z-drill',
    );
    const names = [
      '2026-12-06T05-10-00-000Z-b',
      '2026-01-01T00-00-00-000Z-z',
      '2026-12-07T00-00-00-000Z-a',
    ];
    expect(failedStartsBeyond(names, 1)).toEqual([
      '2026-01-01T00-00-00-000Z-z',
      '2026-12-06T05-10-00-000Z-b',
    ]);
    expect(failedStartsBeyond(names, 3)).toEqual([]);
  });
});

describe('keepFailedStartLogs', () => {
  let local: string;
  beforeEach(() => {
    local = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-failed-start-'));
  });
  afterEach(() => fs.rmSync(local, { recursive: true, force: true }));

  it('moves the logs out of the drill directory, removes the data, and names the kept log in the error', () => {
    const ctx = drillDirs(local, 'i1');
    fs.mkdirSync(ctx.logDir, { recursive: true });
    fs.mkdirSync(path.join(ctx.dataDir, 'kafka-3node'), { recursive: true });
    fs.writeFileSync(path.join(ctx.logDir, 'infra-kafka-2.log'), 'No space left on device\n');
    const failure = new Error(
      `kafka: format storage of node 2 failed (exit 1); see ${path.join(ctx.logDir, 'infra-kafka-2.log')}`,
    );

    const error = keepFailedStartLogs(ctx, local, failure, new Date('2026-12-06T05:10:00Z'));

    const kept = path.join(failedStartsDir(local), '2026-12-06T05-10-00-000Z-i1');
    expect(fs.readFileSync(path.join(kept, 'infra-kafka-2.log'), 'utf8')).toContain('No space');
    expect(error.message).toContain(`see ${path.join(kept, 'infra-kafka-2.log')}`);
    expect(error.message).toMatch(new RegExp(`logs are kept in ${kept}$`));
    expect(error.cause).toBe(failure);
    // The next drill of the fleet id starts without them: its log and data directories are gone.
    expect(fs.existsSync(ctx.logDir)).toBe(false);
    expect(fs.existsSync(ctx.dataDir)).toBe(false);
  });

  it('keeps only the newest failed starts', () => {
    const ctx = drillDirs(local, 'i1');
    for (let i = 0; i < 12; i++) {
      fs.mkdirSync(ctx.logDir, { recursive: true });
      keepFailedStartLogs(ctx, local, new Error('x'), new Date(Date.UTC(2026, 0, 1, 0, i)));
    }
    const kept = fs.readdirSync(failedStartsDir(local)).sort();
    expect(kept).toHaveLength(10);
    expect(kept[0]).toBe('2026-01-01T00-02-00-000Z-i1');
  });
});
