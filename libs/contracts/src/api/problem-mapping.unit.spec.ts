import { grpcStatusFor, isDatabaseTimeout, problemFor } from './problem-mapping';

describe('problemFor', () => {
  it('names the body when the parser refused it whole', () => {
    expect(problemFor({ statusCode: 400, message: 'Unexpected end of JSON input' })).toMatchObject({
      status: 400,
      code: 'REQUEST.MALFORMED',
      errors: [{ field: '(body)' }],
    });
  });

  it('answers a database timeout with 504, retriable', () => {
    for (const error of [
      { code: 50, codeName: 'MaxTimeMSExpired' },
      Object.assign(new Error('timed out'), { name: 'MongoNetworkTimeoutError' }),
    ]) {
      expect(isDatabaseTimeout(error)).toBe(true);
      expect(problemFor(error)).toMatchObject({
        status: 504,
        code: 'DATABASE.TIMEOUT',
        retriable: true,
      });
    }
    expect(grpcStatusFor(504)).toBe(4);
    expect(grpcStatusFor(401)).toBe(16);
  });

  it('keeps everything else a 500 without details', () => {
    expect(problemFor(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      code: 'INTERNAL',
      detail: 'internal error',
    });
  });
});
