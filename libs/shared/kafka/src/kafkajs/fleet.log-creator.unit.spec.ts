import { logLevel, type LogEntry } from 'kafkajs';
import { fleetLogCreator, isRoutineKafkaLine, kafkaLogLevelFromEnv } from './fleet.log-creator';

const entry = (
  level: logLevel,
  message: string,
  extra: Record<string, unknown> = {},
): LogEntry => ({
  namespace: 'Connection',
  level,
  label: 'ERROR',
  log: { timestamp: '2026-01-01T00:00:00.000Z', message, ...extra },
});

const captured = (threshold: logLevel, log: LogEntry): Array<Record<string, unknown>> => {
  const lines: string[] = [];
  const spy = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  try {
    fleetLogCreator(threshold)(log);
  } finally {
    spy.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('the fleet kafkajs log creator', () => {
  it.each([
    [
      'CONCURRENT_TRANSACTIONS',
      'Response AddPartitionsToTxn(key: 24, version: 1)',
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
    ],
    [
      'NOT_COORDINATOR',
      'Response TxnOffsetCommit(key: 28, version: 0)',
      'This is not the correct coordinator for this group',
    ],
    [
      'a loading coordinator',
      'Response FindCoordinator(key: 10, version: 2)',
      "The coordinator is loading and hence can't process requests for this group",
    ],
    [
      'a leader election',
      'Response Metadata(key: 3, version: 6)',
      'There is no leader for this topic-partition as we are in the middle of a leadership election',
    ],
    ['a rebalance', 'The group is rebalancing, re-joining', undefined],
  ])(
    'writes a routine retried answer (%s) at debug, so an error line means an error',
    (_, message, error) => {
      const log = entry(logLevel.ERROR, message, error === undefined ? {} : { error });
      expect(captured(logLevel.WARN, log)).toEqual([]);
      expect(captured(logLevel.DEBUG, log)).toEqual([
        expect.objectContaining({ level: 'debug', msg: message, component: 'kafkajs:Connection' }),
      ]);
    },
  );

  it('keeps real errors at error, one JSON object per line', () => {
    const lines = captured(
      logLevel.WARN,
      entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
    );
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', time: '2026-01-01T00:00:00.000Z' }),
    ]);
    expect(
      isRoutineKafkaLine(
        'Messages are rejected since there are fewer in-sync replicas than required',
      ),
    ).toBe(false);
  });

  it('reads QF_KAFKA_LOG_LEVEL and refuses an unknown level, naming the variable', () => {
    expect(kafkaLogLevelFromEnv({})).toBeUndefined();
    expect(kafkaLogLevelFromEnv({ QF_KAFKA_LOG_LEVEL: 'DEBUG' })).toBe(logLevel.DEBUG);
    expect(kafkaLogLevelFromEnv({ QF_KAFKA_LOG_LEVEL: 'nothing' })).toBe(logLevel.NOTHING);
    expect(() => kafkaLogLevelFromEnv({ QF_KAFKA_LOG_LEVEL: 'loud' })).toThrow(
      /QF_KAFKA_LOG_LEVEL="loud"/,
    );
  });
});
