import { isUsableClusterId, kafkaNodeProperties, kafkaPorts, newClusterId } from './kafka-config';

const parse = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );

describe('kafkaNodeProperties', () => {
  it('describes one combined KRaft node with single-replica internal topics', () => {
    const props = parse(
      kafkaNodeProperties({ node: 1, nodes: 1, basePort: 9092, logDir: '/tmp/k' }),
    );
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'group.initial.rebalance.delay.ms': '0',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'log.dirs': '/tmp/k',
    });
  });

  it('gives a three-node cluster replication factor 3, min ISR 2 and three voters', () => {
    const props = parse(
      kafkaNodeProperties({ node: 2, nodes: 3, basePort: 9092, logDir: '/tmp/k2' }),
    );
    expect(props).toMatchObject({
      'node.id': '2',
      'controller.quorum.voters': '1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097',
      listeners: 'PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      // A killed broker is fenced (its partitions get new leaders) within seconds.
      'broker.session.timeout.ms': '3000',
      'broker.heartbeat.interval.ms': '500',
      // A killed active controller is replaced within about 1.5 s.
      'controller.quorum.fetch.timeout.ms': '1000',
      'controller.quorum.election.timeout.ms': '500',
    });
    expect(
      parse(kafkaNodeProperties({ node: 1, nodes: 1, basePort: 9092, logDir: '/tmp/k' }))[
        'broker.session.timeout.ms'
      ],
    ).toBeUndefined();
  });

  it('spaces node ports by two', () => {
    expect(kafkaPorts(3, 9092)).toEqual({ broker: 9096, controller: 9097 });
  });
});

describe('newClusterId', () => {
  it('never gives an id that kafka-storage would take for an option', () => {
    // The first byte 0xf8 encodes as '-' in base64url: the first draw is refused.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = newClusterId(() => draws.shift() ?? Buffer.alloc(16, 0x02));
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
  });

  it('isUsableClusterId refuses a leading dash and a wrong length', () => {
    expect(isUsableClusterId('-abcdefghijklmnopqrstu')).toBe(false);
    expect(isUsableClusterId('short')).toBe(false);
    expect(isUsableClusterId(`${newClusterId()}\n`)).toBe(true);
  });
});
