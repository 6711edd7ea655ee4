import { untilCaughtUp } from './catch-up.watch';

const counter = (values: number[]) => {
  let i = 0;
  return async () => values[Math.min(i++, values.length - 1)] as number;
};

describe('untilCaughtUp', () => {
  it('returns once the committed offsets cover the log, reporting rate and ETA on the way', async () => {
    const lines: string[] = [];
    await untilCaughtUp({
      committed: counter([0, 10, 50, 100]),
      total: 100,
      start: performance.now() - 1000,
      stallSeconds: 5,
      failure: () => undefined,
      say: (line) => lines.push(line),
      pollMs: 1,
      reportEveryMs: 0,
    });
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^ {2}10 \/ 100 committed, \d+ events\/s so far, ETA \d+ s$/);
  });

  it('fails with the projector’s last error when nothing is committed for stallSeconds', async () => {
    await expect(
      untilCaughtUp({
        committed: counter([0, 40]),
        total: 100,
        start: performance.now(),
        stallSeconds: 0.05,
        failure: () => 'connect ECONNREFUSED 127.0.0.1:27017',
        say: () => undefined,
        pollMs: 5,
      }),
    ).rejects.toThrow(
      'the projector committed nothing for 0.05 s (40 / 100 events); its last error: connect ECONNREFUSED 127.0.0.1:27017',
    );
  });

  it('points at the infrastructure when the projector reports no error', async () => {
    await expect(
      untilCaughtUp({
        committed: counter([0]),
        total: 1,
        start: performance.now(),
        stallSeconds: 0.02,
        failure: () => undefined,
        say: () => undefined,
        pollMs: 5,
      }),
    ).rejects.toThrow(/is the Mongo-wire server still up\?/);
  });
});
