export { infraAddresses, type InfraAddresses } from './infra-addresses';
export { intFromEnv, InvalidEnvironmentError, stringFromEnv } from './env';
export { findRepoRoot, repoRoot } from './repo-root';
