'use strict';
// Jest globalSetup for the integration tier: the tests talk to the real local Kafka,
// Mongo-wire server and Redis, so bring them up (idempotent, fast when already running)
// and hand their addresses to the test workers through the environment.
require('../../../../tools/register');

module.exports = async () => {
  // Services started by the tests run from dist/ (tools/run-service.js): compile what changed
  // once here rather than in the first service each test worker starts.
  await require('../../../../tools/build').build({
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const { createInfraContext, infraUp } = require('../../../ops/local-infra/src/index.ts');
  const ctx = createInfraContext();
  const addresses = await infraUp(ctx, { brokers: Number(process.env.QF_TEST_BROKERS ?? 1) });
  process.env.KAFKA_BROKERS = addresses.kafkaBrokers;
  process.env.MONGO_URL = addresses.mongoUrl;
  process.env.REDIS_URL = addresses.redisUrl;
};
