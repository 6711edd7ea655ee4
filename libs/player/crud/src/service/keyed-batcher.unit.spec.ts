import { KeyedBatcher, type Settled } from './keyed-batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedBatcher', () => {
  it("runs one batch per key at a time and groups the key's items that arrive meanwhile", async () => {
    const batches: string[][] = [];
    const releases: Array<() => void> = [];
    const batcher = new KeyedBatcher<string, string>(async (key, items) => {
      batches.push([key, ...items]);
      await new Promise<void>((resolve) => releases.push(resolve));
      return items.map((item): Settled<string> => ({ ok: true, value: `${item}!` }));
    }, 2);
    const answers = ['a1', 'a2', 'a3', 'a4'].map((item) => batcher.submit('a', item));
    const other = batcher.submit('b', 'b1');
    await tick();
    // a1 went alone at once; b runs beside it; a2..a4 wait for a1's batch to end.
    expect(batches).toEqual([
      ['a', 'a1'],
      ['b', 'b1'],
    ]);
    releases.shift()!();
    releases.shift()!();
    await tick();
    expect(batches[2]).toEqual(['a', 'a2', 'a3']);
    releases.shift()!();
    await tick();
    expect(batches[3]).toEqual(['a', 'a4']);
    releases.shift()!();
    await expect(Promise.all(answers)).resolves.toEqual(['a1!', 'a2!', 'a3!', 'a4!']);
    await expect(other).resolves.toBe('b1!');
    expect(batcher.size).toBe(0);
  });

  it('settles each item with its own outcome, and every item of a batch that threw with its error', async () => {
    let calls = 0;
    const batcher = new KeyedBatcher<number, number>(async (_key, items) => {
      calls += 1;
      if (calls === 2) throw new Error('down');
      await tick();
      return items.map((n): Settled<number> =>
        n % 2 === 0 ? { ok: true, value: n } : { ok: false, error: new Error(`odd ${n}`) },
      );
    });
    const first = Promise.allSettled([batcher.submit('k', 1), batcher.submit('k', 2)]);
    const results = await first;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(Promise.all([batcher.submit('k', 4), batcher.submit('k', 3)])).rejects.toThrow(
      'odd 3',
    );
    expect(batcher.size).toBe(0);
  });
});
