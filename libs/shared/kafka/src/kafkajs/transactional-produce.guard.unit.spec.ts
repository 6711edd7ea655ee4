import {
  guardProduce,
  installTransactionalGuard,
  TransactionalProduceFailedError,
  createTransactionalSendGuard,
  wrapInsideTransactionalGuard,
  type BrokerRequest,
} from './transactional-produce.guard';

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

describe('installTransactionalGuard', () => {
  type Fields = { transactionalId?: string; producerId?: string; producerEpoch?: number };
  const setup = () => {
    const sent: string[] = [];
    const failNext = new Map<string, Error>();
    const request = (name: string) =>
      async function (this: unknown, _fields: unknown) {
        sent.push(name);
        const error = failNext.get(name);
        failNext.delete(name);
        if (error) throw error;
        return name === 'initProducerId' ? { producerId: '7', producerEpoch: 2 } : name;
      };
    const broker: Record<string, BrokerRequest> = Object.fromEntries(
      ['produce', 'addPartitionsToTxn', 'endTxn', 'initProducerId'].map((name) => [
        name,
        request(name),
      ]),
    );
    let lookupFails = false;
    const cluster = {
      findGroupCoordinator: async (_: { groupId: string; coordinatorType?: number }) => {
        if (lookupFails) throw new Error('coordinator not available');
        return 'coordinator';
      },
    };
    installTransactionalGuard(broker, cluster, createTransactionalSendGuard());
    const call = (name: string, fields: Fields & { transactionResult?: boolean }) =>
      (broker[name] as BrokerRequest).call({}, fields);
    const epoch2 = { transactionalId: 'tx-a', producerId: '7', producerEpoch: 2 };
    return {
      sent,
      failNext,
      call,
      epoch2,
      cluster,
      broker,
      failLookups: () => void (lookupFails = true),
    };
  };

  it('a failed AddPartitionsToTxn refuses the Produce, AddPartitionsToTxn and EndTxn that follow in its epoch', async () => {
    const { sent, failNext, call, epoch2 } = setup();
    failNext.set('addPartitionsToTxn', new Error('NOT_COORDINATOR'));
    await expect(call('addPartitionsToTxn', epoch2)).rejects.toThrow('NOT_COORDINATOR');
    for (const name of ['produce', 'addPartitionsToTxn'])
      await expect(call(name, epoch2)).rejects.toBeInstanceOf(TransactionalProduceFailedError);
    // A send retried with nothing left to send must not commit what it skipped.
    await expect(call('endTxn', { ...epoch2, transactionResult: true })).rejects.toBeInstanceOf(
      TransactionalProduceFailedError,
    );
    expect(sent).toEqual(['addPartitionsToTxn']);
  });

  it('a failed transaction coordinator lookup marks the epoch of the last InitProducerId', async () => {
    const { sent, call, epoch2, cluster, failLookups } = setup();
    await call('initProducerId', { transactionalId: 'tx-a' });
    failLookups();
    await expect(
      cluster.findGroupCoordinator({ groupId: 'tx-a', coordinatorType: 1 }),
    ).rejects.toThrow('not available');
    await expect(call('produce', epoch2)).rejects.toBeInstanceOf(TransactionalProduceFailedError);
    // A consumer group's lookup, or the next epoch, is not affected.
    await expect(
      cluster.findGroupCoordinator({ groupId: 'tx-b', coordinatorType: 0 }),
    ).rejects.toThrow();
    await expect(call('produce', { ...epoch2, producerEpoch: 3 })).resolves.toBe('produce');
    await expect(call('produce', { ...epoch2, transactionalId: 'tx-b' })).resolves.toBe('produce');
    expect(sent).toEqual(['initProducerId', 'produce', 'produce']);
  });

  it('a patch installed later goes inside the guard, which judges only what it finally returns', async () => {
    const { sent, failNext, call, epoch2, broker } = setup();
    // As retryConcurrentTransactions does: ask again while the answer is CONCURRENT_TRANSACTIONS.
    wrapInsideTransactionalGuard(
      broker,
      'addPartitionsToTxn',
      (inner) =>
        async function (this: unknown, fields: unknown) {
          try {
            return await inner.call(this, fields);
          } catch {
            return inner.call(this, fields);
          }
        },
    );
    failNext.set('addPartitionsToTxn', new Error('CONCURRENT_TRANSACTIONS'));
    await expect(call('addPartitionsToTxn', epoch2)).resolves.toBe('addPartitionsToTxn');
    await expect(call('produce', epoch2)).resolves.toBe('produce');
    await expect(call('endTxn', { ...epoch2, transactionResult: true })).resolves.toBe('endTxn');
    expect(sent).toEqual(['addPartitionsToTxn', 'addPartitionsToTxn', 'produce', 'endTxn']);
  });
});
