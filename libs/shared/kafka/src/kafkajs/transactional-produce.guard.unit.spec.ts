import { guardProduce, TransactionalProduceFailedError } from './transactional-produce.guard';

describe('guardProduce', () => {
  const answers: Array<'ok' | Error> = [];
  let sent = 0;
  const produce = guardProduce(async () => {
    sent += 1;
    const answer = answers.shift() ?? 'ok';
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const tx = (producerEpoch: number) => ({ transactionalId: 'tx-a', producerId: 7, producerEpoch });

  beforeEach(() => {
    answers.length = 0;
    sent = 0;
  });

  it('refuses every later Produce of an epoch whose Produce failed, without sending it', async () => {
    await expect(produce(tx(1))).resolves.toBe('ok');
    answers.push(new Error('Closed connection'));
    await expect(produce(tx(1))).rejects.toThrow('Closed connection');
    const refused = produce(tx(1));
    await expect(refused).rejects.toBeInstanceOf(TransactionalProduceFailedError);
    await expect(refused).rejects.toMatchObject({ retriable: false });
    expect(sent).toBe(2);
  });

  it('lets the next epoch (after InitProducerId) and other transactional ids produce', async () => {
    answers.push(new Error('out of order sequence number'));
    await expect(produce(tx(3))).rejects.toThrow('out of order');
    await expect(produce(tx(4))).resolves.toBe('ok');
    await expect(produce({ ...tx(3), transactionalId: 'tx-b' })).resolves.toBe('ok');
  });

  it('leaves non-transactional producers to kafkajs retries', async () => {
    answers.push(new Error('Closed connection'));
    await expect(produce({ producerId: 9, producerEpoch: 0 })).rejects.toThrow('Closed');
    await expect(produce({ producerId: 9, producerEpoch: 0 })).resolves.toBe('ok');
  });
});
