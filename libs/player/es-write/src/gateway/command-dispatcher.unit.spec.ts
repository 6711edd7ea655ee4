import type { Message } from 'kafkajs';
import { ApiError, decodeCommandRecord, EncodedAnswer, type ReplyView } from '@qf/contracts';
import type { PlayerCommand } from '@qf/player-domain';
import { CommandDispatcher, type DispatcherOptions } from './command-dispatcher';

const options: DispatcherOptions = {
  gatewayId: 'gw-1',
  replyPartition: 3,
  decisionTimeoutMs: 1000,
  lingerMs: 0,
  maxBatch: 100,
  maxInFlight: 1,
  maxPending: 100,
  maxUnsent: 100,
};

const move = (commandId: string, playerId = 'p-1'): PlayerCommand => ({
  type: 'MovePlayer',
  data: { playerId, toRoom: 'hall' },
  metadata: { commandId, correlationId: commandId, occurredAt: '2026-01-01T00:00:00.000Z' },
});

const replyTo = (
  commandId: string,
  body = `{"playerId":"p-1","version":2,"events":[]}`,
): ReplyView => ({
  commandId,
  gatewayId: 'gw-1',
  status: 200,
  duplicate: false,
  body: Buffer.from(body),
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A dispatcher whose produce calls are recorded and held until the test settles them,
 * in order, and whose clock the test moves.
 */
const setup = (overrides: Partial<DispatcherOptions> = {}) => {
  let now = 0;
  const produced: string[][] = [];
  const held: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const dispatcher = new CommandDispatcher(
    { ...options, ...overrides },
    (messages: Message[]) => {
      produced.push(
        messages.map(
          (message) => decodeCommandRecord(message.value as string).command.metadata.commandId,
        ),
      );
      return new Promise<void>((resolve, reject) => held.push({ resolve, reject }));
    },
    { now: () => now, wallNow: () => now },
  );
  return {
    dispatcher,
    produced,
    settle: async (error?: Error) => {
      await tick();
      const next = held.shift();
      if (!next) throw new Error('no produce in flight');
      if (error) next.reject(error);
      else next.resolve();
      await tick();
    },
    advance: (ms: number) => (now += ms),
  };
};

/** The outcome of a submit, as a value the test can compare. */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    (answer) =>
      answer instanceof EncodedAnswer
        ? `answer ${answer.status} ${answer.body.toString()}`
        : answer,
    (error: ApiError) => `${error.status} ${error.code}`,
  );

describe('CommandDispatcher', () => {
  it("answers a waiting request with the processor's bytes, as they are", async () => {
    const { dispatcher, settle } = setup();
    const answered = outcome(dispatcher.submit(move('c1'), '', 'wait'));
    await settle();
    const body = '{"playerId":"p-1","version":7,"events":[]}';
    expect(dispatcher.answer(replyTo('c1', body))).toBe(true);
    expect(await answered).toBe(`answer 200 ${body}`);
    expect(dispatcher.answer(replyTo('c1'))).toBe(false);
  });

  it('a failed produce fails only the request whose command it carried, not another waiting for the same id', async () => {
    const { dispatcher, settle, produced, advance } = setup();
    const first = outcome(dispatcher.submit(move('same-key'), 'h', 'wait'));
    await settle(); // the first try is in Kafka and will be decided
    // The client retries with the same Idempotency-Key while the first try waits; that send fails.
    const retry = outcome(dispatcher.submit(move('same-key'), 'h', 'wait'));
    await settle(new Error('broker unreachable'));
    expect(await retry).toBe('503 SERVICE.UNAVAILABLE');
    expect(dispatcher.pending).toBe(1);
    advance(100);
    dispatcher.answer(replyTo('same-key'));
    expect(await first).toMatch(/^answer 200/);
    expect(produced).toEqual([['same-key'], ['same-key']]);
  });

  it('refuses new commands at once for a moment after a produce failed (503 with Retry-After)', async () => {
    const { dispatcher, settle, advance } = setup();
    const doomed = outcome(dispatcher.submit(move('c1'), '', 'wait'));
    await settle(new Error('broker unreachable'));
    expect(await doomed).toBe('503 SERVICE.UNAVAILABLE');
    const refused = await dispatcher
      .submit(move('c2'), '', 'wait')
      .catch((error: ApiError) => error);
    expect(refused).toMatchObject({ status: 503, extensions: { retryAfter: 1 } });
    advance(600);
    expect(dispatcher.failing()).toBeUndefined();
  });

  it('sheds with 503 + Retry-After when maxPending requests already wait, and sends nothing for them', async () => {
    const { dispatcher, settle, produced } = setup({ maxPending: 2 });
    void dispatcher.submit(move('c1'), '', 'wait');
    void dispatcher.submit(move('c2'), '', 'wait');
    const shed = await dispatcher.submit(move('c3'), '', 'wait').catch((error: ApiError) => error);
    expect(shed).toBeInstanceOf(ApiError);
    expect(shed).toMatchObject({
      status: 503,
      code: 'SERVICE.OVERLOADED',
      retriable: true,
      extensions: { retryAfter: 1 },
    });
    await settle();
    expect(produced).toEqual([['c1', 'c2']]);
    dispatcher.answer(replyTo('c1'));
    void dispatcher.submit(move('c4'), '', 'wait');
    expect(dispatcher.pending).toBe(2);
  });

  it('sheds when maxUnsent commands wait to be sent behind a slow produce', async () => {
    const { dispatcher, produced } = setup({ maxUnsent: 2 });
    void dispatcher.submit(move('c1'), '', 'async');
    await tick(); // c1's window is out and held: what follows queues
    void dispatcher.submit(move('c2'), '', 'async');
    void dispatcher.submit(move('c3'), '', 'wait');
    expect(dispatcher.unsent).toBe(2);
    expect(await outcome(dispatcher.submit(move('c4'), '', 'async'))).toBe(
      '503 SERVICE.OVERLOADED',
    );
    expect(await outcome(dispatcher.submit(move('c5'), '', 'wait'))).toBe('503 SERVICE.OVERLOADED');
    expect(produced).toEqual([['c1']]);
  });

  it('answers 504 when no decision comes in time, and never produces a command whose request already got it', async () => {
    const { dispatcher, settle, produced, advance } = setup();
    const sentInTime = outcome(dispatcher.submit(move('c1'), '', 'wait'));
    await tick(); // c1 is being produced (held): c2 waits behind it
    const stuck = outcome(dispatcher.submit(move('c2'), '', 'wait'));
    advance(1000);
    dispatcher.expire();
    expect(await sentInTime).toBe('504 COMMAND.DECISION_TIMEOUT');
    expect(await stuck).toBe('504 COMMAND.DECISION_TIMEOUT');
    expect(dispatcher.pending).toBe(0);
    expect(dispatcher.unsent).toBe(0);
    await settle();
    await dispatcher.drain();
    expect(produced).toEqual([['c1']]);
  });

  it('answers async commands once Kafka has them, without waiting for a decision', async () => {
    const { dispatcher, settle, produced } = setup();
    const accepted = dispatcher.submit(move('c1', 'p-9'), '', 'async');
    await settle();
    await expect(accepted).resolves.toEqual({
      commandId: 'c1',
      playerId: 'p-9',
      status: 'pending',
    });
    expect(produced).toEqual([['c1']]);
    expect(dispatcher.pending).toBe(0);
  });
  it('with lingerRatePerMs, the send window follows the arrival rate up to lingerMs', async () => {
    let now = 1;
    const lingers: number[] = [];
    const dispatcher = new CommandDispatcher(
      { ...options, lingerMs: 5, lingerRatePerMs: 200, maxPending: 10_000 },
      async () => undefined,
      {
        now: () => now,
        wallNow: () => now,
        timers: {
          setTimeout: (callback, ms) => {
            lingers.push(ms);
            return setImmediate(callback);
          },
          clearTimeout: () => undefined,
          setImmediate: (callback) => {
            lingers.push(0);
            return setImmediate(callback);
          },
        },
      },
    );
    /** Submits `rate` commands/s for a second, one tick apart; returns the lingers asked. */
    const load = async (rate: number) => {
      lingers.length = 0;
      for (let index = 0; index < rate; index += 1) {
        now += 1000 / rate;
        void dispatcher.submit(move(`c-${rate}-${index}`), 'h', 'async');
        await tick();
      }
      return lingers.slice(-5);
    };
    // Idle, nothing is known of the rate: the first window closes at the end of its turn.
    await load(1);
    expect(lingers).toEqual([0]);
    // 200 commands/s: about 1 ms, the previous fixed default.
    for (const linger of await load(200)) expect(linger).toBeCloseTo(1, 0);
    // 2,000 commands/s and more: the longest window.
    expect(await load(2000)).toEqual([5, 5, 5, 5, 5]);
  });
});
