import { randomUUID } from 'node:crypto';
import { topicNames } from '@qf/contracts';
import { aCommand } from '@qf/player-domain/testing';
import { createKafka } from '@qf/shared-kafka';
import { processorConfig } from '../config/write-path.config';
import { DirectCommands } from '../testing/direct-commands';
import { readEventLog } from '../testing/write-path.harness';
import { CommandProcessor } from './command-processor';

jest.setTimeout(300_000);

const minute = 60_000;

/**
 * The idempotency horizon is time, not a count: a processor in this process with a clock
 * the test moves, driven straight through Kafka (no gateway), against real topics.
 */
describe('idempotency horizon (simulated clock, real Kafka)', () => {
  const prefix = `int-horizon-${Date.now().toString(36)}-${randomUUID().slice(0, 4)}-`;
  const topics = topicNames(prefix);
  const env = {
    QF_TOPIC_PREFIX: prefix,
    QF_PARTITIONS: '2',
    QF_SESSION_TIMEOUT_MS: '6000',
    QF_IDEMPOTENCY_HORIZON_MS: String(15 * minute),
  };
  const kafka = createKafka(`${prefix}client`);
  const clock = { now: Date.now() };
  const direct = new DirectCommands(kafka, topics);
  const playerId = randomUUID();
  const started: CommandProcessor[] = [];
  const startProcessor = async () => {
    const processor = new CommandProcessor(processorConfig(`horizon-${started.length}`, env), {
      now: () => clock.now,
    });
    started.push(processor);
    await processor.start();
    return processor;
  };
  const eventsOfPlayer = async () =>
    (await readEventLog(topics, 2)).filter(
      (stored) => stored.event.metadata.aggregateId === playerId,
    );

  afterAll(async () => {
    await Promise.all(started.map((processor) => processor.stop()));
    await direct.stop();
    const admin = kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin
      .deleteTopics({ topics: Object.values(topics).filter((topic) => existing.has(topic)) })
      .catch(() => undefined);
    await admin.disconnect();
  });

  it('answers a keyed retry 10 minutes and 1,000 commands later with the first outcome, also after a failover, and appends nothing', async () => {
    const first = await startProcessor();
    await direct.start();
    await direct.send([
      { command: aCommand.register({ playerId }, { commandId: `${playerId}-reg` }) },
    ]);
    expect((await direct.reply(`${playerId}-reg`)).outcome.status).toBe('accepted');
    const keyed = aCommand.gainExperience({ playerId, amount: 5 }, { commandId: 'the-key' });
    await direct.send([{ command: keyed }]);
    const original = await direct.reply('the-key');
    expect(original).toMatchObject({ duplicate: false, outcome: { status: 'accepted' } });

    clock.now += 10 * minute;
    const later = Array.from({ length: 1000 }, (_, index) =>
      aCommand.move({ playerId, toRoom: `room-${index % 2}` }, { commandId: `move-${index}` }),
    );
    await direct.send(later.map((command) => ({ command })));
    await direct.reply('move-999');
    const logged = (await eventsOfPlayer()).length;
    expect(logged).toBe(1002);

    await direct.send([{ command: keyed }]);
    expect(await direct.reply('the-key', 2)).toEqual({ ...original, duplicate: true });
    // The same key with another body is refused, and the first outcome stays.
    await direct.send([{ command: keyed, requestHash: 'another-body' }]);
    expect((await direct.reply('the-key', 3)).outcome).toMatchObject({
      status: 'rejected',
      problem: { status: 422, code: 'IDEMPOTENCY.KEY_REUSED' },
    });

    // Fail over: a new processor restores the command ids from player.ledger.
    await first.stop();
    clock.now += minute;
    await startProcessor();
    await direct.send([{ command: keyed }]);
    expect(await direct.reply('the-key', 4)).toEqual({ ...original, duplicate: true });
    expect((await eventsOfPlayer()).length).toBe(logged);

    // Past the horizon the id is forgotten: the same key is a new command (documented bound).
    clock.now += 5 * minute;
    await direct.send([{ command: keyed }]);
    const forgotten = await direct.reply('the-key', 5);
    expect(forgotten.duplicate).toBe(false);
    expect(forgotten.outcome).toEqual(
      expect.objectContaining({
        status: 'accepted',
        result: expect.objectContaining({ version: 1003 }),
      }),
    );
  });
});
