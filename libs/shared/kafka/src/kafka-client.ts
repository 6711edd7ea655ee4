import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { infraAddresses } from '@qf/shared-config';

const levelNames: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs as one JSON object per line on stderr, like every Quest Fleet service. */
const jsonLogCreator = () => (entry: LogEntry) => {
  const { message, ...rest } = entry.log;
  process.stderr.write(
    `${JSON.stringify({ level: levelNames[entry.level] ?? 'info', time: entry.log.timestamp, component: `kafkajs:${entry.namespace}`, msg: message, ...rest, timestamp: undefined })}\n`,
  );
};

const levelFromEnv = (): logLevel => {
  switch ((process.env['QF_KAFKA_LOG_LEVEL'] ?? 'warn').toLowerCase()) {
    case 'nothing':
      return logLevel.NOTHING;
    case 'error':
      return logLevel.ERROR;
    case 'info':
      return logLevel.INFO;
    case 'debug':
      return logLevel.DEBUG;
    default:
      return logLevel.WARN;
  }
};

/** A kafkajs client for the configured brokers (KAFKA_BROKERS, else the local infra). */
export const createKafka = (clientId: string, overrides: Partial<KafkaConfig> = {}): Kafka =>
  new Kafka({
    clientId,
    brokers: infraAddresses().kafkaBrokers,
    logLevel: levelFromEnv(),
    logCreator: jsonLogCreator,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 100, retries: 8 },
    ...overrides,
  });
