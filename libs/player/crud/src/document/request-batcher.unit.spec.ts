import { RequestBatcher } from './request-batcher';

/** A send whose requests the test releases one by one. */
const controlledSend = () => {
  const requests: Array<{ items: readonly number[]; release: (error?: Error) => void }> = [];
  const send = (items: readonly number[]) =>
    new Promise<number[]>((resolve, reject) =>
      requests.push({
        items,
        release: (error) => (error ? reject(error) : resolve(items.map((item) => item * 10))),
      }),
    );
  return { requests, send };
};

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RequestBatcher (group commit of database requests)', () => {
  it('sends at once while a slot is free, and groups what arrives while all are busy', async () => {
    const { requests, send } = controlledSend();
    const batcher = new RequestBatcher(send, 1);
    const answers = [1, 2, 3, 4].map((item) => batcher.submit(item));
    expect(requests.map((request) => request.items)).toEqual([[1]]);
    requests[0]!.release();
    await settle();
    expect(requests.map((request) => request.items)).toEqual([[1], [2, 3, 4]]);
    requests[1]!.release();
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30, 40]);
  });

  it('fails only the items of a failed request', async () => {
    const { requests, send } = controlledSend();
    const batcher = new RequestBatcher(send, 1);
    const first = batcher.submit(1);
    const rest = [2, 3].map((item) => batcher.submit(item));
    requests[0]!.release(new Error('connection closed'));
    await expect(first).rejects.toThrow('connection closed');
    requests[1]!.release();
    await expect(Promise.all(rest)).resolves.toEqual([20, 30]);
  });

  it('keeps a request to maxBatch items', async () => {
    const { requests, send } = controlledSend();
    const batcher = new RequestBatcher(send, 1, 2);
    const answers = [1, 2, 3, 4, 5].map((item) => batcher.submit(item));
    requests[0]!.release();
    await settle();
    requests[1]!.release();
    await settle();
    requests[2]!.release();
    await Promise.all(answers);
    expect(requests.map((request) => request.items)).toEqual([[1], [2, 3], [4, 5]]);
  });
});
