import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { infraAddresses } from '@qf/shared-config';
import {
  fleetLogCreator,
  kafkaLogLevelFromEnv,
  rediscoverGroupCoordinators,
  retryGroupCoordinatorNotFound,
  stopIdleRequestQueueTimers,
} from './kafkajs';

/**
 * A kafkajs client for the configured brokers (KAFKA_BROKERS, else the local infra), with
 * the fleet's log creator. The log level is QF_KAFKA_LOG_LEVEL when set (it wins over
 * what the caller asks for, so an operator can always turn kafkajs up or down), else the
 * caller's, else warn. Every consumer group of the process finds its coordinator again when
 * the coordinator's broker dies (rediscoverGroupCoordinators), and a consumer whose join
 * found no coordinator yet is restarted (retryGroupCoordinatorNotFound). Connections with
 * nothing waiting keep no 1 ms timer (stopIdleRequestQueueTimers).
 */
export const createKafka = (clientId: string, overrides: Partial<KafkaConfig> = {}): Kafka => {
  rediscoverGroupCoordinators();
  retryGroupCoordinatorNotFound();
  stopIdleRequestQueueTimers();
  const { logLevel: asked, logCreator: _ignored, ...rest } = overrides;
  return new Kafka({
    clientId,
    brokers: infraAddresses().kafkaBrokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 100, retries: 8 },
    ...rest,
    logLevel: kafkaLogLevelFromEnv() ?? asked ?? logLevel.WARN,
    logCreator: fleetLogCreator,
  });
};
