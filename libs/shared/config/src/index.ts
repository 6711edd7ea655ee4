export { infraAddresses, type InfraAddresses } from './infra-addresses';
export { intFromEnv, InvalidEnvironmentError, stringFromEnv } from './env';
