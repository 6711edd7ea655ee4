import type { FastifyReply } from 'fastify';
import { HandlerDeadlines } from './handler-deadlines';

/** The part of a Fastify reply the deadlines touch, recording what was sent. */
const fakeReply = () => {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    sent: false,
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header() {
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      reply.sent = true;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
};

describe('HandlerDeadlines', () => {
  let clock = 0;
  const deadlines = new HandlerDeadlines(1000, () => clock);
  afterAll(() => deadlines.stop());

  it('answers 504 REQUEST.TIMEOUT to a request still running past its limit, and only to it', () => {
    clock = 0;
    const slow = fakeReply();
    const fast = fakeReply();
    const slowDeadline = deadlines.track(slow.reply);
    const fastDeadline = deadlines.track(fast.reply);
    expect(fastDeadline.finish()).toBe(true);
    clock = 999;
    expect(deadlines.expire()).toBe(0);
    clock = 1001;
    expect(deadlines.expire()).toBe(1);
    expect(slow.sent).toMatchObject({
      status: 504,
      body: { code: 'REQUEST.TIMEOUT', retriable: true },
    });
    expect(fast.sent).toEqual({});
    // The handler's late answer must not be sent.
    expect(slowDeadline.finish()).toBe(false);
    expect(deadlines.size).toBe(0);
  });

  it('stops at the first request not yet due (deadlines come in arrival order)', () => {
    clock = 5000;
    const first = fakeReply();
    deadlines.track(first.reply);
    clock = 5500;
    const second = fakeReply();
    deadlines.track(second.reply);
    clock = 6200;
    expect(deadlines.expire()).toBe(1);
    expect(first.sent.status).toBe(504);
    expect(second.sent).toEqual({});
    expect(deadlines.size).toBe(1);
  });

  it('leaves alone a request whose answer was already sent another way', () => {
    clock = 10_000;
    deadlines.expire();
    const answered = fakeReply();
    deadlines.track(answered.reply);
    answered.reply.send({ ok: true });
    clock = 20_000;
    expect(deadlines.expire()).toBe(0);
    expect(answered.sent.body).toEqual({ ok: true });
  });
});
