import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { isNotServedYet } from './topics';

/** As kafkajs builds its protocol errors from a broker's error code (its typings only admit a message). */
const protocolError = (type: string, code: number, message: string) =>
  new KafkaJSProtocolError({ message, type, code, retriable: code === 3 } as unknown as Error);

describe('isNotServedYet: a topic created a moment ago that its leader does not serve yet', () => {
  const notHosted = protocolError(
    'UNKNOWN_TOPIC_OR_PARTITION',
    3,
    'This server does not host this topic-partition',
  );

  it('recognises kafkajs’ protocol error, thrown as is or as a retrier’s cause', () => {
    expect(isNotServedYet(notHosted)).toBe(true);
    expect(
      isNotServedYet(
        new KafkaJSNumberOfRetriesExceeded(notHosted, { retryCount: 5, retryTime: 1000 }),
      ),
    ).toBe(true);
  });

  it('leaves every other failure alone', () => {
    expect(isNotServedYet(protocolError('TOPIC_ALREADY_EXISTS', 36, 'Topic already exists'))).toBe(
      false,
    );
    expect(isNotServedYet(new Error('connect ECONNREFUSED'))).toBe(false);
    expect(isNotServedYet(undefined)).toBe(false);
  });
});
