export { infraAddresses, type InfraAddresses } from './infra-addresses';
export { boolFromEnv, intFromEnv, InvalidEnvironmentError, oneOfEnv, stringFromEnv } from './env';
export { findRepoRoot, repoRoot } from './repo-root';
export { seededRandom, type Random } from './seeded-random';
