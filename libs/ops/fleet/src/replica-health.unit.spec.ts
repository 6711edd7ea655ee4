import { answeredByAnother, answeringPid } from './replica-health';

describe('which process answered a replica health probe', () => {
  const answer = (pid: unknown) => ({ status: 'ok', details: { process: { pid } } });

  it('reads the pid a service names in its health details', () => {
    expect(answeringPid(answer(4242))).toBe(4242);
    expect(answeringPid({ status: 'ok', details: {} })).toBeUndefined();
    expect(answeringPid(answer('4242'))).toBeUndefined();
    expect(answeringPid(undefined)).toBeUndefined();
  });

  it('flags an answer from another process than the one pm2 runs', () => {
    expect(answeredByAnother(answer(4242), 4242)).toBeUndefined();
    expect(answeredByAnother(answer(999), 4242)).toBe(999);
  });

  it('cannot tell when either pid is unknown, and then trusts the answer', () => {
    expect(answeredByAnother(answer(999), 0)).toBeUndefined();
    expect(answeredByAnother({ status: 'ok' }, 4242)).toBeUndefined();
  });
});
