import { startUntilJoined } from './start-until-joined';

describe('startUntilJoined', () => {
  it('retries with a growing, capped pause and undoes each failed attempt', async () => {
    let calls = 0;
    const pauses: number[] = [];
    const undone: number[] = [];
    const retried: string[] = [];
    const started = await startUntilJoined({
      start: async () => {
        calls += 1;
        if (calls < 4) throw new Error(`broker away ${calls}`);
      },
      undo: async () => void undone.push(calls),
      stopping: () => false,
      onRetry: (n, error) => retried.push(`${n}:${error.message}`),
      maxDelayMs: 500,
      sleep: async (ms) => void pauses.push(ms),
    });
    expect(started).toBe(true);
    expect(pauses).toEqual([200, 400, 500]);
    expect(undone).toEqual([1, 2, 3]);
    expect(retried).toEqual(['1:broker away 1', '2:broker away 2', '3:broker away 3']);
  });

  it('gives up without starting once the service is stopping', async () => {
    let stopping = false;
    const started = await startUntilJoined({
      start: async () => {
        stopping = true;
        throw new Error('away');
      },
      undo: async () => {
        throw new Error('undo failures are ignored');
      },
      stopping: () => stopping,
      sleep: async () => undefined,
    });
    expect(started).toBe(false);
  });
});
