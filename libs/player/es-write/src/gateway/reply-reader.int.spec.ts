import type { Admin, Producer } from 'kafkajs';
import { encodeCommandReply, type ReplyView } from '@qf/contracts';
import { toCommandResult } from '@qf/player-wire';
import { createKafka, ensureTopics } from '@qf/shared-kafka';
import { createLogger } from '@qf/shared-observability';
import { eventually, uniqueName } from '@qf/shared-testing';
import { ReplyReader } from './reply-reader';

const reply = (commandId: string, gatewayId = 'gw-a') =>
  encodeCommandReply(
    {
      commandId,
      gatewayId,
      duplicate: false,
      outcome: { status: 'accepted', result: toCommandResult('p-1', 1, []) },
    },
    1,
  );

describe('ReplyReader (real Kafka)', () => {
  const kafka = createKafka(uniqueName('int-reply-reader'));
  const topic = uniqueName('replies');
  let admin: Admin;
  let producer: Producer;
  let reader: ReplyReader | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
  });

  afterAll(async () => {
    await reader?.stop();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  const send = (...commandIds: Array<string | [string, string]>) =>
    producer.send({
      topic,
      messages: commandIds.map((id) => (Array.isArray(id) ? reply(id[0], id[1]) : reply(id))),
    });

  it('hands over every reply sent after start, across a crash and restart of the consumer', async () => {
    await send('before-start');
    const end = (await admin.fetchTopicOffsets(topic)).find((entry) => entry.partition === 1)!.high;
    const delivered: ReplyView[] = [];
    let crashOn: string | undefined = 'r2';
    const crashes: boolean[] = [];
    reader = new ReplyReader(
      kafka,
      {
        topic,
        partition: 1,
        groupId: uniqueName('reply-reader'),
        gatewayId: 'gw-a',
        readUncommitted: false,
        // A failure while handling a reply: kafkajs gives up at once, crashes the consumer and restarts it.
        retry: { retries: 0, initialRetryTime: 300 },
        onReply: (view) => {
          if (view.commandId === crashOn) {
            crashOn = undefined;
            // Sent while the consumer is down, before it has joined again.
            void send('r3', 'r4');
            throw new Error('handler failed');
          }
          delivered.push(view);
        },
      },
      createLogger('test', 'reply-reader'),
    );
    const consumer = await reader.start(end);
    consumer.on(consumer.events.CRASH, ({ payload }) => crashes.push(payload.restart));

    await send('r1', ['other', 'gw-b'], 'r2');
    await eventually(
      () => expect(delivered.map((view) => view.commandId)).toEqual(['r1', 'r2', 'r3', 'r4']),
      { timeoutMs: 30_000 },
    );
    expect(crashes).toEqual([true]);
    expect(delivered[0]).toMatchObject({ gatewayId: 'gw-a', status: 200 });
    expect(JSON.parse(delivered[0]!.body.toString())).toEqual(toCommandResult('p-1', 1, []));
  });
  it('starts a new consumer itself when kafkajs gives one up (a crash it does not restart), and says so in its health', async () => {
    await reader?.stop();
    const end = (await admin.fetchTopicOffsets(topic)).find((entry) => entry.partition === 0)!.high;
    const delivered: string[] = [];
    const crashes: boolean[] = [];
    let failOn: string | undefined = 'q2';
    let healthWhileDown: true | string = true;
    const current: { reader?: ReplyReader } = {};
    current.reader = reader = new ReplyReader(
      kafka,
      {
        topic,
        partition: 0,
        groupId: uniqueName('reply-reader'),
        gatewayId: 'gw-a',
        readUncommitted: false,
        retry: { retries: 0, initialRetryTime: 300 },
        // Every consumer the reader makes, the replacement included.
        instrument: (consumer) =>
          consumer.on(consumer.events.CRASH, ({ payload }) => {
            crashes.push(payload.restart);
            // After the reader's own listener (registered later) has seen the crash.
            setImmediate(() => (healthWhileDown = current.reader?.health() ?? true));
          }),
        onReply: (view) => {
          if (view.commandId === failOn) {
            failOn = undefined;
            void producer.send({ topic, messages: [{ ...reply('q3'), partition: 0 }] });
            // A TypeError is one kafkajs never retries: the consumer crashes with restart false.
            throw new TypeError('handler bug');
          }
          delivered.push(view.commandId);
        },
      },
      createLogger('test', 'reply-reader'),
    );
    await reader.start(end);
    await producer.send({
      topic,
      messages: ['q1', 'q2'].map((id) => ({ ...reply(id), partition: 0 })),
    });
    await eventually(() => expect(delivered).toEqual(['q1', 'q2', 'q3']), { timeoutMs: 30_000 });
    expect(crashes).toEqual([false]);
    expect(healthWhileDown).toMatch(/^reply consumer down: /);
    await eventually(() => expect(reader?.health()).toBe(true), { timeoutMs: 10_000 });
  });
});
